package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/tiny-agents-go/tiny-agents/agent"
)

// Defaults and environment of `serve`.
const (
	defaultServeHost     = "127.0.0.1"
	defaultServePort     = "9999" // the JS reference's
	defaultShutdownGrace = 10 * time.Second
	envAPIKey            = "TINY_AGENTS_API_KEY"
	serveGCPercent       = 400 // unless GOGC is set
	// handlersExitWait bounds the wait for cancelled requests to return
	// before the agent's servers are closed under them.
	handlersExitWait = 5 * time.Second
)

// serveOptions are the flags and arguments of `serve`.
type serveOptions struct {
	agentOptions
	Addr          string
	AddrSet       bool
	APIKey        string
	MaxConcurrent int
	MaxBody       byteSize
	ShutdownGrace time.Duration
}

func newServeCmd(a *app) *cobra.Command {
	opts := &serveOptions{MaxBody: agent.DefaultMaxBodyBytes}
	cmd := &cobra.Command{
		Use:   "serve [agent]",
		Short: "Serve an agent as an OpenAI-compatible chat completions API",
		Long: `Serve an agent over HTTP: connect its MCP servers once, then answer
POST /v1/chat/completions (streamed as server-sent events with "stream": true), GET /v1/models
and GET /healthz. Each request is its own conversation: the agent's system prompt, then the
request's messages. Tool results are streamed as chunks with role "tool".

The agent is named as for "run". The server listens on 127.0.0.1:9999, or 127.0.0.1:$PORT when
PORT is set, or --addr. With --api-key or $TINY_AGENTS_API_KEY (better: it is not shown by ps),
every request but /healthz must send "Authorization: Bearer KEY".

Nobody is asked to sign in to an MCP server that wants it (OAuth): sign in beforehand at a
terminal with "tiny-agents auth login AGENT"; serve uses the saved sign-ins.

SIGTERM, SIGINT or SIGHUP stop the server: it stops accepting connections, lets running
requests finish for --shutdown-grace, cancels the rest, closes the MCP servers and exits with
143, 130 or 129. A second Ctrl+C cancels the running requests at once.`,
		Example: `  tiny-agents serve
  tiny-agents serve ./my-agent --addr 127.0.0.1:8080
  PORT=8080 tiny-agents serve coder
  TINY_AGENTS_API_KEY=s3cret tiny-agents serve --addr 0.0.0.0:9999
  curl -N http://127.0.0.1:9999/v1/chat/completions \
    -d '{"stream":true,"messages":[{"role":"user","content":"hello"}]}'`,
		Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := bindAgentArgs(cmd, args, &opts.agentOptions); err != nil {
				return err
			}
			opts.AddrSet = cmd.Flags().Changed("addr")
			if !cmd.Flags().Changed("api-key") {
				opts.APIKey = os.Getenv(envAPIKey)
			}
			if err := opts.validate(); err != nil {
				return err
			}
			return runServe(cmd.Context(), a, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Addr, "addr", "", "address to listen on, HOST:PORT (default 127.0.0.1:9999, or 127.0.0.1:$PORT when PORT is set)")
	f.StringVar(&opts.APIKey, "api-key", "", "require this bearer key of every request (default $"+envAPIKey+")")
	f.IntVar(&opts.MaxConcurrent, "max-concurrent", agent.DefaultMaxConcurrent, "most chat completions running at once; more get 429")
	f.Var(&opts.MaxBody, "max-body", "largest request body, in bytes or with a unit (512KiB, 8MiB); larger gets 413")
	f.DurationVar(&opts.ShutdownGrace, "shutdown-grace", defaultShutdownGrace, "on a signal, how long running requests may take to finish")
	f.IntVar(&opts.MaxTurns, "max-turns", agent.DefaultMaxTurns, "most model turns for one request")
	addAgentFlags(cmd, &opts.agentOptions)
	f.DurationVar(&opts.IdleTimeout, "idle-timeout", 0, "end a model call that sends nothing for this long (default 2m, or idleTimeout in agent.json)")
	f.DurationVar(&opts.ToolTimeout, "tool-timeout", 0, "bound on each MCP tool call, e.g. 2m (default: none, or toolTimeout in agent.json)")
	return cmd
}

// validate checks the flags and settles the address: --addr, else
// 127.0.0.1:$PORT, else the default.
func (o *serveOptions) validate() error {
	switch {
	case o.MaxTurns < 1:
		return &usageError{fmt.Errorf("--max-turns must be at least 1, not %d", o.MaxTurns)}
	case o.MaxConcurrent < 1:
		return &usageError{fmt.Errorf("--max-concurrent must be at least 1, not %d", o.MaxConcurrent)}
	case o.MaxBody < 1:
		return &usageError{fmt.Errorf("--max-body must be at least 1 byte, not %d", o.MaxBody)}
	case o.ShutdownGrace < 0:
		return &usageError{fmt.Errorf("--shutdown-grace must be 0 or more, not %s", o.ShutdownGrace)}
	}
	if !o.AddrSet {
		port := defaultServePort
		if p := os.Getenv("PORT"); p != "" {
			if !validPort(p) {
				return &usageError{fmt.Errorf("PORT=%q is not a port number", p)}
			}
			port = p
		}
		o.Addr = net.JoinHostPort(defaultServeHost, port)
		return nil
	}
	if _, port, err := net.SplitHostPort(o.Addr); err != nil || !validPort(port) {
		return &usageError{fmt.Errorf("--addr %q: want HOST:PORT, such as 127.0.0.1:8080 or :8080", o.Addr)}
	}
	return nil
}

// validPort reports whether p is a port number (0 picks a free port).
func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n >= 0 && n <= 65535
}

