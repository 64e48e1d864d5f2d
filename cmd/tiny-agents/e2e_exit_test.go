package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

// The exit status table of README.md, for -p and piped prompts.

func TestExitStatusPrompt(t *testing.T) {
	tests := map[string]struct {
		step     inferencetest.Step
		code     int
		stdout   string
		inStderr []string
	}{
		"success":   {inferencetest.Text("Hel", "lo"), 0, "Hello\n", nil},
		"http 400":  {inferencetest.HTTPError(400, `{"error":"model is not a chat model"}`), 1, "", []string{"400 Bad Request", "model is not a chat model"}},
		"auth 401":  {inferencetest.HTTPError(401, `{"error":"Invalid credentials"}`), 1, "", []string{"401", "hint: the token was refused"}},
		"stream":    {inferencetest.Step{Text: []string{"par"}, ErrorEvent: "overloaded"}, 1, "par\n", []string{"overloaded"}},
		"truncated": {inferencetest.Truncated(1, "a", "b"), 1, "a\n", []string{"stream ended before"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			llm := inferencetest.NewServer(t, tt.step)
			dir := writeAgent(t, llm.URL)
			r := runCLI(t, "", "run", dir, "-p", "hi")
			if r.code != tt.code || r.stdout != tt.stdout {
				t.Fatalf("exit %d, stdout %q; want %d, %q\nstderr:\n%s", r.code, r.stdout, tt.code, tt.stdout, r.stderr)
			}
			for _, want := range tt.inStderr {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
			if tt.code != 0 && strings.Count(r.stderr, "tiny-agents: error:") != 1 {
				t.Errorf("want the error once on stderr:\n%s", r.stderr)
			}
			if strings.Contains(r.stderr, "inference:") {
				t.Errorf("a Go package name in a message:\n%s", r.stderr)
			}
		})
	}
}

func TestExitStatusUsageAndConfig(t *testing.T) {
	llm := inferencetest.NewServer(t)
	dir := writeAgent(t, llm.URL)
	tests := map[string]struct {
		args     []string
		inStderr []string
	}{
		"unknown flag":      {[]string{"run", dir, "--nope"}, []string{"--nope"}},
		"unknown command":   {[]string{"walk"}, []string{"walk"}},
		"two agents":        {[]string{"run", dir, dir}, []string{"at most 1"}},
		"max turns 0":       {[]string{"run", dir, "--max-turns", "0", "-p", "hi"}, []string{"--max-turns must be at least 1"}},
		"idle timeout 0":    {[]string{"run", dir, "--idle-timeout", "0", "-p", "hi"}, []string{"--idle-timeout must be more than 0"}},
		"negative timeout":  {[]string{"run", dir, "--connect-timeout", "-1s", "-p", "hi"}, []string{"--connect-timeout must be more than 0"}},
		"tools timeout 0":   {[]string{"tools", dir, "--connect-timeout", "0"}, []string{"--connect-timeout must be more than 0"}},
		"serve timeout 0":   {[]string{"serve", dir, "--tool-timeout", "0s"}, []string{"--tool-timeout must be more than 0"}},
		"negative grace":    {[]string{"serve", dir, "--shutdown-grace", "-1s"}, []string{"--shutdown-grace must be 0 or more"}},
		"empty prompt":      {[]string{"run", dir, "-p", ""}, []string{"-p needs a prompt"}},
		"bad output":        {[]string{"run", dir, "--output", "yaml"}, []string{"--output"}},
		"missing agent":     {[]string{"run", "./no-such-agent", "-p", "hi"}, []string{"no-such-agent"}},
		"no token, default": {[]string{"run", "-p", "hi"}, []string{"no Hugging Face token", "HF_TOKEN", "hf auth login", "apiKey", "echo-llm"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, "", tt.args...)
			if r.code != 2 || r.stdout != "" {
				t.Fatalf("exit %d, stdout %q; want 2 and nothing\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			for _, want := range tt.inStderr {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
			if strings.Contains(r.stderr, "WithToken") {
				t.Errorf("a Go option in a CLI hint:\n%s", r.stderr)
			}
		})
	}
	if n := len(llm.Requests()); n != 0 {
		t.Errorf("the model was called %d times by runs that should not start", n)
	}
}

func TestExitStatusPiped(t *testing.T) {
	t.Run("first failure ends the run", func(t *testing.T) {
		t.Parallel()
		llm := inferencetest.NewServer(t, inferencetest.HTTPError(400, `{"error":"boom"}`))
		dir := writeAgent(t, llm.URL)
		r := runCLI(t, "first\nsecond\n", "run", dir)
		if r.code != 1 || !strings.Contains(r.stderr, "boom") {
			t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
		}
		for _, req := range llm.Requests() {
			if strings.Contains(string(req.Body), "second") {
				t.Error("the prompt after a failed one was sent")
			}
		}
		if strings.Contains(r.stdout, "boom") {
			t.Errorf("an error on stdout:\n%s", r.stdout)
		}
	})
	t.Run("every prompt succeeds", func(t *testing.T) {
		t.Parallel()
		llm := inferencetest.NewServer(t, inferencetest.Text("one"), inferencetest.Text("two"))
		dir := writeAgent(t, llm.URL)
		r := runCLI(t, "first\nsecond\n", "run", dir)
		if r.code != 0 || !strings.Contains(r.stdout, "> one\n> two\n> \n") {
			t.Fatalf("exit %d\nstdout %q\nstderr:\n%s", r.code, r.stdout, r.stderr)
		}
	})
}

func TestNoTokenFailsBeforeConnecting(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "started")
	agentJSON := `{"model":"some/model","servers":[{"type":"stdio","command":"touch","args":["` + marker + `"]}]}`
	os.WriteFile(filepath.Join(dir, "agent.json"), []byte(agentJSON), 0o644)
	r := runCLI(t, "", "run", dir, "-p", "hi")
	if r.code != 2 || !strings.Contains(r.stderr, "some/model") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("a server was started although the run could not call the model")
	}
}

