package main

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"

	"github.com/tiny-agents-go/tiny-agents/internal/mcptest"
)

func TestApproveAtTheTerminal(t *testing.T) {
	llm := inferencetest.NewServer(t,
		inferencetest.ToolCalls(call("c1", "add", `{"a":1,"b":2}`)),
		inferencetest.ToolCalls(call("c2", "add", `{"a":3,"b":4}`)),
		inferencetest.ToolCalls(call("c3", "add", `{"a":5,"b":6}`)),
		inferencetest.ToolCalls(call("c4", "add", `{"a":7,"b":8}`)),
		inferencetest.ToolCalls(call("c5", "task_complete", `{}`)))
	srv := stdioServer("s")
	srv.Name = "s"
	dir := writeAgent(t, llm.URL, srv)
	p := startPTY(t, ttyEnv, "run", dir, "--approve", "all")
	waitPrompts(t, p, 1)
	p.typeKeys(t, "add things\r")
	waitFor(t, p.out, `Run add (s) with {"a":1,"b":2}?`)
	p.typeKeys(t, "n\r")
	waitFor(t, p.out, "Tool[add] c1\r\nThe user denied this tool call: the user said no")
	waitFor(t, p.out, `Run add (s) with {"a":3,"b":4}?`)
	p.typeKeys(t, "y\r")
	waitFor(t, p.out, "Tool[add] c2\r\n7")
	waitFor(t, p.out, `Run add (s) with {"a":5,"b":6}?`)
	p.typeKeys(t, "a\r")
	waitFor(t, p.out, "Tool[add] c4\r\n15")
	waitPrompts(t, p, 2)
	p.typeKeys(t, "\x04")
	if code := p.wait(t); code != 0 {
		t.Errorf("exit %d:\n%s", code, screen(p))
	}
	if n := strings.Count(p.out.String(), "Run add"); n != 3 {
		t.Errorf("asked %d times; 'always' should have stopped the fourth question:\n%s", n, screen(p))
	}
	if strings.Contains(p.out.String(), "Run task_complete") {
		t.Error("asked about a loop-control tool")
	}
}

func TestApproveWithoutTerminalRefuses(t *testing.T) {
	llm := inferencetest.NewServer(t,
		inferencetest.ToolCalls(call("c1", "add", `{"a":1,"b":2}`), call("c2", "echo", `{"text":"read only"}`)),
		inferencetest.ToolCalls(call("c3", "task_complete", `{}`)))
	dir := writeAgent(t, llm.URL, stdioServer("s"))
	cmd := exec.Command(binary, "run", dir, "--approve", "writes", "-p", "go")
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "HF_TOKEN=")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} // no controlling terminal: /dev/tty cannot open
	var out, errb mcptest.SyncBuffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	for _, want := range []string{"no terminal to ask on", "Tool[add] c1\nThe user denied this tool call: it needed the user's approval",
		"Tool[echo] c2\necho: read only"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errb.String())
		}
	}
}

func TestApproveFlagValues(t *testing.T) {
	r := runCLI(t, "", "run", "--approve", "some", "-p", "x")
	if r.code != 2 || !strings.Contains(r.stderr, "--approve must be") {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}
}

func TestVerbosePrintsUsage(t *testing.T) {
	step := inferencetest.Text("hi")
	step.Usage = &inferencetest.Usage{PromptTokens: 10, CompletionTokens: 3, TotalTokens: 13}
	llm := inferencetest.NewServer(t, step)
	dir := writeAgent(t, llm.URL)
	r := runCLI(t, "", "run", dir, "-v", "-p", "hi")
	if r.code != 0 || !strings.Contains(r.stderr, "usage: 10 prompt + 3 completion = 13 tokens over 1 turn") {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}
	if got := llm.Request(0).JSON(t)["stream_options"]; got == nil {
		t.Error("the request did not ask for usage")
	}
}
