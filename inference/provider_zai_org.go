package inference

import "net/http"

// zaiOrg needs two headers of its own on every request.
var zaiOrg = &provider{
	baseURL: "https://api.z.ai",
	tasks: map[Task]*taskHelper{TaskConversational: {
		route:   func(string) string { return "/api/paas/v4/chat/completions" },
		headers: zaiHeaders,
	}},
}

func zaiHeaders(h http.Header) {
	h.Set("Accept-Language", "en-US,en")
	h.Set("X-Source-Channel", "hugging_face")
}