// runServe listens, connects the agent, prints the banner and the address,
// and serves until a signal; then it shuts down and returns the signal.
func runServe(ctx context.Context, a *app, opts *serveOptions) (err error) {
	if os.Getenv("GOGC") == "" {
		// A server's garbage is short-lived per request, and its heap is
		// small (tens of MB): collecting at 5x the live heap instead of 2x
		// cuts the GC's CPU by a good part for a few more MB.
		debug.SetGCPercent(serveGCPercent)
	}
	st := newStreams(a)
	defer st.flush()
	defer func() { err = report(st, nil, err) }()

	ln, err := listen(st, opts.Addr) // first, so that a busy port fails before any server starts
	if err != nil {
		return err
	}
	defer ln.Close()
	opts.signIn = signInNever // nobody to ask: a sign-in is done beforehand, with `auth login`
	if opts.APIKey != "" {
		opts.extraSecrets = append(opts.extraSecrets, opts.APIKey)
	}
	ag, info, err := startAgent(ctx, st, &opts.agentOptions)
	if err != nil {
		return err
	}
	defer ag.Close()
	if opts.APIKey == "" && !loopback(ln.Addr()) {
		st.warn(fmt.Sprintf("serving on %s without an API key: anyone who reaches it can use the agent's model and tools; set %s",
			ln.Addr(), envAPIKey))
	}
	newTextView(st, false).loaded(info)
	st.out.colored(ansiGray, "listening on http://"+ln.Addr().String())
	st.out.print("\n")
	st.out.Flush()

	log := slog.New(&warnHandler{st: st, verbose: opts.Verbose})
	h := agent.NewHandler(ag, agent.HandlerOptions{APIKey: opts.APIKey, MaxBodyBytes: int64(opts.MaxBody),
		MaxConcurrent: opts.MaxConcurrent, Model: info.Model, Redact: st.redactor().String, Logger: log})
	return serveUntilSignal(ctx, a, st, ln, h, opts.ShutdownGrace)
}

