package inference

// hyperbolic serves chat at the OpenAI path; the references dropped it in
// 2026 but Hub mappings to it still resolve.
var hyperbolic = &provider{
	baseURL: "https://api.hyperbolic.xyz",
	tasks:   map[Task]*taskHelper{TaskConversational: openAIChat()},
}
