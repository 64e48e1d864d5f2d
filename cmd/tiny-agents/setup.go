package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"time"

	"github.com/tiny-agents-go/tiny-agents/agent"
	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/internal/hfhome"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"

	"github.com/tiny-agents-go/tiny-agents/internal/urlredact"
)

// Defaults of the timeouts that have one.
const (
	defaultConnectTimeout = mcpclient.DefaultConnectTimeout
	defaultIdleTimeout    = 2 * time.Minute
)

// retryNoticeAfter is the shortest retry wait announced without -v.
const retryNoticeAfter = 2 * time.Second

// agentOptions are the flags that decide which agent runs and how; run and
// tools share them.
type agentOptions struct {
	Agent          string
	Root           string
	MCPConfigs     []string
	ConnectTimeout time.Duration
	IdleTimeout    time.Duration
	ToolTimeout    time.Duration
	MaxTurns       int
	Verbose        bool
	// Approve is the --approve mode of run; "" or "none" asks nothing.
	Approve string
	// toolsOnly is set by `tools`: no model is called, no token needed.
	toolsOnly bool
	// signIn says when a person may be asked to sign in to a server.
	signIn signInMode
	// extraSecrets are scrubbed from the output with the agent's own
	// (serve's API key).
	extraSecrets []string
}

// When a person may be asked to sign in to a server (OAuth in a browser).
type signInMode int

const (
	signInAtTerminal signInMode = iota // when stdin or stderr is a terminal: run, tools
	signInAlways                       // auth login
	signInNever                        // serve
)

// agentName is how messages name the agent.
func (o *agentOptions) agentName() string {
	if o.Agent == "" {
		return agent.DefaultAgent
	}
	return o.Agent
}

// startAgent loads the agent's config with its --mcp-config additions,
// resolves its inputs and connects its servers. Warnings go to stderr as
// they are found.
func startAgent(ctx context.Context, st *streams, opts *agentOptions) (*agent.Agent, *loadedInfo, error) {
	cfg, err := loadConfig(ctx, st, opts)
	if err != nil {
		return nil, nil, err
	}
	hfToken, tokenWarning := hfhome.Load()
	if err := checkToken(cfg, opts, hfToken); err != nil {
		return nil, nil, err
	}
	var ask func(agent.Input) (string, error)
	if st.inTTY {
		ask = askInput(ctx, st)
	}
	warnings, err := cfg.ResolveInputs(ctx, ask)
	if err != nil {
		return nil, nil, err
	}
	for _, w := range warnings {
		st.warn(w)
	}
	if err := checkToken(cfg, opts, hfToken); err != nil {
		return nil, nil, err
	}
	st.setSecrets(append(append(cfg.Secrets(), hfToken), opts.extraSecrets...)...)
	if tokenWarning != "" && cfg.APIKey == "" && !opts.toolsOnly {
		st.warn(tokenWarning)
	}
	ag, err := agent.New(ctx, cfg, append(agentOpts(st, cfg, opts), signInOpts(st, cfg, opts)...)...)
	if err != nil {
		return nil, nil, signInFailed(st, opts, err)
	}
	return ag, describeAgent(ag, cfg, opts), nil
}

// loadConfig loads the agent and adds the servers of --mcp-config files.
func loadConfig(ctx context.Context, st *streams, opts *agentOptions) (*agent.Config, error) {
	cfg, err := agent.Load(ctx, opts.Agent, agent.LoadOptions{})
	if err != nil {
		return nil, loadError(err)
	}
	for _, w := range cfg.Warnings {
		st.warn(w)
	}
	for _, path := range opts.MCPConfigs {
		m, err := agent.LoadMCPConfig(path)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
				return nil, &configError{msg: "--mcp-config: " + plainMessage(err), kind: kindConfig}
			}
			return nil, err
		}
		err = cfg.AddMCPConfig(m)
		for _, w := range m.Warnings {
			st.warn(w)
		}
		if err != nil {
			return nil, err
		}
	}
	applyFlags(cfg, opts)
	return cfg, nil
}

// loadError makes a missing agent or file a configuration error (exit 2);
// other errors (the Hub out of reach) stay runtime failures.
func loadError(err error) error {
	if errors.Is(err, agent.ErrNotFound) {
		return &configError{msg: plainMessage(err), kind: kindConfig,
			hint: "name an agent.json, a folder holding one, a built-in agent (tiny-agents run --help) or an agent of the Hub dataset tiny-agents/tiny-agents"}
	}
	return err
}

