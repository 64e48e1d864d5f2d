package mcpclient_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/server/servertest"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
	"github.com/tiny-agents-go/tiny-agents/internal/mcptest"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
	"github.com/tiny-agents-go/tiny-agents/tools"
)

// extraHTTPConfig serves mcptest's server with its extra tools (big,
// environ, sleep) over streamable HTTP, in process.
func extraHTTPConfig(t *testing.T) mcpclient.ServerConfig {
	srv := mcptest.NewServer("extra")
	mcptest.AddExtraTools(srv)
	ts := servertest.NewTestStreamableHTTPServer(srv)
	t.Cleanup(ts.Close)
	return mcpclient.ServerConfig{Type: mcpclient.TransportHTTP, Name: "extra", URL: ts.URL + "/mcp"}
}

// goTool is a Go tool with no declared parameters that runs fn.
func goTool(t *testing.T, name string, fn func(ctx context.Context, args json.RawMessage) (string, error), opts ...tools.Option) *tools.Tool {
	t.Helper()
	tl, err := tools.NewRaw(name, "The test tool "+name+".", nil, fn, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return tl
}

// events runs a turn and returns its events and its error.
func events(t *testing.T, ctx context.Context, c *mcpclient.Client, msgs *[]inference.ChatMessage, opts mcpclient.TurnOptions) ([]mcpclient.Event, error) {
	t.Helper()
	var evs []mcpclient.Event
	for ev, err := range c.ProcessSingleTurnWithTools(ctx, msgs, opts) {
		if err != nil {
			return evs, err
		}
		evs = append(evs, ev)
	}
	return evs, nil
}

// resultIDs are the call ids of the *ToolResultEvents of evs, in order.
func resultIDs(evs []mcpclient.Event) []string {
	var ids []string
	for _, ev := range evs {
		if r, ok := ev.(*mcpclient.ToolResultEvent); ok {
			ids = append(ids, r.Call.ID)
		}
	}
	return ids
}

// toolMessageIDs are the call ids of the tool messages of msgs, in order.
func toolMessageIDs(msgs []inference.ChatMessage) []string {
	var ids []string
	for _, m := range msgs {
		if m.Role == inference.RoleTool {
			ids = append(ids, m.ToolCallID)
		}
	}
	return ids
}

func TestToolCallsRunInParallel(t *testing.T) {
	for _, tc := range []struct {
		name     string
		parallel int
		fast     bool // the three calls must take well under 3 × 200 ms
	}{
		{"default", 0, true},
		{"one at a time", 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sleep := `{"duration": "200ms"}`
			c, _ := newLimitedClient(t, []mcpclient.Option{mcpclient.WithMaxParallelTools(tc.parallel)},
				inferencetest.ToolCalls(call("c1", "sleep", sleep), call("c2", "sleep", sleep), call("c3", "sleep", sleep)))
			if err := c.AddServer(t.Context(), extraHTTPConfig(t)); err != nil {
				t.Fatal(err)
			}
			msgs := []inference.ChatMessage{{Role: inference.RoleUser, Content: "go"}}
			var start time.Time
			var took time.Duration
			var evs []mcpclient.Event
			for ev, err := range c.ProcessSingleTurnWithTools(t.Context(), &msgs, mcpclient.TurnOptions{}) {
				if err != nil {
					t.Fatal(err)
				}
				evs = append(evs, ev)
				switch ev.(type) {
				case *mcpclient.ToolCallEvent:
					start = time.Now() // the calls start after the last one
				case *mcpclient.TurnEndEvent:
					took = time.Since(start)
				}
			}
			if tc.fast && took >= 450*time.Millisecond {
				t.Errorf("three 200 ms calls took %s, want < 450ms", took)
			}
			if !tc.fast && took < 600*time.Millisecond {
				t.Errorf("three 200 ms calls one at a time took %s, want >= 600ms", took)
			}
			want := []string{"c1", "c2", "c3"}
			if got := resultIDs(evs); !reflect.DeepEqual(got, want) {
				t.Errorf("results of %v, want %v", got, want)
			}
			if got := toolMessageIDs(msgs); !reflect.DeepEqual(got, want) {
				t.Errorf("tool messages for %v, want %v", got, want)
			}
			for _, m := range msgs[2:] {
				if m.Content != "slept 200ms" {
					t.Errorf("tool message %q", m.Content)
				}
			}
		})
	}
}

