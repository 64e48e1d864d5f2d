package inference

var nscale = &provider{
	baseURL: "https://inference.api.nscale.com",
	tasks:   map[Task]*taskHelper{TaskConversational: openAIChat()},
}
