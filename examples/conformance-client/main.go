// Command conformance-client is the MCP client that `make conformance` runs
// under the official MCP conformance suite. The suite appends the test
// server's URL as the last argument and names the scenario in
// MCP_CONFORMANCE_SCENARIO. The client connects over streamable HTTP with
// mcpclient, answers elicitations with the schema's defaults, lists the
// tools and calls the one the scenario is about.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// scenarioCalls names the tool call each scenario checks, with arguments.
var scenarioCalls = map[string]struct {
	tool string
	args map[string]any
}{
	"tools_call":                          {"add_numbers", map[string]any{"a": 2, "b": 3}},
	"elicitation-sep1034-client-defaults": {"test_client_elicitation_defaults", nil},
	"sse-retry":                           {"test_reconnection", nil},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: conformance-client [flags] SERVER_URL")
		os.Exit(2)
	}
	if err := run(ctx, os.Args[len(os.Args)-1], os.Getenv("MCP_CONFORMANCE_SCENARIO")); err != nil {
		fmt.Fprintln(os.Stderr, "conformance-client:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, url, scenario string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	c, err := mcpclient.New(mcpclient.WithElicitationHandler(mcpclient.AcceptDefaults))
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.AddServer(ctx, mcpclient.ServerConfig{Type: mcpclient.TransportHTTP, URL: url}); err != nil {
		return err
	}
	fmt.Printf("scenario %q: %d tools\n", scenario, len(c.Tools()))
	call, ok := scenarioCalls[scenario]
	if !ok {
		// Other scenarios need no more than initialize and tools/list, or
		// (auth/*) the test-tool call after authorisation.
		for _, t := range c.Tools() {
			if t.Function.Name == "test-tool" {
				call.tool = "test-tool"
			}
		}
		if call.tool == "" {
			return nil
		}
	}
	out, err := c.CallTool(ctx, call.tool, call.args)
	if err != nil {
		return err
	}
	fmt.Printf("%s: %s\n", call.tool, out)
	return nil
}
