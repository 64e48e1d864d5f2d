package mcpclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/tools"
)

// Client connects MCP servers and runs a chat model with their tools and
// its Go tools. It embeds the inference client, so client.ChatCompletion
// and the other inference methods are available directly. Build it with
// [New]; it is safe for concurrent use: turns over different
// conversations may run at once, though not two over the same one.
type Client struct {
	*inference.Client

	model       string
	log         *slog.Logger
	stderr      io.Writer
	elicit      ElicitationHandler
	resultLimit int // bytes of a tool result the model sees; negative for no limit
	maxParallel int // tool calls of a turn run at once
	approve     ApprovalFunc
	authorizer  Authorizer // nil: no user sign-in
	tokens      TokenStore

	// goTools are the Go tools, in order, and goByName the same by name;
	// both are set by New and never change.
	goTools  []*tools.Tool
	goByName map[string]*tools.Tool

	// ownsInference is set when New built the inference client, whose
	// idle connections Close then closes.
	ownsInference bool

	// noStreamOptions is set once the server has refused stream_options.
	noStreamOptions atomic.Bool

	// onStart, set by tests only, learns the pid of each stdio child.
	onStart func(pid int)

	mu       sync.Mutex
	sessions []*session
	byTool   map[string]*session
	tools    []inference.Tool
	added    int // servers AddServers was asked for, to number clashing names
	closed   bool
}

// Option configures a [Client].
type Option func(*options) error

type options struct {
	inf         *inference.Client
	infOpts     []inference.Option
	model       string
	log         *slog.Logger
	stderr      io.Writer
	elicit      ElicitationHandler
	resultLimit int
	goTools     []*tools.Tool
	maxParallel int
	approve     ApprovalFunc
	authorizer  Authorizer
	tokens      TokenStore
}

// WithInferenceClient returns an Option that uses c for chat completions.
func WithInferenceClient(c *inference.Client) Option {
	return func(o *options) error { o.inf = c; return nil }
}

// WithInferenceOptions returns an Option that builds the inference client
// from opts. It is ignored when [WithInferenceClient] is given.
func WithInferenceOptions(opts ...inference.Option) Option {
	return func(o *options) error { o.infOpts = append(o.infOpts, opts...); return nil }
}

// WithModel returns an Option that sets the model named in each chat
// request (a Hub id, or the name an endpoint expects).
func WithModel(model string) Option {
	return func(o *options) error { o.model = model; return nil }
}

// WithLogger returns an Option that receives warnings: a skipped duplicate
// tool, an allowedTools entry that names no tool of its server. Each
// warning's message is a complete sentence naming the server, so a handler
// may print the message alone. The log lines of the MCP transports
// themselves (a broken stream, a line that is not JSON) arrive at
// slog.LevelDebug, whatever their own level, as `server "NAME": ` and the
// transport's message; nothing is ever written to slog's default logger.
// The default discards everything.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error { o.log = l; return nil }
}

// WithServerStderr returns an Option that receives the standard error of
// stdio servers, line by line, each line prefixed with "[NAME] " where NAME
// is the server's display name. Writes to w are serialised. Without it the
// output is not shown; either way the last lines a server wrote end the
// message of its [ServerError].
func WithServerStderr(w io.Writer) Option {
	return func(o *options) error { o.stderr = w; return nil }
}

// DefaultToolResultLimit is the size, in bytes, of the longest tool result
// the model sees whole: 64 KiB, about 16,000 tokens. That keeps a source
// file, a web page's text or a long listing whole, while a result that
// would crowd out the rest of a 128k-token context, and be sent again with
// every later turn, is cut.
const DefaultToolResultLimit = 64 << 10

// WithToolResultLimit returns an Option that caps the tool messages added
// to the conversation, and so sent to the model, at n bytes of the tool's
// output, cut on a UTF-8 boundary and followed by a line saying how much
// was cut:
//
//	[... 99,934,464 more bytes cut: the tool result was 100,000,000 bytes, over the 65,536-byte limit]
//
// Zero means [DefaultToolResultLimit], a negative n no limit. The
// *[ToolResultEvent] of a call carries the whole result in its Result field.
func WithToolResultLimit(n int) Option {
	return func(o *options) error { o.resultLimit = n; return nil }
}

