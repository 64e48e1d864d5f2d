package mcpclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"slices"
	"sync"
	"time"

	mcpc "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/internal/procgroup"
	"github.com/tiny-agents-go/tiny-agents/internal/version"
	"github.com/tiny-agents-go/tiny-agents/tools"
)

// session is one connected server.
type session struct {
	cfg   ServerConfig
	name  string // display name
	base  string // the name before "#N" was added to tell it apart
	mc    *mcpc.Client
	tools []inference.Tool
	// annotations are the hints of the tools kept, by name.
	annotations map[string]tools.Annotations
	// unknownAllowed are the AllowedTools entries the server does not have.
	unknownAllowed []string
	// stopLife ends the context the transport was started with, which
	// outlives connecting, though not the caller's ctx (a stdio transport
	// answers server requests in it, an SSE stream reads in it).
	stopLife context.CancelFunc

	// For a stdio server: its transport, the tail of its stderr, and a
	// channel closed when its stderr has been read to the end (nil until
	// the child has started).
	stdio      *transport.Stdio
	tail       *stderrTail
	stderrDone chan struct{}

	// For an sse server: a channel closed when its event stream ends.
	lostCh chan struct{}

	mu   sync.Mutex
	lost error     // why an sse server's event stream ended, once it has
	cmd  *exec.Cmd // the stdio child, once built
	pid  int       // its pid (and process group), once started
	gone bool      // reported gone: its close error is no news
	why  error     // how it went away, once reported gone
	exit string    // how the child ended, once known

	closeOnce sync.Once
	closeErr  error
}

// connect starts the transport, initialises the session and lists the
// server's tools (all pages), filtered by AllowedTools, within the server's
// connect timeout. On failure the session is closed and the error is a
// *ServerError.
func (c *Client) connect(ctx context.Context, cfg ServerConfig, name string) (*session, error) {
	s := &session{cfg: cfg, name: name}
	if err := cfg.Validate(); err != nil {
		return nil, &ServerError{Server: name, Op: "config", Err: err}
	}
	d := cfg.ConnectTimeout
	if d <= 0 {
		d = DefaultConnectTimeout
	}
	// The clock stops while the user signs in (see deadline.go); the
	// transport's life context pauses it too, as an sse server's first
	// request runs in it.
	cctx, cancel := withPausableTimeout(ctx, d)
	defer cancel()
	life, stop := context.WithCancel(withPausable(ctx, cctx))
	s.stopLife = stop
	mc, err := s.newClient(c)
	if err != nil {
		stop()
		return nil, &ServerError{Server: name, Op: "start", Err: err}
	}
	s.mc = mc
	// Ending the connect context also ends a handshake that runs in the
	// transport's life context (an SSE stream waiting for its endpoint).
	unwatch := context.AfterFunc(cctx, stop)
	op, err := s.handshake(life, cctx, c.onStart)
	if !unwatch() && err == nil {
		err = cctx.Err()
	}
	if err == nil {
		return s, nil
	}
	switch {
	case ctx.Err() != nil:
		err = ctx.Err()
	case cctx.Err() != nil:
		err = &timeoutError{d: d, connect: true}
	case s.lostCause() != nil:
		return nil, s.fail(op, s.lostCause(), true, false)
	case s.stdio == nil && op == "initialize" && isDial(err):
		op = "connect"
	}
	return nil, s.failure(op, err)
}

