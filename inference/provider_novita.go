package inference

var novita = &provider{
	baseURL: "https://api.novita.ai",
	tasks:   map[Task]*taskHelper{TaskConversational: chatAt("/v3/openai/chat/completions")},
}
