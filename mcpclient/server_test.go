package mcpclient_test

import (
	"os"
	"testing"

	"github.com/mark3labs/mcp-go/server/servertest"

	"github.com/tiny-agents-go/tiny-agents/internal/mcptest"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// TestMain doubles as a stdio MCP server when started with mcptest's
// environment (the fork-exec trick of go-sdk's cmd_test.go).
func TestMain(m *testing.M) {
	mcptest.ServeIfChild()
	os.Exit(m.Run())
}

// stdioConfig starts this test binary as a stdio server. GOCOVERDIR
// passes through so that a coverage run covers the servers too.
func stdioConfig(name string) mcpclient.ServerConfig {
	return mcpclient.ServerConfig{Type: mcpclient.TransportStdio, Command: os.Args[0], Args: []string{"-test.run=^$"},
		Env: mcptest.StdioEnv(name), EnvPassthrough: []string{"GOCOVERDIR"}}
}

// extraConfig is stdioConfig with mcptest's extra tools (big, environ).
func extraConfig(name string) mcpclient.ServerConfig {
	cfg := stdioConfig(name)
	cfg.Env[mcptest.EnvExtraTools] = "1"
	return cfg
}

func sseConfig(t *testing.T) mcpclient.ServerConfig {
	ts := servertest.NewTestServer(mcptest.NewServer("sse"))
	t.Cleanup(ts.Close)
	return mcpclient.ServerConfig{Type: mcpclient.TransportSSE, URL: ts.URL + "/sse"}
}

func httpConfig(t *testing.T) mcpclient.ServerConfig {
	ts := servertest.NewTestStreamableHTTPServer(mcptest.NewServer("http"))
	t.Cleanup(ts.Close)
	return mcpclient.ServerConfig{Type: mcpclient.TransportHTTP, URL: ts.URL + "/mcp"}
}
