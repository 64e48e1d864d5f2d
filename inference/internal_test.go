package inference

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestChatCompletionURL(t *testing.T) {
	tests := map[string]string{
		"http://localhost:8080":                     "http://localhost:8080/v1/chat/completions",
		"http://localhost:8080/":                    "http://localhost:8080/v1/chat/completions",
		"http://localhost:8080/v1":                  "http://localhost:8080/v1/chat/completions",
		"http://localhost:8080/v1/":                 "http://localhost:8080/v1/chat/completions",
		"http://localhost:8080/v1/chat/completions": "http://localhost:8080/v1/chat/completions",
		"https://e.example/models/m":                "https://e.example/models/m/v1/chat/completions",
		"https://e.example/openai/v1?api-version=2": "https://e.example/openai/v1/chat/completions?api-version=2",
		"https://e.example/chat/completions?x=1":    "https://e.example/chat/completions?x=1",
		// A trailing slash after the full path is kept as given.
		"http://127.0.0.1:9/agent/v1/chat/completions/": "http://127.0.0.1:9/agent/v1/chat/completions/",
	}
	for in, want := range tests {
		if got := chatCompletionURL(in); got != want {
			t.Errorf("chatCompletionURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestServerMessage(t *testing.T) {
	tests := map[string]string{
		`{"error":"Model not found"}`:                          "Model not found",
		`{"error":{"message":"Rate limit","type":"requests"}}`: "Rate limit",
		`{"message":"bad key"}`:                                "bad key",
		`{"detail":"Not Found"}`:                               "Not Found",
		`{"detail":[{"loc":["body"],"msg":"field required"}]}`: `[{"loc":["body"],"msg":"field required"}]`,
		`{"errors":["a","b"]}`:                                 "a; b",
		"  upstream timed out \n":                              "upstream timed out",
		`{"unrelated":1}`:                                      `{"unrelated":1}`,
	}
	for body, want := range tests {
		if got := serverMessage([]byte(body)); got != want {
			t.Errorf("serverMessage(%s) = %q, want %q", body, got, want)
		}
	}
}

func TestHTTPErrorFormatAndRequestID(t *testing.T) {
	req, _ := http.NewRequest(http.MethodPost, "https://router.example/v1/chat/completions?key=secret", nil)
	resp := &http.Response{StatusCode: 429, Header: http.Header{"X-Amzn-Trace-Id": {"Root=1-abc"}}, Request: req}
	err := newHTTPError(resp, []byte(`{"error":{"message":"slow down"}}`))
	want := "inference: POST https://router.example/v1/chat/completions: 429 Too Many Requests: slow down (request id Root=1-abc)"
	if err.Error() != want {
		t.Errorf("Error() = %q\nwant      %q", err.Error(), want)
	}
	if strings.Contains(err.Error(), "secret") {
		t.Error("the query string leaked into the error")
	}
}

func TestTimeoutErrorMatchesBoth(t *testing.T) {
	err := error(&timeoutError{op: "x", cause: errDeadline{}})
	if !errors.Is(err, ErrTimeout) {
		t.Error("timeout error does not match ErrTimeout")
	}
	var de errDeadline
	if !errors.As(err, &de) {
		t.Error("timeout error does not unwrap to its cause")
	}
}

type errDeadline struct{}

func (errDeadline) Error() string { return "deadline" }

func TestRetryAfter(t *testing.T) {
	if got := retryAfter("2"); got != 2*time.Second {
		t.Errorf("retryAfter(2) = %s", got)
	}
	if got := retryAfter("0.5"); got != 500*time.Millisecond {
		t.Errorf("retryAfter(0.5) = %s", got)
	}
	future := time.Now().Add(30 * time.Second).UTC().Format(http.TimeFormat)
	if got := retryAfter(future); got < 25*time.Second || got > 31*time.Second {
		t.Errorf("retryAfter(date) = %s", got)
	}
	if got := retryAfter("soon"); got != 0 {
		t.Errorf("retryAfter(soon) = %s", got)
	}
}

func TestBackoffBounds(t *testing.T) {
	p := retryPolicy{max: 3, base: 100 * time.Millisecond, cap: 400 * time.Millisecond}
	for attempt, hi := range []time.Duration{100, 200, 400, 400, 400} {
		hi *= time.Millisecond
		for range 50 {
			d := p.backoff(attempt)
			if d < hi/2 || d > hi {
				t.Fatalf("backoff(%d) = %s, want in [%s, %s]", attempt, d, hi/2, hi)
			}
		}
	}
}

func TestPayloadModelFirstAndExtraBodyMerge(t *testing.T) {
	in := &ChatCompletionInput{
		Model:          "ignored/by-payload",
		Messages:       []ChatMessage{{Role: RoleUser, Content: "hi"}},
		Temperature:    Ptr(0.5),
		ResponseFormat: &ResponseFormat{Type: "json_object"},
		ExtraBody: map[string]any{
			"response_format": map[string]any{"schema": map[string]any{"type": "object"}},
			"top_k":           5,
		},
	}
	p := &chatPayload{in: in, model: "provider-id", stream: true}
	body, err := p.marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(body), `{"model":"provider-id",`) {
		t.Errorf("body does not start with the model: %s", body)
	}
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"model":           "provider-id",
		"messages":        []any{map[string]any{"role": "user", "content": "hi"}},
		"temperature":     0.5,
		"response_format": map[string]any{"type": "json_object", "schema": map[string]any{"type": "object"}},
		"top_k":           float64(5),
		"stream":          true,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("payload = %v\nwant      %v", got, want)
	}
}

func TestSchemaQuirks(t *testing.T) {
	schema := map[string]any{"type": "object"}
	rf := &ResponseFormat{Type: "json_schema", JSONSchema: &JSONSchema{Name: "out", Schema: schema}}
	tests := map[string]string{
		"cohere":       `{"schema":{"type":"object"},"type":"json_object"}`,
		"fireworks-ai": `{"schema":{"type":"object"},"type":"json_object"}`,
		"together":     `{"schema":{"type":"object"},"type":"json_schema"}`,
		"hf-inference": `{"type":"json_object","value":{"type":"object"}}`,
		"nebius":       `{"type":"json_schema","json_schema":{"name":"out","schema":{"type":"object"}}}`,
		"sambanova":    `{"type":"json_schema","json_schema":{"name":"out","schema":{"type":"object"},"strict":false}}`,
		"groq":         `{"type":"json_schema","json_schema":{"name":"out","schema":{"type":"object"}}}`,
	}
	for name, want := range tests {
		p := &chatPayload{in: &ChatCompletionInput{ResponseFormat: rf}, model: "m"}
		if h := providers[name].tasks[TaskConversational].chat; h != nil {
			h(p)
		}
		body, err := p.marshal()
		if err != nil {
			t.Fatal(err)
		}
		var w struct {
			RF         json.RawMessage `json:"response_format"`
			GuidedJSON json.RawMessage `json:"guided_json"`
		}
		if err := json.Unmarshal(body, &w); err != nil {
			t.Fatal(err)
		}
		if !jsonEqual(t, w.RF, []byte(want)) {
			t.Errorf("%s: response_format = %s, want %s", name, w.RF, want)
		}
		if (name == "nebius") != (string(w.GuidedJSON) == `{"type":"object"}`) {
			t.Errorf("%s: guided_json = %s", name, w.GuidedJSON)
		}
	}
	if rf.JSONSchema.Strict != nil {
		t.Error("the sambanova quirk changed the caller's input")
	}
}

func TestReadChatStreamEdgeCases(t *testing.T) {
	chunk := func(s string) string { return "data: " + s + "\n\n" }
	text := `{"id":"1","choices":[{"index":0,"delta":{"content":"hi"}}]}`
	stop := `{"id":"1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`
	tests := map[string]struct {
		body    string
		chunks  int
		wantErr func(error) bool
	}{
		"done":                      {body: chunk(text) + chunk(stop) + chunk("[DONE]"), chunks: 2},
		"finish without done":       {body: chunk(text) + chunk(stop), chunks: 2},
		"keepalive comments":        {body: ": ping\n\n" + chunk(text) + ": ping\n\n" + chunk("[DONE]"), chunks: 1},
		"crlf line endings":         {body: "data: " + text + "\r\n\r\ndata: [DONE]\r\n\r\n", chunks: 1},
		"truncated":                 {body: chunk(text) + chunk(text), chunks: 2, wantErr: isUnexpectedEOF},
		"empty body":                {body: "", wantErr: isUnexpectedEOF},
		"cut mid event":             {body: chunk(text) + `data: {"id":"1","cho`, chunks: 1, wantErr: isUnexpectedEOF},
		"malformed json":            {body: chunk(text) + chunk(`{"id":`), chunks: 1, wantErr: isMalformed},
		"wrong type":                {body: chunk(`{"choices":"nope"}`), wantErr: isMalformed},
		"error payload":             {body: chunk(text) + chunk(`{"error":{"message":"overloaded"}}`), chunks: 1, wantErr: isStreamError("overloaded")},
		"error event":               {body: "event: error\ndata: {\"message\":\"boom\"}\n\n", wantErr: isStreamError("boom")},
		"string error payload":      {body: chunk(`{"error":"Input validation error"}`), wantErr: isStreamError("Input validation error")},
		"data split over two lines": {body: "data: {\"id\":\"1\",\ndata: \"choices\":[]}\n\n" + chunk("[DONE]"), chunks: 1},
		"huge event over 64KiB":     {body: chunk(`{"id":"`+strings.Repeat("x", 100_000)+`","choices":[]}`) + chunk("[DONE]"), chunks: 1},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			n := 0
			err := readChatStream(strings.NewReader(tt.body), func(ChatCompletionStreamOutput, error) bool { n++; return true })
			if n != tt.chunks {
				t.Errorf("yielded %d chunks, want %d", n, tt.chunks)
			}
			switch {
			case tt.wantErr == nil && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tt.wantErr != nil && (err == nil || !tt.wantErr(err)):
				t.Errorf("error = %v, not the expected kind", err)
			}
		})
	}
}

