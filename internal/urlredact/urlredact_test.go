package urlredact_test

import (
	"testing"

	"github.com/tiny-agents-go/tiny-agents/internal/urlredact"
)

func TestURL(t *testing.T) {
	tests := map[string]string{
		"http://user:pass@127.0.0.1:8080/v1?api_key=k#frag": "http://127.0.0.1:8080/v1",
		"https://user@host/p":                               "https://host/p",
		"https://host/p?":                                   "https://host/p",
		"https://host/a%2Fb?x=1":                            "https://host/a%2Fb",
		"http://host/@user/x?k=v":                           "http://host/@user/x",
		"http://u:p@[::1/?k=v":                              "http://[::1/",
		"http://u:pa/ss@host/p?k":                           "http://host/p",
		"meta-llama/Llama-3.1-8B-Instruct":                  "meta-llama/Llama-3.1-8B-Instruct",
		"org/model:fastest":                                 "org/model:fastest",
		"":                                                  "",
	}
	for in, want := range tests {
		if got := urlredact.URL(in); got != want {
			t.Errorf("urlredact.URL(%q) = %q, want %q", in, got, want)
		}
	}
}
