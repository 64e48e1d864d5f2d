package inference

// nebius keeps the response format and adds the schema as guided_json.
var nebius = &provider{
	baseURL: "https://api.studio.nebius.ai",
	tasks: map[Task]*taskHelper{TaskConversational: {
		route: openAIChat().route,
		chat: func(p *chatPayload) {
			if s, ok := p.jsonSchema(); ok {
				p.extra = map[string]any{"guided_json": s}
			}
		},
	}},
}