func isUnexpectedEOF(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) }
func isMalformed(err error) bool     { return strings.Contains(err.Error(), "malformed stream chunk") }
func isStreamError(msg string) func(error) bool {
	return func(err error) bool {
		var se *StreamError
		return errors.As(err, &se) && se.Message == msg
	}
}

func TestReadChatStreamStopsWhenConsumerBreaks(t *testing.T) {
	body := strings.Repeat(`data: {"choices":[{"index":0,"delta":{"content":"x"}}]}`+"\n\n", 5)
	n := 0
	err := readChatStream(strings.NewReader(body), func(ChatCompletionStreamOutput, error) bool { n++; return n < 2 })
	if !errors.Is(err, errStopped) || n != 2 {
		t.Errorf("n = %d, err = %v; want 2 and errStopped", n, err)
	}
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("bad JSON %s: %v", a, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("bad JSON %s: %v", b, err)
	}
	return reflect.DeepEqual(x, y)
}

func TestMappingCacheConcurrentLookups(t *testing.T) {
	var hits atomic.Int32
	release := make(chan struct{})
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		<-release
		io.WriteString(w, `{"inferenceProviderMapping":[{"provider":"groq","providerId":"g","task":"conversational","status":"live"}]}`)
	}))
	defer hub.Close()
	c, err := NewClient(WithHubURL(hub.URL), WithToken("hf_x"))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	ids := make([]string, 8)
	for i := range ids {
		wg.Go(func() {
			m, err := c.providerMapping(t.Context(), "groq", "org/m", TaskConversational)
			if err != nil {
				t.Error(err)
			}
			ids[i] = m.ProviderID
		})
	}
	time.Sleep(20 * time.Millisecond) // let the lookups queue up behind the first
	close(release)
	wg.Wait()
	if hits.Load() != 1 {
		t.Errorf("Hub hit %d times for 8 concurrent lookups, want 1", hits.Load())
	}
	for _, id := range ids {
		if id != "g" {
			t.Errorf("ids = %v", ids)
			break
		}
	}
}

