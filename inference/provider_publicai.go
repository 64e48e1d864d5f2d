package inference

var publicAI = &provider{
	baseURL: "https://api.publicai.co",
	tasks:   map[Task]*taskHelper{TaskConversational: openAIChat()},
}