// handshake starts the transport in life and initialises the session and
// lists its tools in ctx. It returns the step that failed.
func (s *session) handshake(life, ctx context.Context, onStart func(int)) (string, error) {
	if err := s.mc.Start(life); err != nil {
		if s.stdio == nil && s.cfg.Type != TransportBuiltin {
			return "connect", err
		}
		return "start", err
	}
	if s.stdio != nil {
		s.mu.Lock()
		if s.cmd != nil && s.cmd.Process != nil {
			s.pid = s.cmd.Process.Pid
		}
		pid := s.pid
		s.mu.Unlock()
		s.readStderr()
		if pid > 0 && onStart != nil {
			onStart(pid)
		}
	}
	var init mcp.InitializeRequest
	init.Params.ProtocolVersion = mcp.LATEST_LEGACY_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "tiny-agents-go", Version: version.Version}
	if _, err := s.mc.Initialize(ctx, init); err != nil {
		return "initialize", err
	}
	res, err := s.mc.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		return "list tools", err
	}
	have := map[string]bool{}
	s.annotations = map[string]tools.Annotations{}
	for _, t := range res.Tools {
		have[t.Name] = true
		if len(s.cfg.AllowedTools) > 0 && !slices.Contains(s.cfg.AllowedTools, t.Name) {
			continue
		}
		s.tools = append(s.tools, toInferenceTool(t))
		s.annotations[t.Name] = toAnnotations(t.Annotations)
	}
	for _, name := range s.cfg.AllowedTools {
		if !have[name] {
			s.unknownAllowed = append(s.unknownAllowed, name)
		}
	}
	return "", nil
}

// readStderr copies the child's stderr, which the transport drains into a
// buffer of its own, into the tail until the stream ends: when the child
// and whatever inherited its stderr have exited, or the session closes.
// Reading the transport's buffer to its end, rather than mirroring the
// drain through transport.WithCommandStderrWriter, tells when the tail is
// complete: that mirror is not waited for, so the last lines a crashing
// server writes could arrive after its error was built.
func (s *session) readStderr() {
	r := s.stdio.Stderr()
	if r == nil {
		return
	}
	s.stderrDone = make(chan struct{})
	go func() {
		defer close(s.stderrDone)
		io.Copy(s.tail, r)
		s.tail.flush()
	}()
}

// goneWait bounds the wait for a server that went away to finish: its
// exit status and the last bytes of its stderr.
const goneWait = 500 * time.Millisecond

// failure closes the session and describes why op failed.
func (s *session) failure(op string, err error) *ServerError {
	return s.fail(op, err, s.wentAway(err), false)
}

// fail closes the session and describes why op failed; gone says that the
// server went away, err being how, and before that it had gone before op
// began.
func (s *session) fail(op string, err error, gone, before bool) *ServerError {
	if gone {
		s.awaitStderr(goneWait)
		s.mu.Lock()
		if !s.gone {
			s.why = err
		}
		err = &goneError{cause: err, earlier: before || s.gone}
		s.gone = true
		s.mu.Unlock()
	}
	s.close()
	s.awaitStderr(goneWait)
	se := &ServerError{Server: s.name, Op: op, Err: err, Stderr: s.tail.String()}
	if gone {
		se.Exit = s.exitOf()
	}
	return se
}

// wentAway reports whether err says the server went away: the connection
// closed, or the transport failed and the child's stderr has ended with it.
func (s *session) wentAway(err error) bool {
	var te *transport.Error
	return isClosed(err) || errors.As(err, &te) && s.stdio != nil && s.stderrEnded()
}

// stderrEnded reports whether the child's stderr was read to its end, which
// happens when the child exits.
func (s *session) stderrEnded() bool {
	if s.stderrDone == nil {
		return false
	}
	select {
	case <-s.stderrDone:
		return true
	default:
		return false
	}
}

func (s *session) awaitStderr(d time.Duration) {
	if s.stderrDone == nil {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-s.stderrDone:
	case <-t.C:
	}
}

