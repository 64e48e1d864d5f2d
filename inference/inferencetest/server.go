package inferencetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// TB is the part of [testing.TB] that [NewServer] and [NewHub] use.
// *testing.T, *testing.B and *testing.F satisfy it; an Example can supply a
// small type of its own. Errorf is called from server goroutines, as
// testing.TB allows.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Cleanup(func())
}

// Request is one request a [Server] or [Hub] received.
type Request struct {
	// Method is the HTTP method, such as "POST".
	Method string
	// Path is the request path including the raw query, if any.
	Path string
	// Header is a copy of the request headers.
	Header http.Header
	// Body is the whole request body.
	Body []byte
}

// JSON decodes the request body as a JSON object. It calls t.Fatalf if
// the body is not one, so it must be called from the test goroutine.
func (r Request) JSON(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("inferencetest: %s %s: body is not a JSON object: %v\n%s", r.Method, r.Path, err, r.Body)
	}
	return m
}

// Server is a scripted OpenAI-compatible chat completions server: each
// request consumes the next [Step] of its script, whatever its path, and
// gets the reply the Step describes. All methods are safe for concurrent
// use, and requests may arrive concurrently; they take steps in arrival
// order.
type Server struct {
	// URL is the base URL of the server, "http://127.0.0.1:PORT", without a
	// trailing slash.
	URL string

	t     TB
	srv   *httptest.Server
	done  chan struct{} // closed when the test ends, to release stalls
	steps []Step

	mu       sync.Mutex
	next     int   // index of the next unconsumed step
	fallback *Step // answers requests past the script, if set
	token    string
	requests []Request
	// active and idle let this package's tests check that handlers
	// return once the client goes away.
	active int           // handlers running
	idle   chan struct{} // if non-nil, closed when active drops to 0
}

// NewServer starts a Server that answers with steps in order. When the
// test ends it releases stalled and delayed replies, closes the server, and
// reports with t.Errorf if any step was not consumed. A request beyond the
// script is answered with 500 and reported with t.Errorf.
func NewServer(t TB, steps ...Step) *Server {
	t.Helper()
	s := &Server{t: t, steps: steps, done: make(chan struct{})}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.srv.URL
	t.Cleanup(s.close)
	return s
}

func (s *Server) close() {
	close(s.done)
	s.srv.Close()
	s.mu.Lock()
	defer s.mu.Unlock()
	if left := len(s.steps) - s.next; left > 0 {
		s.t.Errorf("inferencetest: %d of %d scripted steps not consumed; next is step %d: %s",
			left, len(s.steps), s.next+1, describe(s.steps[s.next]))
	}
}

// describe summarises a step for failure messages.
func describe(st Step) string {
	switch {
	case st.StallBeforeHeaders:
		return "stall before headers"
	case st.Reset:
		return "connection reset"
	case st.RawSSE != "":
		return fmt.Sprintf("raw SSE %.40q", st.RawSSE)
	case st.Status != 0 && st.Status != http.StatusOK:
		return fmt.Sprintf("HTTP %d %.40q", st.Status, st.Body)
	case st.Body != "":
		return fmt.Sprintf("body %.40q", st.Body)
	}
	return fmt.Sprintf("%d text pieces, %d tool calls", len(st.Text), len(st.ToolCalls))
}

// Always makes the server answer every request past its script with st,
// instead of refusing it: for demos and load tests that send any number of
// requests.
func (s *Server) Always(st Step) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fallback = &st
}

// RequireToken makes the server check, from now on, that every request
// has the header "Authorization: Bearer <token>". A request without it is
// recorded and reported with t.Errorf, consumes no step, and gets 401 with
// the body the Hugging Face router sends. To test a client's handling of a
// 401, script [HTTPError] instead.
func (s *Server) RequireToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.token = token
}

// Requests returns a copy of the requests received so far, in arrival
// order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Request returns the i-th request received (0-based). If there is no
// such request it reports the fact with t.Errorf and returns the zero
// Request.
func (s *Server) Request(i int) Request {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if i < 0 || i >= len(s.requests) {
		s.t.Errorf("inferencetest: Request(%d): %d requests received", i, len(s.requests))
		return Request{}
	}
	return s.requests[i]
}

// record reads the whole request into a Request.
func record(r *http.Request) Request {
	body, _ := io.ReadAll(r.Body)
	return Request{Method: r.Method, Path: r.URL.RequestURI(), Header: r.Header.Clone(), Body: body}
}

