package inference_test

import (
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

// loopbackDoer records the URL each request was built for and sends every
// request for a host outside the loopback to the fake server instead, so
// that no test can reach a provider's real host.
type loopbackDoer struct {
	to   *url.URL
	mu   sync.Mutex
	urls []string
}

func newLoopbackDoer(t *testing.T, serverURL string) *loopbackDoer {
	t.Helper()
	u, err := url.Parse(serverURL)
	if err != nil {
		t.Fatal(err)
	}
	return &loopbackDoer{to: u}
}

func (d *loopbackDoer) Do(r *http.Request) (*http.Response, error) {
	d.mu.Lock()
	d.urls = append(d.urls, r.URL.String())
	d.mu.Unlock()
	if r.URL.Hostname() == "127.0.0.1" {
		return http.DefaultClient.Do(r)
	}
	r2 := r.Clone(r.Context())
	r2.URL.Scheme, r2.URL.Host = d.to.Scheme, d.to.Host
	r2.Host = d.to.Host
	return http.DefaultClient.Do(r2)
}

func (d *loopbackDoer) URLs() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.urls...)
}

// newClient builds a client for tests: fast retries, no token from the
// environment unless the options give one.
func newClient(t *testing.T, opts ...inference.Option) *inference.Client {
	t.Helper()
	t.Setenv("HF_TOKEN", "")
	t.Setenv("HUGGING_FACE_HUB_TOKEN", "")
	t.Setenv("HF_TOKEN_PATH", t.TempDir()+"/no-token")
	base := []inference.Option{inference.WithRetryBackoff(time.Millisecond, 5*time.Millisecond)}
	c, err := inference.NewClient(append(base, opts...)...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

func userMessage(text string) []inference.ChatMessage {
	return []inference.ChatMessage{{Role: inference.RoleUser, Content: text}}
}

// hubWith serves one model mapped to one provider for chat.
func hubWith(t *testing.T, provider string) *inferencetest.Hub {
	return inferencetest.NewHub(t, inferencetest.Model{
		ID:       "org/model",
		Mappings: []inferencetest.Mapping{{Provider: provider, ProviderID: "provider-model-id", Task: "conversational"}},
	})
}

func goVersion() string { return strings.TrimPrefix(runtime.Version(), "go") }