func (s *session) newClient(c *Client) (*mcpc.Client, error) {
	cfg := s.cfg
	log := c.transportLogger(s.name)
	switch cfg.Type {
	case TransportStdio:
		s.tail = newStderrTail(s.name, c.stderr)
		s.stdio = transport.NewStdioWithOptions(cfg.Command, nil, cfg.Args,
			transport.WithCommandFunc(s.command), transport.WithCommandLogger(log))
		return mcpc.NewClient(s.stdio, c.clientOptions()...), nil
	case TransportSSE:
		hc, err := c.oauthClient(cfg, s.name, http.DefaultTransport)
		if err != nil {
			return nil, err
		}
		t, err := transport.NewSSE(cfg.URL, transport.WithHeaders(cfg.Headers), transport.WithSSELogger(log),
			transport.WithHTTPClient(hc))
		if err != nil {
			return nil, err
		}
		mc := mcpc.NewClient(t, c.clientOptions()...)
		s.watchStream(mc, t)
		return mc, nil
	case TransportHTTP:
		hc, err := c.oauthClient(cfg, s.name, watchTransport{base: http.DefaultTransport})
		if err != nil {
			return nil, err
		}
		opts := []transport.StreamableHTTPCOption{transport.WithHTTPHeaders(cfg.Headers),
			transport.WithHTTPLogger(log), transport.WithHTTPBasicClient(hc)}
		if c.elicit != nil {
			// Servers send elicitations on the standalone GET stream of
			// the protocol version we pin (2025-11-25); the deprecation
			// concerns 2026-07-28, which we do not negotiate.
			//lint:ignore SA1019 the pinned protocol version uses this stream
			opts = append(opts, transport.WithContinuousListening())
		}
		t, err := transport.NewStreamableHTTP(cfg.URL, opts...)
		if err != nil {
			return nil, err
		}
		return mcpc.NewClient(t, c.clientOptions()...), nil
	case TransportBuiltin:
		return newBuiltin(cfg, c.clientOptions())
	}
	return nil, fmt.Errorf("unknown server type %q (want stdio, sse, http or builtin)", cfg.Type)
}

// clientOptions pins the protocol to the newest version with the
// initialize handshake, which every server of 2025 speaks (a
// server/discover probe would cost a round trip, and some servers answer
// unknown methods with an empty result), and plugs in elicitation.
func (c *Client) clientOptions() []mcpc.ClientOption {
	opts := []mcpc.ClientOption{mcpc.WithProtocolVersion(mcp.LATEST_LEGACY_PROTOCOL_VERSION)}
	if c.elicit != nil {
		opts = append(opts, mcpc.WithElicitationHandler(elicitAdapter{c.elicit}))
	}
	return opts
}

// command builds the stdio child: with the environment of stdioEnv, in
// Cwd, in a process group of its own so that a terminal's Ctrl+C reaches
// only us and Close can end the child's own children too.
func (s *session) command(ctx context.Context, name string, _ []string, args []string) (*exec.Cmd, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = stdioEnv(s.cfg)
	cmd.Dir = s.cfg.Cwd
	procgroup.Own(cmd)
	s.mu.Lock()
	s.cmd = cmd
	s.mu.Unlock()
	return cmd, nil
}

// toInferenceTool turns an MCP tool into a chat tool, keeping the server's
// input schema as sent.
func toInferenceTool(t mcp.Tool) inference.Tool {
	var params json.RawMessage = []byte(`{"type":"object","properties":{}}`)
	if b, err := json.Marshal(t); err == nil {
		var w struct {
			InputSchema json.RawMessage `json:"inputSchema"`
		}
		if json.Unmarshal(b, &w) == nil && len(w.InputSchema) > 0 && string(w.InputSchema) != "null" {
			params = w.InputSchema
		}
	}
	return inference.Tool{Type: "function", Function: inference.FunctionDefinition{
		Name: t.Name, Description: t.Description, Parameters: params,
	}}
}

// toAnnotations converts a tool's MCP annotations; a hint the server did
// not give stays nil. The two types have the same fields, so that a change
// to either is a compile error here.
func toAnnotations(a mcp.ToolAnnotation) tools.Annotations {
	return cloneAnnotations(tools.Annotations(a))
}

// cloneAnnotations copies a's hints, so that no caller shares them.
func cloneAnnotations(a tools.Annotations) tools.Annotations {
	return tools.Annotations{Title: a.Title, ReadOnlyHint: cloneHint(a.ReadOnlyHint),
		DestructiveHint: cloneHint(a.DestructiveHint), IdempotentHint: cloneHint(a.IdempotentHint),
		OpenWorldHint: cloneHint(a.OpenWorldHint)}
}

