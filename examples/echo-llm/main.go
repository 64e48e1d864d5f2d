// Command echo-llm is an OpenAI-compatible chat server on 127.0.0.1 that
// needs no model: it streams back the last user message, word by word, then
// calls task_complete. It lets tiny-agents run offline, for demos and smoke
// tests:
//
//	go run ./examples/echo-llm &                 # listens on 127.0.0.1:8088
//	HF_TOKEN=hf_offline HF_ROUTER_URL=http://127.0.0.1:8088 go run ./cmd/tiny-agents run
//	kill %1                                      # stops it
//
// It says on standard error where it listens and how to stop it. When the
// address is taken, by an echo-llm left running for instance, it says so
// and exits with status 1 at once; -addr 127.0.0.1:0 picks a free port.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stderr)
	stop()
	os.Exit(code)
}

// run serves until ctx ends and returns the exit status: 0 once ctx has
// ended, 1 when it cannot listen or serve, 2 for bad arguments.
func run(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("echo-llm", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8088", "listen address, host:port (port 0 picks a free one)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "echo-llm: unexpected argument %q; the only flag is -addr\n", fs.Arg(0))
		return 2
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, listenError(*addr, err))
		return 1
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", chat)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(stderr, "echo-llm: listening on http://%s; stop it with Ctrl+C, or kill %%1 if you started it with &\n", ln.Addr())
	select {
	case err := <-served:
		fmt.Fprintf(stderr, "echo-llm: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	// Let the answers under way finish, briefly: they are short.
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	srv.Shutdown(shutdownCtx)
	return 0
}

// listenError explains why addr cannot be listened on.
func listenError(addr string, err error) string {
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Sprintf("echo-llm: %s is already in use (another echo-llm?): stop it, or pass -addr 127.0.0.1:0 to listen on a free port", addr)
	}
	return fmt.Sprintf("echo-llm: cannot listen on %s: %v", addr, err)
}

type request struct {
	Model    string `json:"model"`
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
}

func chat(w http.ResponseWriter, r *http.Request) {
	var req request
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, `{"error":"invalid JSON"}`, http.StatusBadRequest)
		return
	}
	last := ""
	for _, m := range req.Messages {
		if m.Role == "user" {
			var s string
			json.Unmarshal(m.Content, &s)
			last = s
		}
	}
	w.Header().Set("Content-Type", "text/event-stream")
	send := func(delta map[string]any, finish any) {
		b, _ := json.Marshal(map[string]any{"id": "echo", "object": "chat.completion.chunk", "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}}})
		fmt.Fprintf(w, "data: %s\n\n", b)
		w.(http.Flusher).Flush()
	}
	for i, word := range strings.Fields("You said: " + last) {
		if i > 0 {
			word = " " + word
		}
		send(map[string]any{"role": "assistant", "content": word}, nil)
	}
	send(map[string]any{"tool_calls": []any{map[string]any{"index": 0, "id": "call_done", "type": "function",
		"function": map[string]any{"name": "task_complete", "arguments": "{}"}}}}, nil)
	send(map[string]any{}, "tool_calls")
	fmt.Fprint(w, "data: [DONE]\n\n")
}
