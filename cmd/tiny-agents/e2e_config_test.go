package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
	"github.com/tiny-agents-go/tiny-agents/internal/mcptest"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// modeServer is the test binary as a stdio server that misbehaves in mode.
func modeServer(name, mode string) mcpclient.ServerConfig {
	return mcpclient.ServerConfig{Type: "stdio", Command: os.Args[0], Args: []string{"-test.run=^$"}, Env: mcptest.StdioEnvMode(name, mode)}
}

func TestConnectTimeout(t *testing.T) {
	for _, mode := range []string{"silent", "garbage"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			llm := inferencetest.NewServer(t)
			srv := modeServer(mode, mode)
			srv.Name = "stuck-server"
			dir := writeAgent(t, llm.URL, srv)
			p := startProc(t, nil, "run", dir, "-p", "hi", "--connect-timeout", "300ms")
			children := waitChildren(t, p.cmd.Process.Pid, 1)
			if code := p.wait(t, 10*time.Second); code != 1 {
				t.Errorf("exit %d, want 1\n%s", code, p.stderr.String())
			}
			for _, want := range []string{"stuck-server", "connect timeout", "--connect-timeout"} {
				if !strings.Contains(p.stderr.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, p.stderr.String())
				}
			}
			assertGone(t, children)
		})
	}
}

func TestConnectTimeoutFromAgentJSON(t *testing.T) {
	llm := inferencetest.NewServer(t)
	dir := writeAgentWith(t, map[string]any{"model": "m", "endpointUrl": llm.URL + "/v1", "connectTimeout": 0.3,
		"servers": []any{modeServer("s", "silent")}})
	start := time.Now()
	r := runCLI(t, "", "run", dir, "-p", "hi")
	if r.code != 1 || !strings.Contains(r.stderr, "connect timeout") {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
}

func TestIdleTimeout(t *testing.T) {
	t.Run("a stalled model", func(t *testing.T) {
		t.Parallel()
		llm := inferencetest.NewServer(t, inferencetest.Stalled(1, "start", "never"))
		dir := writeAgent(t, llm.URL)
		r := runCLI(t, "", "run", dir, "-p", "hi", "--idle-timeout", "300ms")
		if r.code != 1 || r.stdout != "start\n" {
			t.Fatalf("exit %d, stdout %q\n%s", r.code, r.stdout, r.stderr)
		}
		for _, want := range []string{"idle timeout", "--idle-timeout"} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
			}
		}
	})
	t.Run("a slow, steady stream is not cut", func(t *testing.T) {
		t.Parallel()
		pieces := strings.Split("one two three four five six seven eight", " ")
		llm := inferencetest.NewServer(t, inferencetest.Step{Text: pieces, Interval: 100 * time.Millisecond})
		dir := writeAgent(t, llm.URL)
		r := runCLI(t, "", "run", dir, "-p", "hi", "--idle-timeout", "400ms")
		if r.code != 0 || r.stdout != strings.Join(pieces, "")+"\n" {
			t.Fatalf("exit %d, stdout %q\n%s", r.code, r.stdout, r.stderr)
		}
	})
}