func TestToolResultsComeInCallOrder(t *testing.T) {
	// slow finishes only once both fast calls have: they must run beside
	// it, and its result must still come first.
	fastDone := make(chan struct{}, 2)
	release := make(chan struct{})
	slow := goTool(t, "slow", func(ctx context.Context, _ json.RawMessage) (string, error) {
		select {
		case <-release:
			return "slow done", nil
		case <-ctx.Done():
			return "", ctx.Err()
		}
	})
	fast := goTool(t, "fast", func(context.Context, json.RawMessage) (string, error) {
		fastDone <- struct{}{}
		return "fast done", nil
	})
	go func() {
		<-fastDone
		<-fastDone
		close(release)
	}()
	c, _ := newLimitedClient(t, []mcpclient.Option{mcpclient.WithTools(slow, fast)},
		inferencetest.ToolCalls(call("c1", "slow", `{}`), call("c2", "fast", `{}`), call("c3", "fast", `{}`)))
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second) // fails instead of hanging if the calls run one by one
	defer cancel()
	msgs := []inference.ChatMessage{{Role: inference.RoleUser, Content: "go"}}
	evs, err := events(t, ctx, c, &msgs, mcpclient.TurnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, ev := range evs {
		switch e := ev.(type) {
		case *mcpclient.ToolCallEvent:
			order = append(order, "call "+e.Call.ID)
		case *mcpclient.ToolResultEvent:
			order = append(order, "result "+e.Call.ID+": "+e.Message.Content)
		case *mcpclient.TurnEndEvent:
			order = append(order, "end")
		}
	}
	want := []string{"call c1", "call c2", "call c3", "result c1: slow done", "result c2: fast done", "result c3: fast done", "end"}
	if !reflect.DeepEqual(order, want) {
		t.Errorf("events:\n%q\nwant\n%q", order, want)
	}
	assertAnswered(t, msgs)
}

func TestMaxParallelTools(t *testing.T) {
	// Calls meet in pairs: each waits for the other call of its pair, so
	// a limit of 2 lets them through and runs no more than 2 at once.
	var mu sync.Mutex
	active, peak, arrived := 0, 0, 0
	pairs := []chan struct{}{make(chan struct{}), make(chan struct{})}
	pair := goTool(t, "pair", func(ctx context.Context, _ json.RawMessage) (string, error) {
		mu.Lock()
		active++
		peak = max(peak, active)
		mine := pairs[arrived/2]
		arrived++
		if arrived%2 == 0 {
			close(mine)
		}
		mu.Unlock()
		defer func() {
			mu.Lock()
			active--
			mu.Unlock()
		}()
		select {
		case <-mine:
			return "met", nil
		case <-ctx.Done():
			return "", ctx.Err()
		}
	})
	c, _ := newLimitedClient(t, []mcpclient.Option{mcpclient.WithTools(pair), mcpclient.WithMaxParallelTools(2)},
		inferencetest.ToolCalls(call("c1", "pair", `{}`), call("c2", "pair", `{}`), call("c3", "pair", `{}`), call("c4", "pair", `{}`)))
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	msgs := []inference.ChatMessage{{Role: inference.RoleUser, Content: "go"}}
	if _, err := events(t, ctx, c, &msgs, mcpclient.TurnOptions{}); err != nil {
		t.Fatal(err)
	}
	if peak != 2 {
		t.Errorf("at most %d calls ran at once, want 2", peak)
	}
	for _, m := range msgs[2:] {
		if m.Content != "met" {
			t.Errorf("tool message %q", m.Content)
		}
	}
	if _, err := mcpclient.New(mcpclient.WithMaxParallelTools(-1)); err == nil {
		t.Error("New accepted WithMaxParallelTools(-1)")
	}
}

// blocker is a Go tool "block" that waits for its context to end. started
// receives once per call; running counts the calls that have not returned.
type blocker struct {
	tool    *tools.Tool
	started chan struct{}
	running atomic.Int32
}

