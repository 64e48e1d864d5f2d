package inference

import (
	"context"
	"errors"
)

// hyperbolic serves chat at the OpenAI path; the references dropped it in
// 2026 but Hub mappings to it still resolve. Its text generation goes
// through chat (the prompt as one user message) and its images API
// answers {"images": [{"image": base64}]}.
var hyperbolic = &provider{
	baseURL: "https://api.hyperbolic.xyz",
	tasks: map[Task]*taskHelper{
		TaskConversational: openAIChat(),
		TaskTextGeneration: {
			route:    openAIChat().route,
			body:     hyperbolicTextGenerationBody,
			response: compatCompletionsResponse,
		},
		TaskTextToImage: {
			route:    compatRoute("/v1/images/generations"),
			body:     hyperbolicTextToImageBody,
			response: hyperbolicImageResponse,
		},
	},
}

// hyperbolicTextGenerationBody is a chat request with the prompt as the
// user message and max_new_tokens as max_tokens. Chat streams do not have
// the shape of completion streams, so streaming is refused.
func hyperbolicTextGenerationBody(tc *taskCall) (*taskBody, error) {
	if tc.stream {
		return nil, errors.New("hyperbolic serves text generation through chat, which this package does not stream as text generation; use ChatCompletionStream")
	}
	params := compatParams(tc, map[string]string{"max_new_tokens": "max_tokens"})
	fixed := map[string]any{
		"messages": []any{map[string]any{"role": "user", "content": tc.inputs}},
		"model":    tc.target.model,
	}
	return compatBody(tc, params, fixed)
}

// hyperbolicTextToImageBody names the model model_name, the step count
// steps and the guidance cfg_scale; width and height, which the API
// requires, default to 512.
func hyperbolicTextToImageBody(tc *taskCall) (*taskBody, error) {
	params := compatParams(tc, map[string]string{"num_inference_steps": "steps", "guidance_scale": "cfg_scale"})
	for _, k := range []string{"width", "height"} {
		if _, ok := params[k]; !ok {
			params[k] = 512
		}
	}
	return compatBody(tc, params, map[string]any{"prompt": tc.inputs, "model_name": tc.target.model})
}

// hyperbolicImageResponse decodes the first base64 image of the answer.
func hyperbolicImageResponse(_ context.Context, tc *taskCall, r *rawResponse) (*rawResponse, error) {
	var wire struct {
		Images []struct {
			Image string `json:"image"`
		} `json:"images"`
	}
	if err := tc.decodeJSON(r, &wire); err != nil {
		return nil, err
	}
	if len(wire.Images) == 0 || wire.Images[0].Image == "" {
		return nil, tc.unexpected(r, "no images[0].image")
	}
	return compatDecodeMedia(tc, r, wire.Images[0].Image)
}