func TestRetryIsAnnounced(t *testing.T) {
	llm := inferencetest.NewServer(t, inferencetest.Step{Status: http.StatusTooManyRequests, Body: `{"error":"busy"}`,
		Header: http.Header{"Retry-After": {"2.2"}}}, inferencetest.Text("ok"))
	dir := writeAgent(t, llm.URL)
	r := runCLI(t, "", "run", dir, "-p", "hi")
	if r.code != 0 || r.stdout != "ok\n" {
		t.Fatalf("exit %d, stdout %q\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"429", "retrying in 2.2s", "attempt 2 of 4"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}

func TestFailingServerShowsItsStderr(t *testing.T) {
	llm := inferencetest.NewServer(t)
	dir := writeAgent(t, llm.URL, modeServer("crashy", "crash"), stdioServer("fine"))
	r := runCLI(t, "", "run", dir, "-p", "hi")
	if r.code != 1 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for _, want := range []string{"FAKE_API_KEY environment variable is required", "exit status 1"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q (without -v):\n%s", want, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "transport error") || strings.Contains(r.stderr, "mcpclient") {
		t.Errorf("Go internals in the message:\n%s", r.stderr)
	}
}

func TestVerboseMeansVerbose(t *testing.T) {
	for _, args := range [][]string{{"-v", "run"}, {"run", "-v"}, {"--verbose", "run"}} {
		llm := inferencetest.NewServer(t, roundTrip()...)
		dir := writeAgent(t, llm.URL, stdioServer("s"))
		r := runCLI(t, "", append(args, dir, "-p", "say hello")...)
		if r.code != 0 || r.stdout != "Done.\n" {
			t.Errorf("%v: exit %d, stdout %q\n%s", args, r.code, r.stdout, r.stderr)
		}
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"version"}} {
		r := runCLI(t, "", args...)
		if r.code != 0 || !strings.HasPrefix(r.stdout, "tiny-agents ") {
			t.Errorf("%v: exit %d, stdout %q", args, r.code, r.stdout)
		}
	}
}

func TestConfigWarningsAndErrors(t *testing.T) {
	llm := inferencetest.NewServer(t, inferencetest.Text("hi"))
	t.Run("unknown field is a warning", func(t *testing.T) {
		dir := writeAgentWith(t, map[string]any{"model": "m", "endpointUrl": llm.URL + "/v1", "description": "my agent", "servers": []any{}})
		r := runCLI(t, "", "run", dir, "-p", "hi")
		if r.code != 0 || r.stdout != "hi\n" {
			t.Fatalf("exit %d, stdout %q\n%s", r.code, r.stdout, r.stderr)
		}
		if !strings.Contains(r.stderr, "warning") || !strings.Contains(r.stderr, "description") || !strings.Contains(r.stderr, "agent.json") {
			t.Errorf("no warning naming file and field:\n%s", r.stderr)
		}
	})
	tests := map[string]struct {
		cfg  map[string]any
		want []string
	}{
		"command with http": {map[string]any{"model": "m", "servers": []any{map[string]any{"type": "http", "url": "http://127.0.0.1:1/mcp", "command": "x"}}},
			[]string{"command", "http"}},
		"url with stdio": {map[string]any{"model": "m", "servers": []any{map[string]any{"type": "stdio", "command": "x", "url": "http://127.0.0.1:1/mcp"}}},
			[]string{"url", "stdio"}},
		"VS Code mcp.json": {map[string]any{"servers": map[string]any{"gh": map[string]any{"command": "x"}}},
			[]string{"VS Code", "--mcp-config"}},
		"Claude Desktop config": {map[string]any{"mcpServers": map[string]any{"gh": map[string]any{"command": "x"}}},
			[]string{"Claude Desktop", "--mcp-config"}},
		"wrong type": {map[string]any{"model": "m", "servers": []any{map[string]any{"type": "stdio", "command": "x", "args": "-y"}}},
			[]string{"servers[0].args", "expected a list"}},
		"unknown provider": {map[string]any{"model": "m", "provider": "nope-ai", "servers": []any{}}, []string{"provider", "nope-ai"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			dir := writeAgentWith(t, tt.cfg)
			r := runCLI(t, "", "run", dir, "-p", "hi")
			if r.code != 2 {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			for _, want := range append(tt.want, filepath.Join(dir, "agent.json")) {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
			for _, internal := range []string{"Go struct", "json: cannot", "serverWire", "unmarshal", "mcpclient."} {
				if strings.Contains(r.stderr, internal) {
					t.Errorf("Go internals (%q) in:\n%s", internal, r.stderr)
				}
			}
		})
	}
}

func TestWarningsForAllowedToolsAndInputs(t *testing.T) {
	llm := inferencetest.NewServer(t, inferencetest.Text("ok"))
	srv := stdioServer("s")
	srv.AllowedTools = []string{"echo", "ehco"}
	srv.Env["X"] = "${input:gh-token}"
	dir := writeAgentWith(t, map[string]any{"model": "m", "endpointUrl": llm.URL + "/v1", "servers": []any{srv},
		"inputs": []any{map[string]any{"id": "gh-token", "password": true}}})
	r := runCLIEnv(t, []string{"GH_TOKEN="}, "", "run", dir, "-p", "hi")
	if r.code != 0 || r.stdout != "ok\n" {
		t.Fatalf("exit %d, stdout %q\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{`"ehco"`, "GH_TOKEN"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks a warning with %q:\n%s", want, r.stderr)
		}
	}
}

// mcpConfigFiles writes a Claude Desktop and a VS Code file naming the test
// binary as a stdio server.
func mcpConfigFiles(t *testing.T) (claude, vscode string) {
	t.Helper()
	dir := t.TempDir()
	srv := stdioServer("c")
	claudeCfg := map[string]any{"mcpServers": map[string]any{"desktop-echo": map[string]any{"command": srv.Command, "args": srv.Args, "env": srv.Env}}}
	env := mcptest.StdioEnv("v")
	env["SECRET_FOR_SERVER"] = "${input:vs-token}"
	vsCfg := map[string]any{
		"inputs":  []any{map[string]any{"type": "promptString", "id": "vs-token", "description": "a token", "password": true}},
		"servers": map[string]any{"code-echo": map[string]any{"type": "stdio", "command": srv.Command, "args": srv.Args, "env": env}},
	}
	claude, vscode = filepath.Join(dir, "claude_desktop_config.json"), filepath.Join(dir, "mcp.json")
	for path, cfg := range map[string]any{claude: claudeCfg, vscode: vsCfg} {
		b, _ := json.Marshal(cfg)
		os.WriteFile(path, b, 0o644)
	}
	return claude, vscode
}

func TestMCPConfigFiles(t *testing.T) {
	claude, vscode := mcpConfigFiles(t)
	llm := inferencetest.NewServer(t,
		inferencetest.ToolCalls(call("c1", "env", `{"name":"SECRET_FOR_SERVER"}`)),
		inferencetest.ToolCalls(call("c2", "task_complete", `{}`)))
	dir := writeAgent(t, llm.URL)
	r := runCLIEnv(t, []string{"VS_TOKEN=from-env-value"}, "", "run", dir, "--mcp-config", vscode, "--mcp-config", claude,
		"--output", "json", "-p", "show")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	lines := decodeLines(t, r.stdout)
	servers := map[string]bool{}
	for _, tool := range lines[0].Tools {
		servers[tool.Server] = true
	}
	if !servers["code-echo"] || len(servers) != 1 {
		t.Errorf("tools come from %v; want code-echo (desktop-echo's tools have the same names and come second)", servers)
	}
	if !strings.Contains(r.stderr, "desktop-echo") {
		t.Errorf("no warning for the skipped duplicate tools of desktop-echo:\n%s", r.stderr)
	}
	if l := lines[3]; l.Type != "tool_result" || l.Content != "[redacted]" {
		t.Errorf("the VS Code input did not reach the server as a secret: %+v", l)
	}
}

func TestToolsCommand(t *testing.T) {
	claude, _ := mcpConfigFiles(t)
	t.Run("text", func(t *testing.T) {
		srv := stdioServer("s")
		srv.Name = "main-server"
		dir := writeAgent(t, "http://127.0.0.1:1", srv)
		r := runCLI(t, "", "tools", dir, "--mcp-config", claude)
		if r.code != 0 {
			t.Fatalf("exit %d\n%s", r.code, r.stderr)
		}
		for _, want := range []string{"12 tools", "\nmain-server\n", "  echo ", "Echoes text."} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
			}
		}
	})
	t.Run("json, default agent without a token", func(t *testing.T) {
		r := runCLI(t, "", "tools", "--root", t.TempDir(), "--output", "json")
		var listing struct {
			Agent string
			Tools []struct{ Name, Server, Description string }
		}
		if err := json.Unmarshal([]byte(r.stdout), &listing); err != nil || r.code != 0 {
			t.Fatalf("exit %d, %v\n%s\n%s", r.code, err, r.stdout, r.stderr)
		}
		if listing.Agent != "default" || len(listing.Tools) == 0 || listing.Tools[0].Server != "filesystem" || listing.Tools[0].Description == "" {
			t.Errorf("listing = %+v", listing)
		}
	})
	t.Run("a server that fails", func(t *testing.T) {
		dir := writeAgent(t, "http://127.0.0.1:1", modeServer("crashy", "crash"))
		r := runCLI(t, "", "tools", dir)
		if r.code != 1 || !strings.Contains(r.stderr, "FAKE_API_KEY") {
			t.Errorf("exit %d\n%s", r.code, r.stderr)
		}
	})
}
