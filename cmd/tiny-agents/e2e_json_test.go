package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

// jsonLine is the union of the --output json events' fields.
type jsonLine struct {
	Type         string `json:"type"`
	Agent        string `json:"agent"`
	Model        string `json:"model"`
	Endpoint     string `json:"endpoint"`
	Tools        []struct{ Name, Server string }
	Text         string `json:"text"`
	Content      string `json:"content"`
	ID           string `json:"id"`
	Name         string `json:"name"`
	Server       string `json:"server"`
	Arguments    string `json:"arguments"`
	Error        string `json:"error"`
	Bytes        int    `json:"bytes"`
	ExitLoop     bool   `json:"exit_loop"`
	Turn         int    `json:"turn"`
	FinishReason string `json:"finish_reason"`
	ToolCalls    int    `json:"tool_calls"`
	Usage        *struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
		TotalTokens      int `json:"total_tokens"`
	} `json:"usage"`
	Answer   string `json:"answer"`
	Stop     string `json:"stop_reason"`
	Turns    int    `json:"turns"`
	Kind     string `json:"kind"`
	Message  string `json:"message"`
	Status   int    `json:"status"`
	ExitCode int    `json:"exit_code"`
}

// decodeLines decodes stdout line by line, strictly: every line one object.
func decodeLines(t *testing.T, stdout string) []jsonLine {
	t.Helper()
	var lines []jsonLine
	sc := bufio.NewScanner(strings.NewReader(stdout))
	for sc.Scan() {
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		var l jsonLine
		if err := dec.Decode(&l); err != nil || dec.More() {
			t.Fatalf("line %q is not one JSON object: %v", sc.Text(), err)
		}
		if l.Type == "" {
			t.Fatalf("line %q has no type", sc.Text())
		}
		lines = append(lines, l)
	}
	return lines
}

func types(lines []jsonLine) []string {
	var out []string
	for _, l := range lines {
		out = append(out, l.Type)
	}
	return out
}

