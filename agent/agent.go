package agent

import (
	"context"
	"errors"
	"io"
	"iter"
	"log/slog"
	"slices"
	"sync"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
	"github.com/tiny-agents-go/tiny-agents/tools"
)

// ErrClosed is the error of a run of a closed agent: [Agent.Ask],
// [Agent.Run], [Agent.RunMessages] and [Agent.RunConversation] return it at
// once, without calling the model, and a run that Close interrupts returns
// it instead of starting its next turn.
// It is [mcpclient.ErrClosed], which a turn of a closed MCP client yields.
var ErrClosed = mcpclient.ErrClosed

// DefaultMaxTurns bounds the turns of one Run.
const DefaultMaxTurns = 10

// DefaultSystemPrompt is used when the agent's folder has no PROMPT.md or
// AGENTS.md.
const DefaultSystemPrompt = `You are an agent working for the user. Keep going until their request is fully resolved before you end your turn; only stop when you are sure the problem is solved.

Use your tools to find things out instead of guessing: if you are unsure about a file, a fact or the state of something, look it up with a tool.

Before each tool call, think about what you need and why this call gets it; after each call, look at the result and decide what to do next. When the task is done, call task_complete. If you cannot go on without the user, call ask_question and put your question in your message.`

// Agent runs a model with the tools of its MCP servers until a task is done.
// It embeds the MCP client, and through it the inference client. Close ends
// the servers and closes the idle connections to the model (see
// [mcpclient.Client.Close]); after it every run fails with [ErrClosed], and
// closing again returns nil. [Agent.Run] keeps one conversation inside the agent, for one
// user; [Agent.RunConversation] runs a conversation the caller owns, so
// that many can share the agent's servers and tools at once.
type Agent struct {
	*mcpclient.Client

	maxTurns int
	prompt   string
	model    string

	runMu    sync.Mutex // serialises Run
	mu       sync.Mutex // guards messages
	messages []inference.ChatMessage
}

// Option configures an [Agent].
type Option func(*options)

type options struct {
	maxTurns int
	infOpts  []inference.Option
	mcOpts   []mcpclient.Option
	log      *slog.Logger
	stderr   io.Writer
}

// WithClientOptions returns an Option that adds MCP client options after
// those derived from the config: Go tools (mcpclient.WithTools), an
// approval hook, the tool result limit, parallel tool calls, ...
func WithClientOptions(opts ...mcpclient.Option) Option {
	return func(o *options) { o.mcOpts = append(o.mcOpts, opts...) }
}

// WithTools returns an Option that gives the model Go tools beside the
// tools of the MCP servers (see the tools package); the model cannot tell
// them apart.
func WithTools(ts ...*tools.Tool) Option {
	return WithClientOptions(mcpclient.WithTools(ts...))
}

// WithMaxTurns returns an Option that bounds the turns of one Run (default
// [DefaultMaxTurns], which zero or a negative n also means).
func WithMaxTurns(n int) Option { return func(o *options) { o.maxTurns = n } }

// WithInferenceOptions returns an Option that adds inference client options
// after those derived from the config (a timeout, an HTTP client, ...).
func WithInferenceOptions(opts ...inference.Option) Option {
	return func(o *options) { o.infOpts = append(o.infOpts, opts...) }
}

// WithLogger returns an Option that receives warnings.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// WithServerStderr returns an Option that receives stdio servers' stderr.
func WithServerStderr(w io.Writer) Option { return func(o *options) { o.stderr = w } }

