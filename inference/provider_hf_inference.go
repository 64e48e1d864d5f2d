package inference

// hfInference is Hugging Face's own serverless inference, reached only
// through the router, at a per-model path. It takes the TGI spelling of a
// JSON schema format.
var hfInference = &provider{
	routerOnly: true,
	tasks: map[Task]*taskHelper{TaskConversational: {
		route: func(model string) string { return "/models/" + model + "/v1/chat/completions" },
		chat: func(p *chatPayload) {
			if s, ok := p.jsonSchema(); ok {
				p.responseFormat = map[string]any{"type": "json_object", "value": s}
			}
		},
	}},
}
