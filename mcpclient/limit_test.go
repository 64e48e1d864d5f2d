package mcpclient_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
	"github.com/tiny-agents-go/tiny-agents/internal/mcptest"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// newLimitedClient is newClient with opts.
func newLimitedClient(t *testing.T, opts []mcpclient.Option, steps ...inferencetest.Step) (*mcpclient.Client, *inferencetest.Server) {
	t.Helper()
	llm := inferencetest.NewServer(t, steps...)
	opts = append([]mcpclient.Option{mcpclient.WithModel("test-model"),
		mcpclient.WithInferenceOptions(inference.WithBaseURL(llm.URL+"/v1"), inference.WithToken("none"))}, opts...)
	c, err := mcpclient.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, llm
}

// bigTurn runs a turn whose one tool call asks for a big result, and
// returns its tool result event.
func bigTurn(t *testing.T, c *mcpclient.Client, msgs *[]inference.ChatMessage) *mcpclient.ToolResultEvent {
	t.Helper()
	var res *mcpclient.ToolResultEvent
	for ev, err := range c.ProcessSingleTurnWithTools(t.Context(), msgs, mcpclient.TurnOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		if r, ok := ev.(*mcpclient.ToolResultEvent); ok {
			res = r
		}
	}
	if res == nil || res.Err != nil {
		t.Fatalf("tool result %+v", res)
	}
	return res
}

// marker is the line that ends a result of total bytes cut to kept bytes
// by limit.
func marker(total, kept, limit int) string {
	return fmt.Sprintf("\n[... %s more bytes cut: the tool result was %s bytes, over the %s-byte limit]",
		commas(total-kept), commas(total), commas(limit))
}

func commas(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func TestToolResultLimit(t *testing.T) {
	const size = 100_000
	for _, tc := range []struct {
		name  string
		opts  []mcpclient.Option
		size  int
		unit  string
		limit int // the limit in effect; 0: the result is not cut
		kept  int // the bytes of the result kept
	}{
		{"default", nil, size, "x", mcpclient.DefaultToolResultLimit, mcpclient.DefaultToolResultLimit},
		{"zero is the default", []mcpclient.Option{mcpclient.WithToolResultLimit(0)}, size, "x",
			mcpclient.DefaultToolResultLimit, mcpclient.DefaultToolResultLimit},
		{"custom", []mcpclient.Option{mcpclient.WithToolResultLimit(1000)}, size, "x", 1000, 1000},
		{"cut on a rune boundary", []mcpclient.Option{mcpclient.WithToolResultLimit(1000)}, size, "日本", 1000, 999},
		{"negative: no limit", []mcpclient.Option{mcpclient.WithToolResultLimit(-1)}, size, "x", 0, 0},
		{"within the limit", nil, 100, "x", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := fmt.Sprintf(`{"size": %d, "unit": %q}`, tc.size, tc.unit)
			c, llm := newLimitedClient(t, tc.opts, inferencetest.ToolCalls(call("c1", "big", args)), inferencetest.Text("ok"))
			if err := c.AddServer(t.Context(), extraConfig("big")); err != nil {
				t.Fatal(err)
			}
			msgs := []inference.ChatMessage{{Role: inference.RoleUser, Content: "go"}}
			res := bigTurn(t, c, &msgs)
			full := mcptest.Big(tc.size, tc.unit)
			if res.Result != full {
				t.Errorf("event Result has %d bytes, want the whole %d", len(res.Result), len(full))
			}
			want := full
			if tc.limit > 0 {
				want = full[:tc.kept] + marker(len(full), tc.kept, tc.limit)
			}
			if res.Message.Content != want {
				t.Errorf("tool message = %q (%d bytes), want %q (%d bytes)", short(res.Message.Content), len(res.Message.Content), short(want), len(want))
			}
			if last := msgs[len(msgs)-1]; last.Content != res.Message.Content {
				t.Errorf("history holds %d bytes, the event's message %d", len(last.Content), len(res.Message.Content))
			}
			for range c.ProcessSingleTurnWithTools(t.Context(), &msgs, mcpclient.TurnOptions{}) {
			}
			sent := llm.Request(1).JSON(t)["messages"].([]any)
			if got := sent[2].(map[string]any)["content"]; got != want {
				t.Errorf("the next turn sent a tool message of %d bytes, want %d", len(fmt.Sprint(got)), len(want))
			}
		})
	}
}

func short(s string) string {
	if len(s) > 120 {
		return s[:60] + "..." + s[len(s)-60:]
	}
	return s
}

// TestHundredMegabyteToolResult moves 100 MB through a stdio server, in
// about 5 s, nearly all of it mcp-go decoding the message ten times over
// (the JSON-RPC line twice, the result four times, the content twice).
// With the race detector, or -short, it moves 5 MB.
func TestHundredMegabyteToolResult(t *testing.T) {
	size := 100_000_000
	if raceEnabled || testing.Short() {
		size = 5_000_000
	}
	c, _ := newClient(t, inferencetest.ToolCalls(call("c1", "big", fmt.Sprintf(`{"size": %d}`, size))))
	if err := c.AddServer(t.Context(), extraConfig("big")); err != nil {
		t.Fatal(err)
	}
	msgs := []inference.ChatMessage{{Role: inference.RoleUser, Content: "go"}}
	before := heapInUse()
	start := time.Now()
	res := bigTurn(t, c, &msgs)
	elapsed := time.Since(start)
	if len(res.Result) != size {
		t.Errorf("event Result has %d bytes, want %d", len(res.Result), size)
	}
	limit := mcpclient.DefaultToolResultLimit
	if end := marker(size, limit, limit); len(res.Message.Content) != limit+len(end) || !strings.HasSuffix(res.Message.Content, end) {
		t.Errorf("tool message: %d bytes ending %q, want %d ending %q", len(res.Message.Content), short(res.Message.Content), limit+len(end), end)
	}
	// The event is all that holds the whole result: the turn kept no
	// other copy alive.
	if grown := int64(heapInUse()) - int64(before); grown > 2*int64(size) {
		t.Errorf("heap grew by %d MB for a %d MB result", grown>>20, size>>20)
	}
	runtime.KeepAlive(res)
	res = nil
	if grown := int64(heapInUse()) - int64(before); grown > int64(size)/4 {
		t.Errorf("heap grew by %d MB once the event was dropped: the history keeps the result", grown>>20)
	}
	t.Logf("%d MB result in %s", size/1_000_000, elapsed)
	runtime.KeepAlive(msgs)
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}
