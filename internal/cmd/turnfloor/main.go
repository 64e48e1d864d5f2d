// Command turnfloor is the least a Go client does for the bench harness's
// S3 turn (../shared/bench): net/http and encoding/json, one stdio MCP
// server, no agent machinery: no accumulator, no usage, no timeouts, no
// redaction, no retries. It measures the floor under tiny-agents' cost per
// turn on a given machine, not a product:
//
//	../shared/bench/run.sh --a bin/tiny-agents --b bin/turnfloor --scenarios S3
//
// It is invoked as the harness invokes a client, `turnfloor run DIR`, reads
// DIR/agent.json (endpointUrl, model, the first stdio server) and prints the
// markers the harness waits for.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

type message struct {
	Role       string     `json:"role"`
	Content    string     `json:"content,omitempty"`
	ToolCalls  []toolCall `json:"tool_calls,omitempty"`
	ToolCallID string     `json:"tool_call_id,omitempty"`
}

type toolCall struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	Function struct {
		Name      string `json:"name"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

type chunk struct {
	Choices []struct {
		Delta struct {
			Content   string `json:"content"`
			ToolCalls []struct {
				Index    int    `json:"index"`
				ID       string `json:"id"`
				Function struct {
					Name      string `json:"name"`
					Arguments string `json:"arguments"`
				} `json:"function"`
			} `json:"tool_calls"`
		} `json:"delta"`
	} `json:"choices"`
}

type config struct {
	EndpointURL string `json:"endpointUrl"`
	Model       string `json:"model"`
	Servers     []struct {
		Command string   `json:"command"`
		Args    []string `json:"args"`
	} `json:"servers"`
}

// server is one stdio MCP server spoken to one request at a time.
type server struct {
	in  io.WriteCloser
	out *bufio.Reader
	id  int
}

func (s *server) call(method string, params any) (json.RawMessage, error) {
	s.id++
	b, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": s.id, "method": method, "params": params})
	if err != nil {
		return nil, err
	}
	if _, err := s.in.Write(append(b, '\n')); err != nil {
		return nil, err
	}
	line, err := s.out.ReadBytes('\n')
	if err != nil {
		return nil, fmt.Errorf("%s: %w", method, err)
	}
	var r struct {
		Result json.RawMessage `json:"result"`
	}
	return r.Result, json.Unmarshal(line, &r)
}

func main() {
	if len(os.Args) != 3 || os.Args[1] != "run" {
		fmt.Fprintln(os.Stderr, "usage: turnfloor run DIR")
		os.Exit(2)
	}
	if err := run(os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "turnfloor:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	raw, err := os.ReadFile(filepath.Join(dir, "agent.json"))
	if err != nil {
		return err
	}
	var cfg config
	if err := json.Unmarshal(raw, &cfg); err != nil || len(cfg.Servers) == 0 {
		return fmt.Errorf("agent.json: want endpointUrl, model and a stdio server (%v)", err)
	}
	cmd := exec.Command(cfg.Servers[0].Command, cfg.Servers[0].Args...)
	in, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	outp, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	defer cmd.Wait()
	defer in.Close()
	srv := &server{in: in, out: bufio.NewReader(outp)}
	tools, names, err := connect(srv)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(os.Stdout)
	fmt.Fprintf(w, "Agent loaded with %d tools:\n", len(names))
	for _, n := range names {
		fmt.Fprintf(w, "- %s\n", n)
	}
	w.WriteString("> ")
	w.Flush()
	url := strings.TrimRight(cfg.EndpointURL, "/") + "/chat/completions"
	var history []message
	prompts := bufio.NewScanner(os.Stdin)
	for prompts.Scan() {
		history = append(history, message{Role: "user", Content: prompts.Text()})
		for range 10 {
			var done bool
			if history, done, err = turn(srv, w, url, cfg.Model, tools, history); err != nil {
				return err
			}
			w.Flush()
			if done {
				break
			}
		}
		w.WriteString("\n> ")
		w.Flush()
	}
	return prompts.Err()
}

// connect initialises the server and returns the chat tools: the two
// loop-control tools, then the server's.
func connect(srv *server) ([]any, []string, error) {
	_, err := srv.call("initialize", map[string]any{"protocolVersion": "2025-06-18", "capabilities": map[string]any{},
		"clientInfo": map[string]any{"name": "turnfloor", "version": "0"}})
	if err != nil {
		return nil, nil, err
	}
	if _, err := srv.in.Write([]byte(`{"jsonrpc":"2.0","method":"notifications/initialized"}` + "\n")); err != nil {
		return nil, nil, err
	}
	res, err := srv.call("tools/list", map[string]any{})
	if err != nil {
		return nil, nil, err
	}
	var list struct {
		Tools []struct {
			Name        string          `json:"name"`
			Description string          `json:"description"`
			InputSchema json.RawMessage `json:"inputSchema"`
		} `json:"tools"`
	}
	if err := json.Unmarshal(res, &list); err != nil {
		return nil, nil, err
	}
	empty := map[string]any{"type": "object", "properties": map[string]any{}}
	tools := []any{
		map[string]any{"type": "function", "function": map[string]any{"name": "task_complete", "description": "done", "parameters": empty}},
		map[string]any{"type": "function", "function": map[string]any{"name": "ask_question", "description": "ask", "parameters": empty}},
	}
	var names []string
	for _, t := range list.Tools {
		tools = append(tools, map[string]any{"type": "function",
			"function": map[string]any{"name": t.Name, "description": t.Description, "parameters": t.InputSchema}})
		names = append(names, t.Name)
	}
	return tools, names, nil
}

// turn streams one completion, prints its text, runs its tool calls and
// returns the history with the assistant and tool messages; done is true
// when the model answered in text or called a loop-control tool.
func turn(srv *server, w *bufio.Writer, url, model string, tools []any, history []message) ([]message, bool, error) {
	body, err := json.Marshal(map[string]any{"model": model, "messages": history, "tools": tools, "tool_choice": "auto", "stream": true})
	if err != nil {
		return history, true, err
	}
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return history, true, err
	}
	defer resp.Body.Close()
	var text strings.Builder
	var calls []toolCall
	lines := bufio.NewScanner(resp.Body)
	for lines.Scan() {
		data, ok := bytes.CutPrefix(lines.Bytes(), []byte("data: "))
		if !ok || string(data) == "[DONE]" {
			continue
		}
		var c chunk
		if err := json.Unmarshal(data, &c); err != nil {
			return history, true, err
		}
		for _, ch := range c.Choices {
			text.WriteString(ch.Delta.Content)
			w.WriteString(ch.Delta.Content)
			for _, tc := range ch.Delta.ToolCalls {
				for len(calls) <= tc.Index {
					calls = append(calls, toolCall{Type: "function"})
				}
				if tc.ID != "" {
					calls[tc.Index].ID = tc.ID
				}
				calls[tc.Index].Function.Name += tc.Function.Name
				calls[tc.Index].Function.Arguments += tc.Function.Arguments
			}
		}
	}
	if err := lines.Err(); err != nil {
		return history, true, err
	}
	history = append(history, message{Role: "assistant", Content: text.String(), ToolCalls: calls})
	done := len(calls) == 0
	for _, c := range calls {
		if c.Function.Name == "task_complete" || c.Function.Name == "ask_question" {
			history = append(history, message{Role: "tool", ToolCallID: c.ID})
			done = true
			continue
		}
		result, err := callTool(srv, c)
		if err != nil {
			return history, true, err
		}
		fmt.Fprintf(w, "\nTool[%s] %s\n%s\n", c.Function.Name, c.ID, result)
		history = append(history, message{Role: "tool", ToolCallID: c.ID, Content: result})
	}
	return history, done, nil
}

// callTool runs a call and returns the text of its first content item.
func callTool(srv *server, c toolCall) (string, error) {
	var args map[string]any
	if err := json.Unmarshal([]byte(c.Function.Arguments), &args); err != nil {
		return "", err
	}
	res, err := srv.call("tools/call", map[string]any{"name": c.Function.Name, "arguments": args})
	if err != nil {
		return "", err
	}
	var r struct {
		Content []struct {
			Text string `json:"text"`
		} `json:"content"`
	}
	if err := json.Unmarshal(res, &r); err != nil || len(r.Content) == 0 {
		return "", err
	}
	return r.Content[0].Text, nil
}