func cloneHint(b *bool) *bool {
	if b == nil {
		return nil
	}
	v := *b
	return &v
}

// call runs one tool with the server's timeout, if any. A failure is a
// *ServerError when the server did not answer, an *rpcError when it
// answered with an error, and wraps ctx's error when ctx ended.
func (s *session) call(ctx context.Context, name string, args map[string]any) (*mcp.CallToolResult, error) {
	// Calling a server known gone would fail too, but not always saying
	// why (a closed http transport fails with context.Canceled).
	if why := s.goneWhy(); why != nil {
		return nil, s.fail("call "+name, why, true, true)
	}
	if lost := s.lostCause(); lost != nil {
		return nil, s.fail("call "+name, lost, true, true)
	}
	cctx, watch, cancel := s.callContext(ctx)
	defer cancel()
	if args == nil {
		args = map[string]any{} // servers reject "arguments": null
	}
	var req mcp.CallToolRequest
	req.Params.Name = name
	req.Params.Arguments = args
	res, err := s.mc.CallTool(cctx, req)
	if err == nil {
		return res, nil
	}
	op := "call " + name
	var te *transport.Error
	isTransport := errors.As(err, &te)
	switch {
	case ctx.Err() != nil:
		return nil, fmt.Errorf("tool %q: %w", name, ctx.Err())
	case s.lostCause() != nil:
		return nil, s.fail(op, s.lostCause(), true, false)
	case cctx.Err() != nil:
		return nil, &ServerError{Server: s.name, Op: op, Err: &timeoutError{d: s.cfg.Timeout}}
	case isTransport && watch.cause() != nil:
		return nil, s.fail(op, watch.cause(), true, false)
	case isTransport && s.stdio == nil && isDial(err):
		return nil, s.fail(op, err, true, false)
	case s.wentAway(err):
		return nil, s.failure(op, err)
	case isTransport:
		return nil, &ServerError{Server: s.name, Op: op, Err: err}
	}
	return nil, &rpcError{tool: name, err: err}
}

// closeGrace is how long a stdio child gets to exit on its own once its
// stdin is closed, before its process group is sent SIGTERM. mcp-go alone
// would wait two seconds.
const closeGrace = 100 * time.Millisecond

// close ends the session, once, and makes sure no process of the child's
// group outlives it; it waits for the goroutine reading the child's
// stderr, for at most goneWait should the stream be held open. It returns
// nil for a session already reported gone.
func (s *session) close() error {
	s.closeOnce.Do(func() { s.closeErr = s.doClose() })
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gone {
		return nil
	}
	return s.closeErr
}

func (s *session) doClose() error {
	defer s.stopLife()
	if s.mc == nil {
		return nil
	}
	done := make(chan error, 1)
	go func() { done <- s.mc.Close() }()
	var err error
	timer := time.NewTimer(closeGrace)
	select {
	case err = <-done:
	case <-timer.C:
		if pgid := s.pgid(); pgid > 0 {
			procgroup.Terminate(pgid)
		}
		err = <-done
	}
	timer.Stop()
	if pgid := s.pgid(); pgid > 0 {
		procgroup.Reap(pgid)
		s.awaitStderr(goneWait)
		s.mu.Lock()
		// After mcp-go's Close has waited for the child, and only then,
		// its state is there to read.
		if !errors.Is(err, transport.ErrChildShutdownTimeout) {
			s.exit = exitText(s.cmd.ProcessState)
		}
		s.mu.Unlock()
	}
	if err != nil {
		return &ServerError{Server: s.name, Op: "close", Err: err, Exit: s.exitOf()}
	}
	return nil
}

// goneWhy is how the server went away, nil unless it was reported gone.
func (s *session) goneWhy() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.why
}

func (s *session) exitOf() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.exit
}

// pgid is the stdio child's process group, 0 if there is none.
func (s *session) pgid() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pid
}
