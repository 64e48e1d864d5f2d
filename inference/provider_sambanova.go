package inference

// sambanova rejects strict schemas: strict is sent as false unless the
// caller already set it to false.
var sambanova = &provider{
	baseURL: "https://api.sambanova.ai",
	tasks: map[Task]*taskHelper{TaskConversational: {
		route: openAIChat().route,
		chat: func(p *chatPayload) {
			rf := p.in.ResponseFormat
			if rf == nil || rf.Type != "json_schema" || rf.JSONSchema == nil {
				return
			}
			if rf.JSONSchema.Strict == nil || *rf.JSONSchema.Strict {
				loose := *rf.JSONSchema
				loose.Strict = Ptr(false)
				p.responseFormat = &ResponseFormat{Type: rf.Type, JSONSchema: &loose, Value: rf.Value}
			}
		},
	}},
}
