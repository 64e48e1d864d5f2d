package agent_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/agent"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

// TestServeModelRetrieve: GET /v1/models/{model} (the OpenAI SDKs'
// models.retrieve) answers the agent's model; another name is 404.
func TestServeModelRetrieve(t *testing.T) {
	llm := inferencetest.NewServer(t)
	url := serveHandler(t, serveAgent(t, llm.URL), agent.HandlerOptions{Model: "org/agent-model"})
	resp, err := http.Get(url + "/v1/models/org/agent-model")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m struct{ ID, Object string }
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || resp.StatusCode != 200 || m.ID != "org/agent-model" || m.Object != "model" {
		t.Errorf("status %d, %+v, %v", resp.StatusCode, m, err)
	}
	other, err := http.Get(url + "/v1/models/other")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(other.Body)
	other.Body.Close()
	if other.StatusCode != http.StatusNotFound || !strings.Contains(string(body), `"model_not_found"`) {
		t.Errorf("another model: status %d, %s; want 404 model_not_found", other.StatusCode, body)
	}
}

// TestServeRequestIDOnErrors: a refused request carries an X-Request-Id
// as an answered one does, for the client's error report.
func TestServeRequestIDOnErrors(t *testing.T) {
	llm := inferencetest.NewServer(t)
	url := serveHandler(t, serveAgent(t, llm.URL), agent.HandlerOptions{})
	resp := post(t, url, `{"messages":`)
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("X-Request-Id") == "" {
		t.Errorf("status %d, X-Request-Id %q", resp.StatusCode, resp.Header.Get("X-Request-Id"))
	}
	keyed := serveHandler(t, serveAgent(t, llm.URL), agent.HandlerOptions{APIKey: "k"})
	resp = post(t, keyed, userRequest(false, "hi"), "Authorization", "Bearer wrong")
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("X-Request-Id") == "" {
		t.Errorf("wrong key: status %d, X-Request-Id %q", resp.StatusCode, resp.Header.Get("X-Request-Id"))
	}
	get, err := http.Get(url + "/v1/chat/completions")
	if err != nil {
		t.Fatal(err)
	}
	get.Body.Close()
	if get.StatusCode != http.StatusMethodNotAllowed || get.Header.Get("X-Request-Id") == "" {
		t.Errorf("GET: status %d, X-Request-Id %q", get.StatusCode, get.Header.Get("X-Request-Id"))
	}
}