func TestJSONOutputWithToolCall(t *testing.T) {
	final := inferencetest.Step{Text: []string{"Do", "ne."}, ToolCalls: []inferencetest.ToolCall{call("c2", "task_complete", `{}`)},
		Usage: &inferencetest.Usage{PromptTokens: 20, CompletionTokens: 5, TotalTokens: 25}}
	first := inferencetest.ToolCalls(call("c1", "echo", `{"text":"hello"}`))
	first.Usage = &inferencetest.Usage{PromptTokens: 10, CompletionTokens: 3, TotalTokens: 13}
	llm := inferencetest.NewServer(t, first, final)
	dir := writeAgent(t, llm.URL, stdioServer("s"))
	for name, args := range map[string][]string{
		"-p":    {"run", dir, "--output", "json", "-p", "say hello"},
		"piped": {"run", dir, "--output", "json"},
	} {
		t.Run(name, func(t *testing.T) {
			stdin := ""
			if name == "piped" {
				stdin = "say hello\n"
				llm = inferencetest.NewServer(t, first, final)
				dir = writeAgent(t, llm.URL, stdioServer("s"))
				args[1] = dir
			}
			r := runCLI(t, stdin, args...)
			if r.code != 0 {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			lines := decodeLines(t, r.stdout)
			want := []string{"loaded", "prompt", "tool_call", "tool_result", "turn_end", "delta", "delta", "tool_call", "tool_result", "turn_end", "final"}
			if got := types(lines); !reflect.DeepEqual(got, want) {
				t.Fatalf("events %v\nwant   %v\n%s", got, want, r.stdout)
			}
			loaded := lines[0]
			if loaded.Model != "test-model" || len(loaded.Tools) != 12 || loaded.Tools[0].Server == "" {
				t.Errorf("loaded = %+v", loaded)
			}
			if l := lines[2]; l.ID != "c1" || l.Name != "echo" || l.Arguments != `{"text":"hello"}` || l.Server == "" {
				t.Errorf("tool_call = %+v", l)
			}
			if l := lines[3]; l.ID != "c1" || l.Content != "echo: hello" || l.Error != "" {
				t.Errorf("tool_result = %+v", l)
			}
			if l := lines[4]; l.Turn != 1 || l.FinishReason != "tool_calls" || l.ToolCalls != 1 || l.Usage == nil || l.Usage.TotalTokens != 13 {
				t.Errorf("turn_end = %+v", l)
			}
			if l := lines[8]; !l.ExitLoop || l.Name != "task_complete" {
				t.Errorf("exit tool result = %+v", l)
			}
			f := lines[10]
			if f.Answer != "Done." || f.Stop != "exit_tool" || f.Turns != 2 || f.Usage == nil || f.Usage.TotalTokens != 38 || f.Usage.PromptTokens != 30 {
				t.Errorf("final = %+v", f)
			}
			if strings.Contains(r.stdout, "Agent loaded") || strings.Contains(r.stdout, "> ") {
				t.Errorf("text markers in JSON output:\n%s", r.stdout)
			}
		})
	}
}

func TestJSONOutputFailingRun(t *testing.T) {
	t.Run("http error", func(t *testing.T) {
		llm := inferencetest.NewServer(t, inferencetest.Step{Status: 429, Body: `{"error":"slow down"}`,
			Header: http.Header{"Retry-After": {"600"}}})
		dir := writeAgent(t, llm.URL)
		r := runCLI(t, "", "run", dir, "--output", "json", "-p", "hi")
		lines := decodeLines(t, r.stdout)
		if got := types(lines); r.code != 1 || !reflect.DeepEqual(got, []string{"loaded", "prompt", "error"}) {
			t.Fatalf("exit %d, events %v\n%s", r.code, got, r.stderr)
		}
		if e := lines[2]; e.Kind != "http" || e.Status != 429 || e.ExitCode != 1 || !strings.Contains(e.Message, "slow down") {
			t.Errorf("error = %+v", e)
		}
		if !strings.Contains(r.stderr, "slow down") {
			t.Errorf("the error is not on stderr too:\n%s", r.stderr)
		}
	})
	t.Run("config error", func(t *testing.T) {
		dir := writeAgentWith(t, map[string]any{"model": "m", "servers": map[string]any{"x": map[string]any{"command": "y"}}})
		r := runCLI(t, "", "run", dir, "--output", "json", "-p", "hi")
		lines := decodeLines(t, r.stdout)
		if r.code != 2 || len(lines) != 1 || lines[0].Type != "error" || lines[0].Kind != "config" || lines[0].ExitCode != 2 {
			t.Fatalf("exit %d, events %+v\n%s", r.code, lines, r.stderr)
		}
	})
	t.Run("stream cut", func(t *testing.T) {
		llm := inferencetest.NewServer(t, inferencetest.Truncated(1, "a", "b"))
		dir := writeAgent(t, llm.URL)
		r := runCLI(t, "", "run", dir, "--output", "json", "-p", "hi")
		lines := decodeLines(t, r.stdout)
		if got := types(lines); r.code != 1 || !reflect.DeepEqual(got, []string{"loaded", "prompt", "delta", "error"}) {
			t.Fatalf("exit %d, events %v\n%s", r.code, got, r.stderr)
		}
		if e := lines[3]; e.Kind != "stream" {
			t.Errorf("error = %+v", e)
		}
	})
}

func TestJSONOutputRedactsSecretsSplitOverChunks(t *testing.T) {
	const secret = "tok-abcdef-123456"
	llm := inferencetest.NewServer(t,
		inferencetest.ToolCalls(call("c1", "env", `{"name":"SECRET_FOR_SERVER"}`)),
		inferencetest.Step{Text: []string{"the value is tok-abc", "def-123", "456, see"}, ToolCalls: []inferencetest.ToolCall{call("c2", "task_complete", `{}`)}})
	srv := stdioServer("s")
	srv.Env["SECRET_FOR_SERVER"] = "${input:tok}"
	dir := writeAgentWith(t, map[string]any{"model": "m", "endpointUrl": llm.URL + "/v1", "servers": []any{srv},
		"inputs": []any{map[string]any{"id": "tok", "password": true}}})
	r := runCLIEnv(t, []string{"TOK=" + secret}, "", "run", dir, "--output", "json", "-p", "show")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout, "tok-abc") || strings.Contains(r.stdout, "123456") {
		t.Errorf("the secret, or a piece of it, is in an event:\n%s", r.stdout)
	}
	var text strings.Builder
	for _, l := range decodeLines(t, r.stdout) {
		text.WriteString(l.Content)
	}
	if !strings.Contains(text.String(), "the value is [redacted], see") {
		t.Errorf("deltas and results: %q", text.String())
	}
}
