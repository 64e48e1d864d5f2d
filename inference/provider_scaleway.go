package inference

// scaleway serves chat and the OpenAI embeddings API.
var scaleway = &provider{
	baseURL: "https://api.scaleway.ai",
	tasks: map[Task]*taskHelper{
		TaskConversational:    openAIChat(),
		TaskFeatureExtraction: compatEmbeddings("/v1/embeddings", true),
	},
}
