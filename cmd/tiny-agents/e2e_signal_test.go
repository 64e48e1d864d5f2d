package main

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
	"github.com/tiny-agents-go/tiny-agents/internal/mcptest"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// Signals end a run with 128+N and leave no MCP server running.

func TestSignalDuringTurn(t *testing.T) {
	for _, tt := range []struct {
		sig   syscall.Signal
		piped bool
		json  bool
		code  int
	}{
		{syscall.SIGINT, false, false, 130},
		{syscall.SIGINT, true, false, 130},
		{syscall.SIGINT, false, true, 130},
		{syscall.SIGTERM, false, false, 143},
		{syscall.SIGTERM, true, false, 143},
		{syscall.SIGTERM, false, true, 143},
		{syscall.SIGHUP, false, false, 129},
		{syscall.SIGHUP, false, true, 129},
	} {
		mode := "-p"
		if tt.piped {
			mode = "piped"
		}
		if tt.json {
			mode += " json"
		}
		t.Run(fmt.Sprintf("%s %s", tt.sig, mode), func(t *testing.T) {
			t.Parallel()
			llm := inferencetest.NewServer(t, inferencetest.Stalled(1, "thinking", "forever"))
			dir := writeAgent(t, llm.URL, stdioServer("s"))
			args := []string{"run", dir}
			if !tt.piped {
				args = append(args, "-p", "think")
			}
			if tt.json {
				args = append(args, "-o", "json")
			}
			p := startProc(t, nil, args...)
			if tt.piped {
				p.stdin.Write([]byte("think\n"))
			}
			waitFor(t, p.stdout, "thinking")
			children := childPIDs(p.cmd.Process.Pid)
			p.signal(t, tt.sig)
			if code := p.wait(t, 5*time.Second); code != tt.code {
				t.Errorf("exit %d, want %d\nstderr:\n%s", code, tt.code, p.stderr.String())
			}
			if len(children) == 0 {
				t.Fatal("found no MCP child to check")
			}
			assertGone(t, children)
			assertSignalReported(t, p, tt.sig, tt.code, tt.json)
		})
	}
}

// signalLines are the one line on stderr of a run that a signal ended.
var signalLines = map[syscall.Signal]string{
	syscall.SIGINT:  "tiny-agents: interrupted (SIGINT)",
	syscall.SIGTERM: "tiny-agents: terminated (SIGTERM)",
	syscall.SIGHUP:  "tiny-agents: hung up (SIGHUP)",
}

// assertSignalReported checks how a run ended by sig says so: stderr ends
// with the signal's line, once, and reports no error; with --output json,
// the last event is an "interrupted" error with the exit code.
func assertSignalReported(t *testing.T, p *proc, sig syscall.Signal, code int, json bool) {
	t.Helper()
	stderr := p.stderr.String()
	want := signalLines[sig]
	if !strings.HasSuffix(stderr, want+"\n") || strings.Count(stderr, want) != 1 {
		t.Errorf("stderr does not end with %q, once:\n%s", want, stderr)
	}
	if strings.Contains(stderr, "tiny-agents: error") || strings.Contains(stderr, "cancelled") {
		t.Errorf("a signal reported as an error:\n%s", stderr)
	}
	if !json {
		return
	}
	lines := decodeLines(t, p.stdout.String())
	if len(lines) == 0 {
		t.Fatal("no JSON event")
	}
	last := lines[len(lines)-1]
	wantMsg, _ := strings.CutPrefix(want, "tiny-agents: ")
	if last.Type != "error" || last.Kind != "interrupted" || last.ExitCode != code || last.Message != wantMsg {
		t.Errorf("last event %+v, want an error of kind interrupted, exit_code %d, message %q\n%s", last, code, wantMsg, p.stdout.String())
	}
}

