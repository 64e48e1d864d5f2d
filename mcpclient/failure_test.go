package mcpclient_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
	"github.com/tiny-agents-go/tiny-agents/internal/mcptest"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// modeConfig starts this test binary as a stdio server that misbehaves as
// mode says.
func modeConfig(name, mode string) mcpclient.ServerConfig {
	cfg := stdioConfig(name)
	cfg.Name = name
	cfg.Env = mcptest.StdioEnvMode(name, mode)
	return cfg
}

// startedPIDs records the pid of every stdio child c starts.
func startedPIDs(c *mcpclient.Client) func() []int {
	var mu sync.Mutex
	var pids []int
	mcpclient.SetStartHook(c, func(pid int) {
		mu.Lock()
		defer mu.Unlock()
		pids = append(pids, pid)
	})
	return func() []int {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(pids)
	}
}

// assertGone fails unless no process has pid any more: reaped, not a zombie.
func assertGone(t *testing.T, pids []int) {
	t.Helper()
	if len(pids) == 0 {
		t.Fatal("no child was started")
	}
	for _, pid := range pids {
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("child %d still exists (kill 0: %v)", pid, err)
		}
	}
}

func serverError(t *testing.T, err error) *mcpclient.ServerError {
	t.Helper()
	var se *mcpclient.ServerError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v (%T), want a *ServerError", err, err)
	}
	return se
}

func TestCrashAtStartShowsStderrAndExitStatus(t *testing.T) {
	c, _ := newClient(t) // no WithServerStderr: the tail is kept anyway
	pids := startedPIDs(c)
	err := c.AddServer(t.Context(), modeConfig("crashy", "crash"))
	se := serverError(t, err)
	if !errors.Is(err, mcpclient.ErrServerGone) || se.Exit != "exit status 1" || se.Server != "crashy" {
		t.Errorf("gone %v, exit %q, server %q", errors.Is(err, mcpclient.ErrServerGone), se.Exit, se.Server)
	}
	want := "server \"crashy\": exited during start-up (exit status 1)\n  its stderr ends with:\n" +
		"    starting the fake server\n    reading the configuration\n    " + mcptest.CrashMessage
	if se.Error() != want || err.Error() != want {
		t.Errorf("message =\n%s\nwant\n%s", err, want)
	}
	assertGone(t, pids())
}

func TestConnectTimeout(t *testing.T) {
	for _, mode := range []string{"garbage", "silent"} {
		t.Run(mode, func(t *testing.T) {
			c, _ := newClient(t)
			pids := startedPIDs(c)
			cfg := modeConfig(mode, mode)
			cfg.ConnectTimeout = 300 * time.Millisecond
			start := time.Now()
			err := c.AddServer(t.Context(), cfg)
			elapsed := time.Since(start)
			se := serverError(t, err)
			if !errors.Is(err, mcpclient.ErrConnectTimeout) || !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("err = %v: want ErrConnectTimeout and context.DeadlineExceeded", err)
			}
			if want := `server "` + mode + `": no answer within 300ms while connecting (connect timeout)`; firstLineOf(se.Error()) != want {
				t.Errorf("message = %q, want %q", se.Error(), want)
			}
			if elapsed > 3*time.Second {
				t.Errorf("AddServer took %s with a 300ms connect timeout", elapsed)
			}
			assertGone(t, pids())
			if len(c.Servers()) != 0 || len(c.Tools()) != 0 {
				t.Errorf("a server that timed out was kept: %v", c.Servers())
			}
		})
	}
}

