// Command agent builds an agent in Go, with no agent.json: a model, the
// built-in filesystem server on a folder, a system prompt. It runs one
// prompt, prints the answer as it streams and the tool calls as they run,
// then the usage, and closes everything.
//
//	agent -dir . "What is in this folder?"                 # HF_TOKEN, the Hugging Face router
//	agent -offline "What is in this folder?"               # a scripted model: no token, no network
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

	"github.com/tiny-agents-go/tiny-agents/agent"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
	"github.com/tiny-agents-go/tiny-agents/tools"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "agent:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("agent", flag.ContinueOnError)
	model := fs.String("model", "Qwen/Qwen3-235B-A22B-Instruct-2507", "Hub model id")
	provider := fs.String("provider", "", "inference provider (default: the router picks)")
	dir := fs.String("dir", ".", "folder the agent may read and write")
	offline := fs.Bool("offline", false, "answer from a local scripted model (no token, no network)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	prompt := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if prompt == "" {
		return errors.New("usage: agent [flags] PROMPT")
	}
	cfg := &agent.Config{
		Model:    *model,
		Provider: *provider,
		Prompt:   "You help with the files of one folder. Look before you answer, and be brief.",
		Servers:  []mcpclient.ServerConfig{{Type: mcpclient.TransportBuiltin, Name: "filesystem", Args: []string{*dir}}},
	}
	if *offline {
		tb := &inferencetest.Standalone{}
		defer tb.Close()
		cfg.EndpointURL = inferencetest.NewServer(tb, offlineScript()...).URL + "/v1"
	}
	a, err := agent.New(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	for ev, err := range a.Run(ctx, prompt) {
		if err != nil {
			return err
		}
		switch e := ev.(type) {
		case *mcpclient.ChunkEvent:
			if len(e.Chunk.Choices) > 0 {
				fmt.Fprint(stdout, e.Chunk.Choices[0].Delta.Content)
			}
		case *mcpclient.ToolCallEvent:
			if !tools.IsExitLoop(e.Call.Function.Name) { // task_complete ends the run; no need to show it
				fmt.Fprintf(stdout, "[calling %s %s]\n", e.Call.Function.Name, e.Call.Function.Arguments)
			}
		case *mcpclient.RunEndEvent:
			fmt.Fprintf(stdout, "\n(%s after %d turns", e.Reason, e.Turns)
			if e.Usage != nil {
				fmt.Fprintf(stdout, ", %d tokens", e.Usage.TotalTokens)
			}
			fmt.Fprintln(stdout, ")")
		}
	}
	return nil
}

// offlineScript lists the folder, then answers.
func offlineScript() []inferencetest.Step {
	answer := inferencetest.Step{Text: []string{"I looked", " at the folder."},
		ToolCalls: []inferencetest.ToolCall{{ID: "c2", Name: "task_complete", Arguments: []string{"{}"}}},
		Usage:     &inferencetest.Usage{PromptTokens: 200, CompletionTokens: 12, TotalTokens: 212}}
	return []inferencetest.Step{
		inferencetest.ToolCalls(inferencetest.ToolCall{ID: "c1", Name: "list_directory", Arguments: []string{`{"path":"."}`}}),
		answer,
	}
}