func TestSignalDuringConnect(t *testing.T) {
	for _, tt := range []struct {
		sig  syscall.Signal
		code int
	}{
		{syscall.SIGINT, 130},
		{syscall.SIGTERM, 143},
		{syscall.SIGHUP, 129},
	} {
		for _, output := range []string{"text", "json"} {
			t.Run(tt.sig.String()+" "+output, func(t *testing.T) {
				t.Parallel()
				llm := inferencetest.NewServer(t)
				slow := mcpclient.ServerConfig{Type: "stdio", Command: stdioServer("s").Command, Args: []string{"-test.run=^$"},
					Env: mcptest.StdioEnvMode("slow", "slow")}
				slow.Env["TINY_AGENTS_TEST_MCP_DELAY"] = "30s"
				dir := writeAgent(t, llm.URL, slow, slow)
				p := startProc(t, nil, "run", dir, "-p", "hi", "-o", output)
				children := waitChildren(t, p.cmd.Process.Pid, 2)
				start := time.Now()
				p.signal(t, tt.sig)
				if code := p.wait(t, 5*time.Second); code != tt.code {
					t.Errorf("exit %d, want %d\nstderr:\n%s", code, tt.code, p.stderr.String())
				}
				if d := time.Since(start); d > 2*time.Second {
					t.Errorf("took %s to exit", d)
				}
				assertGone(t, children)
				if output == "text" && p.stdout.String() != "" {
					t.Errorf("stdout: %q", p.stdout.String())
				}
				assertSignalReported(t, p, tt.sig, tt.code, output == "json")
				if output == "json" {
					if lines := decodeLines(t, p.stdout.String()); len(lines) != 1 {
						t.Errorf("want the error event alone:\n%s", p.stdout.String())
					}
				}
			})
		}
	}
}

// ttyEnv is the environment of a run at a terminal.
var ttyEnv = []string{"NO_COLOR=1", "HF_TOKEN=", "TERM=dumb"}

// screen is what the terminal shows, without the carriage returns.
func screen(p *ptyCLI) string { return strings.ReplaceAll(p.out.String(), "\r", "") }

func TestInteractiveErrorReturnsToPrompt(t *testing.T) {
	llm := inferencetest.NewServer(t, inferencetest.HTTPError(400, `{"error":"no such model"}`), inferencetest.Text("fine now"))
	dir := writeAgent(t, llm.URL)
	p := startPTY(t, ttyEnv, "run", dir)
	waitPrompts(t, p, 1)
	p.typeKeys(t, "hi\r")
	waitFor(t, p.out, "no such model")
	waitPrompts(t, p, 2)
	p.typeKeys(t, "again\r")
	waitFor(t, p.out, "fine now")
	waitPrompts(t, p, 3)
	p.typeKeys(t, "\x04")
	if code := p.wait(t); code != 0 {
		t.Errorf("exit %d after an error and Ctrl+D:\n%s", code, screen(p))
	}
}

