package mcpclient_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"sync/atomic"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
	"github.com/tiny-agents-go/tiny-agents/internal/mcptest"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
	"github.com/tiny-agents-go/tiny-agents/tools"
)

// approvalSetup is a client with a Go tool "record" that counts its calls
// and the test MCP server over HTTP, named "mcp", whose hook answers with
// decide and records what it was asked, with the number of calls made by
// then.
type approvalSetup struct {
	c     *mcpclient.Client
	llm   *inferencetest.Server
	calls atomic.Int32 // calls of record
	asked []mcpclient.ApprovalRequest
	made  []int32 // calls of record made when each question was asked
}

func newApprovalSetup(t *testing.T, decide func(req mcpclient.ApprovalRequest) (mcpclient.Approval, error), steps ...inferencetest.Step) *approvalSetup {
	t.Helper()
	s := &approvalSetup{}
	record := goTool(t, "record", func(context.Context, json.RawMessage) (string, error) {
		s.calls.Add(1)
		return "recorded", nil
	}, tools.WithAnnotations(tools.Annotations{Title: "Record", DestructiveHint: inference.Ptr(false)}))
	approve := func(_ context.Context, req mcpclient.ApprovalRequest) (mcpclient.Approval, error) {
		s.asked = append(s.asked, req) // the hook is called on the turn's goroutine
		s.made = append(s.made, s.calls.Load())
		return decide(req)
	}
	s.c, s.llm = newLimitedClient(t, []mcpclient.Option{mcpclient.WithTools(record), mcpclient.WithApprover(approve)}, steps...)
	cfg := httpConfig(t)
	cfg.Name = "mcp"
	if err := s.c.AddServer(t.Context(), cfg); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *approvalSetup) askedNames() []string {
	var names []string
	for _, r := range s.asked {
		names = append(names, r.Call.Function.Name)
	}
	return names
}

func allow(mcpclient.ApprovalRequest) (mcpclient.Approval, error) {
	return mcpclient.Approval{Allow: true}, nil
}

func TestApprovalAllow(t *testing.T) {
	s := newApprovalSetup(t, allow, inferencetest.ToolCalls(call("c1", "record", `{}`), call("c2", "echo", `{"text":"hi"}`),
		call("c3", "nope", `{}`), call("c4", "task_complete", `{}`)))
	msgs := []inference.ChatMessage{{Role: inference.RoleUser, Content: "go"}}
	r := runTurn(t, t.Context(), s.c, &msgs, mcpclient.TurnOptions{ExitLoopTools: tools.ExitLoopTools()})
	if r.err != nil {
		t.Fatal(r.err)
	}
	if got, want := s.askedNames(), []string{"record", "echo"}; !reflect.DeepEqual(got, want) {
		t.Errorf("asked about %v, want %v: not about an unknown tool or a loop-control tool", got, want)
	}
	if !reflect.DeepEqual(s.made, []int32{0, 0}) {
		t.Errorf("calls made when each question was asked: %v, want none before every question was asked", s.made)
	}
	if want := []string{"recorded", "echo: hi", "Error: No session found for tool: nope", ""}; !reflect.DeepEqual(r.results, want) {
		t.Errorf("results %q, want %q", r.results, want)
	}
	if len(s.asked) == 2 && (s.asked[0].Server != "" || s.asked[1].Server != "mcp" || s.asked[1].Call.ID != "c2" ||
		s.asked[1].Call.Function.Arguments != `{"text":"hi"}`) {
		t.Errorf("requests %+v", s.asked)
	}
}

func TestApprovalSeesAnnotations(t *testing.T) {
	s := newApprovalSetup(t, allow, inferencetest.ToolCalls(call("c1", "record", `{}`), call("c2", "echo", `{"text":"hi"}`),
		call("c3", "add", `{"a":1,"b":2}`)))
	msgs := []inference.ChatMessage{{Role: inference.RoleUser, Content: "go"}}
	if r := runTurn(t, t.Context(), s.c, &msgs, mcpclient.TurnOptions{}); r.err != nil {
		t.Fatal(r.err)
	}
	echo := tools.Annotations(mcptest.EchoAnnotations)
	add := tools.Annotations{ReadOnlyHint: inference.Ptr(false), DestructiveHint: inference.Ptr(true),
		IdempotentHint: inference.Ptr(false), OpenWorldHint: inference.Ptr(true)}
	record := tools.Annotations{Title: "Record", DestructiveHint: inference.Ptr(false)}
	want := []tools.Annotations{record, echo, add}
	for i, w := range want {
		if i >= len(s.asked) || !reflect.DeepEqual(s.asked[i].Annotations, w) {
			t.Errorf("request %d: annotations %s, want %s", i, annotationsText(s, i), jsonText(w))
		}
	}
	if len(s.asked) > 1 && !s.asked[1].Annotations.ReadOnly() {
		t.Error("echo is not read-only in its request")
	}
	for name, w := range map[string]tools.Annotations{"echo": echo, "add": add, "record": record, "nope": {}, "task_complete": {}} {
		if got := s.c.ToolAnnotations(name); !reflect.DeepEqual(got, w) {
			t.Errorf("ToolAnnotations(%q) = %s, want %s", name, jsonText(got), jsonText(w))
		}
	}
	got := s.c.ToolAnnotations("echo")
	*got.ReadOnlyHint = false
	if !s.c.ToolAnnotations("echo").ReadOnly() {
		t.Error("changing the annotations ToolAnnotations returned changed the client's")
	}
}

