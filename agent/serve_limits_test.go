package agent_test

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/mark3labs/mcp-go/server/servertest"

	"github.com/tiny-agents-go/tiny-agents/agent"
	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"

	"github.com/tiny-agents-go/tiny-agents/internal/mcptest"
)

// stallLLM streams one chunk per request, then holds the request until
// its client goes away. Each request sends to started when it arrives and
// to gone when its context ends.
func stallLLM(t *testing.T) (url string, started, gone chan struct{}) {
	started, gone = make(chan struct{}, 8), make(chan struct{}, 8)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: {\"id\":\"s\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"thinking\"}}]}\n\n")
		w.(http.Flusher).Flush()
		started <- struct{}{}
		<-r.Context().Done()
		gone <- struct{}{}
	}))
	t.Cleanup(srv.Close)
	return srv.URL, started, gone
}

// hangServer is an MCP server over streamable HTTP whose tool "hang"
// blocks until its context ends; it reports both moments.
func hangServer(t *testing.T) (cfg mcpclient.ServerConfig, started, ended chan struct{}) {
	started, ended = make(chan struct{}, 1), make(chan struct{}, 1)
	s := server.NewMCPServer("hang", "1.0", server.WithToolCapabilities(true))
	s.AddTool(mcp.NewTool("hang"), func(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		started <- struct{}{}
		<-ctx.Done()
		ended <- struct{}{}
		return nil, ctx.Err()
	})
	ts := servertest.NewTestStreamableHTTPServer(s)
	t.Cleanup(ts.Close)
	return mcpclient.ServerConfig{Type: "http", URL: ts.URL + "/mcp"}, started, ended
}

// returns wraps h, reporting on done each time it returns.
func returns(h http.Handler, done chan<- struct{}) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() { done <- struct{}{} }()
		h.ServeHTTP(w, r)
	})
}

// within waits for ch for up to d.
func within(t *testing.T, ch <-chan struct{}, d time.Duration, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(d):
		t.Fatalf("%s: not within %s", what, d)
	}
}

// openStream sends a streaming request with ctx and reads its first event.
func openStream(t *testing.T, ctx context.Context, url string) *http.Response {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url+"/v1/chat/completions", strings.NewReader(userRequest(true, "wait")))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	br := bufio.NewReader(resp.Body)
	if line, err := br.ReadString('\n'); err != nil || !strings.HasPrefix(line, "data: ") {
		t.Fatalf("first line %q, %v", line, err)
	}
	return resp
}

func TestServeDisconnectCancelsRun(t *testing.T) {
	t.Run("model stalls", func(t *testing.T) {
		llm, started, gone := stallLLM(t)
		a := serveAgent(t, llm)
		done := make(chan struct{}, 1)
		srv := httptest.NewServer(returns(agent.NewHandler(a, agent.HandlerOptions{}), done))
		defer srv.Close()
		ctx, cancel := context.WithCancel(t.Context())
		resp := openStream(t, ctx, srv.URL)
		defer resp.Body.Close()
		within(t, started, time.Second, "the model's request")
		cancel()
		within(t, gone, time.Second, "the model's request ending")
		within(t, done, time.Second, "the handler returning")
	})
	t.Run("tool hangs", func(t *testing.T) {
		llm := inferencetest.NewServer(t, inferencetest.ToolCalls(call("c1", "hang", `{}`)))
		hang, started, ended := hangServer(t)
		a, err := agent.New(t.Context(), &agent.Config{Model: "m", EndpointURL: llm.URL + "/v1",
			Servers: []mcpclient.ServerConfig{hang}})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		done := make(chan struct{}, 1)
		srv := httptest.NewServer(returns(agent.NewHandler(a, agent.HandlerOptions{}), done))
		defer srv.Close()
		ctx, cancel := context.WithCancel(t.Context())
		resp := openStream(t, ctx, srv.URL)
		defer resp.Body.Close()
		within(t, started, 5*time.Second, "the tool call")
		cancel()
		within(t, ended, time.Second, "the tool's context ending")
		within(t, done, time.Second, "the handler returning")
	})
}

func TestServeTooManyRequests(t *testing.T) {
	llm, started, _ := stallLLM(t)
	done := make(chan struct{}, 4)
	srv := httptest.NewServer(returns(agent.NewHandler(serveAgent(t, llm), agent.HandlerOptions{MaxConcurrent: 1}), done))
	defer srv.Close()
	ctx, cancel := context.WithCancel(t.Context())
	first := openStream(t, ctx, srv.URL)
	within(t, started, time.Second, "the first request")
	resp := post(t, srv.URL, userRequest(true, "me too"))
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "1" {
		t.Fatalf("status %d, Retry-After %q: %s", resp.StatusCode, resp.Header.Get("Retry-After"), b)
	}
	if e := decode(t, string(b))["error"].(map[string]any); e["type"] != "rate_limit_error" || !strings.Contains(e["message"].(string), "at most 1") {
		t.Errorf("error %v", e)
	}
	within(t, done, time.Second, "the refused request's handler returning")
	cancel()
	first.Body.Close()
	within(t, done, time.Second, "the first request's handler returning")
	// The slot is free again.
	third := openStream(t, t.Context(), srv.URL)
	third.Body.Close()
}