func TestSecretsNotPrinted(t *testing.T) {
	const secret = "sk-test-5ecret-value"
	for _, output := range []string{"text", "json"} {
		llm := inferencetest.NewServer(t, inferencetest.Step{Status: http.StatusUnauthorized,
			Body: `{"error":"key ` + secret + ` is not valid"}`})
		dir := t.TempDir()
		agentJSON := `{"model":"m","endpointUrl":"` + llm.URL + `/v1","apiKey":"${input:key}","inputs":[{"id":"key","password":true}],"servers":[]}`
		os.WriteFile(filepath.Join(dir, "agent.json"), []byte(agentJSON), 0o644)
		r := runCLIEnv(t, []string{"KEY=" + secret}, "", "run", dir, "-p", "hi", "--output", output)
		if r.code != 1 {
			t.Fatalf("%s: exit %d\n%s", output, r.code, r.stderr)
		}
		if strings.Contains(r.stdout+r.stderr, secret) {
			t.Errorf("%s: the key was printed:\n%s\n%s", output, r.stdout, r.stderr)
		}
		if !strings.Contains(r.stdout+r.stderr, "[redacted]") {
			t.Errorf("%s: the error lost its message:\n%s\n%s", output, r.stdout, r.stderr)
		}
	}
}

func TestLongPromptLines(t *testing.T) {
	t.Run("5 MiB line reaches the model whole", func(t *testing.T) {
		llm := inferencetest.NewServer(t, inferencetest.Text("read it"), inferencetest.Text("second"))
		dir := writeAgent(t, llm.URL)
		long := strings.Repeat("x", 5<<20)
		r := runCLI(t, long+"\nafter\n", "run", dir)
		if r.code != 0 || !strings.Contains(r.stdout, "read it") || !strings.Contains(r.stdout, "second") {
			t.Fatalf("exit %d\n%s", r.code, r.stderr)
		}
		if body := string(llm.Request(0).Body); !strings.Contains(body, long) {
			t.Errorf("the model got %d bytes, not the whole 5 MiB prompt", len(body))
		}
		if body := string(llm.Request(1).Body); !strings.Contains(body, `"after"`) {
			t.Error("the prompt after the long one was dropped")
		}
	})
	t.Run("a line over the limit is refused, not dropped", func(t *testing.T) {
		llm := inferencetest.NewServer(t)
		dir := writeAgent(t, llm.URL)
		r := runCLI(t, strings.Repeat("y", maxPromptLine+10)+"\nafter\n", "run", dir)
		if r.code != 2 || !strings.Contains(r.stderr, "prompt line is longer than 64 MiB") {
			t.Fatalf("exit %d\n%s", r.code, r.stderr)
		}
	})
}
