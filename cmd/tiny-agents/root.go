package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/spf13/cobra"

	"github.com/tiny-agents-go/tiny-agents/internal/version"
)

// app holds what commands share: the standard streams, the signals, and
// the sign-in listener once a sign-in needed it.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	signals        *signalRouter

	authzMu sync.Mutex
	authz   *browserAuthorizer
}

// authorizer returns the process's browserAuthorizer, made on first use
// with the streams of the command that needs it.
func (a *app) authorizer(st *streams) *browserAuthorizer {
	a.authzMu.Lock()
	defer a.authzMu.Unlock()
	if a.authz == nil {
		a.authz = newBrowserAuthorizer(st)
	}
	return a.authz
}

// caught returns the signal that cancelled the run, or nil.
func (a *app) caught() *signalError {
	if a == nil {
		return nil
	}
	return a.signals.caught()
}

// close stops what the commands left running: the sign-in listener.
func (a *app) close() {
	a.authzMu.Lock()
	defer a.authzMu.Unlock()
	if a.authz != nil {
		a.authz.Close()
	}
}

// Main runs the CLI with args and returns the exit status. It owns the
// signals: SIGTERM and SIGHUP cancel the run, SIGINT goes to the phase that
// is running (see signalRouter).
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, signals := newSignalRouter(context.Background())
	defer signals.Stop()
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, signals: signals}
	defer a.close()
	root := newRootCmd(a)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if sig := (*signalError)(nil); errors.As(context.Cause(ctx), &sig) {
		if err == nil || !errors.As(err, new(*signalError)) {
			err = sig // the signal is why the command ended, whatever it returned
		}
	}
	return exitStatus(stderr, err)
}

// exitStatus prints err unless a command reported it already, and returns
// the exit status for it.
func exitStatus(stderr io.Writer, err error) int {
	if err == nil {
		return exitOK
	}
	var done *reportedError
	if errors.As(err, &done) {
		return done.code
	}
	f := classify(err)
	if f.kind == kindInterrupted { // one line, as report prints it
		fmt.Fprintln(stderr, "tiny-agents: "+f.msg)
		return f.code
	}
	fmt.Fprintln(stderr, "tiny-agents: error: "+f.msg)
	if f.hint != "" {
		fmt.Fprintln(stderr, "tiny-agents: hint: "+f.hint)
	}
	return f.code
}

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "tiny-agents",
		Short: "Run MCP-powered agents from an agent.json",
		Long: `tiny-agents runs an agent described by an agent.json: a model, an inference provider or
endpoint, and the MCP servers whose tools the model may call.`,
		Version:       version.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          usageArgs(cobra.NoArgs),
		RunE:          func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	root.SetVersionTemplate("tiny-agents {{.Version}}\n")
	// -v is --verbose everywhere; defined before cobra adds --version, it
	// keeps cobra from taking -v for the version.
	root.PersistentFlags().BoolP("verbose", "v", false, "show the MCP servers' standard error and every retry")
	root.Flags().Bool("version", false, "print the version")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	root.AddCommand(newRunCmd(a), newServeCmd(a), newToolsCmd(a), newAuthCmd(a), newVersionCmd())
	return root
}

// verboseFlag reads the persistent --verbose flag.
func verboseFlag(cmd *cobra.Command) bool {
	v, _ := cmd.Flags().GetBool("verbose")
	return v
}

// usageArgs makes an argument count error a usage error (exit 2).
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return &usageError{err}
		}
		return nil
	}
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version",
		Example: "  tiny-agents version",
		Args:    usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "tiny-agents %s\n", version.Version)
			return err
		},
	}
}