// New returns a client with no server yet; add them with [Client.AddServers].
// It returns the first option error, every problem with the Go tools of
// [WithTools] at once, or the inference client's error.
func New(opts ...Option) (*Client, error) {
	var o options
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	if err := checkGoTools(o.goTools); err != nil {
		return nil, err
	}
	owns := o.inf == nil
	if owns {
		inf, err := inference.NewClient(o.infOpts...)
		if err != nil {
			return nil, err
		}
		o.inf = inf
	}
	if o.log == nil {
		o.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.resultLimit == 0 {
		o.resultLimit = DefaultToolResultLimit
	}
	if o.maxParallel == 0 {
		o.maxParallel = DefaultMaxParallelTools
	}
	if o.tokens == nil {
		o.tokens = NewMemoryTokenStore()
	}
	c := &Client{Client: o.inf, model: o.model, log: o.log, elicit: o.elicit, resultLimit: o.resultLimit,
		maxParallel: o.maxParallel, approve: o.approve, authorizer: o.authorizer, tokens: o.tokens,
		goTools: slices.Clone(o.goTools), goByName: map[string]*tools.Tool{}, byTool: map[string]*session{},
		ownsInference: owns}
	for _, t := range c.goTools {
		c.goByName[t.Name] = t
	}
	if o.stderr != nil {
		c.stderr = &lockedWriter{w: o.stderr}
	}
	return c, nil
}

// AddServer connects one server and adds its tools; see [Client.AddServers].
func (c *Client) AddServer(ctx context.Context, cfg ServerConfig) error {
	return c.AddServers(ctx, []ServerConfig{cfg})
}

// AddServers connects the servers in parallel, each within its
// [ServerConfig.ConnectTimeout], then adds their tools in the order of
// cfgs. A tool whose name is already taken, by a tool of another server
// or by a Go tool, is skipped with a warning, and so is an AllowedTools
// entry that names no tool of its server. If any server fails, the ones
// that connected are kept and the error joins one *[ServerError] per
// failure. Servers are named as [ServerNames] says; a
// summary already taken by a server of an earlier call gets "#N", N
// counting every server ever passed to AddServers.
func (c *Client) AddServers(ctx context.Context, cfgs []ServerConfig) error {
	names, bases := c.reserveNames(cfgs)
	sessions := make([]*session, len(cfgs))
	errs := make([]error, len(cfgs))
	var wg sync.WaitGroup
	for i, cfg := range cfgs {
		wg.Go(func() {
			s, err := c.connect(ctx, cfg, names[i])
			if err != nil {
				errs[i] = err
				return
			}
			s.base = bases[i]
			sessions[i] = s
		})
	}
	wg.Wait()
	warnings := c.register(sessions)
	for _, w := range warnings {
		c.log.Warn(w.msg, w.args...)
	}
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed {
		errs = append(errs, errors.New("mcpclient: client closed while connecting"))
	}
	return errors.Join(errs...)
}

// reserveNames names the servers of cfgs. It returns their display names
// and their names before numbering.
func (c *Client) reserveNames(cfgs []ServerConfig) (names, bases []string) {
	names = ServerNames(cfgs)
	bases = make([]string, len(cfgs))
	c.mu.Lock()
	defer c.mu.Unlock()
	taken := map[string]bool{}
	for _, s := range c.sessions {
		taken[s.name], taken[s.base] = true, true
	}
	for i, cfg := range cfgs {
		bases[i] = cfg.Name
		if cfg.Name == "" {
			bases[i] = summarize(cfg)
			if taken[names[i]] || taken[bases[i]] {
				names[i] = bases[i] + "#" + strconv.Itoa(c.added+i+1)
			}
		}
	}
	c.added += len(cfgs)
	return names, bases
}

type warning struct {
	msg  string
	args []any
}

// register adds the connected sessions and their tools, or closes them if
// the client was closed meanwhile. It returns the warnings to log.
func (c *Client) register(sessions []*session) []warning {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		closeAll(sessions)
		return nil
	}
	var warnings []warning
	for _, s := range sessions {
		if s == nil {
			continue
		}
		c.sessions = append(c.sessions, s)
		for _, name := range s.unknownAllowed {
			warnings = append(warnings, warning{
				fmt.Sprintf("server %q: allowedTools names %q, which the server does not have", s.name, name),
				[]any{"server", s.name, "tool", name}})
		}
		for _, t := range s.tools {
			name := t.Function.Name
			if c.goTool(name) != nil {
				warnings = append(warnings, warning{
					fmt.Sprintf("server %q: tool %q skipped: a Go tool of this program has that name", s.name, name),
					[]any{"server", s.name, "tool", name}})
				continue
			}
			if other, taken := c.byTool[name]; taken {
				warnings = append(warnings, warning{
					fmt.Sprintf("server %q: tool %q skipped: server %q already offers a tool of that name", s.name, name, other.name),
					[]any{"server", s.name, "tool", name}})
				continue
			}
			c.byTool[name] = s
			c.tools = append(c.tools, t)
		}
	}
	return warnings
}

