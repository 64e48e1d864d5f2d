package agent_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tiny-agents-go/tiny-agents/agent"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

func ExampleParseConfig() {
	cfg, err := agent.ParseConfig([]byte(`{
		"model": "Qwen/Qwen3-235B-A22B-Instruct-2507",
		"servers": [{"type": "stdio", "command": "npx", "args": ["-y", "@modelcontextprotocol/server-everything"]}]
	}`), "agent.json")
	fmt.Println(cfg.Model, cfg.Servers[0].Command, err)

	_, err = agent.ParseConfig([]byte(`{"model": "m", "servers": [{"type": "http"}]}`), "agent.json")
	fmt.Println(err)
	// Output:
	// Qwen/Qwen3-235B-A22B-Instruct-2507 npx <nil>
	// agent.json: servers[0].url: "" is not an http(s) URL
}

// An agent with the built-in filesystem server, driven by a scripted model.
func ExampleAgent_Run() {
	tb := &inferencetest.Standalone{}
	defer tb.Close()
	llm := inferencetest.NewServer(tb,
		inferencetest.ToolCalls(inferencetest.ToolCall{ID: "c1", Name: "list_directory", Arguments: []string{`{"path":"."}`}}),
		inferencetest.Step{Text: []string{"There is one file."},
			ToolCalls: []inferencetest.ToolCall{{ID: "c2", Name: "task_complete", Arguments: []string{"{}"}}}})
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "notes.txt"), nil, 0o644)

	ctx := context.Background()
	a, err := agent.New(ctx, &agent.Config{Model: "demo", EndpointURL: llm.URL + "/v1",
		Servers: []mcpclient.ServerConfig{{Type: "builtin", Name: "filesystem", Args: []string{dir}}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer a.Close()
	for ev, err := range a.Run(ctx, "What is in this folder?") {
		if err != nil {
			fmt.Println(err)
			return
		}
		switch e := ev.(type) {
		case *mcpclient.ChunkEvent:
			if len(e.Chunk.Choices) > 0 {
				fmt.Print(e.Chunk.Choices[0].Delta.Content)
			}
		case *mcpclient.ToolResultEvent:
			fmt.Printf("[%s: %q]\n", e.Message.Name, e.Message.Content)
		}
	}
	// Output:
	// [list_directory: "notes.txt"]
	// There is one file.[task_complete: ""]
}