// get sends a GET with an optional Authorization header.
func get(t *testing.T, url, auth string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestServeAuth(t *testing.T) {
	llm := inferencetest.NewServer(t, inferencetest.Text("hello"))
	url := serveHandler(t, serveAgent(t, llm.URL), agent.HandlerOptions{APIKey: "s3cret-key"})
	for _, tt := range []struct {
		name, path, auth string
		status           int
		challenge        string
	}{
		{"health needs no key", "/healthz", "", 200, ""},
		{"missing", "/v1/models", "", 401, `Bearer realm="tiny-agents"`},
		{"wrong", "/v1/models", "Bearer nope", 401, `Bearer realm="tiny-agents", error="invalid_token"`},
		{"other scheme", "/v1/models", "Basic czNjcmV0LWtleQ==", 401, `Bearer realm="tiny-agents"`},
		{"right", "/v1/models", "Bearer s3cret-key", 200, ""},
		{"scheme in any case", "/v1/models", "bearer s3cret-key", 200, ""},
		{"unknown route still needs the key", "/nope", "", 401, `Bearer realm="tiny-agents"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, url+tt.path, tt.auth)
			if resp.StatusCode != tt.status || resp.Header.Get("WWW-Authenticate") != tt.challenge {
				t.Errorf("status %d, WWW-Authenticate %q: %s", resp.StatusCode, resp.Header.Get("WWW-Authenticate"), body)
			}
			if tt.status == 401 {
				if e := decode(t, body)["error"].(map[string]any); e["code"] != "invalid_api_key" || strings.Contains(body, "s3cret") {
					t.Errorf("body %s", body)
				}
			}
		})
	}
	if resp := post(t, url, userRequest(false, "hi")); resp.StatusCode != 401 {
		t.Errorf("chat without a key: %d", resp.StatusCode)
	}
	if resp := post(t, url, userRequest(false, "hi"), "Authorization", "Bearer s3cret-key"); resp.StatusCode != 200 {
		t.Errorf("chat with the key: %d", resp.StatusCode)
	}
}

func TestServeModelsAndHealth(t *testing.T) {
	url := serveHandler(t, serveAgent(t, inferencetest.NewServer(t).URL), agent.HandlerOptions{})
	resp, body := get(t, url+"/v1/models", "")
	want := `{"object":"list","data":[{"id":"m","object":"model","created":0,"owned_by":"tiny-agents"}]}` + "\n"
	if resp.StatusCode != 200 || body != want {
		t.Errorf("models: %d %s", resp.StatusCode, body)
	}
	if resp, body := get(t, url+"/healthz", ""); resp.StatusCode != 200 || body != `{"status":"ok"}`+"\n" {
		t.Errorf("healthz: %d %s", resp.StatusCode, body)
	}
}

func TestServeBadRequests(t *testing.T) {
	url := serveHandler(t, serveAgent(t, inferencetest.NewServer(t).URL), agent.HandlerOptions{MaxBodyBytes: 300})
	user := `[{"role":"user","content":"hi"}]`
	for _, tt := range []struct {
		name, method, path, body string
		status                   int
		msg, allow               string
	}{
		{"not JSON", "POST", "/v1/chat/completions", `{"messages":`, 400, "not valid JSON", ""},
		{"not an object", "POST", "/v1/chat/completions", `[]`, 400, "the body: want an object, not array", ""},
		{"no messages", "POST", "/v1/chat/completions", `{"messages":[]}`, 400, "at least one message", ""},
		{"stream not a boolean", "POST", "/v1/chat/completions", `{"stream":"yes","messages":` + user + `}`, 400, "stream: want a boolean, not string", ""},
		{"unknown role", "POST", "/v1/chat/completions", `{"messages":[{"role":"robot","content":"x"}]}`, 400, `messages[0].role: "robot"`, ""},
		{"tool without id", "POST", "/v1/chat/completions", `{"messages":[{"role":"tool","content":"x"}]}`, 400, "tool_call_id", ""},
		{"content a number", "POST", "/v1/chat/completions", `{"messages":[{"role":"user","content":5}]}`, 400, "content must be a string or a list", ""},
		{"too large", "POST", "/v1/chat/completions", `{"messages":[{"role":"user","content":"` + strings.Repeat("x", 400) + `"}]}`, 413, "larger than 300 bytes", ""},
		{"wrong method", "GET", "/v1/chat/completions", "", 405, "use POST", "POST"},
		{"wrong method on models", "POST", "/v1/models", "", 405, "use GET", "GET, HEAD"},
		{"unknown route", "GET", "/v2/chat", "", 404, "unknown route /v2/chat", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(t.Context(), tt.method, url+tt.path, strings.NewReader(tt.body))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			e, _ := decode(t, string(b))["error"].(map[string]any)
			if resp.StatusCode != tt.status || e == nil || !strings.Contains(e["message"].(string), tt.msg) || e["type"] == "" {
				t.Errorf("status %d: %s", resp.StatusCode, b)
			}
			if resp.Header.Get("Allow") != tt.allow || resp.Header.Get("Content-Type") != "application/json" {
				t.Errorf("Allow %q, Content-Type %q", resp.Header.Get("Allow"), resp.Header.Get("Content-Type"))
			}
		})
	}
}

// unsized hides a reader's length, so that the body is sent chunked.
type unsized struct{ io.Reader }

func TestServeBodyTooLargeChunked(t *testing.T) {
	url := serveHandler(t, serveAgent(t, inferencetest.NewServer(t).URL), agent.HandlerOptions{MaxBodyBytes: 100})
	body := unsized{strings.NewReader(userRequest(false, strings.Repeat("x", 200)))}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, url+"/v1/chat/completions", body)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d", resp.StatusCode)
	}
}

func TestServeModelErrors(t *testing.T) {
	refused := inferencetest.HTTPError(400, `{"error":"no such model"}`)
	for _, tt := range []struct {
		name   string
		steps  []inferencetest.Step
		stream bool
		status int
		code   string
		msg    string
		retry  string // X-Should-Retry: "false" where a retry cannot help (it would run the agent again)
	}{
		{"refused", []inferencetest.Step{refused}, false, 502, "model_error", "answered 400 Bad Request: no such model", "false"},
		{"refused before any event", []inferencetest.Step{refused}, true, 502, "model_error", "no such model", "false"},
		{"rate limited", []inferencetest.Step{inferencetest.HTTPError(429, `{"error":"slow down"}`)}, false, 502, "model_error", "429", ""},
		{"timeout", []inferencetest.Step{inferencetest.Unresponsive()}, false, 504, "model_timeout", "did not answer in time", ""},
		{"stream ends early", []inferencetest.Step{inferencetest.Truncated(1, "a", "b")}, false, 502, "model_error", "ended early", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			llm := inferencetest.NewServer(t, tt.steps...)
			a := serveAgent(t, llm.URL, agent.WithInferenceOptions(inference.WithIdleTimeout(200*time.Millisecond), inference.WithMaxRetries(0)))
			url := serveHandler(t, a, agent.HandlerOptions{})
			resp := post(t, url, userRequest(tt.stream, "hi"))
			b, _ := io.ReadAll(resp.Body)
			e, _ := decode(t, string(b))["error"].(map[string]any)
			if resp.StatusCode != tt.status || e["code"] != tt.code || !strings.Contains(e["message"].(string), tt.msg) {
				t.Errorf("status %d: %s", resp.StatusCode, b)
			}
			if got := resp.Header.Get("X-Should-Retry"); got != tt.retry {
				t.Errorf("X-Should-Retry %q, want %q", got, tt.retry)
			}
			if strings.Contains(string(b), "127.0.0.1") || strings.Contains(string(b), "inference:") {
				t.Errorf("internals in the error: %s", b)
			}
		})
	}
}

func TestServeErrorMidStream(t *testing.T) {
	llm := inferencetest.NewServer(t, inferencetest.ToolCalls(call("c1", "echo", `{"text":"hi"}`)),
		inferencetest.HTTPError(400, `{"error":"context too long"}`))
	url := serveHandler(t, serveAgent(t, llm.URL, agent.WithInferenceOptions(inference.WithMaxRetries(0))), agent.HandlerOptions{})
	resp := post(t, url, userRequest(true, "hi"))
	events := sseData(t, resp.Body)
	if resp.StatusCode != 200 || len(events) < 2 {
		t.Fatalf("status %d, events %q", resp.StatusCode, events)
	}
	last := decode(t, events[len(events)-1])
	e, _ := last["error"].(map[string]any)
	if e == nil || e["code"] != "model_error" || !strings.Contains(e["message"].(string), "context too long") {
		t.Errorf("last event %v", last)
	}
	if d := delta(decode(t, events[len(events)-2])); d["role"] != "tool" {
		t.Errorf("the tool result did not come before the error: %q", events)
	}
}

func TestServeLogsFailures(t *testing.T) {
	llm := inferencetest.NewServer(t, inferencetest.HTTPError(400, `{"error":"no such model"}`))
	var log mcptest.SyncBuffer
	url := serveHandler(t, serveAgent(t, llm.URL, agent.WithInferenceOptions(inference.WithMaxRetries(0))),
		agent.HandlerOptions{Logger: slog.New(slog.NewTextHandler(&log, nil))})
	post(t, url, userRequest(false, "hi"))
	if got := log.String(); !strings.Contains(got, "level=WARN") || !strings.Contains(got, llm.URL) || !strings.Contains(got, "status=502") {
		t.Errorf("log: %s", got)
	}
}
