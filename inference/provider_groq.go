package inference

var groq = &provider{
	baseURL: "https://api.groq.com",
	tasks:   map[Task]*taskHelper{TaskConversational: chatAt("/openai/v1/chat/completions")},
}
