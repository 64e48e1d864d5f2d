package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/server/servertest"

	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
	"github.com/tiny-agents-go/tiny-agents/internal/mcptest"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// binary is the tiny-agents executable built once for the end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	mcptest.BrowseIfChild()
	mcptest.ServeIfChild()
	dir, err := os.MkdirTemp("", "tiny-agents-e2e")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "tiny-agents")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// stdioServer makes this test binary an MCP server of the agent.
func stdioServer(name string) mcpclient.ServerConfig {
	return mcpclient.ServerConfig{Type: "stdio", Command: os.Args[0], Args: []string{"-test.run=^$"}, Env: mcptest.StdioEnv(name)}
}

// writeAgent writes an agent folder whose model is the fake LLM.
func writeAgent(t *testing.T, llmURL string, servers ...mcpclient.ServerConfig) string {
	t.Helper()
	if servers == nil {
		servers = []mcpclient.ServerConfig{}
	}
	return writeAgentWith(t, map[string]any{"model": "test-model", "endpointUrl": llmURL + "/v1", "servers": servers})
}

// writeAgentWith writes an agent folder with cfg as its agent.json.
func writeAgentWith(t *testing.T, cfg any) string {
	t.Helper()
	dir := t.TempDir()
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "agent.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

type result struct {
	stdout, stderr string
	code           int
}

// runCLI runs the binary with args and stdin, and a clean environment.
func runCLI(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	return runCLIEnv(t, nil, stdin, args...)
}

// runCLIEnv is runCLI with variables added to the environment.
func runCLIEnv(t *testing.T, env []string, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(append(os.Environ(), "HF_TOKEN=", "NO_COLOR=1", "HOME="+t.TempDir(), "HF_HOME="+t.TempDir()), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb mcptest.SyncBuffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("tiny-agents %v did not finish; stdout so far:\n%s\nstderr:\n%s", args, out.String(), errb.String())
	}
	return result{out.String(), errb.String(), cmd.ProcessState.ExitCode()}
}

func call(id, name, args string) inferencetest.ToolCall {
	return inferencetest.ToolCall{ID: id, Name: name, Arguments: []string{args}}
}

// roundTrip is the script of one prompt that calls echo, then finishes.
func roundTrip() []inferencetest.Step {
	return []inferencetest.Step{
		inferencetest.ToolCalls(call("c1", "echo", `{"text":"hello"}`)),
		{Text: []string{"Done", "."}, ToolCalls: []inferencetest.ToolCall{call("c2", "task_complete", `{}`)}},
	}
}

func TestRunToolRoundTripEveryTransport(t *testing.T) {
	for name, server := range map[string]func(t *testing.T) mcpclient.ServerConfig{
		"stdio": func(*testing.T) mcpclient.ServerConfig { return stdioServer("s") },
		"sse": func(t *testing.T) mcpclient.ServerConfig {
			ts := servertest.NewTestServer(mcptest.NewServer("sse"))
			t.Cleanup(ts.Close)
			return mcpclient.ServerConfig{Type: "sse", URL: ts.URL + "/sse"}
		},
		"http": func(t *testing.T) mcpclient.ServerConfig {
			ts := servertest.NewTestStreamableHTTPServer(mcptest.NewServer("http"))
			t.Cleanup(ts.Close)
			return mcpclient.ServerConfig{Type: "http", URL: ts.URL + "/mcp"}
		},
	} {
		t.Run(name, func(t *testing.T) {
			llm := inferencetest.NewServer(t, roundTrip()...)
			dir := writeAgent(t, llm.URL, server(t))
			r := runCLI(t, "say hello\n", "run", dir)
			if r.code != 0 {
				t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
			}
			for _, want := range []string{"Agent loaded with 12 tools:\n- ", "\n- echo", "> ", "<Tool c1>\necho {\"text\":\"hello\"}",
				"Tool[echo] c1\necho: hello", "Done.", "Tool[task_complete] c2\n"} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
				}
			}
			if strings.Contains(r.stdout, "\x1b[") {
				t.Error("colours printed with NO_COLOR set and stdout not a terminal")
			}
		})
	}
}

