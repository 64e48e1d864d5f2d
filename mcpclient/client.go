package mcpclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

// Client connects MCP servers and runs a chat model with their tools. It
// embeds the inference client, so client.ChatCompletion and the other
// inference methods are available directly. Build it with [New]; it is safe
// for concurrent use, but one conversation at a time should drive a turn.
type Client struct {
	*inference.Client

	model  string
	log    *slog.Logger
	stderr io.Writer
	elicit ElicitationHandler

	mu       sync.Mutex
	sessions []*session
	byTool   map[string]*session
	tools    []inference.Tool
	closed   bool
}

// Option configures a [Client].
type Option func(*options) error

type options struct {
	inf     *inference.Client
	infOpts []inference.Option
	model   string
	log     *slog.Logger
	stderr  io.Writer
	elicit  ElicitationHandler
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
// tool, a server that failed to close. The default discards them.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error { o.log = l; return nil }
}

// WithServerStderr returns an Option that receives the standard error of
// stdio servers (default: discarded).
func WithServerStderr(w io.Writer) Option {
	return func(o *options) error { o.stderr = w; return nil }
}

// New returns a client with no server yet; add them with [Client.AddServers].
// It returns the first option error or the inference client's error.
func New(opts ...Option) (*Client, error) {
	var o options
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	if o.inf == nil {
		inf, err := inference.NewClient(o.infOpts...)
		if err != nil {
			return nil, err
		}
		o.inf = inf
	}
	if o.log == nil {
		o.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.stderr == nil {
		o.stderr = io.Discard
	}
	return &Client{Client: o.inf, model: o.model, log: o.log, stderr: o.stderr, elicit: o.elicit,
		byTool: map[string]*session{}}, nil
}

// AddServer connects one server and adds its tools; see [Client.AddServers].
func (c *Client) AddServer(ctx context.Context, cfg ServerConfig) error {
	return c.AddServers(ctx, []ServerConfig{cfg})
}

// AddServers connects the servers in parallel, then adds their tools in the
// order of cfgs. A tool whose name is already taken is skipped with a
// warning. If any server fails, the ones that connected are kept and the
// error joins every failure, each naming its server.
func (c *Client) AddServers(ctx context.Context, cfgs []ServerConfig) error {
	sessions := make([]*session, len(cfgs))
	errs := make([]error, len(cfgs))
	var wg sync.WaitGroup
	for i, cfg := range cfgs {
		wg.Go(func() {
			s, err := c.connect(ctx, cfg)
			if err != nil {
				errs[i] = fmt.Errorf("mcpclient: server %s: %w", describe(cfg), err)
				return
			}
			sessions[i] = s
		})
	}
	wg.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range sessions {
		if s == nil {
			continue
		}
		if c.closed {
			s.close()
			continue
		}
		c.sessions = append(c.sessions, s)
		for _, t := range s.tools {
			name := t.Function.Name
			if _, taken := c.byTool[name]; taken {
				c.log.Warn("skipping duplicate tool", "tool", name, "server", describe(s.cfg))
				continue
			}
			c.byTool[name] = s
			c.tools = append(c.tools, t)
		}
	}
	if c.closed {
		errs = append(errs, errors.New("mcpclient: client closed while connecting"))
	}
	return errors.Join(errs...)
}

// Tools returns the MCP tools available to the model, in the order they are
// sent.
func (c *Client) Tools() []inference.Tool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.tools)
}

// Close ends every session: stdio children get their stdin closed, then
// SIGTERM, then SIGKILL for their whole process group; HTTP sessions are
// deleted. It returns the errors of sessions that did not close cleanly.
func (c *Client) Close() error {
	c.mu.Lock()
	sessions := c.sessions
	c.sessions, c.byTool, c.tools, c.closed = nil, map[string]*session{}, nil, true
	c.mu.Unlock()
	var wg sync.WaitGroup
	errs := make([]error, len(sessions))
	for i, s := range sessions {
		wg.Go(func() { errs[i] = s.close() })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// CallTool runs one tool of a connected server with args and returns its
// result flattened to text, as the model would see it. A tool error result
// is returned as text too; an error means the call itself failed (no such
// tool, the server gone, a timeout).
func (c *Client) CallTool(ctx context.Context, name string, args map[string]any) (string, error) {
	s := c.session(name)
	if s == nil {
		return "", fmt.Errorf("mcpclient: no server offers tool %q", name)
	}
	res, err := s.call(ctx, name, args)
	if err != nil {
		return "", fmt.Errorf("mcpclient: tool %s: %w", name, err)
	}
	return flattenResult(res), nil
}

func (c *Client) session(tool string) *session {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byTool[tool]
}

// describe names a server for messages.
func describe(cfg ServerConfig) string {
	switch cfg.Type {
	case TransportStdio:
		return fmt.Sprintf("%q (stdio)", cfg.Command)
	case TransportBuiltin:
		return fmt.Sprintf("%q (builtin)", cfg.Name)
	default:
		return fmt.Sprintf("%s (%s)", cfg.URL, cfg.Type)
	}
}