// TestServeTurnLimitIsLength: a run stopped at the turn limit is not a
// finished answer: finish_reason "length", as for a model's cut answer.
func TestServeTurnLimitIsLength(t *testing.T) {
	llm := inferencetest.NewServer(t)
	llm.Always(inferencetest.ToolCalls(inferencetest.ToolCall{ID: "c", Name: "echo", Arguments: []string{`{"text":"again"}`}}))
	url := serveHandler(t, serveAgent(t, llm.URL, agent.WithMaxTurns(2)), agent.HandlerOptions{})
	resp := post(t, url, userRequest(false, "loop"))
	var out struct {
		Choices []struct {
			FinishReason string `json:"finish_reason"`
		}
		Extra struct {
			StopReason string `json:"stop_reason"`
		} `json:"x_tiny_agents"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Choices) != 1 {
		t.Fatalf("status %d: %+v, %v", resp.StatusCode, out, err)
	}
	if out.Choices[0].FinishReason != "length" || out.Extra.StopReason != "max_turns" {
		t.Errorf("finish_reason %q, stop_reason %q, want length and max_turns", out.Choices[0].FinishReason, out.Extra.StopReason)
	}
}

// TestServeKeepAlive: a stream that has nothing to send for the
// keep-alive interval gets comment lines, which SSE readers skip, and the
// answer after them; once one was sent (with the 200 status), a failure
// is an error event, not an HTTP error.
func TestServeKeepAlive(t *testing.T) {
	slow := inferencetest.Text("late", " answer")
	slow.Delay = 300 * time.Millisecond
	refused := inferencetest.HTTPError(400, `{"error":{"message":"context too long"}}`)
	refused.Delay = 300 * time.Millisecond
	for name, tt := range map[string]struct {
		step      inferencetest.Step
		keepAlive time.Duration
		pings     bool
		want      string
	}{
		"answer":         {slow, 50 * time.Millisecond, true, `late answer`},
		"error":          {refused, 50 * time.Millisecond, true, `context too long`},
		"none when off":  {slow, -1, false, `late answer`},
		"none when busy": {inferencetest.Text("quick"), time.Second, false, `quick`},
	} {
		t.Run(name, func(t *testing.T) {
			llm := inferencetest.NewServer(t, tt.step)
			url := serveHandler(t, serveAgent(t, llm.URL), agent.HandlerOptions{KeepAlive: tt.keepAlive})
			resp := post(t, url, userRequest(true, "hi"))
			body, err := io.ReadAll(resp.Body)
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d, %v:\n%s", resp.StatusCode, err, body)
			}
			text := string(body)
			if got := strings.HasPrefix(text, ": keep-alive\n\n"); got != tt.pings {
				t.Errorf("starts with a keep-alive: %v, want %v:\n%s", got, tt.pings, text)
			}
			var content strings.Builder
			for _, data := range sseData(t, strings.NewReader(text)) {
				var c struct {
					Choices []struct {
						Delta struct{ Content string }
					}
					Error *struct{ Message string }
				}
				json.Unmarshal([]byte(data), &c)
				for _, ch := range c.Choices {
					content.WriteString(ch.Delta.Content)
				}
				if c.Error != nil {
					content.WriteString(c.Error.Message)
				}
			}
			if !strings.Contains(content.String(), tt.want) {
				t.Errorf("events say %q, want %q:\n%s", content.String(), tt.want, text)
			}
		})
	}
}

// TestServeClosedAgent: requests to the handler of a closed agent get
// 503, a state of the server, not a 500.
func TestServeClosedAgent(t *testing.T) {
	llm := inferencetest.NewServer(t)
	a := serveAgent(t, llm.URL)
	url := serveHandler(t, a, agent.HandlerOptions{})
	a.Close()
	for _, stream := range []bool{false, true} {
		resp := post(t, url, userRequest(stream, "hi"))
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), `"unavailable"`) {
			t.Errorf("stream %v: status %d: %s", stream, resp.StatusCode, body)
		}
	}
}

// TestServeUnderPrefix: mounted with http.StripPrefix, with or without a
// trailing slash on the prefix, the routes answer.
func TestServeUnderPrefix(t *testing.T) {
	llm := inferencetest.NewServer(t)
	h := agent.NewHandler(serveAgent(t, llm.URL), agent.HandlerOptions{Model: "m"})
	for _, prefix := range []string{"/api", "/api/"} {
		mux := http.NewServeMux()
		mux.Handle("/api/", http.StripPrefix(prefix, h))
		srv := httptest.NewServer(mux)
		resp, err := http.Get(srv.URL + "/api/v1/models")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		srv.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"id":"m"`) {
			t.Errorf("StripPrefix(%q): status %d: %s", prefix, resp.StatusCode, body)
		}
	}
}

// TestServeRedact: what a run sends the client goes through
// HandlerOptions.Redact: an error that quotes the model's endpoint, a
// tool's result, the model's text, in a stream and in a reply.
func TestServeRedact(t *testing.T) {
	const secret = "hf_servesecret77"
	redact := func(s string) string { return strings.ReplaceAll(s, secret, "[redacted]") }
	toolRound := []inferencetest.Step{
		inferencetest.ToolCalls(inferencetest.ToolCall{ID: "c1", Name: "echo", Arguments: []string{`{"text":"key ` + secret + `"}`}}),
		{Text: []string{"the key is " + secret}, ToolCalls: []inferencetest.ToolCall{{ID: "c2", Name: "task_complete", Arguments: []string{"{}"}}}},
	}
	for name, steps := range map[string][]inferencetest.Step{
		"endpoint error": {inferencetest.HTTPError(400, `{"error":{"message":"bad header Bearer `+secret+`"}}`)},
		"tool and text":  toolRound,
	} {
		for _, stream := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/stream=%v", name, stream), func(t *testing.T) {
				llm := inferencetest.NewServer(t, steps...)
				url := serveHandler(t, serveAgent(t, llm.URL), agent.HandlerOptions{Redact: redact})
				resp := post(t, url, userRequest(stream, "hi"))
				body, _ := io.ReadAll(resp.Body)
				if strings.Contains(string(body), secret) {
					t.Errorf("status %d, the secret is sent:\n%s", resp.StatusCode, body)
				}
				if !strings.Contains(string(body), "[redacted]") {
					t.Errorf("status %d, nothing redacted:\n%s", resp.StatusCode, body)
				}
			})
		}
	}
}