// take records req and returns its number and the step to answer it
// with; step is nil if the request must be refused with status and msg.
func (s *Server) take(req Request) (n int, step *Step, status int, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, req)
	n = len(s.requests)
	if s.token != "" && req.Header.Get("Authorization") != "Bearer "+s.token {
		return n, nil, http.StatusUnauthorized, ""
	}
	if s.next >= len(s.steps) && s.fallback != nil {
		return n, s.fallback, 0, ""
	}
	if s.next >= len(s.steps) {
		msg = fmt.Sprintf("inferencetest: unexpected request %d: %s %s", n, req.Method, req.Path)
		return n, nil, http.StatusInternalServerError, msg
	}
	s.next++
	return n, &s.steps[s.next-1], 0, ""
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.active++
	s.mu.Unlock()
	defer s.leave()
	req := record(r)
	n, st, status, msg := s.take(req)
	switch {
	case status == http.StatusUnauthorized:
		s.t.Errorf("inferencetest: request %d: %s %s: Authorization is not the required bearer token",
			n, req.Method, req.Path)
		writeJSON(w, status, nil, `{"error":"Invalid credentials in Authorization header"}`)
		return
	case st == nil:
		s.t.Errorf("%s", msg)
		writeJSON(w, status, nil, errorBody(msg))
		return
	}
	if st.Path != "" && st.Path != r.URL.Path {
		msg := fmt.Sprintf("inferencetest: request %d: %s %s, want path %s", n, req.Method, r.URL.Path, st.Path)
		s.t.Errorf("%s", msg)
		writeJSON(w, http.StatusNotFound, nil, errorBody(msg))
		return
	}
	if !s.wait(r, st.Delay) {
		return
	}
	switch {
	case st.StallBeforeHeaders:
		s.block(r)
	case st.Reset:
		s.reset(w)
	case st.Status != 0 && st.Status != http.StatusOK, st.Body != "":
		writeJSON(w, orDefault(st.Status, http.StatusOK), st.Header, st.Body)
	case st.RawSSE != "":
		copyHeader(w.Header(), st.Header)
		setDefault(w.Header(), "Content-Type", "text/event-stream")
		io.WriteString(w, st.RawSSE)
	default:
		s.reply(w, r, n, st, req.Body)
	}
}

// reply answers with a generated chat completion, streamed if the request
// body asks for it.
func (s *Server) reply(w http.ResponseWriter, r *http.Request, n int, st *Step, body []byte) {
	var in struct {
		Model  string `json:"model"`
		Stream bool   `json:"stream"`
	}
	// A body that is not JSON (another task, a broken client) gets a
	// non-streaming reply; the test can inspect the recorded body.
	_ = json.Unmarshal(body, &in)
	if in.Model == "" {
		in.Model = "inferencetest"
	}
	copyHeader(w.Header(), st.Header)
	id := "chatcmpl-inferencetest-" + strconv.Itoa(n)
	if in.Stream {
		s.stream(w, r, st, id, in.Model)
		return
	}
	s.complete(w, r, st, id, in.Model)
}

// leave marks the end of a handler.
func (s *Server) leave() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.active--
	if s.active == 0 && s.idle != nil {
		close(s.idle)
		s.idle = nil
	}
}

// wait sleeps for d or until the client goes away or the test ends; it
// reports whether the full delay passed.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-r.Context().Done():
	case <-s.done:
	}
	return false
}

// block waits until the client goes away or the test ends.
func (s *Server) block(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-s.done:
	}
}

func (s *Server) reset(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		s.t.Errorf("inferencetest: reset: %v", err)
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0) // send RST rather than FIN, as a crashed peer would
	}
	conn.Close()
}

func writeJSON(w http.ResponseWriter, status int, h http.Header, body string) {
	copyHeader(w.Header(), h)
	setDefault(w.Header(), "Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// errorBody returns {"error":{"message":msg}}.
func errorBody(msg string) string {
	var b bytes.Buffer
	b.WriteString(`{"error":{"message":`)
	b.Write(jsonString(msg))
	b.WriteString(`}}`)
	return b.String()
}

// jsonString returns s encoded as a JSON string.
func jsonString(s string) []byte {
	b, _ := json.Marshal(s) // a string always marshals
	return b
}

func copyHeader(dst, src http.Header) {
	for k, v := range src {
		dst[http.CanonicalHeaderKey(k)] = append([]string(nil), v...)
	}
}

func setDefault(h http.Header, key, value string) {
	if h.Get(key) == "" {
		h.Set(key, value)
	}
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}