func TestRunPromptFlagAndTwoServers(t *testing.T) {
	llm := inferencetest.NewServer(t, roundTrip()...)
	first := stdioServer("a")
	first.AllowedTools = []string{"echo"}
	dir := writeAgent(t, llm.URL, first, stdioServer("b"))
	r := runCLI(t, "", "run", dir, "-p", "say hello")
	if r.code != 0 || r.stdout != "Done.\n" {
		t.Fatalf("exit %d, stdout %q (want only the answer)\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"Agent loaded with 12 tools:", "Tool[echo] c1\necho: hello"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q (two servers: echo from the first and 11 others from the second):\n%s", want, r.stderr)
		}
	}
	if strings.Contains(r.stdout+r.stderr, "> ") {
		t.Errorf("-p printed a prompt:\n%s%s", r.stdout, r.stderr)
	}
}

func TestRunServerFailsToStart(t *testing.T) {
	llm := inferencetest.NewServer(t)
	dir := writeAgent(t, llm.URL, mcpclient.ServerConfig{Type: "stdio", Command: "/nonexistent/server-binary"})
	r := runCLI(t, "", "run", dir)
	if r.code != 1 || !strings.Contains(r.stderr, "/nonexistent/server-binary") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestRunTurnLimit(t *testing.T) {
	var steps []inferencetest.Step
	for i := range 10 {
		steps = append(steps, inferencetest.ToolCalls(call("c"+string(rune('a'+i)), "echo", `{"text":"again"}`)))
	}
	llm := inferencetest.NewServer(t, steps...)
	dir := writeAgent(t, llm.URL, stdioServer("s"))
	r := runCLI(t, "loop forever\n", "run", dir)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if n := len(llm.Requests()); n != 10 {
		t.Errorf("LLM requests = %d, want 10 (the turn limit)", n)
	}
	if !strings.Contains(r.stderr, "stopped after 10 turns") || !strings.Contains(r.stderr, "--max-turns") {
		t.Errorf("no notice of the turn limit on stderr:\n%s", r.stderr)
	}
}

func TestRunTurnLimitOfOne(t *testing.T) {
	llm := inferencetest.NewServer(t, inferencetest.ToolCalls(call("c1", "echo", `{"text":"again"}`)))
	dir := writeAgent(t, llm.URL, stdioServer("s"))
	r := runCLI(t, "", "run", dir, "--max-turns", "1", "-v", "-p", "loop")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "tiny-agents: stopped after 1 turn, the limit (--max-turns)") {
		t.Errorf("no notice of the turn limit, in the singular, on stderr:\n%s", r.stderr)
	}
	if strings.Contains(r.stderr, "1 turns") {
		t.Errorf("\"1 turns\" on stderr:\n%s", r.stderr)
	}
}

func TestRunInvalidArgumentsAndUnknownTool(t *testing.T) {
	llm := inferencetest.NewServer(t,
		inferencetest.ToolCalls(call("c1", "echo", `{"text": `), call("c2", "nope", `{}`)),
		inferencetest.ToolCalls(call("c3", "task_complete", `{}`)))
	dir := writeAgent(t, llm.URL, stdioServer("s"))
	r := runCLI(t, "go\n", "run", dir)
	for _, want := range []string{"Tool[echo] c1\nInvalid JSON generated by the model", "Tool[nope] c2\nError: No session found for tool: nope"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestRunEOFExitsAndReapsChildren(t *testing.T) {
	llm := inferencetest.NewServer(t)
	dir := writeAgent(t, llm.URL, stdioServer("s"))
	cmd, stdin, _ := startCLI(t, "run", dir)
	children := childPIDs(cmd.Process.Pid)
	start := time.Now()
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("EOF took %s to exit", d)
	}
	for _, pid := range children {
		if syscall.Kill(pid, 0) == nil {
			t.Errorf("child %d outlived tiny-agents", pid)
		}
	}
	if len(children) == 0 {
		t.Error("found no MCP child to check")
	}
}

// childPIDs lists the direct children of pid from /proc.
func childPIDs(pid int) []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
		if len(f) > 1 && f[1] == strconv.Itoa(pid) {
			n, _ := strconv.Atoi(e.Name())
			pids = append(pids, n)
		}
	}
	return pids
}

func TestRunConfigErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "agent.json")
	os.WriteFile(bad, []byte(`{"model":"m","servers":[{"type":"stdio"}]}`), 0o644)
	r := runCLI(t, "", "run", bad)
	if r.code != 2 || !strings.Contains(r.stderr, bad) || !strings.Contains(r.stderr, "servers[0].command") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	r = runCLI(t, "", "run", filepath.Join(dir, "missing-agent"))
	if r.code != 2 || !strings.Contains(r.stderr, "missing-agent") {
		t.Errorf("missing agent: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestRunServerDiesMidCall(t *testing.T) {
	llm := inferencetest.NewServer(t,
		inferencetest.ToolCalls(call("c1", "die", `{}`)),
		inferencetest.Step{Text: []string{"The server crashed."}, ToolCalls: []inferencetest.ToolCall{call("c2", "task_complete", `{}`)}})
	dir := writeAgent(t, llm.URL, stdioServer("s"))
	r := runCLI(t, "crash it\nnever sent\n", "run", dir)
	// The model is told and finishes its turn; a server gone is then a
	// runtime failure that ends a piped run, with the server's last words.
	if r.code != 1 || !strings.Contains(r.stdout, "Tool[die] c1\nError: MCP tool call failed with error message:") ||
		!strings.Contains(r.stdout, "The server crashed.") {
		t.Errorf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"exit status 3", "dying now"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if strings.Contains(r.stdout, "dying now") {
		t.Errorf("the server's stderr reached stdout:\n%s", r.stdout)
	}
}

func TestRunToolTimeout(t *testing.T) {
	llm := inferencetest.NewServer(t,
		inferencetest.ToolCalls(call("c1", "hang", `{}`)),
		inferencetest.ToolCalls(call("c2", "task_complete", `{}`)))
	dir := writeAgent(t, llm.URL, stdioServer("s"))
	start := time.Now()
	r := runCLI(t, "wait\n", "run", dir, "--tool-timeout", "200ms")
	if r.code != 0 || !strings.Contains(r.stdout, "timed out after 200ms") {
		t.Errorf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
}

func TestRunInputsFromEnvironment(t *testing.T) {
	llm := inferencetest.NewServer(t,
		inferencetest.ToolCalls(call("c1", "env", `{"name":"VALUE_FOR_SERVER"}`)),
		inferencetest.ToolCalls(call("c2", "task_complete", `{}`)))
	srv := stdioServer("s")
	srv.Env["VALUE_FOR_SERVER"] = "token=${input:my-secret}"
	dir := t.TempDir()
	cfg := map[string]any{"model": "m", "endpointUrl": llm.URL + "/v1", "servers": []any{srv},
		"inputs": []any{map[string]any{"id": "my-secret", "description": "a secret"}}} // not a password: printed
	b, _ := json.Marshal(cfg)
	os.WriteFile(filepath.Join(dir, "agent.json"), b, 0o644)
	cmd := exec.Command(binary, "run", dir)
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "MY_SECRET=s3cr3t")
	cmd.Stdin = strings.NewReader("show\n")
	out, err := cmd.Output()
	if err != nil || !strings.Contains(string(out), "Tool[env] c1\ntoken=s3cr3t") {
		t.Errorf("err %v\n%s", err, out)
	}
}

func TestRunLoadsFromHubDataset(t *testing.T) {
	llm := inferencetest.NewServer(t, inferencetest.Text("hi from the hub agent"))
	agentJSON, _ := json.Marshal(map[string]any{"model": "m", "endpointUrl": llm.URL + "/v1", "servers": []any{}})
	hub := inferencetest.NewHub(t)
	hub.AddFile("dataset", "tiny-agents/tiny-agents", "main", "someone/demo/agent.json", agentJSON)
	cmd := exec.Command(binary, "run", "someone/demo", "-p", "hello")
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "HF_ENDPOINT="+hub.URL, "HF_HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Agent loaded with 0 tools") || !strings.Contains(string(out), "hi from the hub agent") {
		t.Errorf("err %v\n%s", err, out)
	}
}

func TestRunDefaultAgentUsesBuiltinFilesystem(t *testing.T) {
	llm := inferencetest.NewServer(t,
		inferencetest.ToolCalls(call("c1", "list_directory", `{"path":"."}`)),
		inferencetest.ToolCalls(call("c2", "task_complete", `{}`)))
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "notes.txt"), []byte("x"), 0o644)
	cmd := exec.Command(binary, "run", "--root", root, "-p", "what is here?")
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "HF_TOKEN=hf_test", "HF_ROUTER_URL="+llm.URL)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Tool[list_directory] c1\nnotes.txt") {
		t.Errorf("err %v\n%s", err, out)
	}
	if got := llm.Request(0).JSON(t)["model"]; got != "Qwen/Qwen3-235B-A22B-Instruct-2507" {
		t.Errorf("default agent model = %v", got)
	}
}