// New builds the agent of cfg and connects its servers in parallel. It
// returns an error for a nil cfg, a *[ConfigError] for a cfg that names
// neither a model nor an endpoint URL (or names an endpoint that is not
// http(s), or an unknown provider), the inference client's configuration
// error, or the joined errors of servers that failed (with the agent
// closed).
func New(ctx context.Context, cfg *Config, opts ...Option) (*Agent, error) {
	if cfg == nil {
		return nil, &ConfigError{Source: "agent.New", Msg: "the config is nil"}
	}
	if err := cfg.validateModel(firstNonEmpty(cfg.Source, "agent config")); err != nil {
		return nil, err
	}
	o := options{maxTurns: DefaultMaxTurns}
	for _, opt := range opts {
		opt(&o)
	}
	if o.maxTurns <= 0 {
		o.maxTurns = DefaultMaxTurns
	}
	var infOpts []inference.Option
	if cfg.Timeouts.Idle > 0 {
		infOpts = append(infOpts, inference.WithIdleTimeout(cfg.Timeouts.Idle))
	}
	if cfg.EndpointURL != "" {
		infOpts = append(infOpts, inference.WithBaseURL(cfg.EndpointURL))
	} else if cfg.Provider != "" {
		infOpts = append(infOpts, inference.WithProvider(cfg.Provider))
	}
	if cfg.APIKey != "" {
		infOpts = append(infOpts, inference.WithToken(cfg.APIKey))
	}
	mcOpts := []mcpclient.Option{mcpclient.WithModel(cfg.Model),
		mcpclient.WithInferenceOptions(append(infOpts, o.infOpts...)...)}
	if o.log != nil {
		mcOpts = append(mcOpts, mcpclient.WithLogger(o.log))
	}
	if o.stderr != nil {
		mcOpts = append(mcOpts, mcpclient.WithServerStderr(o.stderr))
	}
	mc, err := mcpclient.New(append(mcOpts, o.mcOpts...)...)
	if err != nil {
		return nil, err
	}
	if err := mc.AddServers(ctx, serversWithTimeouts(cfg)); err != nil {
		mc.Close()
		return nil, err
	}
	prompt := cfg.Prompt
	if prompt == "" {
		prompt = DefaultSystemPrompt
	}
	return &Agent{Client: mc, maxTurns: o.maxTurns, prompt: prompt, model: cfg.Model,
		messages: []inference.ChatMessage{{Role: inference.RoleSystem, Content: prompt}}}, nil
}

// serversWithTimeouts returns a copy of cfg's servers in which a server
// without its own connect or tool timeout gets the agent-wide one of
// cfg.Timeouts (agent.json's connectTimeout and toolTimeout).
func serversWithTimeouts(cfg *Config) []mcpclient.ServerConfig {
	servers := slices.Clone(cfg.Servers)
	for i := range servers {
		if servers[i].ConnectTimeout == 0 {
			servers[i].ConnectTimeout = cfg.Timeouts.Connect
		}
		if servers[i].Timeout == 0 {
			servers[i].Timeout = cfg.Timeouts.Tool
		}
	}
	return servers
}

// Messages returns a copy of the agent's own conversation so far (the one
// [Agent.Run] extends), system prompt first. It is safe to call at any
// time, also while ranging over Run: it then shows the conversation as of
// the last event.
func (a *Agent) Messages() []inference.ChatMessage {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.messages)
}

// ModelName returns the model named in the agent's config: the id sent in
// each request, also when an endpoint URL serves it ("" if none).
func (a *Agent) ModelName() string { return a.model }

// SystemPrompt returns the agent's system prompt.
func (a *Agent) SystemPrompt() string { return a.prompt }

// NewConversation returns a conversation that holds only the agent's system
// prompt, for [Agent.RunConversation].
func (a *Agent) NewConversation() []inference.ChatMessage {
	return []inference.ChatMessage{{Role: inference.RoleSystem, Content: a.prompt}}
}

// Run adds input as a user message to the agent's own conversation and
// loops turns until the model calls a loop-control tool, answers in text
// after a round of tools, or MaxTurns turns have run. Events are yielded as
// they happen: each turn's events end with a *mcpclient.TurnEndEvent, and a
// run that was not cut short by an error ends with a *mcpclient.RunEndEvent
// saying why it stopped. The first error is terminal. Cancelling ctx stops
// the run and leaves the conversation consistent for the next Run. Runs
// are serialised: a second Run waits for the first to end. On a closed
// agent the only thing yielded is [ErrClosed], and the conversation is
// left as it was.
func (a *Agent) Run(ctx context.Context, input string) iter.Seq2[mcpclient.Event, error] {
	return a.RunMessages(ctx, []inference.ChatMessage{{Role: inference.RoleUser, Content: input}})
}

// RunMessages is [Agent.Run] for a list of messages (for example a user
// message with image parts).
func (a *Agent) RunMessages(ctx context.Context, input []inference.ChatMessage) iter.Seq2[mcpclient.Event, error] {
	return func(yield func(mcpclient.Event, error) bool) {
		a.runMu.Lock()
		defer a.runMu.Unlock()
		if a.Closed() {
			yield(nil, ErrClosed)
			return
		}
		a.mu.Lock()
		history := append(slices.Clone(a.messages), input...)
		a.mu.Unlock()
		publish := func() {
			a.mu.Lock()
			a.messages = history
			a.mu.Unlock()
		}
		defer publish()
		a.loop(ctx, &history, len(history)-len(input), func(ev mcpclient.Event, err error) bool {
			publish()
			return yield(ev, err)
		})
	}
}