// listen listens on addr; a failure is reported (exit 1) with the address.
func listen(st *streams, addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err == nil {
		return ln, nil
	}
	f := failure{code: exitFailure, kind: kindOther, msg: "cannot listen on " + addr + ": " + listenReason(err)}
	if errors.Is(err, syscall.EADDRINUSE) {
		f.msg = "cannot listen on " + addr + ": the address is already in use"
		f.hint = "stop what uses it, or pick another address with --addr HOST:PORT (or PORT=N)"
	}
	st.fail(f)
	return nil, &reportedError{failure: f, err: err}
}

// listenReason is the end of a listen error: "bind: permission denied"
// without the "listen tcp ADDR:" the message already has.
func listenReason(err error) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err.Error()
	}
	return err.Error()
}

// loopback reports whether addr is on a loopback interface only.
func loopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// serveUntilSignal serves h on ln until ctx ends, then shuts down: no new
// connections, grace for the running requests, then their contexts are
// cancelled and their connections closed. It returns ctx's cause.
func serveUntilSignal(ctx context.Context, a *app, st *streams, ln net.Listener, h http.Handler, grace time.Duration) error {
	// Requests outlive the signal by the grace period, so their contexts
	// hang from one that only the shutdown cancels.
	base, cancelBase := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelBase()
	var running atomic.Int64
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			running.Add(1)
			defer running.Add(-1)
			h.ServeHTTP(w, r)
		}),
		BaseContext:       func(net.Listener) context.Context { return base },
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(&warnHandler{st: st}, slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serving on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	if n := running.Load(); n > 0 {
		st.notice(fmt.Sprintf("%s: letting %d running requests finish (up to %s; Ctrl+C again to cancel them)",
			context.Cause(ctx), n, grace))
	}
	a.signals.onInterrupt(cancelBase)
	defer a.signals.onInterrupt(nil)
	graceCtx, cancel := context.WithTimeout(base, grace)
	defer cancel()
	if err := srv.Shutdown(graceCtx); err != nil {
		// The running requests end their runs and tell their clients so (an
		// error event, or a 503) before their connections are closed.
		cancelBase()
		waitIdle(&running, handlersExitWait)
		srv.Close()
	}
	<-served
	waitIdle(&running, handlersExitWait)
	return context.Cause(ctx)
}

// waitIdle waits until no request runs, for up to d.
func waitIdle(running *atomic.Int64, d time.Duration) {
	deadline := time.Now().Add(d)
	for running.Load() > 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
}

// byteSize is a flag value in bytes, given as a number with an optional
// binary unit: 4096, 512KiB, 8MiB, 1G.
type byteSize int64

var sizeUnits = []struct {
	names []string
	n     int64
}{
	{[]string{"g", "gb", "gib"}, 1 << 30},
	{[]string{"m", "mb", "mib"}, 1 << 20},
	{[]string{"k", "kb", "kib"}, 1 << 10},
	{[]string{"", "b"}, 1},
}

func (b *byteSize) String() string {
	for _, u := range sizeUnits[:3] {
		if int64(*b) >= u.n && int64(*b)%u.n == 0 {
			return strconv.FormatInt(int64(*b)/u.n, 10) + strings.ToUpper(u.names[2][:1]) + "iB"
		}
	}
	return strconv.FormatInt(int64(*b), 10)
}

func (b *byteSize) Set(s string) error {
	s = strings.TrimSpace(s)
	i := len(s) - len(strings.TrimLeft(s, "0123456789"))
	n, err := strconv.ParseInt(s[:i], 10, 64)
	unit := strings.ToLower(strings.TrimSpace(s[i:]))
	if err != nil {
		return fmt.Errorf("%q is not a size such as 4096, 512KiB or 8MiB", s)
	}
	for _, u := range sizeUnits {
		if slices.Contains(u.names, unit) {
			if n > (1<<62)/u.n {
				return fmt.Errorf("%q is too large", s)
			}
			*b = byteSize(n * u.n)
			return nil
		}
	}
	return fmt.Errorf("%q: unknown unit %q (use KiB, MiB or GiB)", s, s[i:])
}

func (b *byteSize) Type() string { return "size" }