func TestMappingWaiterOutlivesCancelledOwner(t *testing.T) {
	started := make(chan struct{}, 4)
	release := make(chan struct{})
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		io.WriteString(w, `{"inferenceProviderMapping":[{"provider":"groq","providerId":"g","task":"conversational"}]}`)
	}))
	defer hub.Close()
	c, err := NewClient(WithHubURL(hub.URL), WithToken("hf_x"), WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	ownerCtx, cancelOwner := context.WithCancel(t.Context())
	ownerDone := make(chan error, 1)
	go func() {
		_, err := c.providerMapping(ownerCtx, "groq", "org/m", TaskConversational)
		ownerDone <- err
	}()
	<-started
	waiterDone := make(chan string, 1)
	go func() {
		m, _ := c.providerMapping(t.Context(), "groq", "org/m", TaskConversational)
		waiterDone <- m.ProviderID
	}()
	time.Sleep(20 * time.Millisecond) // the waiter queues behind the owner
	cancelOwner()
	if err := <-ownerDone; !errors.Is(err, context.Canceled) {
		t.Errorf("owner err = %v", err)
	}
	<-started // the waiter fetches again with its own context
	close(release)
	if id := <-waiterDone; id != "g" {
		t.Errorf("waiter got %q, want the mapping", id)
	}
}
