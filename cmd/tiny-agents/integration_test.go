//go:build integration

package main

// The agent against the real MCP servers from npm: `make integration`
// installs them and sets TINY_AGENTS_NPM to their node_modules folder.

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

func npmModule(t *testing.T, parts ...string) string {
	t.Helper()
	root := os.Getenv("TINY_AGENTS_NPM")
	if root == "" {
		t.Fatal("TINY_AGENTS_NPM is not set: run make integration")
	}
	return filepath.Join(append([]string{root}, parts...)...)
}

var everything = []string{"@modelcontextprotocol", "server-everything", "dist", "index.js"}

// startHTTPEverything runs server-everything in an HTTP mode on a free
// loopback port until the test ends.
func startHTTPEverything(t *testing.T, mode string) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command("node", npmModule(t, everything...), mode)
	cmd.Env = append(os.Environ(), "PORT="+strconv.Itoa(port))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err == nil {
			c.Close()
			return port
		}
		if time.Now().After(deadline) {
			t.Fatalf("server-everything %s did not listen on %d", mode, port)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestIntegrationEverything(t *testing.T) {
	for _, tc := range []struct {
		name   string
		server func(t *testing.T) mcpclient.ServerConfig
	}{
		{"stdio", func(t *testing.T) mcpclient.ServerConfig {
			return mcpclient.ServerConfig{Type: "stdio", Command: "node", Args: []string{npmModule(t, everything...), "stdio"}}
		}},
		{"sse", func(t *testing.T) mcpclient.ServerConfig {
			return mcpclient.ServerConfig{Type: "sse", URL: "http://127.0.0.1:" + strconv.Itoa(startHTTPEverything(t, "sse")) + "/sse"}
		}},
		{"streamableHttp", func(t *testing.T) mcpclient.ServerConfig {
			return mcpclient.ServerConfig{Type: "http", URL: "http://127.0.0.1:" + strconv.Itoa(startHTTPEverything(t, "streamableHttp")) + "/mcp"}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			llm := inferencetest.NewServer(t,
				inferencetest.ToolCalls(call("c1", "echo", `{"message":"hi from go"}`), call("c2", "get-tiny-image", `{}`)),
				inferencetest.ToolCalls(call("c3", "task_complete", `{}`)))
			dir := writeAgent(t, llm.URL, tc.server(t))
			r := runCLI(t, "go\n", "run", dir)
			if r.code != 0 {
				t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			for _, want := range []string{"Tool[echo] c1\nEcho: hi from go", "Tool[get-tiny-image] c2\n", "[Binary Content: Image image/png, "} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
				}
			}
		})
	}
}

func TestIntegrationFilesystem(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "hello.txt"), []byte("hi"), 0o644)
	real, _ := filepath.EvalSymlinks(root)
	llm := inferencetest.NewServer(t,
		inferencetest.ToolCalls(call("c1", "list_directory", `{"path":"`+real+`"}`)),
		inferencetest.ToolCalls(call("c2", "task_complete", `{}`)))
	dir := writeAgent(t, llm.URL, mcpclient.ServerConfig{Type: "stdio", Command: "node",
		Args: []string{npmModule(t, "@modelcontextprotocol", "server-filesystem", "dist", "index.js"), real}})
	r := runCLI(t, "list\n", "run", dir)
	if r.code != 0 || !strings.Contains(r.stdout, "Tool[list_directory] c1\n[FILE] hello.txt") {
		t.Errorf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}
