package inference

// together takes {"type":"json_schema","schema":S}, without the envelope.
var together = &provider{
	baseURL: "https://api.together.xyz",
	tasks: map[Task]*taskHelper{TaskConversational: {
		route: openAIChat().route,
		chat: func(p *chatPayload) {
			if s, ok := p.jsonSchema(); ok {
				p.responseFormat = map[string]any{"type": "json_schema", "schema": s}
			}
		},
	}},
}
