package inference

var scaleway = &provider{
	baseURL: "https://api.scaleway.ai",
	tasks:   map[Task]*taskHelper{TaskConversational: openAIChat()},
}
