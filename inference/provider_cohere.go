package inference

var cohere = &provider{
	baseURL: "https://api.cohere.com",
	tasks: map[Task]*taskHelper{TaskConversational: {
		route: func(string) string { return "/compatibility/v1/chat/completions" },
		chat:  schemaAsJSONObject,
	}},
}

// schemaAsJSONObject rewrites a JSON schema format as
// {"type":"json_object","schema":S} (cohere, fireworks-ai).
func schemaAsJSONObject(p *chatPayload) {
	if s, ok := p.jsonSchema(); ok {
		p.responseFormat = map[string]any{"type": "json_object", "schema": s}
	}
}