func newBlocker(t *testing.T) *blocker {
	b := &blocker{started: make(chan struct{}, 10)}
	b.tool = goTool(t, "block", func(ctx context.Context, _ json.RawMessage) (string, error) {
		b.running.Add(1)
		defer b.running.Add(-1)
		b.started <- struct{}{}
		<-ctx.Done()
		return "", ctx.Err()
	})
	return b
}

func TestCancelDuringParallelCalls(t *testing.T) {
	b := newBlocker(t)
	c, _ := newLimitedClient(t, []mcpclient.Option{mcpclient.WithTools(b.tool), mcpclient.WithMaxParallelTools(2)},
		inferencetest.ToolCalls(call("c1", "block", `{}`), call("c2", "block", `{}`), call("c3", "echo", `{"text":"x"}`),
			call("c4", "task_complete", `{}`), call("c5", "echo", `{"text":"y"}`)))
	if err := c.AddServer(t.Context(), httpConfig(t)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() {
		<-b.started
		<-b.started
		cancel() // both slots are taken: c3 has not started
	}()
	msgs := []inference.ChatMessage{{Role: inference.RoleUser, Content: "go"}}
	evs, err := events(t, ctx, c, &msgs, mcpclient.TurnOptions{ExitLoopTools: tools.ExitLoopTools()})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n := b.running.Load(); n != 0 {
		t.Errorf("%d calls still running after the turn", n)
	}
	if got := resultIDs(evs); !reflect.DeepEqual(got, []string{"c1"}) {
		t.Errorf("results of %v, want that of c1, which the turn was waiting for", got)
	}
	for _, ev := range evs {
		if r, ok := ev.(*mcpclient.ToolResultEvent); ok && !errors.Is(r.Err, context.Canceled) {
			t.Errorf("result of %s: Err = %v, want context.Canceled", r.Call.ID, r.Err)
		}
	}
	want := map[string]string{
		"c1": "Error: MCP tool call failed with error message: context canceled",
		"c2": "Error: MCP tool call failed with error message: context canceled",
		"c3": "Error: the tool call was cancelled before it ran.",
		"c4": "Error: the tool call was cancelled before it ran.",
		"c5": "Error: the tool call was cancelled before it ran.",
	}
	for _, m := range msgs[2:] {
		if w, ok := want[m.ToolCallID]; ok && m.Content != w {
			t.Errorf("tool message for %s = %q, want %q", m.ToolCallID, m.Content, w)
		}
	}
	if got := toolMessageIDs(msgs); !reflect.DeepEqual(got, []string{"c1", "c2", "c3", "c4", "c5"}) {
		t.Errorf("tool messages for %v, want every call in order", got)
	}
	assertAnswered(t, msgs)
}

func TestConsumerStopsDuringParallelCalls(t *testing.T) {
	b := newBlocker(t)
	c, _ := newLimitedClient(t, []mcpclient.Option{mcpclient.WithTools(b.tool)},
		inferencetest.ToolCalls(call("c1", "echo", `{"text":"x"}`), call("c2", "block", `{}`), call("c3", "block", `{}`)))
	if err := c.AddServer(t.Context(), httpConfig(t)); err != nil {
		t.Fatal(err)
	}
	msgs := []inference.ChatMessage{{Role: inference.RoleUser, Content: "go"}}
	var results int
	for ev, err := range c.ProcessSingleTurnWithTools(t.Context(), &msgs, mcpclient.TurnOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := ev.(*mcpclient.ToolResultEvent); ok {
			results++
			break
		}
	}
	if n := b.running.Load(); n != 0 {
		t.Errorf("%d calls still running after the consumer stopped", n)
	}
	if results != 1 || msgs[2].Content != "echo: x" {
		t.Errorf("results %d, first tool message %q", results, msgs[2].Content)
	}
	for _, m := range msgs[3:] {
		if !strings.HasPrefix(m.Content, "Error: ") {
			t.Errorf("tool message for %s = %q, want an error", m.ToolCallID, m.Content)
		}
	}
	assertAnswered(t, msgs)
}
