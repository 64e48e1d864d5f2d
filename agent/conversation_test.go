package agent_test

import (
	"slices"
	"sync"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
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