// RunConversation appends input to *history and runs the agent loop over
// it as [Agent.Run] does, yielding the same events; *history is the
// caller's, extended as the run goes. An empty history starts with the
// agent's system prompt. Calls on different histories may run at once;
// the agent's servers and tools are shared. A history must not be used
// by two calls at the same time. On a closed agent the only thing yielded
// is [ErrClosed], and *history is left as it was.
func (a *Agent) RunConversation(ctx context.Context, history *[]inference.ChatMessage, input ...inference.ChatMessage) iter.Seq2[mcpclient.Event, error] {
	return func(yield func(mcpclient.Event, error) bool) {
		if a.Closed() {
			yield(nil, ErrClosed)
			return
		}
		if len(*history) == 0 {
			*history = a.NewConversation()
		}
		start := len(*history)
		*history = append(*history, input...)
		a.loop(ctx, history, start, yield)
	}
}

// loop runs turns over *history; the run's own messages start at start.
// Once the agent is closed, the next turn yields ErrClosed instead of
// calling the model.
func (a *Agent) loop(ctx context.Context, history *[]inference.ChatMessage, start int, yield func(mcpclient.Event, error) bool) {
	end := &mcpclient.RunEndEvent{Reason: mcpclient.StopMaxTurns}
	nextTurnShouldCallTools := true
	for turn := 0; turn < a.maxTurns; turn++ {
		opts := mcpclient.TurnOptions{
			ExitLoopTools:          tools.ExitLoopTools(),
			ExitIfFirstChunkNoTool: turn > 0 && nextTurnShouldCallTools,
		}
		end.Turns++
		exited, probeFailed, shown := false, false, false
		for ev, err := range a.ProcessSingleTurnWithTools(ctx, history, opts) {
			// This turn only checks whether the model, having answered
			// after its tools, wants more tools: when it fails before
			// showing anything, the answer stands.
			if err != nil && opts.ExitIfFirstChunkNoTool && !shown && ctx.Err() == nil {
				probeFailed = true
				break
			}
			shown = true
			switch e := ev.(type) {
			case *mcpclient.TurnEndEvent:
				end.Usage = addUsage(end.Usage, e.Usage)
			case *mcpclient.ToolResultEvent:
				exited = exited || e.ExitLoop
			}
			if !yield(ev, err) || err != nil {
				return
			}
		}
		// A loop-control call ends the run even when calls after it were
		// answered "not run" after it in the history.
		if exited {
			end.Reason = mcpclient.StopExitTool
			break
		}
		if probeFailed {
			end.Reason = mcpclient.StopAnswered
			break
		}
		last := (*history)[len(*history)-1]
		lastIsTool := last.Role == inference.RoleTool
		if !lastIsTool && nextTurnShouldCallTools {
			end.Reason = mcpclient.StopAnswered
			break
		}
		nextTurnShouldCallTools = !lastIsTool
	}
	end.Answer = lastAnswer((*history)[start:])
	yield(end, nil)
}

// Ask runs input as [Agent.Run] does, without events, and returns how the
// run ended: the answer, why it stopped, the turns and the usage. It
// returns the run's first error: [ErrClosed] at once for a closed agent.
func (a *Agent) Ask(ctx context.Context, input string) (*mcpclient.RunEndEvent, error) {
	for ev, err := range a.Run(ctx, input) {
		if err != nil {
			return nil, err
		}
		if end, ok := ev.(*mcpclient.RunEndEvent); ok {
			return end, nil
		}
	}
	return nil, errors.New("agent: the run ended without a result")
}

// lastAnswer is the content of the last assistant message that has some.
func lastAnswer(msgs []inference.ChatMessage) string {
	for i := len(msgs) - 1; i >= 0; i-- {
		if m := msgs[i]; m.Role == inference.RoleAssistant && m.Content != "" {
			return m.Content
		}
	}
	return ""
}

// addUsage adds u to sum; nil stands for "no usage reported".
func addUsage(sum, u *inference.Usage) *inference.Usage {
	if u == nil {
		return sum
	}
	if sum == nil {
		sum = &inference.Usage{}
	}
	sum.PromptTokens += u.PromptTokens
	sum.CompletionTokens += u.CompletionTokens
	sum.TotalTokens += u.TotalTokens
	return sum
}
