package mcpclient_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// TestTurnGivesEveryToolCallAnID holds that tool calls the model sent
// without an id, or with the id of another call of the same message, get
// a unique id, and that the tool messages answer the assistant's calls
// one to one, in call order, by those ids.
func TestTurnGivesEveryToolCallAnID(t *testing.T) {
	tests := map[string]struct {
		steps   []inferencetest.Step
		keepIDs map[int]string // calls (by position in their message) whose id must stay as sent
	}{
		"no ids": {steps: []inferencetest.Step{
			inferencetest.ToolCalls(call("", "note", `{"n":1}`), call("", "note", `{"n":2}`), call("c3", "note", `{"n":3}`)),
			inferencetest.ToolCalls(call("", "note", `{"n":4}`), call("", "note", `{"n":5}`)),
		}, keepIDs: map[int]string{2: "c3"}},
		"one id twice": {steps: []inferencetest.Step{
			inferencetest.ToolCalls(call("c1", "note", `{"n":1}`), call("c1", "note", `{"n":2}`), call("c2", "note", `{"n":3}`)),
		}, keepIDs: map[int]string{0: "c1", 2: "c2"}},
		"no id field in the stream": {steps: []inferencetest.Step{inferencetest.Raw(
			"data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"type\":\"function\",\"function\":{\"name\":\"note\",\"arguments\":\"{\\\"n\\\":1}\"}}]}}]}\n\n" +
				"data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"type\":\"function\",\"function\":{\"name\":\"note\",\"arguments\":\"{\\\"n\\\":2}\"}}]}}]}\n\n" +
				"data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n" +
				"data: [DONE]\n\n")}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			note := goTool(t, "note", func(_ context.Context, args json.RawMessage) (string, error) {
				return "noted " + string(args), nil
			})
			c, _ := newLimitedClient(t, []mcpclient.Option{mcpclient.WithTools(note)}, tt.steps...)
			msgs := []inference.ChatMessage{{Role: inference.RoleUser, Content: "go"}}
			for turn := range tt.steps {
				start := len(msgs)
				var eventIDs []string
				for ev, err := range c.ProcessSingleTurnWithTools(t.Context(), &msgs, mcpclient.TurnOptions{}) {
					if err != nil {
						t.Fatalf("turn %d: %v", turn, err)
					}
					if e, ok := ev.(*mcpclient.ToolCallEvent); ok {
						eventIDs = append(eventIDs, e.Call.ID)
					}
				}
				asst := msgs[start]
				if asst.Role != inference.RoleAssistant || len(msgs) != start+1+len(asst.ToolCalls) {
					t.Fatalf("turn %d: history %+v, want the assistant message and one tool message per call", turn, msgs[start:])
				}
				seen := map[string]bool{}
				for i, tc := range asst.ToolCalls {
					if tc.ID == "" || seen[tc.ID] {
						t.Errorf("turn %d: call %d has id %q, want one no other call has", turn, i, tc.ID)
					}
					seen[tc.ID] = true
					if want, ok := tt.keepIDs[i]; ok && turn == 0 && tc.ID != want {
						t.Errorf("turn %d: call %d has id %q, want the id it was sent with, %q", turn, i, tc.ID, want)
					}
					if i < len(eventIDs) && eventIDs[i] != tc.ID {
						t.Errorf("turn %d: ToolCallEvent %d has id %q, the history %q", turn, i, eventIDs[i], tc.ID)
					}
					answer := msgs[start+1+i]
					if answer.Role != inference.RoleTool || answer.ToolCallID != tc.ID || answer.Content != "noted "+tc.Function.Arguments {
						t.Errorf("turn %d: call %d (%s %s) answered by %+v", turn, i, tc.ID, tc.Function.Arguments, answer)
					}
				}
				if len(eventIDs) != len(asst.ToolCalls) {
					t.Errorf("turn %d: %d ToolCallEvents for %d calls", turn, len(eventIDs), len(asst.ToolCalls))
				}
			}
			assertAnswered(t, msgs)
		})
	}
}

// recordingServer is an MCP server over streamable HTTP with one tool,
// lookup, that records the raw JSON arguments of every tools/call request
// it receives, as they came over the wire.
type recordingServer struct {
	mu    sync.Mutex
	calls []json.RawMessage
}

