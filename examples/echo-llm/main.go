// Command echo-llm is an OpenAI-compatible chat server on 127.0.0.1 that
// needs no model: it streams back the last user message, word by word, then
// calls task_complete. It lets tiny-agents run offline, for demos and smoke
// tests:
//
//	go run ./examples/echo-llm &                 # listens on 127.0.0.1:8088
//	HF_TOKEN=hf_offline HF_ROUTER_URL=http://127.0.0.1:8088 go run ./cmd/tiny-agents run
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"strings"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8088", "listen address")
	flag.Parse()
	http.HandleFunc("POST /v1/chat/completions", chat)
	log.Printf("echo-llm listening on http://%s", *addr)
	log.Fatal(http.ListenAndServe(*addr, nil))
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
