// Command streamconsume reads one streamed chat completion with the
// inference client and discards it, for measuring the client's cost per
// chunk against curl reading the same stream (scripts/bench_stream.py).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

func main() {
	url := flag.String("url", "", "OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/stream/v1")
	flag.Parse()
	client, err := inference.NewClient(inference.WithBaseURL(*url), inference.WithMaxRetries(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "streamconsume:", err)
		os.Exit(2)
	}
	in := &inference.ChatCompletionInput{
		Model:    "bench",
		Messages: []inference.ChatMessage{{Role: inference.RoleUser, Content: "go"}},
	}
	chunks, bytes := 0, 0
	for chunk, err := range client.ChatCompletionStream(context.Background(), in) {
		if err != nil {
			fmt.Fprintln(os.Stderr, "streamconsume:", err)
			os.Exit(1)
		}
		chunks++
		for _, c := range chunk.Choices {
			bytes += len(c.Delta.Content)
		}
	}
	fmt.Printf("chunks=%d content_bytes=%d\n", chunks, bytes)
}
