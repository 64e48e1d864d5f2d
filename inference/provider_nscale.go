package inference

// nscale serves chat and the OpenAI images API, which answers in base64.
var nscale = &provider{
	baseURL: "https://inference.api.nscale.com",
	tasks: map[Task]*taskHelper{
		TaskConversational: openAIChat(),
		TaskTextToImage: {
			route:    compatRoute("/v1/images/generations"),
			body:     nscaleTextToImageBody,
			response: compatImagesResponse,
		},
	},
}

// nscaleTextToImageBody asks for a base64 image with width and height as
// a "WxH" size; the API has no step count nor cfg scale.
func nscaleTextToImageBody(tc *taskCall) (*taskBody, error) {
	params := compatParams(tc, nil, "num_inference_steps", "cfg_scale")
	compatSize(params)
	fixed := map[string]any{"response_format": "b64_json", "prompt": tc.inputs, "model": tc.target.model}
	return compatBody(tc, params, fixed)
}
