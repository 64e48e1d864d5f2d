// Command chat streams one chat completion to standard output.
//
//	chat "What is the capital of France?"                      # HF_TOKEN, auto router
//	chat -provider groq -model openai/gpt-oss-120b "Hello"     # a named provider
//	chat -base-url http://127.0.0.1:8080/v1 "Hello"            # any OpenAI-compatible server
//	chat -offline "Hello"                                      # a local scripted server: no token, no network
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
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "chat:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	model := fs.String("model", "meta-llama/Llama-3.3-70B-Instruct", "Hub model id, or the model name an endpoint expects")
	provider := fs.String("provider", "auto", "inference provider, or auto")
	baseURL := fs.String("base-url", "", "OpenAI-compatible endpoint to call instead of Hugging Face")
	offline := fs.Bool("offline", false, "answer from a local scripted server (no token, no network)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	prompt := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if prompt == "" {
		return errors.New("usage: chat [flags] PROMPT")
	}
	opts := []inference.Option{inference.WithProvider(*provider)}
	if *offline {
		tb := &inferencetest.Standalone{}
		defer tb.Close()
		srv := inferencetest.NewServer(tb, inferencetest.Text(offlineAnswer(prompt)...))
		*baseURL = srv.URL + "/v1"
	}
	if *baseURL != "" {
		opts = append(opts, inference.WithBaseURL(*baseURL))
	}
	client, err := inference.NewClient(opts...)
	if err != nil {
		return err
	}
	in := &inference.ChatCompletionInput{
		Model:    *model,
		Messages: []inference.ChatMessage{{Role: inference.RoleUser, Content: prompt}},
	}
	for chunk, err := range client.ChatCompletionStream(ctx, in) {
		if err != nil {
			return err
		}
		for _, c := range chunk.Choices {
			fmt.Fprint(stdout, c.Delta.Content)
		}
	}
	fmt.Fprintln(stdout)
	return nil
}

// offlineAnswer is what the scripted server streams, word by word.
func offlineAnswer(prompt string) []string {
	words := strings.Fields("(offline) You asked: " + prompt)
	for i := 1; i < len(words); i++ {
		words[i] = " " + words[i]
	}
	return words
}
