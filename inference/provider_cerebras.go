package inference

var cerebras = &provider{
	baseURL: "https://api.cerebras.ai",
	tasks:   map[Task]*taskHelper{TaskConversational: openAIChat()},
}
