package agent_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/agent"
	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
	"github.com/tiny-agents-go/tiny-agents/internal/mcptest"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// TestNewAppliesToolTimeout checks that New gives the agent-wide tool
// timeout of the config (agent.json's toolTimeout) to a server that sets
// none, so that a hanging call is cut and the model told so, and that a
// server's own timeout wins over it.
func TestNewAppliesToolTimeout(t *testing.T) {
	tests := []struct {
		name           string
		agentWide, own time.Duration
		want           string
	}{
		{"agent-wide", 200 * time.Millisecond, 0, "timed out after 200ms"},
		{"the server's own wins", 100 * time.Millisecond, 400 * time.Millisecond, "timed out after 400ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			llm := inferencetest.NewServer(t,
				inferencetest.ToolCalls(call("c1", "hang", `{}`)),
				inferencetest.ToolCalls(call("c2", "task_complete", `{}`)))
			hang, _, _ := hangServer(t)
			hang.Timeout = tt.own
			a, err := agent.New(t.Context(), &agent.Config{Model: "m", EndpointURL: llm.URL + "/v1",
				Servers: []mcpclient.ServerConfig{hang}, Timeouts: agent.Timeouts{Tool: tt.agentWide}})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			// Without the timeout the call would hang until this deadline.
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			var result string
			for ev, err := range a.Run(ctx, "go") {
				if err != nil {
					t.Fatalf("run failed: %v", err)
				}
				if r, ok := ev.(*mcpclient.ToolResultEvent); ok && r.Call.ID == "c1" {
					result = r.Message.Content
				}
			}
			if !strings.HasPrefix(result, "Error: ") || !strings.Contains(result, tt.want) {
				t.Errorf("the model was told %q, want an error saying %q", result, tt.want)
			}
			if n := len(llm.Requests()); n != 2 {
				t.Fatalf("requests = %d, want 2", n)
			}
			if body := string(llm.Request(1).Body); !strings.Contains(body, tt.want) {
				t.Errorf("the second request does not carry the timeout: %s", body)
			}
		})
	}
}

// TestNewAppliesConnectTimeout checks that New gives the agent-wide
// connect timeout (agent.json's connectTimeout) to a server that sets
// none: a server slower to start than that fails New.
func TestNewAppliesConnectTimeout(t *testing.T) {
	env := mcptest.StdioEnvMode("slow", "slow")
	env[mcptest.EnvDelay] = "3s"
	cfg := &agent.Config{Model: "m", EndpointURL: "http://127.0.0.1:1/v1",
		Servers:  []mcpclient.ServerConfig{{Type: "stdio", Command: os.Args[0], Args: []string{"-test.run=^$"}, Env: env}},
		Timeouts: agent.Timeouts{Connect: 300 * time.Millisecond}}
	start := time.Now()
	a, err := agent.New(t.Context(), cfg)
	if err == nil {
		a.Close()
		t.Fatalf("New connected a server that took 3s to start, with a connect timeout of 300ms")
	}
	if !errors.Is(err, mcpclient.ErrConnectTimeout) {
		t.Errorf("New err = %v, want ErrConnectTimeout", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("New gave up after %s", d)
	}
}

// TestNewAppliesIdleTimeout checks that New gives the config's idle
// timeout (agent.json's idleTimeout) to the inference client, so that a
// model stream that stalls ends the run with ErrIdleTimeout, and that an
// idle timeout given through WithInferenceOptions wins over it.
func TestNewAppliesIdleTimeout(t *testing.T) {
	t.Run("config", func(t *testing.T) {
		llm := inferencetest.NewServer(t, inferencetest.Stalled(1, "thinking", "..."))
		a, err := agent.New(t.Context(), &agent.Config{Model: "m", EndpointURL: llm.URL + "/v1",
			Timeouts: agent.Timeouts{Idle: 200 * time.Millisecond}})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		// Without the idle timeout the stream would stall until this deadline.
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		start := time.Now()
		end, err := a.Ask(ctx, "hi")
		if !errors.Is(err, inference.ErrIdleTimeout) {
			t.Fatalf("Ask = %+v, %v; want ErrIdleTimeout", end, err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("the stall was cut after %s", d)
		}
	})
	t.Run("option wins", func(t *testing.T) {
		// Chunks 200ms apart: the config's 50ms would cut the stream, the
		// option's 2s does not.
		llm := inferencetest.NewServer(t, inferencetest.Step{Text: []string{"slow", " but sure"}, Interval: 200 * time.Millisecond})
		a, err := agent.New(t.Context(), &agent.Config{Model: "m", EndpointURL: llm.URL + "/v1",
			Timeouts: agent.Timeouts{Idle: 50 * time.Millisecond}},
			agent.WithInferenceOptions(inference.WithIdleTimeout(2*time.Second)))
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		end, err := a.Ask(t.Context(), "hi")
		if err != nil || end.Answer != "slow but sure" {
			t.Fatalf("Ask = %+v, %v; want the whole answer", end, err)
		}
	})
}

// TestWithMaxTurnsZeroMeansDefault checks that WithMaxTurns(0) or a
// negative count leaves the default limit: the run asks the model and
// answers, instead of ending at once at the limit.
func TestWithMaxTurnsZeroMeansDefault(t *testing.T) {
	for _, n := range []int{0, -1} {
		llm := inferencetest.NewServer(t, inferencetest.Text("hi"))
		a, err := agent.New(t.Context(), &agent.Config{Model: "m", EndpointURL: llm.URL + "/v1"}, agent.WithMaxTurns(n))
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		end, err := a.Ask(t.Context(), "hello")
		if err != nil || end.Reason != mcpclient.StopAnswered || end.Answer != "hi" || end.Turns != 1 {
			t.Errorf("WithMaxTurns(%d): Ask = %+v, %v; want the answer after one turn", n, end, err)
		}
		if got := len(llm.Requests()); got != 1 {
			t.Errorf("WithMaxTurns(%d): %d model requests, want 1", n, got)
		}
	}
}
