// Command mcpclient uses MCP servers from Go without the agent loop: it
// connects a server, lists its tools, calls one directly, then runs a
// single model turn in which the model may call the tools, and prints what
// happened. Your program decides what comes next.
//
//	mcpclient -dir . "Which files are here?"                       # HF_TOKEN, the Hugging Face router
//	mcpclient -offline "Which files are here?"                     # a scripted model: no token, no network
//	mcpclient -server "npx -y @modelcontextprotocol/server-everything" -offline "hi"
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "mcpclient:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("mcpclient", flag.ContinueOnError)
	model := fs.String("model", "Qwen/Qwen3-235B-A22B-Instruct-2507", "Hub model id")
	dir := fs.String("dir", ".", "folder of the built-in filesystem server")
	command := fs.String("server", "", "a stdio MCP server to use instead, as a command line")
	offline := fs.Bool("offline", false, "answer from a local scripted model (no token, no network)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	prompt := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if prompt == "" {
		return errors.New("usage: mcpclient [flags] PROMPT")
	}
	server := mcpclient.ServerConfig{Type: mcpclient.TransportBuiltin, Name: "filesystem", Args: []string{*dir}}
	if *command != "" {
		f := strings.Fields(*command)
		server = mcpclient.ServerConfig{Type: mcpclient.TransportStdio, Command: f[0], Args: f[1:]}
	}
	var infOpts []inference.Option
	if *offline {
		tb := &inferencetest.Standalone{}
		defer tb.Close()
		llm := inferencetest.NewServer(tb, inferencetest.ToolCalls(
			inferencetest.ToolCall{ID: "c1", Name: "list_directory", Arguments: []string{`{"path":"."}`}}))
		infOpts = append(infOpts, inference.WithBaseURL(llm.URL+"/v1"))
	}
	c, err := mcpclient.New(mcpclient.WithModel(*model), mcpclient.WithInferenceOptions(infOpts...))
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.AddServer(ctx, server); err != nil {
		return err
	}
	for _, t := range c.Tools() {
		fmt.Fprintf(stdout, "tool %s (server %s)\n", t.Function.Name, c.ServerOf(t.Function.Name))
	}
	if *command == "" {
		info, err := c.CallTool(ctx, "get_file_info", map[string]any{"path": "."})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "called get_file_info directly: %d bytes of answer\n", len(info))
	}
	messages := []inference.ChatMessage{{Role: inference.RoleUser, Content: prompt}}
	for ev, err := range c.ProcessSingleTurnWithTools(ctx, &messages, mcpclient.TurnOptions{}) {
		if err != nil {
			return err
		}
		if r, ok := ev.(*mcpclient.ToolResultEvent); ok {
			fmt.Fprintf(stdout, "the model called %s: %q\n", r.Call.Function.Name, r.Message.Content)
		}
	}
	fmt.Fprintf(stdout, "the conversation now has %d messages\n", len(messages))
	return nil
}
