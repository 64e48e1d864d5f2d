package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

func TestEchoStreamsThenCompletes(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(chat))
	defer srv.Close()
	c, err := inference.NewClient(inference.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	var acc inference.ChatCompletionAccumulator
	in := &inference.ChatCompletionInput{Messages: []inference.ChatMessage{{Role: "user", Content: "hello there"}}}
	for chunk, err := range c.ChatCompletionStream(t.Context(), in) {
		if err != nil {
			t.Fatal(err)
		}
		acc.Add(chunk)
	}
	msg := acc.Message()
	if msg.Content != "You said: hello there" || len(msg.ToolCalls) != 1 || msg.ToolCalls[0].Function.Name != "task_complete" {
		t.Errorf("message = %+v", msg)
	}
	if !strings.HasPrefix(acc.Output().Choices[0].FinishReason, "tool_calls") {
		t.Errorf("finish = %q", acc.Output().Choices[0].FinishReason)
	}
}
