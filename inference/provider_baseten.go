package inference

var baseten = &provider{
	baseURL: "https://inference.baseten.co",
	tasks:   map[Task]*taskHelper{TaskConversational: openAIChat()},
}
