package inference

// openAI is called with an OpenAI key only, with OpenAI model ids ("gpt-4o";
// an "openai/" prefix is dropped).
var openAI = &provider{
	baseURL:    "https://api.openai.com",
	ownKeyOnly: true,
	tasks:      map[Task]*taskHelper{TaskConversational: openAIChat()},
}
