package inference

// scaleway serves chat and the OpenAI completions and embeddings APIs.
// Text generation goes to /v1/completions as the JS client sends it, but
// with the parameters flat (max_new_tokens counted as max_tokens), as an
// OpenAI completions API reads them; the JS client also nests them under
// "parameters", where such an API ignores them.
var scaleway = &provider{
	baseURL: "https://api.scaleway.ai",
	tasks: map[Task]*taskHelper{
		TaskConversational:    openAIChat(),
		TaskTextGeneration:    compatCompletions("/v1/completions", true),
		TaskFeatureExtraction: compatEmbeddings("/v1/embeddings", true),
	},
}
