package inferencetest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

const streamRequest = `{"model":"org/model","stream":true,"messages":[{"role":"user","content":"hi"}]}`

// chunk returns the expected JSON of a chunk of request n with the given
// choices.
func chunk(n, choices string) string {
	return `{"id":"chatcmpl-inferencetest-` + n + `","object":"chat.completion.chunk","created":1700000000,` +
		`"model":"org/model","choices":[` + choices + `]}`
}

func TestStreamWireShapes(t *testing.T) {
	tests := map[string]struct {
		step inferencetest.Step
		want []string
	}{
		"text and usage": {
			step: inferencetest.Step{Text: []string{"Hel", "lo \"<wörld>\"\n"}, Usage: &inferencetest.Usage{PromptTokens: 5, CompletionTokens: 2, TotalTokens: 7}},
			want: []string{
				chunk("1", `{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}`),
				chunk("1", `{"index":0,"delta":{"content":"lo \"<wörld>\"\n"},"finish_reason":null}`),
				chunk("1", `{"index":0,"delta":{},"finish_reason":"stop"}`),
				chunk("1", ``)[:len(chunk("1", ``))-1] + `,"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}`,
				"[DONE]",
			},
		},
		"tool calls without text": {
			step: inferencetest.ToolCalls(
				inferencetest.ToolCall{ID: "call_1", Name: "get_weather", Arguments: []string{`{"city":`, `"Paris"}`}},
				inferencetest.ToolCall{ID: "call_2", Name: "now"},
			),
			want: []string{
				chunk("1", `{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}`),
				chunk("1", `{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]},"finish_reason":null}`),
				chunk("1", `{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]},"finish_reason":null}`),
				chunk("1", `{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_2","type":"function","function":{"name":"now","arguments":""}}]},"finish_reason":null}`),
				chunk("1", `{"index":0,"delta":{},"finish_reason":"tool_calls"}`),
				"[DONE]",
			},
		},
		"text then tool call, custom finish reason": {
			step: inferencetest.Step{Text: []string{"ok"}, ToolCalls: []inferencetest.ToolCall{{ID: "c", Name: "f", Arguments: []string{"{}"}}}, FinishReason: "length"},
			want: []string{
				chunk("1", `{"index":0,"delta":{"role":"assistant","content":"ok"},"finish_reason":null}`),
				chunk("1", `{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c","type":"function","function":{"name":"f","arguments":""}}]},"finish_reason":null}`),
				chunk("1", `{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{}"}}]},"finish_reason":null}`),
				chunk("1", `{"index":0,"delta":{},"finish_reason":"length"}`),
				"[DONE]",
			},
		},
		"logprobs and repeat": {
			step: inferencetest.Step{Text: []string{"a"}, Repeat: 2, Logprobs: true},
			want: []string{
				chunk("1", `{"index":0,"delta":{"role":"assistant","content":"a"},"logprobs":{"content":[{"token":"a","logprob":-0.1,"top_logprobs":[{"token":"a","logprob":-0.1}]}]},"finish_reason":null}`),
				chunk("1", `{"index":0,"delta":{"content":"a"},"logprobs":{"content":[{"token":"a","logprob":-0.1,"top_logprobs":[{"token":"a","logprob":-0.1}]}]},"finish_reason":null}`),
				chunk("1", `{"index":0,"delta":{},"finish_reason":"stop"}`),
				"[DONE]",
			},
		},
		"error event": {
			step: inferencetest.Step{Text: []string{"par"}, ErrorEvent: "model overloaded"},
			want: []string{
				chunk("1", `{"index":0,"delta":{"role":"assistant","content":"par"},"finish_reason":null}`),
				`{"error":{"message":"model overloaded"}}`,
			},
		},
		"truncated": {
			step: inferencetest.Truncated(1, "a", "b"),
			want: []string{chunk("1", `{"index":0,"delta":{"role":"assistant","content":"a"},"finish_reason":null}`)},
		},
		"truncated after more chunks than there are": {
			step: inferencetest.Truncated(5, "a"),
			want: []string{chunk("1", `{"index":0,"delta":{"role":"assistant","content":"a"},"finish_reason":null}`)},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			srv := inferencetest.NewServer(t, tt.step)
			resp := mustPost(t, srv.URL, streamRequest)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d, want 200", resp.StatusCode)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
				t.Errorf("Content-Type %q, want text/event-stream", ct)
			}
			got, err := events(t, resp.Body)
			if err != nil {
				t.Fatalf("reading stream: %v", err)
			}
			sameEvents(t, got, tt.want)
		})
	}
}

func TestStreamEchoesModelAndCountsRequests(t *testing.T) {
	srv := inferencetest.NewServer(t, inferencetest.Text("x"), inferencetest.Text("y"))
	mustPost(t, srv.URL, `{"stream":true}`).Body.Close()
	got, err := events(t, mustPost(t, srv.URL, `{"stream":true}`).Body)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"chatcmpl-inferencetest-2","object":"chat.completion.chunk","created":1700000000,` +
		`"model":"inferencetest","choices":[{"index":0,"delta":{"role":"assistant","content":"y"},"finish_reason":null}]}`
	sameJSON(t, "first chunk of request 2", got[0], want)
}

func TestRawSSE(t *testing.T) {
	const raw = "event: error\ndata: {\"error\":\"boom\"}\n\n"
	srv := inferencetest.NewServer(t, inferencetest.Raw(raw))
	resp := mustPost(t, srv.URL, streamRequest)
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if string(body) != raw || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Errorf("got %q (Content-Type %q), want %q as text/event-stream", body, resp.Header.Get("Content-Type"), raw)
	}
}

func TestStalledBlocksUntilClientCancels(t *testing.T) {
	srv := inferencetest.NewServer(t, inferencetest.Stalled(1, "a", "b"))
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	resp, err := post(ctx, t, srv.URL, streamRequest)
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	defer resp.Body.Close()
	start := time.Now()
	got, err := events(t, resp.Body)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("stream ended with %v after %d events, want context.DeadlineExceeded", err, len(got))
	}
	if len(got) != 1 || !strings.Contains(got[0], `"content":"a"`) {
		t.Errorf("events before the stall = %q, want the chunk of \"a\" only", got)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("read returned after %v, want about the 100ms deadline", elapsed)
	}
	if !srv.WaitIdle(2 * time.Second) {
		t.Error("handler still running 2s after the client went away")
	}
}

func TestDelayEndsWhenClientGoesAway(t *testing.T) {
	srv := inferencetest.NewServer(t, inferencetest.Step{Delay: time.Hour})
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if resp, err := post(ctx, t, srv.URL, streamRequest); err == nil {
		resp.Body.Close()
		t.Fatal("POST succeeded, want a deadline error")
	}
	if !srv.WaitIdle(2 * time.Second) {
		t.Error("handler still running 2s after the client went away")
	}
}

func TestResetConnection(t *testing.T) {
	srv := inferencetest.NewServer(t, inferencetest.ResetConnection())
	resp, err := post(t.Context(), t, srv.URL, streamRequest)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("POST got status %d, want a transport error", resp.StatusCode)
	}
}

func BenchmarkStream100k(b *testing.B) {
	for b.Loop() {
		srv := inferencetest.NewServer(b, inferencetest.Step{Text: []string{" lorem ipsum"}, Repeat: 100000})
		resp, err := http.Post(srv.URL, "application/json", strings.NewReader(`{"stream":true}`))
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(n)
	}
}