func annotationsText(s *approvalSetup, i int) string {
	if i >= len(s.asked) {
		return "<not asked>"
	}
	return jsonText(s.asked[i].Annotations)
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestApprovalDeny(t *testing.T) {
	for _, tc := range []struct {
		reason, want string
	}{
		{"too risky", "The user denied this tool call: too risky"},
		{"", "The user denied this tool call."},
	} {
		t.Run(tc.want, func(t *testing.T) {
			deny := func(req mcpclient.ApprovalRequest) (mcpclient.Approval, error) {
				return mcpclient.Approval{Allow: req.Call.Function.Name != "record", Reason: tc.reason}, nil
			}
			s := newApprovalSetup(t, deny, inferencetest.ToolCalls(call("c1", "record", `{}`), call("c2", "echo", `{"text":"hi"}`)),
				inferencetest.Text("ok"))
			msgs := []inference.ChatMessage{{Role: inference.RoleUser, Content: "go"}}
			r := runTurn(t, t.Context(), s.c, &msgs, mcpclient.TurnOptions{})
			if r.err != nil {
				t.Fatal(r.err)
			}
			if n := s.calls.Load(); n != 0 {
				t.Errorf("the denied tool was called %d times", n)
			}
			if want := []string{tc.want, "echo: hi"}; !reflect.DeepEqual(r.results, want) {
				t.Errorf("results %q, want %q", r.results, want)
			}
			if r.errs[0] != nil {
				t.Errorf("a denied call's Err = %v, want nil", r.errs[0])
			}
			if r := runTurn(t, t.Context(), s.c, &msgs, mcpclient.TurnOptions{}); r.err != nil {
				t.Fatal(r.err)
			}
			sent := s.llm.Request(1).JSON(t)["messages"].([]any)
			if got := sent[2].(map[string]any)["content"]; got != tc.want {
				t.Errorf("the model was sent %q, want %q", got, tc.want)
			}
		})
	}
}

func TestApprovalCancel(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"cancelled", mcpclient.ErrApprovalCancelled, "Not run: the user cancelled the tool calls."},
		{"other error", errors.New("no terminal"), "Not run: cancelled during approval."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cancelSecond := func(req mcpclient.ApprovalRequest) (mcpclient.Approval, error) {
				if req.Call.Function.Name == "echo" {
					return mcpclient.Approval{}, tc.err
				}
				return mcpclient.Approval{Allow: true}, nil
			}
			s := newApprovalSetup(t, cancelSecond, inferencetest.ToolCalls(call("c1", "record", `{}`), call("c2", "echo", `{"text":"hi"}`),
				call("c3", "record", `{}`), call("c4", "task_complete", `{}`)), inferencetest.Text("ok"))
			msgs := []inference.ChatMessage{{Role: inference.RoleUser, Content: "go"}}
			r := runTurn(t, t.Context(), s.c, &msgs, mcpclient.TurnOptions{ExitLoopTools: tools.ExitLoopTools()})
			if !errors.Is(r.err, tc.err) {
				t.Fatalf("err = %v, want %v", r.err, tc.err)
			}
			if len(r.results) != 0 || len(r.ends) != 0 {
				t.Errorf("results %q, turn ends %d: want neither after the hook's error", r.results, len(r.ends))
			}
			if got, want := s.askedNames(), []string{"record", "echo"}; !reflect.DeepEqual(got, want) {
				t.Errorf("asked about %v, want %v", got, want)
			}
			if n := s.calls.Load(); n != 0 {
				t.Errorf("record was called %d times: no call may run", n)
			}
			if got := toolMessageIDs(msgs); !reflect.DeepEqual(got, []string{"c1", "c2", "c3", "c4"}) {
				t.Errorf("tool messages for %v, want every call", got)
			}
			for _, m := range msgs[2:] {
				if m.Content != tc.want {
					t.Errorf("tool message for %s = %q, want %q", m.ToolCallID, m.Content, tc.want)
				}
			}
			assertAnswered(t, msgs)
			// The conversation goes on.
			if r := runTurn(t, t.Context(), s.c, &msgs, mcpclient.TurnOptions{}); r.err != nil {
				t.Fatal(r.err)
			}
		})
	}
}
