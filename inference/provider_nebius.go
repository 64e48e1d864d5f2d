package inference

// nebius keeps the response format and adds the schema as guided_json.
// Its other tasks speak the OpenAI completions, embeddings and images APIs.
var nebius = &provider{
	baseURL: "https://api.studio.nebius.ai",
	tasks: map[Task]*taskHelper{
		TaskConversational: {
			route: openAIChat().route,
			chat: func(p *chatPayload) {
				if s, ok := p.jsonSchema(); ok {
					p.extra = map[string]any{"guided_json": s}
				}
			},
		},
		TaskTextGeneration: compatCompletions("/v1/completions", false),
		// The embeddings API takes the OpenAI parameters only.
		TaskFeatureExtraction: compatEmbeddings("/v1/embeddings", false),
		TaskTextToImage: {
			route:    compatRoute("/v1/images/generations"),
			body:     nebiusTextToImageBody,
			response: compatImagesResponse,
		},
	},
}

// nebiusTextToImageBody asks for a base64 image; the images API has no
// guidance scale.
func nebiusTextToImageBody(tc *taskCall) (*taskBody, error) {
	fixed := map[string]any{"prompt": tc.inputs, "response_format": "b64_json", "model": tc.target.model}
	return compatBody(tc, compatParams(tc, nil, "guidance_scale"), fixed)
}
