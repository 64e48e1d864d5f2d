package inference

var featherless = &provider{
	baseURL: "https://api.featherless.ai",
	tasks:   map[Task]*taskHelper{TaskConversational: openAIChat()},
}
