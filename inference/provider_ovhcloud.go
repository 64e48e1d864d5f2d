package inference

// ovhcloud serves chat and the OpenAI completions API, max_new_tokens
// counted as max_tokens.
var ovhcloud = &provider{
	baseURL: "https://oai.endpoints.kepler.ai.cloud.ovh.net",
	tasks: map[Task]*taskHelper{
		TaskConversational: openAIChat(),
		TaskTextGeneration: compatCompletions("/v1/completions", true),
	},
}
