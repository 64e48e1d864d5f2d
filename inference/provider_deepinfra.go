package inference

// deepinfra exposes OpenAI-compatible endpoints under /v1/openai: chat,
// completions (max_new_tokens counted as max_tokens), embeddings, speech,
// image generation, and transcriptions, which take the sound as a
// multipart form.
var deepinfra = &provider{
	baseURL: "https://api.deepinfra.com",
	tasks: map[Task]*taskHelper{
		TaskConversational:    chatAt("/v1/openai/chat/completions"),
		TaskTextGeneration:    compatCompletions("/v1/openai/completions", true),
		TaskFeatureExtraction: compatEmbeddings("/v1/openai/embeddings", true),
		TaskTextToSpeech:      compatSpeech("/v1/openai/audio/speech"),
		TaskTextToImage: {
			route:    compatRoute("/v1/openai/images/generations"),
			body:     deepinfraTextToImageBody,
			response: compatImagesResponse,
		},
		TaskAutomaticSpeechRecognition: compatTranscription("/v1/openai/audio/transcriptions", false),
	},
}

// deepinfraTextToImageBody asks the images API for a base64 image of the
// prompt; the parameters go as they are.
func deepinfraTextToImageBody(tc *taskCall) (*taskBody, error) {
	fixed := map[string]any{"prompt": tc.inputs, "response_format": "b64_json", "model": tc.target.model}
	return compatBody(tc, compatParams(tc, nil), fixed)
}
