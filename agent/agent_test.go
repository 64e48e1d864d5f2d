package agent_test

import (
	"os"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/agent"
	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
	"github.com/tiny-agents-go/tiny-agents/internal/mcptest"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

func TestMain(m *testing.M) {
	mcptest.ServeIfChild()
	os.Exit(m.Run())
}

func newAgent(t *testing.T, steps ...inferencetest.Step) (*agent.Agent, *inferencetest.Server) {
	t.Helper()
	llm := inferencetest.NewServer(t, steps...)
	cfg := &agent.Config{Model: "m", EndpointURL: llm.URL + "/v1", Prompt: "be brief", Servers: []mcpclient.ServerConfig{
		{Type: "stdio", Command: os.Args[0], Args: []string{"-test.run=^$"}, Env: mcptest.StdioEnv("a")}}}
	a, err := agent.New(t.Context(), cfg, agent.WithMaxTurns(4))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a, llm
}

func call(id, name, args string) inferencetest.ToolCall {
	return inferencetest.ToolCall{ID: id, Name: name, Arguments: []string{args}}
}

func run(t *testing.T, a *agent.Agent, input string) (results []string, err error) {
	for ev, e := range a.Run(t.Context(), input) {
		if e != nil {
			return results, e
		}
		if r, ok := ev.(*mcpclient.ToolResultEvent); ok {
			results = append(results, r.Message.Name)
		}
	}
	return results, nil
}

func TestRunStopsAtTaskComplete(t *testing.T) {
	a, llm := newAgent(t,
		inferencetest.ToolCalls(call("c1", "echo", `{"text":"x"}`)),
		inferencetest.ToolCalls(call("c2", "task_complete", `{}`)))
	got, err := run(t, a, "go")
	if err != nil || len(got) != 2 || got[1] != "task_complete" {
		t.Fatalf("results %v, err %v", got, err)
	}
	if n := len(llm.Requests()); n != 2 {
		t.Errorf("requests = %d", n)
	}
	msgs := a.Messages()
	if msgs[0].Role != inference.RoleSystem || msgs[0].Content != "be brief" || msgs[1].Content != "go" {
		t.Errorf("history starts %+v", msgs[:2])
	}
}

func TestRunStopsAtTextAfterTools(t *testing.T) {
	a, llm := newAgent(t,
		inferencetest.ToolCalls(call("c1", "echo", `{"text":"x"}`)),
		inferencetest.Text("All", " done."),
		inferencetest.Text("Sure."))
	if _, err := run(t, a, "go"); err != nil {
		t.Fatal(err)
	}
	// After a tool round, a text answer ends the run only if the next turn
	// also starts without a tool call: the reference loop asks once more
	// with exit-if-first-chunk-no-tool, which ends silently.
	if n := len(llm.Requests()); n != 3 {
		t.Errorf("requests = %d, want 3", n)
	}
}

func TestRunTextOnlyEndsAfterOneTurn(t *testing.T) {
	a, llm := newAgent(t, inferencetest.Text("Hello!"))
	if _, err := run(t, a, "hi"); err != nil {
		t.Fatal(err)
	}
	if n := len(llm.Requests()); n != 1 {
		t.Errorf("requests = %d", n)
	}
	if last := a.Messages()[len(a.Messages())-1]; last.Content != "Hello!" {
		t.Errorf("last message %+v", last)
	}
}

func TestRunMaxTurns(t *testing.T) {
	var steps []inferencetest.Step
	for i := range 4 {
		steps = append(steps, inferencetest.ToolCalls(call(string(rune('a'+i)), "echo", `{"text":"x"}`)))
	}
	a, llm := newAgent(t, steps...)
	if _, err := run(t, a, "loop"); err != nil {
		t.Fatal(err)
	}
	if n := len(llm.Requests()); n != 4 {
		t.Errorf("requests = %d, want the 4-turn limit", n)
	}
}
