package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tiny-agents-go/tiny-agents/agent"
	"github.com/tiny-agents-go/tiny-agents/agents"
)

// Output formats of --output.
const (
	outputText = "text"
	outputJSON = "json"
)

// runOptions are the flags and arguments of `run`.
type runOptions struct {
	agentOptions
	Prompt    string
	PromptSet bool
	Output    string
}

func newRunCmd(a *app) *cobra.Command {
	opts := &runOptions{}
	cmd := &cobra.Command{
		Use:   "run [agent]",
		Short: "Chat with an agent at the terminal, or run one prompt",
		Long: `Run an agent: connect its MCP servers, then read prompts at "> " and stream the answers.

The agent is a path to an agent.json file, a folder holding agent.json (and PROMPT.md or
AGENTS.md), the name of a built-in agent (` + strings.Join(agents.Names(), ", ") + `), or the id of an agent
in the Hub dataset tiny-agents/tiny-agents. Without an argument, the built-in "default" agent
runs.

With -p, one prompt runs and stdout carries only the answer. Prompts piped on stdin run one
per line; the first that fails ends the run. The exit status is 0 on success, 1 for a
runtime failure, 2 for a usage or configuration error, 129 after SIGHUP, 130 after Ctrl+C,
143 after SIGTERM.`,
		Example: `  tiny-agents run
  tiny-agents run ./my-agent
  tiny-agents run coder -p "add a test for parse.go"
  echo "list the files here" | tiny-agents run --output json
  tiny-agents run --mcp-config ~/.cursor/mcp.json -p "what is on my calendar?"`,
		Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := bindAgentArgs(cmd, args, &opts.agentOptions); err != nil {
				return err
			}
			opts.PromptSet = cmd.Flags().Changed("prompt")
			if err := opts.validate(); err != nil {
				return err
			}
			return runRun(cmd.Context(), a, opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Prompt, "prompt", "p", "", "run this one prompt, print the answer on stdout and exit")
	f.StringVarP(&opts.Output, "output", "o", outputText, `output format: "text", or "json" for one JSON event per line`)
	f.IntVar(&opts.MaxTurns, "max-turns", agent.DefaultMaxTurns, "most model turns for one prompt")
	addAgentFlags(cmd, &opts.agentOptions)
	f.DurationVar(&opts.IdleTimeout, "idle-timeout", 0, "end a model call that sends nothing for this long (default 2m, or idleTimeout in agent.json)")
	f.DurationVar(&opts.ToolTimeout, "tool-timeout", 0, "bound on each MCP tool call, e.g. 2m (default: none, or toolTimeout in agent.json)")
	f.StringVar(&opts.Approve, "approve", approveNone, `ask before tool calls run: "none", "writes" (tools not marked read-only) or "all"`)
	return cmd
}

// timeoutFlags are the duration flags that bound a wait; see
// checkTimeoutFlags.
var timeoutFlags = []string{"connect-timeout", "idle-timeout", "tool-timeout"}

// checkTimeoutFlags refuses a timeout flag given as 0 or less, as
// agent.json refuses such a timeout: 0 is how a flag reads when it is not
// given (the agent.json value or the default then applies), so an explicit
// 0 would silently mean the default.
func checkTimeoutFlags(cmd *cobra.Command) error {
	for _, name := range timeoutFlags {
		if f := cmd.Flags().Lookup(name); f != nil && f.Changed {
			if d, err := cmd.Flags().GetDuration(name); err == nil && d <= 0 {
				return &usageError{fmt.Errorf("--%s must be more than 0, not %s", name, d)}
			}
		}
	}
	return nil
}

// addAgentFlags adds the flags that choose and connect the agent.
func addAgentFlags(cmd *cobra.Command, opts *agentOptions) {
	f := cmd.Flags()
	f.StringVar(&opts.Root, "root", "", "root directory of the built-in filesystem server (default: the current directory)")
	f.StringArrayVar(&opts.MCPConfigs, "mcp-config", nil, "add the MCP servers of a Claude Desktop, Cursor or VS Code config file (repeatable)")
	f.DurationVar(&opts.ConnectTimeout, "connect-timeout", 0, "bound on connecting each MCP server (default 1m, or connectTimeout in agent.json)")
}

// bindAgentArgs reads what every command that starts the agent takes the
// same way: the agent argument, -v, and the timeout flags (checked).
func bindAgentArgs(cmd *cobra.Command, args []string, o *agentOptions) error {
	if len(args) == 1 {
		o.Agent = args[0]
	}
	o.Verbose = verboseFlag(cmd)
	return checkTimeoutFlags(cmd)
}

// checkOutput refuses an --output other than text and json.
func checkOutput(output string) error {
	if output != outputText && output != outputJSON {
		return &usageError{fmt.Errorf("--output must be %q or %q, not %q", outputText, outputJSON, output)}
	}
	return nil
}

func (o *runOptions) validate() error {
	if o.MaxTurns < 1 {
		return &usageError{fmt.Errorf("--max-turns must be at least 1, not %d", o.MaxTurns)}
	}
	if err := checkOutput(o.Output); err != nil {
		return err
	}
	switch {
	case o.PromptSet && o.Prompt == "":
		return &usageError{errors.New("-p needs a prompt")}
	case o.Approve != approveNone && o.Approve != approveWrites && o.Approve != approveAll:
		return &usageError{fmt.Errorf("--approve must be %q, %q or %q, not %q", approveNone, approveWrites, approveAll, o.Approve)}
	}
	return nil
}

// runRun connects the agent, then runs the -p prompt, the piped prompts or
// the interactive prompt. A failure is reported here (stderr, and a JSON
// event with --output json) and returned as a *reportedError.
func runRun(ctx context.Context, a *app, opts *runOptions) (err error) {
	st := newStreams(a)
	defer st.flush()
	var v view
	if opts.Output == outputJSON {
		v = newJSONView(st, func(string) string { return "" })
	} else {
		v = newTextView(st, opts.PromptSet)
	}
	defer func() { err = report(st, v, err) }()

	ag, info, err := startAgent(ctx, st, &opts.agentOptions)
	if err != nil {
		return err
	}
	defer ag.Close()
	if jv, ok := v.(*jsonView); ok {
		jv.servers = ag.ServerOf
	}
	v.loaded(info)
	oneProcessor()

	s := &session{agent: ag, st: st, view: v, sig: a.signals, verbose: opts.Verbose}
	if opts.PromptSet {
		return s.runPrompt(ctx, opts.Prompt)
	}
	in, isFile := a.stdin.(*os.File)
	if opts.Output == outputText && isFile && st.inTTY && isTerminal(a.stdout) {
		s.interactive = true
		return s.readInteractive(ctx, in, a.stdout)
	}
	return s.readPiped(ctx, opts.Output == outputText)
}

// oneProcessor runs the rest of a `run` on one processor (GOMAXPROCS=1)
// unless the user set GOMAXPROCS. Once the servers are connected (which
// is done in parallel, on every processor), a run waits on the model and
// the servers, and its CPU work (a stream's chunks, a request's history)
// is one goroutine's at a time: a second processor only adds threads
// that wake to find nothing to do. On ../shared/bench this takes a fifth
// off the CPU of a turn (S3) and an eighth off a 100,000-chunk stream
// (S4). serve keeps every processor: its requests run side by side.
func oneProcessor() {
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1)
	}
}

