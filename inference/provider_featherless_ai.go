package inference

// featherless serves chat and the OpenAI completions API, which counts
// new tokens as max_tokens.
var featherless = &provider{
	baseURL: "https://api.featherless.ai",
	tasks: map[Task]*taskHelper{
		TaskConversational: openAIChat(),
		TaskTextGeneration: compatCompletions("/v1/completions", true),
	},
}
