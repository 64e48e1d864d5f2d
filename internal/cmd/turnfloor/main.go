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
// markers the harness waits for. `turnfloor serve DIR` is the same floor
// for the S6 server (see serve.go).
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
	"sync"
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

// server is one stdio MCP server; calls may come from many goroutines,
// and one reader hands each answer to its caller by id.
type server struct {
	in io.WriteCloser

	mu      sync.Mutex
	id      int
	pending map[int]chan []byte
}

func newServer(in io.WriteCloser, out io.Reader) *server {
	s := &server{in: in, pending: map[int]chan []byte{}}
	go s.read(bufio.NewReader(out))
	return s
}

// read hands each answer to the call waiting for its id, until the
// server's stdout ends; then it fails the calls still waiting.
func (s *server) read(out *bufio.Reader) {
	for {
		line, err := out.ReadBytes('\n')
		if err != nil {
			s.mu.Lock()
			for id, ch := range s.pending {
				close(ch)
				delete(s.pending, id)
			}
			s.pending = nil
			s.mu.Unlock()
			return
		}
		var r struct {
			ID int `json:"id"`
		}
		if json.Unmarshal(line, &r) != nil {
			continue
		}
		s.mu.Lock()
		ch := s.pending[r.ID]
		delete(s.pending, r.ID)
		s.mu.Unlock()
		if ch != nil {
			ch <- line
		}
	}
}

func (s *server) call(method string, params any) (json.RawMessage, error) {
	ch := make(chan []byte, 1)
	s.mu.Lock()
	if s.pending == nil {
		s.mu.Unlock()
		return nil, fmt.Errorf("%s: server gone", method)
	}
	s.id++
	id := s.id
	s.pending[id] = ch
	b, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
	if err == nil {
		_, err = s.in.Write(append(b, '\n'))
	}
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	line, ok := <-ch
	if !ok {
		return nil, fmt.Errorf("%s: server gone", method)
	}
	var r struct {
		Result json.RawMessage `json:"result"`
	}
	return r.Result, json.Unmarshal(line, &r)
}

func main() {
	if len(os.Args) != 3 || (os.Args[1] != "run" && os.Args[1] != "serve") {
		fmt.Fprintln(os.Stderr, "usage: turnfloor run|serve DIR")
		os.Exit(2)
	}
	f := run
	if os.Args[1] == "serve" {
		f = serve
	}
	if err := f(os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "turnfloor:", err)
		os.Exit(1)
	}
}

// agent is what both commands start from: the model's URL and name, the
// chat tools, and the server with its process.
type agent struct {
	url, model string
	tools      []any
	srv        *server
	stop       func() // closes the server's stdin and reaps it
}

// start reads DIR/agent.json, starts its first stdio server, connects and
// prints the line the harness waits for.
func start(dir string) (*agent, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "agent.json"))
	if err != nil {
		return nil, err
	}
	var cfg config
	if err := json.Unmarshal(raw, &cfg); err != nil || len(cfg.Servers) == 0 {
		return nil, fmt.Errorf("agent.json: want endpointUrl, model and a stdio server (%v)", err)
	}
	cmd := exec.Command(cfg.Servers[0].Command, cfg.Servers[0].Args...)
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	outp, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	a := &agent{url: strings.TrimRight(cfg.EndpointURL, "/") + "/chat/completions", model: cfg.Model,
		srv: newServer(in, outp), stop: func() { in.Close(); cmd.Wait() }}
	tools, names, err := connect(a.srv)
	if err != nil {
		a.stop()
		return nil, err
	}
	a.tools = tools
	fmt.Printf("Agent loaded with %d tools:\n", len(names))
	for _, n := range names {
		fmt.Printf("- %s\n", n)
	}
	return a, nil
}

func run(dir string) error {
	a, err := start(dir)
	if err != nil {
		return err
	}
	defer a.stop()
	w := bufio.NewWriter(os.Stdout)
	w.WriteString("> ")
	w.Flush()
	print := func(_ []byte, c *chunk) {
		for _, ch := range c.Choices {
			w.WriteString(ch.Delta.Content)
		}
	}
	result := func(c toolCall, result string) { fmt.Fprintf(w, "\nTool[%s] %s\n%s\n", c.Function.Name, c.ID, result) }
	var history []message
	prompts := bufio.NewScanner(os.Stdin)
	for prompts.Scan() {
		history = append(history, message{Role: "user", Content: prompts.Text()})
		for range 10 {
			var done bool
			if history, done, err = a.turn(history, print, result); err != nil {
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

// turn streams one completion, hands each chunk to onChunk, runs its tool
// calls, hands each result to onResult and returns the history with the
// assistant and tool messages; done is true when the model answered in
// text or called a loop-control tool.
func (a *agent) turn(history []message, onChunk func([]byte, *chunk), onResult func(toolCall, string)) ([]message, bool, error) {
	body, err := json.Marshal(map[string]any{"model": a.model, "messages": history, "tools": a.tools, "tool_choice": "auto", "stream": true})
	if err != nil {
		return history, true, err
	}
	resp, err := http.Post(a.url, "application/json", bytes.NewReader(body))
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
		onChunk(data, &c)
		for _, ch := range c.Choices {
			text.WriteString(ch.Delta.Content)
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
		result, err := callTool(a.srv, c)
		if err != nil {
			return history, true, err
		}
		onResult(c, result)
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