func firstLineOf(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func TestCancelDuringConnectReapsTheChild(t *testing.T) {
	c, _ := newClient(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	started := make(chan int, 1)
	mcpclient.SetStartHook(c, func(pid int) { started <- pid })
	cfg := modeConfig("slow", "slow")
	cfg.Env[mcptest.EnvDelay] = "1m"
	errc := make(chan error, 1)
	go func() { errc <- c.AddServer(ctx, cfg) }()
	pid := <-started
	cancel()
	cancelled := time.Now()
	var err error
	select {
	case err = <-errc:
	case <-time.After(5 * time.Second):
		t.Fatal("AddServer did not return after its context was cancelled")
	}
	if d := time.Since(cancelled); d > time.Second {
		t.Errorf("AddServer returned %s after the cancel", d)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if se := serverError(t, err); se.Server != "slow" || !strings.Contains(se.Error(), "cancelled during start-up") {
		t.Errorf("message = %q", se.Error())
	}
	assertGone(t, []int{pid})
}

func TestSlowServerWithinTheTimeout(t *testing.T) {
	c, _ := newClient(t)
	cfg := modeConfig("slow", "slow")
	cfg.Env[mcptest.EnvDelay] = "300ms"
	cfg.ConnectTimeout = 20 * time.Second
	if err := c.AddServer(t.Context(), cfg); err != nil {
		t.Fatal(err)
	}
	if len(c.Tools()) != len(allTools) {
		t.Errorf("tools = %v", toolNames(c.Tools()))
	}
}

func TestServerGoneDuringCall(t *testing.T) {
	c, _ := newClient(t, inferencetest.ToolCalls(call("c1", "die", `{}`)))
	cfg := stdioConfig("d")
	cfg.Name = "dier"
	if err := c.AddServer(t.Context(), cfg); err != nil {
		t.Fatal(err)
	}
	msgs := []inference.ChatMessage{{Role: inference.RoleUser, Content: "go"}}
	var result *mcpclient.ToolResultEvent
	for ev, err := range c.ProcessSingleTurnWithTools(t.Context(), &msgs, mcpclient.TurnOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		if r, ok := ev.(*mcpclient.ToolResultEvent); ok {
			result = r
		}
	}
	if result == nil {
		t.Fatal("no tool result")
	}
	se := serverError(t, result.Err)
	if !errors.Is(result.Err, mcpclient.ErrServerGone) || se.Op != "call die" || se.Exit != "exit status 3" ||
		!strings.Contains(se.Stderr, "dying now") {
		t.Errorf("gone %v, op %q, exit %q, stderr %q", errors.Is(result.Err, mcpclient.ErrServerGone), se.Op, se.Exit, se.Stderr)
	}
	want := `Error: MCP tool call failed with error message: server "dier": exited during tool call "die" (exit status 3)`
	if result.Message.Content != want {
		t.Errorf("tool message = %q, want %q (no stderr for the model)", result.Message.Content, want)
	}
	assertAnswered(t, msgs)
	// The server stays gone, and says so again.
	_, err := c.CallTool(t.Context(), "echo", map[string]any{"text": "x"})
	if se := serverError(t, err); !errors.Is(err, mcpclient.ErrServerGone) || se.Exit != "exit status 3" ||
		firstLineOf(se.Error()) != `server "dier": exited earlier (exit status 3)` {
		t.Errorf("second call: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close repeated the failure already reported: %v", err)
	}
}

// recorder is a slog handler that keeps the messages of records.
type recorder struct {
	mu   sync.Mutex
	msgs []string
}

func (r *recorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *recorder) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if rec.Level >= slog.LevelWarn {
		r.msgs = append(r.msgs, rec.Message)
	}
	return nil
}
func (r *recorder) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *recorder) WithGroup(string) slog.Handler      { return r }

func (r *recorder) messages() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.msgs)
}

func TestWarningsAreSentences(t *testing.T) {
	rec := &recorder{}
	c, err := mcpclient.New(mcpclient.WithLogger(slog.New(rec)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	a := httpConfig(t)
	a.Name = "a"
	b := stdioConfig("b")
	b.Name = "b"
	b.AllowedTools = []string{"echo", "serch_repos", "pid"}
	if err := c.AddServers(t.Context(), []mcpclient.ServerConfig{a, b}); err != nil {
		t.Fatal(err)
	}
	got := rec.messages()
	for _, want := range []string{
		`server "b": allowedTools names "serch_repos", which the server does not have`,
		`server "b": tool "echo" skipped: server "a" already offers a tool of that name`,
		`server "b": tool "pid" skipped: server "a" already offers a tool of that name`,
	} {
		if !slices.Contains(got, want) {
			t.Errorf("warnings %q lack %q", got, want)
		}
	}
	if len(got) != 3 {
		t.Errorf("warnings = %q, want 3", got)
	}
}

func TestServerStderrIsMirroredWithPrefixes(t *testing.T) {
	var out mcptest.SyncBuffer
	c, err := mcpclient.New(mcpclient.WithServerStderr(&out))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	err = c.AddServers(t.Context(), []mcpclient.ServerConfig{modeConfig("one", "crash"), modeConfig("two", "crash")})
	if err == nil {
		t.Fatal("crashing servers connected")
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	for _, name := range []string{"one", "two"} {
		var mine []string
		for _, l := range lines {
			if rest, ok := strings.CutPrefix(l, "["+name+"] "); ok {
				mine = append(mine, rest)
			}
		}
		if want := []string{"starting the fake server", "reading the configuration", mcptest.CrashMessage}; !slices.Equal(mine, want) {
			t.Errorf("server %s mirrored %q, want %q", name, mine, want)
		}
	}
	if len(lines) != 6 {
		t.Errorf("mirror = %q, want 6 prefixed lines", lines)
	}
}

func TestRefusedConnectionMessage(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	for _, tc := range []struct{ typ, path string }{
		{mcpclient.TransportHTTP, "/mcp"},
		{mcpclient.TransportSSE, "/sse"},
	} {
		t.Run(tc.typ, func(t *testing.T) {
			c, _ := newClient(t)
			err := c.AddServer(t.Context(), mcpclient.ServerConfig{Type: tc.typ, URL: "http://user:hunter2@" + addr + tc.path + "?key=hunter2"})
			se := serverError(t, err)
			msg := se.Error()
			if want := `server "` + addr + tc.path + `": could not connect: `; !strings.HasPrefix(msg, want) {
				t.Errorf("message = %q, want prefix %q", msg, want)
			}
			if !strings.HasSuffix(msg, "connection refused") || strings.Contains(msg, "hunter2") {
				t.Errorf("message = %q: want the cause, and no secret", msg)
			}
			segments := strings.Split(msg, ": ")
			for i, s := range segments {
				if slices.Contains(segments[:i], s) {
					t.Errorf("message = %q repeats %q", msg, s)
				}
			}
			for _, noise := range []string{"transport error", "failed to send request", "mcpclient"} {
				if strings.Contains(msg, noise) {
					t.Errorf("message = %q says %q", msg, noise)
				}
			}
		})
	}
}