func newRecordingServer(t *testing.T) (*recordingServer, mcpclient.ServerConfig) {
	t.Helper()
	rs := &recordingServer{}
	s := server.NewMCPServer("rec", "1.0", server.WithToolCapabilities(true))
	s.AddTool(mcp.NewTool("lookup", mcp.WithNumber("id")),
		func(_ context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return mcp.NewToolResultText(fmt.Sprintf("looked up with %d arguments", len(req.GetArguments()))), nil
		})
	h := server.NewStreamableHTTPServer(s)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				t.Errorf("reading a request: %v", err)
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			var msg struct {
				Method string `json:"method"`
				Params struct {
					Arguments json.RawMessage `json:"arguments"`
				} `json:"params"`
			}
			if json.Unmarshal(body, &msg) == nil && msg.Method == "tools/call" {
				rs.mu.Lock()
				rs.calls = append(rs.calls, msg.Params.Arguments)
				rs.mu.Unlock()
			}
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return rs, mcpclient.ServerConfig{Type: mcpclient.TransportHTTP, URL: ts.URL + "/mcp"}
}

// received returns the raw arguments of the tools/call requests so far.
func (rs *recordingServer) received() []json.RawMessage {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return append([]json.RawMessage(nil), rs.calls...)
}

// TestToolArgumentsReachServerAsWritten holds that numbers in a call's
// arguments reach an MCP server as the model wrote them, integers beyond
// float64's 2^53 included.
func TestToolArgumentsReachServerAsWritten(t *testing.T) {
	rs, cfg := newRecordingServer(t)
	c, _ := newClient(t, inferencetest.ToolCalls(
		call("c1", "lookup", `{"id": 9007199254740993, "nested": {"ids": [12345678901234567891, 1.5e300]}, "ratio": 0.1}`)))
	if err := c.AddServer(t.Context(), cfg); err != nil {
		t.Fatal(err)
	}
	msgs := []inference.ChatMessage{{Role: inference.RoleUser, Content: "go"}}
	r := runTurn(t, t.Context(), c, &msgs, mcpclient.TurnOptions{})
	if r.err != nil {
		t.Fatal(r.err)
	}
	if len(r.results) != 1 || r.results[0] != "looked up with 3 arguments" {
		t.Errorf("results = %q", r.results)
	}
	got := rs.received()
	if len(got) != 1 {
		t.Fatalf("the server received %d calls, want 1", len(got))
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, got[0]); err != nil {
		t.Fatal(err)
	}
	want := `{"id":9007199254740993,"nested":{"ids":[12345678901234567891,1.5e300]},"ratio":0.1}`
	if compact.String() != want {
		t.Errorf("the server received arguments %s\nwant                           %s", compact.String(), want)
	}
}

// TestToolArgumentsMustBeAnObject holds that arguments that are JSON but
// not an object are answered to the model as such, without calling the
// tool, and that "null" arguments still call it with none.
func TestToolArgumentsMustBeAnObject(t *testing.T) {
	var mu sync.Mutex
	var goCalls []string
	note := goTool(t, "note", func(_ context.Context, args json.RawMessage) (string, error) {
		mu.Lock()
		goCalls = append(goCalls, string(args))
		mu.Unlock()
		return "noted", nil
	})
	rs, cfg := newRecordingServer(t)
	c, _ := newLimitedClient(t, []mcpclient.Option{mcpclient.WithTools(note)}, inferencetest.ToolCalls(
		call("c1", "lookup", `[1,2]`),
		call("c2", "lookup", `7`),
		call("c3", "note", `["a"]`),
		call("c4", "note", `"text"`),
		call("c5", "lookup", `null`),
		call("c6", "note", `null`),
	))
	if err := c.AddServer(t.Context(), cfg); err != nil {
		t.Fatal(err)
	}
	msgs := []inference.ChatMessage{{Role: inference.RoleUser, Content: "go"}}
	r := runTurn(t, t.Context(), c, &msgs, mcpclient.TurnOptions{})
	if r.err != nil {
		t.Fatal(r.err)
	}
	if len(r.results) != 6 {
		t.Fatalf("results = %q, want 6", r.results)
	}
	for i := range 4 {
		if !strings.Contains(r.results[i], "must be a JSON object") {
			t.Errorf("call %d (%s): answered %q, want a message saying the arguments must be a JSON object",
				i, msgs[1].ToolCalls[i].Function.Arguments, r.results[i])
		}
	}
	if r.results[4] != "looked up with 0 arguments" || r.results[5] != "noted" {
		t.Errorf("null arguments: answered %q and %q, want the tools run", r.results[4], r.results[5])
	}
	if got := rs.received(); len(got) != 1 || string(got[0]) != "{}" {
		t.Errorf("the MCP server received %q, want one call with {}", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(goCalls) != 1 || goCalls[0] != "{}" {
		t.Errorf("the Go tool was called with %q, want once with {}", goCalls)
	}
	for i, m := range msgs[2:] {
		if m.Content != r.results[i] {
			t.Errorf("tool message %d = %q, the event said %q", i, m.Content, r.results[i])
		}
	}
	assertAnswered(t, msgs)
}
