package inference_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

// headerRecorder is a loopback server that records the headers of each
// request and answers with a chat completion, or with a redirect while
// redirects are queued.
type headerRecorder struct {
	*httptest.Server
	mu        sync.Mutex
	got       []http.Header
	redirects []string // Location of the next answers, in order
}

func newHeaderRecorder(t *testing.T) *headerRecorder {
	t.Helper()
	h := &headerRecorder{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		h.mu.Lock()
		h.got = append(h.got, r.Header.Clone())
		var loc string
		if len(h.redirects) > 0 {
			loc, h.redirects = h.redirects[0], h.redirects[1:]
		}
		h.mu.Unlock()
		if loc != "" {
			http.Redirect(w, r, loc, http.StatusTemporaryRedirect)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}`)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *headerRecorder) redirect(locs ...string) {
	h.mu.Lock()
	h.redirects = append(h.redirects, locs...)
	h.mu.Unlock()
}

func (h *headerRecorder) headers() []http.Header {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.got
}

// secretHeaders are the credential-bearing headers a request starts with:
// the token, cookies, and caller headers that include the provider key
// names (black-forest-labs' X-Key, the x-api-key and api-key of other APIs)
// and a name nobody knows.
var secretHeaders = []string{"Authorization", "Cookie", "X-Key", "X-Api-Key", "Api-Key", "Proxy-Authorization", "X-My-Secret"}

func redirectClient(t *testing.T, baseURL string, opts ...inference.Option) *inference.Client {
	t.Helper()
	return newClient(t, append([]inference.Option{
		inference.WithBaseURL(baseURL), inference.WithToken("hf_secret"),
		inference.WithCookies(&http.Cookie{Name: "session", Value: "secret"}),
		inference.WithHeaders(map[string]string{
			"X-Key": "secret", "x-api-key": "secret", "api-key": "secret",
			"Proxy-Authorization": "Basic secret", "X-My-Secret": "secret",
		}),
		inference.WithMaxRetries(0),
	}, opts...)...)
}

// TestRedirectToAnotherHostDropsCredentials redirects from one loopback
// server to another on a different port: a different origin, although
// net/http counts the same host on another port as the same host.
func TestRedirectToAnotherHostDropsCredentials(t *testing.T) {
	clients := map[string]func() []inference.Option{
		"own client": func() []inference.Option { return nil },
		"caller's client with CheckRedirect": func() []inference.Option {
			tr := &http.Transport{}
			t.Cleanup(tr.CloseIdleConnections)
			return []inference.Option{inference.WithHTTPClient(&http.Client{Transport: tr, CheckRedirect: inference.CheckRedirect})}
		},
	}
	for name, opts := range clients {
		t.Run(name, func(t *testing.T) {
			from, to := newHeaderRecorder(t), newHeaderRecorder(t)
			from.redirect(to.URL + "/v1/chat/completions")
			c := redirectClient(t, from.URL+"/v1?api_key=secret", opts()...)
			if _, err := c.ChatCompletion(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")}); err != nil {
				t.Fatal(err)
			}
			first, got := from.headers(), to.headers()
			if len(first) != 1 || len(got) != 1 {
				t.Fatalf("%d requests to the first server, %d to the second; want 1 and 1", len(first), len(got))
			}
			for _, k := range secretHeaders {
				if first[0].Get(k) == "" {
					t.Errorf("the first server did not get %s", k)
				}
				if v := got[0].Get(k); v != "" {
					t.Errorf("the second server got %s: %q", k, v)
				}
			}
			for k, v := range got[0] {
				if strings.Contains(strings.Join(v, " "), "secret") {
					t.Errorf("the second server got %s: %q", k, v)
				}
			}
			if got[0].Get("User-Agent") == "" || got[0].Get("Content-Type") != "application/json" {
				t.Errorf("the second server got User-Agent %q, Content-Type %q; want them kept",
					got[0].Get("User-Agent"), got[0].Get("Content-Type"))
			}
		})
	}
}

func TestRedirectOnTheSameOriginKeepsHeaders(t *testing.T) {
	srv := newHeaderRecorder(t)
	srv.redirect("/v2/chat/completions")
	c := redirectClient(t, srv.URL+"/v1")
	if _, err := c.ChatCompletion(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")}); err != nil {
		t.Fatal(err)
	}
	got := srv.headers()
	if len(got) != 2 {
		t.Fatalf("%d requests, want 2", len(got))
	}
	for _, k := range secretHeaders {
		if got[1].Get(k) != got[0].Get(k) {
			t.Errorf("after the redirect %s = %q, want %q", k, got[1].Get(k), got[0].Get(k))
		}
	}
}

// TestRedirectBackStaysStripped goes to another origin and back: the way
// back does not restore the credentials, since the other origin chose it.
func TestRedirectBackStaysStripped(t *testing.T) {
	home, away := newHeaderRecorder(t), newHeaderRecorder(t)
	home.redirect(away.URL + "/x")
	away.redirect(home.URL + "/v1/chat/completions")
	c := redirectClient(t, home.URL)
	if _, err := c.ChatCompletion(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")}); err != nil {
		t.Fatal(err)
	}
	got := home.headers()
	if len(got) != 2 {
		t.Fatalf("%d requests to the first server, want 2", len(got))
	}
	for _, k := range secretHeaders {
		if v := got[1].Get(k); v != "" {
			t.Errorf("back on the first server after a detour, %s = %q", k, v)
		}
	}
}

func TestRedirectLimit(t *testing.T) {
	srv := newHeaderRecorder(t)
	for range 11 {
		srv.redirect("/v1/chat/completions")
	}
	c := redirectClient(t, srv.URL)
	_, err := c.ChatCompletion(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")})
	if err == nil || !strings.Contains(err.Error(), "stopped after 10 redirects") {
		t.Errorf("err = %v, want one that says it stopped after 10 redirects", err)
	}
}