// applyFlags lays the command line over the config: timeouts given as flags
// win over agent.json, which wins over the defaults.
func applyFlags(cfg *agent.Config, opts *agentOptions) {
	connect := first(opts.ConnectTimeout, cfg.Timeouts.Connect, defaultConnectTimeout)
	for i := range cfg.Servers {
		s := &cfg.Servers[i]
		if opts.ConnectTimeout > 0 || s.ConnectTimeout == 0 {
			s.ConnectTimeout = connect
		}
		if opts.ToolTimeout > 0 || s.Timeout == 0 {
			s.Timeout = first(opts.ToolTimeout, cfg.Timeouts.Tool)
		}
		if s.Type == mcpclient.TransportBuiltin && s.Name == "filesystem" && len(s.Args) == 0 && opts.Root != "" {
			s.Args = []string{opts.Root}
		}
	}
}

// first returns the first positive duration, or 0.
func first(ds ...time.Duration) time.Duration {
	for _, d := range ds {
		if d > 0 {
			return d
		}
	}
	return 0
}

// checkToken fails at start, with a hint in CLI terms, when the agent calls
// the Hugging Face router or a provider and has neither an apiKey nor the
// Hugging Face token hfToken.
func checkToken(cfg *agent.Config, opts *agentOptions, hfToken string) error {
	// An apiKey that names an input is checked again once inputs are resolved.
	if opts.toolsOnly || cfg.EndpointURL != "" || cfg.APIKey != "" || hfToken != "" {
		return nil
	}
	return &configError{kind: kindAuth, hint: noTokenHint,
		msg: fmt.Sprintf("no Hugging Face token: agent %q calls %s through the Hugging Face router, which needs one",
			opts.agentName(), cfg.Model)}
}

// agentOpts are the agent options the flags and the streams call for.
func agentOpts(st *streams, cfg *agent.Config, opts *agentOptions) []agent.Option {
	idle := first(opts.IdleTimeout, cfg.Timeouts.Idle, defaultIdleTimeout)
	out := []agent.Option{
		agent.WithMaxTurns(opts.MaxTurns),
		agent.WithLogger(slog.New(&warnHandler{st: st, verbose: opts.Verbose})),
		agent.WithInferenceOptions(inference.WithIdleTimeout(idle), inference.WithRetryHook(retryNotice(st, opts.Verbose))),
	}
	if opts.Verbose {
		out = append(out, agent.WithServerStderr(&lineWriter{s: st}))
	}
	if opts.Approve != "" && opts.Approve != approveNone {
		out = append(out, agent.WithClientOptions(mcpclient.WithApprover(newApprover(opts.Approve, st).approve)))
	}
	return out
}

// retryNotice announces retries that make the user wait (every retry
// with -v).
func retryNotice(st *streams, verbose bool) func(inference.RetryInfo) {
	return func(ri inference.RetryInfo) {
		if ri.Wait <= retryNoticeAfter && !verbose {
			return
		}
		who := "the endpoint"
		switch ri.Provider {
		case "":
		case inference.ProviderAuto:
			who = "the Hugging Face router"
		default:
			who = "provider " + ri.Provider
		}
		what := "failed to answer"
		if ri.StatusCode != 0 {
			what = fmt.Sprintf("answered %d", ri.StatusCode)
		}
		st.notice(fmt.Sprintf("%s %s; retrying in %s (attempt %d of %d)", who, what,
			ri.Wait.Round(100*time.Millisecond), ri.Attempt, ri.MaxAttempts))
	}
}

// describeAgent is what the banner and the "loaded" event show.
func describeAgent(ag *agent.Agent, cfg *agent.Config, opts *agentOptions) *loadedInfo {
	info := &loadedInfo{Agent: opts.agentName(), Model: cfg.Model, Tools: []toolInfo{},
		servers: cfg.Servers}
	if cfg.EndpointURL != "" {
		info.Endpoint = urlredact.URL(cfg.EndpointURL)
	} else {
		info.Provider = cfg.Provider
		if info.Provider == "" {
			info.Provider = inference.ProviderAuto
		}
	}
	for _, t := range ag.Tools() {
		info.Tools = append(info.Tools, toolInfo{Name: t.Function.Name, Server: ag.ServerOf(t.Function.Name),
			Description: t.Function.Description})
	}
	return info
}

// warnHandler prints the library's warnings (and worse) on stderr; the
// message alone, which the libraries write as a full sentence. With -v it
// prints their debug lines too (mcp-go's own log, for one).
type warnHandler struct {
	st      *streams
	verbose bool
}

func (h *warnHandler) Enabled(_ context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn || h.verbose
}

func (h *warnHandler) Handle(_ context.Context, r slog.Record) error {
	label := "debug"
	switch {
	case r.Level >= slog.LevelError:
		label = "error"
	case r.Level >= slog.LevelWarn:
		label = "warning"
	}
	h.st.diag(label, r.Message)
	return nil
}

func (h *warnHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *warnHandler) WithGroup(string) slog.Handler      { return h }
