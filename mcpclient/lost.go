package mcpclient

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"sync"

	mcpc "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
)

// An SSE server answers every request on one event stream. When that
// stream ends, mcp-go calls the connection-lost handler if there is one
// (else it logs "SSE stream error"), and that is all: a call waiting for
// its answer waits for mcp-go's response timeout, a minute. So our handler
// records the loss and closes the transport, which fails the calls waiting
// for an answer, and callContext ends the calls that raced with it. The
// session is over: the server forgets an SSE session with its stream.
//
// A streamable HTTP server answers each request on that request's
// response. When the connection breaks in the middle of a streamed
// response, mcp-go fails the call at once, but with an error that no
// longer says why; a watch on the response body keeps the reason.

// streamLostError is why an SSE server's event stream ended while the
// session was open.
type streamLostError struct{ err error }

func (e *streamLostError) Error() string {
	if e.err == nil || errors.Is(e.err, io.EOF) {
		return "event stream closed"
	}
	return "event stream broke: " + cleanText(e.err)
}

// responseLostError is why the streamed response to a call on an http
// server ended without the answer.
type responseLostError struct{ err error }

func (e *responseLostError) Error() string {
	if e.err == nil {
		return "response stream ended without an answer"
	}
	return "response stream broke: " + cleanText(e.err)
}

// watchStream makes an SSE session end when its event stream does.
func (s *session) watchStream(mc *mcpc.Client, t *transport.SSE) {
	s.lostCh = make(chan struct{})
	mc.OnConnectionLost(func(err error) {
		s.mu.Lock()
		first := s.lost == nil
		if first {
			s.lost = &streamLostError{err: err}
		}
		s.mu.Unlock()
		if first {
			close(s.lostCh)
			t.Close()
		}
	})
}

// lostCause is why an SSE server's event stream ended, nil while it is
// open.
func (s *session) lostCause() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lost
}

// callContext returns the context of one tool call: ctx bounded by the
// server's timeout, ended as soon as an SSE server's event stream is lost,
// and carrying a watch over the responses of an http server.
func (s *session) callContext(ctx context.Context) (context.Context, *respWatch, context.CancelFunc) {
	cancel := func() {}
	if s.cfg.Timeout > 0 {
		ctx, cancel = withPausableTimeout(ctx, s.cfg.Timeout)
	}
	w := &respWatch{}
	if s.cfg.Type == TransportHTTP {
		ctx = context.WithValue(ctx, respWatchKey{}, w)
	}
	if s.lostCh == nil {
		return ctx, w, cancel
	}
	ctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		select {
		case <-s.lostCh:
			stop()
		case <-ctx.Done():
		}
	}()
	return ctx, w, func() { stop(); <-done; cancel() }
}

// respWatch learns how the event-stream responses of one call ended.
type respWatch struct {
	mu    sync.Mutex
	err   error // the first read error other than io.EOF
	ended bool  // a stream reached its end
}

type respWatchKey struct{}

func (w *respWatch) record(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case err == io.EOF:
		w.ended = true
	case w.err == nil:
		w.err = err
	}
}

// cause is why a call that failed in its transport got no answer: its
// response stream broke or ended early. It is nil if no stream did.
func (w *respWatch) cause() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case w.err != nil:
		return &responseLostError{err: w.err}
	case w.ended:
		return &responseLostError{}
	}
	return nil
}

// watchTransport wraps the body of every event-stream response to a
// request whose context carries a respWatch.
type watchTransport struct{ base http.RoundTripper }

func (t watchTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	w, _ := req.Context().Value(respWatchKey{}).(*respWatch)
	if err != nil || w == nil {
		return resp, err
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt == "text/event-stream" {
		resp.Body = &watchedBody{ReadCloser: resp.Body, w: w}
	}
	return resp, nil
}

type watchedBody struct {
	io.ReadCloser
	w *respWatch
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.w.record(err)
	}
	return n, err
}
