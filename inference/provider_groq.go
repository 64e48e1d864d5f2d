package inference

// groq serves chat, and text generation at the same chat endpoint (the
// prompt sent as a user message), which is where the JS client sends it.
var groq = &provider{
	baseURL: "https://api.groq.com",
	tasks: map[Task]*taskHelper{
		TaskConversational: chatAt("/openai/v1/chat/completions"),
		TaskTextGeneration: compatChatGeneration("/openai/v1/chat/completions"),
	},
}
