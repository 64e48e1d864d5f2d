package inference_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

// countingServer answers every chat completion with "ok" and counts the
// connections clients open and close.
func countingServer(t *testing.T) (srv *httptest.Server, opened, closed *atomic.Int32) {
	opened, closed = new(atomic.Int32), new(atomic.Int32)
	srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}`)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			opened.Add(1)
		case http.StateClosed, http.StateHijacked:
			closed.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, opened, closed
}

func TestCloseIdleConnections(t *testing.T) {
	srv, opened, closed := countingServer(t)
	c := newClient(t, inference.WithBaseURL(srv.URL))
	if _, err := c.ChatCompletion(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")}); err != nil {
		t.Fatal(err)
	}
	c.CloseIdleConnections()
	for deadline := time.Now().Add(time.Second); closed.Load() < opened.Load(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d connections still open after CloseIdleConnections", opened.Load()-closed.Load(), opened.Load())
		}
	}
	// The client still works: it dials again.
	if _, err := c.ChatCompletion(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")}); err != nil {
		t.Fatal(err)
	}
	if n := opened.Load(); n != 2 {
		t.Errorf("%d connections opened, want 2", n)
	}
}

// TestCloseIdleConnectionsLeavesCallersClient checks that a client given
// with WithHTTPClient, which the caller may share, keeps its connections.
func TestCloseIdleConnectionsLeavesCallersClient(t *testing.T) {
	srv, opened, _ := countingServer(t)
	hc := &http.Client{Transport: &http.Transport{}}
	defer hc.CloseIdleConnections()
	c := newClient(t, inference.WithBaseURL(srv.URL), inference.WithHTTPClient(hc))
	for range 2 {
		if _, err := c.ChatCompletion(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")}); err != nil {
			t.Fatal(err)
		}
		c.CloseIdleConnections()
	}
	if n := opened.Load(); n != 1 {
		t.Errorf("%d connections opened, want the caller's one reused", n)
	}
}
