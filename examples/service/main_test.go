package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestOffline(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	var out strings.Builder
	go func() { done <- run(ctx, []string{"-offline", "-addr", "127.0.0.1:0"}, &out, ready) }()
	addr := <-ready
	for _, tt := range []struct{ method, path, body, want string }{
		{"GET", "/status", "", "agent with 6 tools\n"},
		{"POST", "/agent/v1/chat/completions", `{"messages":[{"role":"user","content":"hi"}]}`, `"content":"(offline) hello from the agent"`},
		{"GET", "/agent/v1/models", "", `"object":"list"`},
	} {
		req, _ := http.NewRequestWithContext(t.Context(), tt.method, "http://"+addr+tt.path, strings.NewReader(tt.body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), tt.want) {
			t.Errorf("%s %s: %d %s", tt.method, tt.path, resp.StatusCode, b)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
