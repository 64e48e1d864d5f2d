package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/tiny-agents-go/tiny-agents/agent"
	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/internal/version"
)

// Exit codes.
const (
	exitOK        = 0
	exitError     = 1
	exitConfig    = 2
	exitInterrupt = 130
)

// errInterrupted ends the program after Ctrl+C.
var errInterrupted = errors.New("interrupted")

// app holds what commands share: the standard streams.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// Main runs the CLI with args and returns the exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := newRootCmd(a)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(context.Background())
	code, msg := exitCode(err)
	if msg != "" {
		fmt.Fprintln(stderr, "tiny-agents:", msg)
	}
	return code
}

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:           "tiny-agents",
		Short:         "Run MCP-powered agents from an agent.json",
		Version:       version.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetVersionTemplate("tiny-agents {{.Version}}\n")
	root.AddCommand(newRunCmd(a, nil))
	return root
}

// exitCode maps an error to the exit code and the message to print.
func exitCode(err error) (int, string) {
	var cfgErr *agent.ConfigError
	switch {
	case err == nil:
		return exitOK, ""
	case errors.Is(err, errInterrupted):
		return exitInterrupt, ""
	case errors.As(err, &cfgErr):
		return exitConfig, err.Error()
	case errors.Is(err, inference.ErrNoToken):
		return exitConfig, err.Error() + "\nhint: set HF_TOKEN, or give apiKey in agent.json"
	case errors.Is(err, inference.ErrInvalidOption), errors.Is(err, inference.ErrUnknownProvider):
		return exitConfig, err.Error()
	}
	return exitError, err.Error()
}

// isTerminal reports whether w is a character device.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
