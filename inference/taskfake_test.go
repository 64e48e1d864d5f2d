package inference_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

// recorded is one request the fake API received.
type recorded struct {
	Method string
	Path   string // URL path, without the query
	Query  string // raw query
	Header http.Header
	Body   []byte
}

// reply is one scripted answer.
type reply struct {
	status      int
	contentType string
	body        []byte
}

// fakeAPI is a provider API on the loopback: it records every request and
// answers "METHOD /path" patterns with scripted replies. A pattern given
// several replies answers them in turn and repeats the last, which is how
// polling sequences are scripted. Unknown paths get 404.
type fakeAPI struct {
	URL string

	t       *testing.T
	mu      sync.Mutex
	reqs    []recorded
	replies map[string][]reply
}

func newFakeAPI(t *testing.T) *fakeAPI {
	t.Helper()
	f := &fakeAPI{t: t, replies: map[string][]reply{}}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	key := r.Method + " " + r.URL.Path
	f.mu.Lock()
	f.reqs = append(f.reqs, recorded{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body})
	queue := f.replies[key]
	var rep reply
	ok := len(queue) > 0
	if ok {
		rep = queue[0]
		if len(queue) > 1 {
			f.replies[key] = queue[1:]
		}
	}
	f.mu.Unlock()
	if !ok {
		http.Error(w, `{"error":"no route `+key+`"}`, http.StatusNotFound)
		return
	}
	if rep.contentType != "" {
		w.Header().Set("Content-Type", rep.contentType)
	}
	w.WriteHeader(rep.status)
	w.Write(rep.body)
}

// JSON scripts JSON answers (status 200 unless given with Status) for
// pattern, in turn.
func (f *fakeAPI) JSON(pattern string, bodies ...string) {
	for _, b := range bodies {
		f.add(pattern, reply{status: http.StatusOK, contentType: "application/json", body: []byte(b)})
	}
}

// Status scripts one answer with a status code.
func (f *fakeAPI) Status(pattern string, status int, contentType, body string) {
	f.add(pattern, reply{status: status, contentType: contentType, body: []byte(body)})
}

// Bytes scripts a binary answer.
func (f *fakeAPI) Bytes(pattern, contentType string, body []byte) {
	f.add(pattern, reply{status: http.StatusOK, contentType: contentType, body: body})
}

func (f *fakeAPI) add(pattern string, r reply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.replies[pattern] = append(f.replies[pattern], r)
}

// Requests returns what the fake received, in order.
func (f *fakeAPI) Requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

// only returns the single request the fake received, failing otherwise.
func (f *fakeAPI) only() recorded {
	f.t.Helper()
	reqs := f.Requests()
	if len(reqs) != 1 {
		f.t.Fatalf("fake got %d requests, want 1: %+v", len(reqs), reqs)
	}
	return reqs[0]
}

// routedClient is a client that reaches provider through the router (an
// hf_ token), the router being fake; the Hub maps org/model to the
// provider's id "provider-model-id" for task.
func routedClient(t *testing.T, fake *fakeAPI, provider string, task inference.Task, opts ...inference.Option) *inference.Client {
	t.Helper()
	hub := inferencetest.NewHub(t, inferencetest.Model{
		ID:       "org/model",
		Mappings: []inferencetest.Mapping{{Provider: provider, ProviderID: "provider-model-id", Task: string(task)}},
	})
	base := []inference.Option{
		inference.WithProvider(provider), inference.WithModel("org/model"), inference.WithToken("hf_test"),
		inference.WithRouterURL(fake.URL), inference.WithHubURL(hub.URL), inference.WithMaxRetries(0),
	}
	return newClient(t, append(base, opts...)...)
}

// directClient is a client that calls provider's own API with its own key
// ("provider-key"); requests to the provider's real host are sent to the
// fake instead, and doer records the URLs they were built for.
func directClient(t *testing.T, fake *fakeAPI, provider string, task inference.Task, opts ...inference.Option) (*inference.Client, *loopbackDoer) {
	t.Helper()
	hub := inferencetest.NewHub(t, inferencetest.Model{
		ID:       "org/model",
		Mappings: []inferencetest.Mapping{{Provider: provider, ProviderID: "provider-model-id", Task: string(task)}},
	})
	doer := newLoopbackDoer(t, fake.URL)
	base := []inference.Option{
		inference.WithProvider(provider), inference.WithModel("org/model"), inference.WithToken("provider-key"),
		inference.WithHubURL(hub.URL), inference.WithHTTPClient(doer), inference.WithMaxRetries(0),
	}
	return newClient(t, append(base, opts...)...), doer
}
