package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tiny-agents-go/tiny-agents/agent"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// runOptions are the flags and arguments of `run`.
type runOptions struct {
	Agent       string
	Prompt      string
	Root        string
	MaxTurns    int
	ToolTimeout time.Duration
	Verbose     bool
}

func newRunCmd(a *app, runF func(context.Context, *app, *runOptions) error) *cobra.Command {
	opts := &runOptions{}
	cmd := &cobra.Command{
		Use:   "run [agent]",
		Short: "Chat with an agent at the terminal",
		Long: `Run an agent: connect its MCP servers, then read prompts at "> " and stream the answers.

The agent is a path to an agent.json file, a folder holding agent.json (and PROMPT.md or
AGENTS.md), the name of a built-in agent, or the id of an agent in the Hub dataset
tiny-agents/tiny-agents. Without an argument, the built-in "default" agent runs.`,
		Example: `  tiny-agents run
  tiny-agents run ./my-agent
  tiny-agents run coder -p "add a test for parse.go"
  echo "list the files here" | tiny-agents run`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Agent = args[0]
			}
			if runF != nil {
				return runF(cmd.Context(), a, opts)
			}
			return runRun(cmd.Context(), a, opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Prompt, "prompt", "p", "", "run this one prompt, print the answer and exit")
	cmd.Flags().StringVar(&opts.Root, "root", "", "root directory of the built-in filesystem server (default: the current directory)")
	cmd.Flags().IntVar(&opts.MaxTurns, "max-turns", agent.DefaultMaxTurns, "most turns the agent takes for one prompt")
	cmd.Flags().DurationVar(&opts.ToolTimeout, "tool-timeout", 0, "bound on each MCP tool call, e.g. 2m (default: none)")
	cmd.Flags().BoolVarP(&opts.Verbose, "verbose", "v", false, "show the MCP servers' standard error and warnings")
	return cmd
}

func runRun(ctx context.Context, a *app, opts *runOptions) error {
	out := newPrinter(a.stdout, isTerminal(a.stdout) && os.Getenv("NO_COLOR") == "")
	defer out.Flush()
	ag, err := loadAgent(ctx, a, opts, out)
	if err != nil {
		return err
	}
	defer ag.Close()

	tools := ag.Tools()
	names := make([]string, len(tools))
	for i, t := range tools {
		names[i] = "- " + t.Function.Name
	}
	out.colored(ansiBlue, fmt.Sprintf("Agent loaded with %d tools:\n%s", len(tools), strings.Join(names, "\n")))
	out.print("\n")
	out.Flush()

	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt)
	defer signal.Stop(sigs)
	s := &session{agent: ag, out: out, sigs: sigs}
	if opts.Prompt != "" {
		return s.turn(ctx, opts.Prompt)
	}
	in, inOK := a.stdin.(*os.File)
	if inOK && isTerminal(in) && isTerminal(a.stdout) {
		return s.interactive(ctx, in, a.stdout)
	}
	return s.loop(ctx, a.stdin)
}

// loadAgent loads the config, resolves its inputs and connects the agent.
func loadAgent(ctx context.Context, a *app, opts *runOptions, out *printer) (*agent.Agent, error) {
	cfg, err := agent.Load(ctx, opts.Agent, agent.LoadOptions{})
	if err != nil {
		return nil, err
	}
	for i := range cfg.Servers {
		s := &cfg.Servers[i]
		s.Timeout = opts.ToolTimeout
		if s.Type == mcpclient.TransportBuiltin && s.Name == "filesystem" && len(s.Args) == 0 && opts.Root != "" {
			s.Args = []string{opts.Root}
		}
	}
	if len(cfg.Inputs) > 0 {
		if err := cfg.ResolveInputs(ctx, askInput(a, out)); err != nil {
			return nil, err
		}
	}
	var agOpts []agent.Option
	agOpts = append(agOpts, agent.WithMaxTurns(opts.MaxTurns))
	if opts.Verbose {
		agOpts = append(agOpts, agent.WithServerStderr(a.stderr))
	}
	return agent.New(ctx, cfg, agOpts...)
}

// askInput prompts for an input value on the terminal, or returns "" (the
// environment fallback) when stdin is not one.
func askInput(a *app, out *printer) func(agent.Input) (string, error) {
	return func(in agent.Input) (string, error) {
		if !isTerminal(a.stdin) {
			return "", nil
		}
		out.colored(ansiBlue, " • "+in.ID)
		out.printf(": %s (default: load from %s) ", in.Description, agent.EnvName(in.ID))
		out.Flush()
		return readSecretLine(a.stdin, in.Password)
	}
}

// session is one interactive run: the agent, the output, the signals.
type session struct {
	agent *agent.Agent
	out   *printer
	sigs  chan os.Signal
}

// loop reads prompts until end of input (exit 0) or Ctrl+C at the prompt.
func (s *session) loop(ctx context.Context, stdin io.Reader) error {
	lines := make(chan string)
	go readLines(stdin, lines) // ends with the process: a blocked read of stdin cannot be cancelled
	for {
		s.out.print("> ")
		s.out.Flush()
		select {
		case line, ok := <-lines:
			if !ok {
				s.out.print("\n")
				return nil
			}
			if strings.TrimSpace(line) == "" {
				continue
			}
			if err := s.turn(ctx, line); err != nil {
				return err
			}
		case <-s.sigs:
			s.out.print("\n")
			return errInterrupted
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// interactive reads prompts with the line editor (raw mode only while a
// line is typed, so that Ctrl+C during a turn is a signal as usual).
func (s *session) interactive(ctx context.Context, in *os.File, out io.Writer) error {
	ed := newLineEditor(in, out)
	for {
		s.out.Flush()
		restore, ok := makeRaw(in)
		if !ok {
			return s.loop(ctx, in)
		}
		line, err := ed.readLine("> ")
		restore()
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case errors.Is(err, errLineInterrupted):
			return errInterrupted
		case err != nil:
			return err
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		if err := s.turn(ctx, line); err != nil {
			return err
		}
	}
}

// turn runs one prompt. The first Ctrl+C aborts it, a second one exits.
func (s *session) turn(ctx context.Context, prompt string) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	exit := make(chan struct{})
	go func() {
		select {
		case <-s.sigs:
			cancel()
			s.out.print("\n")
			s.out.colored(ansiGray, "Ctrl+C a second time to exit")
			s.out.print("\n")
		case <-done:
			return
		}
		select {
		case <-s.sigs:
			close(exit)
		case <-done:
		}
	}()
	var turnErr error
	for ev, err := range s.agent.Run(ctx, prompt) {
		if err != nil {
			turnErr = err
			break
		}
		s.out.event(ev)
	}
	close(done)
	select {
	case <-exit:
		return errInterrupted
	default:
	}
	if turnErr != nil && ctx.Err() == nil {
		s.out.print("\n")
		s.out.colored(ansiYellow, "Error: "+turnErr.Error())
	}
	s.out.print("\n")
	s.out.Flush()
	return nil
}

// readLines sends each line of r, then closes lines at end of input.
func readLines(r io.Reader, lines chan<- string) {
	defer close(lines)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		lines <- sc.Text()
	}
}

// readSecretLine reads one line; echo control for passwords is left to the
// terminal layer (see term.go).
func readSecretLine(r io.Reader, secret bool) (string, error) {
	restore := func() {}
	if secret {
		restore = disableEcho(r)
	}
	defer restore()
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimSpace(line), nil
}
