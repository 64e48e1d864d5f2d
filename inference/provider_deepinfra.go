package inference

var deepinfra = &provider{
	baseURL: "https://api.deepinfra.com",
	tasks:   map[Task]*taskHelper{TaskConversational: chatAt("/v1/openai/chat/completions")},
}