// reportedError is a failure already printed: Main only turns it into the
// exit code.
type reportedError struct {
	failure
	err error
}

func (e *reportedError) Error() string { return e.msg }
func (e *reportedError) Unwrap() error { return e.err }

// report prints err (unless already printed) and returns it as a
// *reportedError. An error that ends a run cancelled by a signal (a server
// "cancelled during start-up", say) is reported as the signal: it is a
// consequence, and the signal is what the user needs to read. Every signal
// is one line, without the "error:" label: the run did what it was told.
func report(st *streams, v view, err error) error {
	var done *reportedError
	if err == nil || errors.As(err, &done) {
		return err
	}
	if sig := st.app.caught(); sig != nil && !errors.As(err, new(*signalError)) {
		err = errors.Join(sig, err)
	}
	f := classify(err)
	if v != nil {
		v.failed(f) // the view's held-back text, then the diagnostic
	}
	if f.kind == kindInterrupted {
		st.notice(f.msg)
	} else {
		st.fail(f)
	}
	return &reportedError{failure: f, err: err}
}

// quietInterrupt is Ctrl+C typed at the interactive prompt: a key that
// quits, as Ctrl+D does, so it prints nothing (the terminal shows "^C");
// it still exits 130.
func quietInterrupt() error {
	return &reportedError{failure: classify(errInterrupted), err: errInterrupted}
}
