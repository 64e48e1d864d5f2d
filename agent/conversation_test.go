package agent_test

import (
	"context"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/agent"
	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
	"github.com/tiny-agents-go/tiny-agents/internal/mcptest"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
	"github.com/tiny-agents-go/tiny-agents/tools"
)

func TestRunConversationsAtOnce(t *testing.T) {
	const n = 8
	steps := make([]inferencetest.Step, n)
	for i := range steps {
		steps[i] = inferencetest.Text("answer")
	}
	a, _ := newAgent(t, steps...)
	histories := make([][]inference.ChatMessage, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			for _, err := range a.RunConversation(t.Context(), &histories[i], inference.ChatMessage{Role: inference.RoleUser, Content: "q"}) {
				if err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	for i, h := range histories {
		roles := []string{}
		for _, m := range h {
			roles = append(roles, m.Role)
		}
		if !slices.Equal(roles, []string{"system", "user", "assistant"}) || h[0].Content != "be brief" || h[2].Content != "answer" {
			t.Errorf("history %d: %+v", i, h)
		}
	}
	if msgs := a.Messages(); len(msgs) != 1 {
		t.Errorf("the agent's own conversation grew: %+v", msgs)
	}
}

func TestMessagesWhileRunning(t *testing.T) {
	a, _ := newAgent(t,
		inferencetest.ToolCalls(call("c1", "echo", `{"text":"x"}`)),
		inferencetest.ToolCalls(call("c2", "task_complete", `{}`)))
	var sawTool bool
	for ev, err := range a.Run(t.Context(), "go") {
		if err != nil {
			t.Fatal(err)
		}
		msgs := a.Messages() // must not deadlock
		if _, ok := ev.(*mcpclient.ToolResultEvent); ok && msgs[len(msgs)-1].Role == inference.RoleTool {
			sawTool = true
		}
	}
	if !sawTool {
		t.Error("Messages did not show the tool message as of the event")
	}
}

func TestExitToolBeforeAnotherCallEndsTheRun(t *testing.T) {
	a, llm := newAgent(t, inferencetest.ToolCalls(call("c1", "task_complete", `{}`), call("c2", "echo", `{"text":"late"}`)))
	end, err := a.Ask(t.Context(), "go")
	if err != nil {
		t.Fatal(err)
	}
	if end.Reason != mcpclient.StopExitTool || end.Turns != 1 || len(llm.Requests()) != 1 {
		t.Errorf("end %+v after %d requests; want the run to stop at task_complete", end, len(llm.Requests()))
	}
}

func TestGoToolAndMCPToolInOneRun(t *testing.T) {
	type args struct {
		N int `json:"n"`
	}
	double, err := tools.New("double", "Doubles n.", func(_ context.Context, in args) (int, error) { return 2 * in.N, nil })
	if err != nil {
		t.Fatal(err)
	}
	llm := inferencetest.NewServer(t,
		inferencetest.ToolCalls(call("c1", "double", `{"n":21}`), call("c2", "echo", `{"text":"mcp"}`)),
		inferencetest.ToolCalls(call("c3", "task_complete", `{}`)))
	cfg := &agent.Config{Model: "m", EndpointURL: llm.URL + "/v1", Servers: []mcpclient.ServerConfig{
		{Type: "stdio", Command: os.Args[0], Args: []string{"-test.run=^$"}, Env: mcptest.StdioEnv("a")}}}
	a, err := agent.New(t.Context(), cfg, agent.WithTools(double))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var results []string
	for ev, err := range a.Run(t.Context(), "go") {
		if err != nil {
			t.Fatal(err)
		}
		if r, ok := ev.(*mcpclient.ToolResultEvent); ok && !r.ExitLoop {
			results = append(results, r.Message.Name+"="+r.Message.Content)
		}
	}
	if !slices.Equal(results, []string{"double=42", "echo=echo: mcp"}) {
		t.Errorf("results %q", results)
	}
	sent := llm.Request(0).JSON(t)["tools"].([]any)
	var names []string
	for _, tl := range sent {
		names = append(names, tl.(map[string]any)["function"].(map[string]any)["name"].(string))
	}
	if !slices.Contains(names, "double") || !slices.Contains(names, "echo") {
		t.Errorf("tools sent to the model: %q", names)
	}
}
