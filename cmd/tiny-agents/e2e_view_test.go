package main

import (
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
	"github.com/tiny-agents-go/tiny-agents/internal/mcptest"
)

// TestSecretSplitAcrossToolCallArguments: a secret that the model streams
// in two argument deltas of a tool call is redacted in the shown trail as
// one in two content deltas is, with -p (trail on stderr) and piped
// prompts (trail on stdout).
func TestSecretSplitAcrossToolCallArguments(t *testing.T) {
	const secret = "hf_splitsecret4242"
	for _, mode := range []struct {
		name  string
		stdin string
		args  []string
	}{
		{"-p", "", []string{"-p", "go"}},
		{"piped", "go\n", nil},
	} {
		t.Run(mode.name, func(t *testing.T) {
			llm := inferencetest.NewServer(t,
				inferencetest.ToolCalls(inferencetest.ToolCall{ID: "c1", Name: "echo",
					Arguments: []string{`{"text":"tok=hf_split`, `secret4242"}`}}),
				inferencetest.ToolCalls(call("c2", "task_complete", `{}`)))
			dir := writeAgent(t, llm.URL, stdioServer("s"))
			r := runCLIEnv(t, []string{"HF_TOKEN=" + secret}, mode.stdin, append([]string{"run", dir}, mode.args...)...)
			if r.code != 0 {
				t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
			}
			all := r.stdout + r.stderr
			if strings.Contains(all, secret) || strings.Contains(all, "secret4242") {
				t.Errorf("the secret (or its second half) is shown:\nstdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
			}
			if !strings.Contains(all, `echo {"text":"tok=[redacted]"}`) {
				t.Errorf("the call is not shown with the secret redacted:\nstdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
			}
		})
	}
}

// runCombined runs the binary with stdout and stderr on one stream, as at
// a terminal, and returns what it showed and its exit status.
func runCombined(t *testing.T, stdin string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(cmd.Environ(), "HF_TOKEN=", "NO_COLOR=1", "HOME="+t.TempDir(), "HF_HOME="+t.TempDir())
	cmd.Stdin = strings.NewReader(stdin)
	var out mcptest.SyncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("did not finish; it showed:\n%s", out.String())
	}
	return out.String(), cmd.ProcessState.ExitCode()
}

// TestErrorStartsItsOwnLine: when a stream is cut in the middle of a line
// of the answer or of a tool call, the error that follows starts a line
// of its own, and nothing held back (for redaction) comes after it.
func TestErrorStartsItsOwnLine(t *testing.T) {
	for name, step := range map[string]inferencetest.Step{
		"in the answer":  {Text: []string{"half an ", "ans"}, TruncateAfter: 2},
		"in a tool call": {ToolCalls: []inferencetest.ToolCall{{ID: "c1", Name: "echo", Arguments: []string{`{"te`, `xt":`}}}, TruncateAfter: 3},
	} {
		for _, mode := range []struct {
			name  string
			stdin string
			args  []string
		}{
			{"-p", "", []string{"-p", "go"}},
			{"piped", "go\n", nil},
		} {
			t.Run(name+"/"+mode.name, func(t *testing.T) {
				llm := inferencetest.NewServer(t, step)
				dir := writeAgent(t, llm.URL, stdioServer("s"))
				shown, code := runCombined(t, mode.stdin, append([]string{"run", dir}, mode.args...)...)
				if code != 1 {
					t.Fatalf("exit %d, want 1:\n%s", code, shown)
				}
				i := strings.Index(shown, "tiny-agents: error:")
				if i < 0 {
					t.Fatalf("no error shown:\n%s", shown)
				}
				if i > 0 && shown[i-1] != '\n' {
					t.Errorf("the error does not start a line:\n%s", shown)
				}
				if after := shown[i:]; strings.Contains(after, "ans") && name == "in the answer" {
					t.Errorf("part of the answer comes after the error:\n%s", shown)
				}
			})
		}
	}
}

// TestChoiceZeroIsShown: a chunk may list its choices in any order; what
// is shown is choice 0, the one the conversation keeps.
func TestChoiceZeroIsShown(t *testing.T) {
	sse := `data: {"id":"x","object":"chat.completion.chunk","choices":[{"index":1,"delta":{"content":"other "}},{"index":0,"delta":{"role":"assistant","content":"main"}}]}` + "\n\n" +
		`data: {"id":"x","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}` + "\n\n" +
		"data: [DONE]\n\n"
	llm := inferencetest.NewServer(t, inferencetest.Step{RawSSE: sse})
	dir := writeAgent(t, llm.URL)
	r := runCLI(t, "", "run", dir, "-p", "go")
	if r.code != 0 || r.stdout != "main\n" {
		t.Errorf("exit %d, stdout %q, want 0 and %q\nstderr:\n%s", r.code, r.stdout, "main\n", r.stderr)
	}
	llm = inferencetest.NewServer(t, inferencetest.Step{RawSSE: sse})
	dir = writeAgent(t, llm.URL)
	r = runCLI(t, "", "run", dir, "-p", "go", "-o", "json")
	if r.code != 0 || strings.Contains(r.stdout, "other") || !strings.Contains(r.stdout, `"main"`) {
		t.Errorf("-o json: exit %d, events:\n%s", r.code, r.stdout)
	}
}

// TestCutAnswerIsNoticed: an answer the model ended at its token limit
// (or a content filter ended) says so on stderr; the exit status is 0,
// as the turn did end.
func TestCutAnswerIsNoticed(t *testing.T) {
	for reason, want := range map[string]string{
		"length":         "output token limit",
		"content_filter": "content filter",
		"stop":           "",
	} {
		t.Run(reason, func(t *testing.T) {
			llm := inferencetest.NewServer(t, inferencetest.Step{Text: []string{"It was the best of"}, FinishReason: reason})
			r := runCLI(t, "", "run", writeAgent(t, llm.URL), "-p", "go")
			if r.code != 0 || r.stdout != "It was the best of\n" {
				t.Fatalf("exit %d, stdout %q\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			if got := strings.Contains(r.stderr, "tiny-agents: "); got != (want != "") || !strings.Contains(r.stderr, want) {
				t.Errorf("stderr %q, want a notice with %q", r.stderr, want)
			}
		})
	}
}
