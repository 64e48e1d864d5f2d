package inference_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

func TestStreamReusesConnection(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Write([]byte("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"))
		// The chunked terminator follows in a later packet, as it does
		// when a server flushes [DONE] and then returns.
		w.(http.Flusher).Flush()
		time.Sleep(5 * time.Millisecond)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c := newClient(t, inference.WithBaseURL(srv.URL))
	for range 5 {
		if _, err := collect(c.ChatCompletionStream(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")})); err != nil {
			t.Fatal(err)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("5 streams opened %d connections, want 1 reused", n)
	}
}

// firstReadListener records, for each connection it accepts, how many bytes
// the server's first read of it returned.
type firstReadListener struct {
	net.Listener
	first chan int
}

func (l *firstReadListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &firstReadConn{Conn: c, first: l.first}, nil
}

type firstReadConn struct {
	net.Conn
	first chan int
	once  sync.Once
}

func (c *firstReadConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.once.Do(func() { c.first <- n })
	return n, err
}

// TestRequestLeavesInOneWrite checks that a request of a few KiB, sent with
// the idle timeout on (as the CLI sends every request), reaches the server
// whole in its first read: headers and body in one write, not the headers
// flushed on their own.
func TestRequestLeavesInOneWrite(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}`)
	}))
	l := &firstReadListener{Listener: srv.Listener, first: make(chan int, 1)}
	srv.Listener = l
	srv.Start()
	defer srv.Close()
	c := newClient(t, inference.WithBaseURL(srv.URL), inference.WithIdleTimeout(time.Minute))
	msgs := userMessage(strings.Repeat("a conversation of some length ", 100))
	if _, err := c.ChatCompletion(t.Context(), &inference.ChatCompletionInput{Messages: msgs}); err != nil {
		t.Fatal(err)
	}
	first := <-l.first
	if first < 3000 {
		t.Errorf("the server's first read returned %d bytes: the headers left without the body", first)
	}
}
