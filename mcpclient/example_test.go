package mcpclient_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
	"github.com/tiny-agents-go/tiny-agents/tools"
)

// Connect the filesystem server built into the binary and call one of its
// tools directly.
func ExampleClient_CallTool() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hello"), 0o644)

	c, err := mcpclient.New(mcpclient.WithModel("unused-here"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	ctx := context.Background()
	if err := c.AddServer(ctx, mcpclient.ServerConfig{Type: mcpclient.TransportBuiltin, Name: "filesystem", Args: []string{dir}}); err != nil {
		fmt.Println(err)
		return
	}
	out, err := c.CallTool(ctx, "read_file", map[string]any{"path": "notes.txt"})
	fmt.Println(out, err)
	// Output: hello <nil>
}

// A Go tool beside the MCP tools, and an approval hook that denies the
// calls of tools not marked read-only, driven by a scripted model.
func ExampleWithApprover() {
	tb := &inferencetest.Standalone{}
	defer tb.Close()
	llm := inferencetest.NewServer(tb, inferencetest.ToolCalls(
		inferencetest.ToolCall{ID: "c1", Name: "clock", Arguments: []string{`{}`}},
		inferencetest.ToolCall{ID: "c2", Name: "reboot", Arguments: []string{`{}`}}))
	clock, _ := tools.NewRaw("clock", "Tells the time.", nil, func(context.Context, json.RawMessage) (string, error) {
		return "12:00", nil
	}, tools.ReadOnly())
	reboot, _ := tools.NewRaw("reboot", "Reboots the machine.", nil, func(context.Context, json.RawMessage) (string, error) {
		return "rebooting", nil
	})
	readOnlyOnly := func(_ context.Context, req mcpclient.ApprovalRequest) (mcpclient.Approval, error) {
		if req.Annotations.ReadOnly() {
			return mcpclient.Approval{Allow: true}, nil
		}
		return mcpclient.Approval{Reason: "only read-only tools may run"}, nil
	}
	c, err := mcpclient.New(mcpclient.WithModel("demo"), mcpclient.WithTools(clock, reboot), mcpclient.WithApprover(readOnlyOnly),
		mcpclient.WithInferenceOptions(inference.WithBaseURL(llm.URL+"/v1"), inference.WithToken("none")))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	msgs := []inference.ChatMessage{{Role: inference.RoleUser, Content: "What time is it? Then reboot."}}
	for ev, err := range c.ProcessSingleTurnWithTools(context.Background(), &msgs, mcpclient.TurnOptions{}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		if r, ok := ev.(*mcpclient.ToolResultEvent); ok {
			fmt.Printf("%s: %s\n", r.Call.Function.Name, r.Message.Content)
		}
	}
	// Output:
	// clock: 12:00
	// reboot: The user denied this tool call: only read-only tools may run
}
