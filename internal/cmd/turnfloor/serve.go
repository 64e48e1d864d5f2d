package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"
)

// serve is the floor under `tiny-agents serve` in the harness's S6: on
// 127.0.0.1:$PORT, POST /v1/chat/completions runs the request's messages
// through the same turns as run, passes each model chunk through as an
// event, sends each tool result as a chunk, flushes once per completion
// and once per tool round, and ends with [DONE]. No limits, auth, usage,
// system prompt or error events.
func serve(dir string) error {
	a, err := start(dir)
	if err != nil {
		return err
	}
	defer a.stop()
	// Keep a connection per concurrent request, as tiny-agents does; the
	// default keeps 2 per host and would reconnect under load.
	http.DefaultTransport.(*http.Transport).MaxIdleConnsPerHost = 256
	port := os.Getenv("PORT")
	if port == "" {
		port = "9999"
	}
	ln, err := net.Listen("tcp", "127.0.0.1:"+port)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", a.complete)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {})
	return http.Serve(ln, mux)
}

// complete answers one request as a stream.
func (a *agent) complete(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Messages []message `json:"messages"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	flusher, _ := w.(http.Flusher)
	send := func(data []byte) {
		w.Write([]byte("data: "))
		w.Write(data)
		w.Write([]byte("\n\n"))
	}
	onChunk := func(data []byte, _ *chunk) { send(data) }
	onResult := func(c toolCall, result string) {
		b, _ := json.Marshal(map[string]any{"id": c.ID, "object": "chat.completion.chunk", "created": time.Now().Unix(),
			"choices": []any{map[string]any{"index": 0, "delta": map[string]any{"role": "tool",
				"content": "Tool[" + c.Function.Name + "] " + c.ID + "\n" + result}}}})
		send(b)
	}
	history := req.Messages
	for range 10 {
		var done bool
		var err error
		if history, done, err = a.turn(history, onChunk, onResult); err != nil {
			send([]byte(`{"error":` + strconv.Quote(err.Error()) + `}`))
			return
		}
		if done {
			break
		}
		if flusher != nil {
			flusher.Flush()
		}
	}
	fmt.Fprint(w, "data: [DONE]\n\n")
}