func TestInteractiveCtrlC(t *testing.T) {
	t.Run("aborts the turn; a late Ctrl+C does not cancel the next one", func(t *testing.T) {
		llm := inferencetest.NewServer(t, inferencetest.Stalled(1, "thinking", "forever"), inferencetest.Text("second answer"))
		dir := writeAgent(t, llm.URL, stdioServer("s"))
		p := startPTY(t, ttyEnv, "run", dir)
		waitPrompts(t, p, 1)
		p.typeKeys(t, "think\r")
		waitFor(t, p.out, "thinking")
		p.typeKeys(t, "\x03")
		waitFor(t, p.out, "Ctrl+C a second time to exit")
		waitPrompts(t, p, 2)
		p.cmd.Process.Signal(syscall.SIGINT) // arrives after the turn ended
		time.Sleep(100 * time.Millisecond)   // let it be delivered before the next turn starts
		p.typeKeys(t, "next\r")
		waitFor(t, p.out, "second answer")
		waitPrompts(t, p, 3)
		p.typeKeys(t, "\x04")
		if code := p.wait(t); code != 0 {
			t.Errorf("exit %d:\n%s", code, screen(p))
		}
	})
	t.Run("at the prompt exits 130", func(t *testing.T) {
		llm := inferencetest.NewServer(t)
		dir := writeAgent(t, llm.URL)
		p := startPTY(t, ttyEnv, "run", dir)
		waitPrompts(t, p, 1)
		p.typeKeys(t, "\x03")
		if code := p.wait(t); code != 130 {
			t.Errorf("exit %d:\n%s", code, screen(p))
		}
		// Ctrl+C typed at the prompt is a key that quits, as Ctrl+D: no line.
		if strings.Contains(screen(p), "tiny-agents: interrupted") {
			t.Errorf("a line for the Ctrl+C key:\n%s", screen(p))
		}
	})
	t.Run("SIGTERM at the prompt exits 143 and restores the terminal", func(t *testing.T) {
		llm := inferencetest.NewServer(t)
		dir := writeAgent(t, llm.URL, stdioServer("s"))
		p := startPTY(t, ttyEnv, "run", dir)
		waitPrompts(t, p, 1)
		children := childPIDs(p.cmd.Process.Pid)
		p.cmd.Process.Signal(syscall.SIGTERM)
		if code := p.wait(t); code != 143 {
			t.Errorf("exit %d:\n%s", code, screen(p))
		}
		if got := strings.Count(screen(p), signalLines[syscall.SIGTERM]); got != 1 {
			t.Errorf("%q shown %d times, want once:\n%s", signalLines[syscall.SIGTERM], got, screen(p))
		}
		assertGone(t, children)
	})
}

func TestInteractiveHiddenInput(t *testing.T) {
	llm := inferencetest.NewServer(t,
		inferencetest.ToolCalls(call("c1", "env", `{"name":"SECRET_FOR_SERVER"}`)),
		inferencetest.ToolCalls(call("c2", "task_complete", `{}`)))
	srv := stdioServer("s")
	srv.Env["SECRET_FOR_SERVER"] = "${input:my-secret}"
	dir := writeAgentWith(t, map[string]any{"model": "m", "endpointUrl": llm.URL + "/v1", "servers": []any{srv},
		"inputs": []any{map[string]any{"id": "my-secret", "description": "a secret", "password": true}}})
	p := startPTY(t, ttyEnv, "run", dir)
	waitFor(t, p.out, "my-secret: a secret")
	p.typeKeys(t, "typed-value-1\r")
	waitFor(t, p.out, "Agent loaded with")
	if strings.Contains(p.out.String(), "typed-value-1") {
		t.Errorf("the hidden entry was echoed:\n%s", screen(p))
	}
	if !strings.Contains(screen(p), "(default: the environment variable MY_SECRET): \nAgent loaded") {
		t.Errorf("the hidden entry does not end its line:\n%q", screen(p))
	}
	p.typeKeys(t, "show\r")
	waitFor(t, p.out, "Tool[env] c1")
	waitPrompts(t, p, 2)
	p.typeKeys(t, "\x04")
	if code := p.wait(t); code != 0 {
		t.Errorf("exit %d:\n%s", code, screen(p))
	}
	if strings.Contains(p.out.String(), "typed-value-1") {
		t.Errorf("the secret was printed:\n%s", screen(p))
	}
}

// waitPrompts polls until the line editor has drawn n fresh, empty
// prompts: it then reads the terminal in raw mode, and keys typed from now
// on reach it.
func waitPrompts(t *testing.T, p *ptyCLI, n int) {
	t.Helper()
	const fresh = "> \x1b[K"
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(p.out.String(), fresh) < n {
		if time.Now().After(deadline) {
			t.Fatalf("the terminal never showed %d fresh prompts:\n%s", n, screen(p))
		}
		time.Sleep(5 * time.Millisecond)
	}
}
