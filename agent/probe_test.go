package agent_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/agent"
	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
	"github.com/tiny-agents-go/tiny-agents/tools"
)

// goAgent is an agent of llm's model with Go tools only and no retries.
func goAgent(t *testing.T, llm *inferencetest.Server, ts ...*tools.Tool) *agent.Agent {
	t.Helper()
	a, err := agent.New(t.Context(), &agent.Config{Model: "m", EndpointURL: llm.URL + "/v1"}, agent.WithTools(ts...),
		agent.WithInferenceOptions(inference.WithMaxRetries(0)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// checkAnswered fails the test if a tool call of msgs is not answered by
// the tool messages right after it, or a tool message answers none.
func checkAnswered(t *testing.T, msgs []inference.ChatMessage) {
	t.Helper()
	for i := 0; i < len(msgs); i++ {
		m := msgs[i]
		if m.Role == inference.RoleTool {
			t.Errorf("message %d answers no call: %+v", i, m)
			continue
		}
		for j, tc := range m.ToolCalls {
			if k := i + 1 + j; k >= len(msgs) || msgs[k].Role != inference.RoleTool || msgs[k].ToolCallID != tc.ID {
				t.Errorf("call %s of message %d is not answered in order", tc.ID, i)
			}
		}
		i += len(m.ToolCalls)
	}
}

// TestRunProbeFailureKeepsAnswer checks the request that follows a text
// answer after tools, which only asks whether the model wants more tools:
// when it fails before showing anything, the run ends answered with the
// answer, no error and a conversation that ends with the answer; when it
// fails after a tool call appeared in it, or because the run's context was
// cancelled, the run fails.
func TestRunProbeFailureKeepsAnswer(t *testing.T) {
	tests := []struct {
		name   string
		probe  inferencetest.Step
		cancel bool             // cancel the run once the probe is under way
		fails  func(error) bool // nil: the run ends answered
	}{
		{"HTTP 500", inferencetest.HTTPError(http.StatusInternalServerError, `{"error":"overloaded"}`), false, nil},
		{"HTTP 400", inferencetest.HTTPError(http.StatusBadRequest, `{"error":"context too long"}`), false, nil},
		{"connection reset", inferencetest.ResetConnection(), false, nil},
		{"stream cut before the first chunk", inferencetest.Raw(": keep-alive\n\n"), false, nil},
		{"error event first", inferencetest.Step{ErrorEvent: "overloaded"}, false, nil},
		{"error event after a tool call", inferencetest.Step{ToolCalls: []inferencetest.ToolCall{call("c2", "note", `{}`)},
			ErrorEvent: "overloaded"}, false, func(err error) bool { return errors.As(err, new(*inference.StreamError)) }},
		{"cancelled", inferencetest.Unresponsive(), true, func(err error) bool { return errors.Is(err, context.Canceled) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			llm := inferencetest.NewServer(t,
				inferencetest.ToolCalls(call("c1", "note", `{}`)),
				inferencetest.Text("All", " done."),
				tt.probe)
			note, err := tools.New("note", "Takes a note.", func(context.Context, struct{}) (string, error) { return "noted", nil })
			if err != nil {
				t.Fatal(err)
			}
			a := goAgent(t, llm, note)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			if tt.cancel {
				go func() {
					for len(llm.Requests()) < 3 && ctx.Err() == nil {
						time.Sleep(5 * time.Millisecond)
					}
					cancel()
				}()
			}
			var end *mcpclient.RunEndEvent
			var runErr error
			for ev, err := range a.Run(ctx, "go") {
				if err != nil {
					runErr = err
					break
				}
				if e, ok := ev.(*mcpclient.RunEndEvent); ok {
					end = e
				}
			}
			if n := len(llm.Requests()); n != 3 {
				t.Errorf("requests = %d, want 3", n)
			}
			msgs := a.Messages()
			checkAnswered(t, msgs)
			if tt.fails != nil {
				if runErr == nil || !tt.fails(runErr) || end != nil {
					t.Errorf("run ended with %+v, %v; want it failed", end, runErr)
				}
				return
			}
			if runErr != nil || end == nil {
				t.Fatalf("run ended with %+v, %v; want it answered", end, runErr)
			}
			if end.Reason != mcpclient.StopAnswered || end.Answer != "All done." || end.Turns != 3 {
				t.Errorf("RunEndEvent = %+v, want answered \"All done.\" after 3 turns", end)
			}
			roles := []string{}
			for _, m := range msgs {
				roles = append(roles, m.Role)
			}
			if got := strings.Join(roles, " "); got != "system user assistant tool assistant" || msgs[len(msgs)-1].Content != "All done." {
				t.Errorf("conversation %s ends %+v; want it to end with the answer", got, msgs[len(msgs)-1])
			}
		})
	}
}

// typedNilError is an error whose Error dereferences its receiver.
type typedNilError struct{ msg string }

func (e *typedNilError) Error() string { return e.msg }

// TestRunToolTypedNilError checks that Go tools returning a typed nil
// error (var e *T; return x, e), called twice in one turn so that the
// calls run in parallel on goroutines of their own, do not crash the
// process: the run goes on and the model is told each call failed.
func TestRunToolTypedNilError(t *testing.T) {
	llm := inferencetest.NewServer(t,
		inferencetest.ToolCalls(call("c1", "lookup", `{}`), call("c2", "lookup", `{}`)),
		inferencetest.ToolCalls(call("c3", "task_complete", `{}`)))
	lookup, err := tools.New("lookup", "Looks something up.", func(context.Context, struct{}) (string, error) {
		var e *typedNilError
		return "found", e
	})
	if err != nil {
		t.Fatal(err)
	}
	a := goAgent(t, llm, lookup)
	results := map[string]*mcpclient.ToolResultEvent{}
	var end *mcpclient.RunEndEvent
	for ev, err := range a.Run(t.Context(), "go") {
		if err != nil {
			t.Fatal(err)
		}
		switch e := ev.(type) {
		case *mcpclient.ToolResultEvent:
			results[e.Call.ID] = e
		case *mcpclient.RunEndEvent:
			end = e
		}
	}
	if end == nil || end.Reason != mcpclient.StopExitTool {
		t.Errorf("RunEndEvent = %+v, want the run ended by task_complete", end)
	}
	for _, id := range []string{"c1", "c2"} {
		r := results[id]
		if r == nil {
			t.Errorf("no result for %s", id)
			continue
		}
		var pe *tools.PanicError
		if !errors.As(r.Err, &pe) || !strings.HasPrefix(r.Message.Content, "Error: ") ||
			!strings.Contains(r.Message.Content, "tool lookup panicked") {
			t.Errorf("result of %s: %q, err %v; want a failure the model is told of", id, r.Message.Content, r.Err)
		}
	}
	if n := len(llm.Requests()); n != 2 {
		t.Fatalf("requests = %d, want 2", n)
	}
	if body := string(llm.Request(1).Body); strings.Count(body, "tool lookup panicked") != 2 {
		t.Errorf("the second request does not tell the model of both failures: %s", body)
	}
	checkAnswered(t, a.Messages())
}