// Servers returns the display names of the connected servers, in the order
// they were configured. It is safe for concurrent use.
func (c *Client) Servers() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	names := make([]string, len(c.sessions))
	for i, s := range c.sessions {
		names[i] = s.name
	}
	return names
}

// ServerOf returns the display name of the server that offers tool, "" if
// none does: for a Go tool, which runs in this process, as for a name no
// tool has. It is safe for concurrent use.
func (c *Client) ServerOf(tool string) string {
	if s := c.session(tool); s != nil {
		return s.name
	}
	return ""
}

// Tools returns the tools available to the model, in the order they are
// sent after the loop-control tools: the Go tools of [WithTools], then the
// tools of the MCP servers. It is safe for concurrent use.
func (c *Client) Tools() []inference.Tool {
	ts := make([]inference.Tool, 0, len(c.goTools)+len(c.tools))
	for _, t := range c.goTools {
		ts = append(ts, t.Definition())
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return append(ts, c.tools...)
}

// Close ends every session: stdio children get their stdin closed, then
// SIGTERM, then SIGKILL for their whole process group; HTTP sessions are
// deleted. Then it closes the idle connections to the model of the
// inference client New built (see [inference.Client.CloseIdleConnections]);
// one given with [WithInferenceClient] is the caller's and keeps them. A
// request to the model still running at that moment keeps its connection
// until the transport's idle timeout. Close returns a *[ServerError] (Op
// "close") for each session that did not close cleanly, leaving out
// servers already reported gone; closing again returns nil.
func (c *Client) Close() error {
	c.mu.Lock()
	sessions := c.sessions
	c.sessions, c.byTool, c.tools, c.closed = nil, map[string]*session{}, nil, true
	c.mu.Unlock()
	err := closeAll(sessions)
	if c.ownsInference {
		c.Client.CloseIdleConnections()
	}
	return err
}

// Closed reports whether [Client.Close] has been called. It is safe for
// concurrent use.
func (c *Client) Closed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// closeAll closes the sessions in parallel; nil ones are skipped.
func closeAll(sessions []*session) error {
	var wg sync.WaitGroup
	errs := make([]error, len(sessions))
	for i, s := range sessions {
		if s != nil {
			wg.Go(func() { errs[i] = s.close() })
		}
	}
	wg.Wait()
	return errors.Join(errs...)
}

// CallTool runs one tool, a Go tool or a tool of a connected server, with
// args and returns its result flattened to text as for the model, but
// whole: the limit of [WithToolResultLimit] applies to the conversation
// only. It asks no approval hook. A tool error result is returned as text
// too; an error means the call itself failed: no tool has that name, a Go
// tool returned an error, the server answered with an error, or the call
// did not get an answer (a *[ServerError]: the server went away, wrapping
// [ErrServerGone], or the call timed out).
func (c *Client) CallTool(ctx context.Context, name string, args map[string]any) (string, error) {
	if t := c.goTool(name); t != nil {
		raw, err := json.Marshal(args)
		if err != nil {
			return "", fmt.Errorf("mcpclient: tool %q: arguments: %w", name, err)
		}
		out, err := t.Call(ctx, goArgs(string(raw), args))
		if err != nil {
			return "", fmt.Errorf("mcpclient: tool %q: %w", name, err)
		}
		return out, nil
	}
	s := c.session(name)
	if s == nil {
		return "", fmt.Errorf("mcpclient: no tool named %q", name)
	}
	res, err := s.call(ctx, name, args)
	var rpc *rpcError
	switch {
	case errors.As(err, &rpc):
		return "", fmt.Errorf("mcpclient: %w", err)
	case err != nil:
		return "", err
	}
	return flattenResult(res), nil
}

func (c *Client) session(tool string) *session {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byTool[tool]
}
