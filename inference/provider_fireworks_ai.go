package inference

var fireworks = &provider{
	baseURL: "https://api.fireworks.ai",
	tasks: map[Task]*taskHelper{TaskConversational: {
		route: func(string) string { return "/inference/v1/chat/completions" },
		chat:  schemaAsJSONObject,
	}},
}
