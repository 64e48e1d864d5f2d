package urlredact_test

import (
	"net/url"
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

func TestOrigin(t *testing.T) {
	same := [][2]string{
		{"http://h/a", "http://h:80/b?q"},
		{"https://H:443/", "https://h/x"},
		{"http://u:p@127.0.0.1:8080/", "http://127.0.0.1:8080/other"},
	}
	for _, p := range same {
		a, _ := url.Parse(p[0])
		b, _ := url.Parse(p[1])
		if urlredact.Origin(a) != urlredact.Origin(b) {
			t.Errorf("%s and %s: %s != %s", p[0], p[1], urlredact.Origin(a), urlredact.Origin(b))
		}
	}
	differ := [][2]string{{"http://h/", "https://h/"}, {"http://h/", "http://h:8080/"}, {"http://h/", "http://g/"}}
	for _, p := range differ {
		a, _ := url.Parse(p[0])
		b, _ := url.Parse(p[1])
		if urlredact.Origin(a) == urlredact.Origin(b) {
			t.Errorf("%s and %s share an origin: %s", p[0], p[1], urlredact.Origin(a))
		}
	}
}
