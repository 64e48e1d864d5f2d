package inference_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

// TestStreamAnsweredWithWholeCompletion holds that a server which ignores
// "stream": true and sends the whole completion as application/json gives
// one chunk that says the same, which an accumulator turns back into the
// completion: content, tool calls with their ids, finish reason (or
// "stop"), usage.
func TestStreamAnsweredWithWholeCompletion(t *testing.T) {
	usage := inference.Usage{PromptTokens: 12, CompletionTokens: 8, TotalTokens: 20}
	tests := map[string]struct {
		body       string
		wantMsg    inference.ChatMessage
		wantFinish string
	}{
		"content and tool calls": {
			body: `{"id":"chatcmpl-9","object":"chat.completion","created":1700000000,"model":"m","choices":[{"index":0,` +
				`"message":{"role":"assistant","content":"Let me look.","tool_calls":[` +
				`{"id":"call_a","type":"function","function":{"name":"add","arguments":"{\"a\":2,\"b\":3}"}},` +
				`{"id":"call_b","type":"function","function":{"name":"echo","arguments":"{\"text\":\"x\"}"}}]},` +
				`"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":12,"completion_tokens":8,"total_tokens":20}}`,
			wantMsg: inference.ChatMessage{Role: inference.RoleAssistant, Content: "Let me look.", ToolCalls: []inference.ToolCall{
				{ID: "call_a", Type: "function", Function: inference.FunctionCall{Name: "add", Arguments: `{"a":2,"b":3}`}},
				{ID: "call_b", Type: "function", Function: inference.FunctionCall{Name: "echo", Arguments: `{"text":"x"}`}},
			}},
			wantFinish: "tool_calls",
		},
		"content, no finish reason": {
			body: `{"id":"chatcmpl-9","object":"chat.completion","created":1700000000,"model":"m","choices":[{"index":0,` +
				`"message":{"role":"assistant","content":"Hello there."}}],` +
				`"usage":{"prompt_tokens":12,"completion_tokens":8,"total_tokens":20}}`,
			wantMsg:    inference.ChatMessage{Role: inference.RoleAssistant, Content: "Hello there."},
			wantFinish: "stop",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			srv := inferencetest.NewServer(t, inferencetest.Step{Body: tt.body}) // application/json
			c := newClient(t, inference.WithBaseURL(srv.URL))
			chunks, err := collect(c.ChatCompletionStream(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")}))
			if err != nil {
				t.Fatalf("err = %v, want the completion as one chunk", err)
			}
			if len(chunks) != 1 {
				t.Fatalf("got %d chunks, want 1", len(chunks))
			}
			if got := srv.Request(0).JSON(t)["stream"]; got != true {
				t.Errorf("stream = %v, want a streamed request", got)
			}
			var acc inference.ChatCompletionAccumulator
			if err := acc.Add(chunks[0]); err != nil {
				t.Fatal(err)
			}
			if msg := acc.Message(); !reflect.DeepEqual(msg, tt.wantMsg) {
				t.Errorf("message = %+v\nwant      %+v", msg, tt.wantMsg)
			}
			out := acc.Output()
			if len(out.Choices) != 1 || out.Choices[0].FinishReason != tt.wantFinish {
				t.Errorf("choices = %+v, want one with finish reason %q", out.Choices, tt.wantFinish)
			}
			if out.Usage == nil || *out.Usage != usage {
				t.Errorf("usage = %+v, want %+v", out.Usage, usage)
			}
			if out.ID != "chatcmpl-9" || out.Model != "m" {
				t.Errorf("id %q, model %q", out.ID, out.Model)
			}
		})
	}
}

// TestStreamAnsweredWithJSONError holds that a 200 application/json answer
// whose body is an error object is a *StreamError with the server's
// message, not a truncated stream.
func TestStreamAnsweredWithJSONError(t *testing.T) {
	srv := inferencetest.NewServer(t, inferencetest.Step{Body: `{"error":{"message":"Model is overloaded","type":"server_error"}}`})
	c := newClient(t, inference.WithBaseURL(srv.URL))
	chunks, err := collect(c.ChatCompletionStream(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")}))
	var se *inference.StreamError
	if !errors.As(err, &se) || se.Message != "Model is overloaded" {
		t.Fatalf("err = %v (%T), want a *StreamError saying %q", err, err, "Model is overloaded")
	}
	if len(chunks) != 0 {
		t.Errorf("got %d chunks before the error, want 0", len(chunks))
	}
}

// TestStreamAnsweredWithWebPage holds that an HTML page (a proxy's login
// or error page) in answer to a streamed call is a malformed stream whose
// error names the content type and quotes the page.
func TestStreamAnsweredWithWebPage(t *testing.T) {
	page := "<html><head><title>Sign in</title></head><body>Please sign in to continue.</body></html>"
	srv := inferencetest.NewServer(t, inferencetest.Step{Body: page,
		Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}})
	c := newClient(t, inference.WithBaseURL(srv.URL))
	chunks, err := collect(c.ChatCompletionStream(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")}))
	if err == nil {
		t.Fatal("no error for an HTML page")
	}
	if !errors.Is(err, inference.ErrMalformedStream) {
		t.Errorf("err = %v, want one matching ErrMalformedStream", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "text/html") || !strings.Contains(msg, "<title>Sign in</title>") {
		t.Errorf("err = %q, want the content type and the start of the page", msg)
	}
	if len(chunks) != 0 {
		t.Errorf("got %d chunks, want 0", len(chunks))
	}
}

// TestStreamReadWithoutEventStreamContentType holds that a stream sent
// with another Content-Type than text/event-stream, or none, is still read
// as events: many servers do not say text/event-stream.
func TestStreamReadWithoutEventStreamContentType(t *testing.T) {
	const sse = "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"}}]}\n\n" +
		"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\n" +
		"data: [DONE]\n\n"
	noType := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header()["Content-Type"] = nil // no Content-Type at all, not even a sniffed one
		io.WriteString(w, sse)
	}))
	defer noType.Close()
	for name, url := range map[string]string{
		"text/plain": inferencetest.NewServer(t, inferencetest.Step{RawSSE: sse,
			Header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}}}).URL,
		"none": noType.URL,
	} {
		t.Run(name, func(t *testing.T) {
			c := newClient(t, inference.WithBaseURL(url))
			chunks, err := collect(c.ChatCompletionStream(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")}))
			if err != nil {
				t.Fatal(err)
			}
			var acc inference.ChatCompletionAccumulator
			for _, ch := range chunks {
				if err := acc.Add(ch); err != nil {
					t.Fatal(err)
				}
			}
			if len(chunks) != 2 || acc.Message().Content != "Hello" || acc.Output().Choices[0].FinishReason != "stop" {
				t.Errorf("%d chunks, accumulated %+v", len(chunks), acc.Output())
			}
		})
	}
}

// toolDelta is a chunk with one tool-call delta for choice 0.
func toolDelta(index int, id, name, args string) inference.ChatCompletionStreamOutput {
	return inference.ChatCompletionStreamOutput{Choices: []inference.ChatCompletionStreamOutputChoice{{
		Delta: inference.StreamDelta{ToolCalls: []inference.ToolCallDelta{
			{Index: index, ID: id, Type: "function", Function: inference.FunctionCall{Name: name, Arguments: args}}}},
	}}}
}

// TestAccumulatorToolCallsSharingAnIndex holds that calls streamed at the
// same index with different ids, as some servers send every call, stay
// apart; that a repeated id at one index is the same call; and that
// argument deltas without an id go to the newest call at their index.
func TestAccumulatorToolCallsSharingAnIndex(t *testing.T) {
	fn := func(id, name, args string) inference.ToolCall {
		return inference.ToolCall{ID: id, Type: "function", Function: inference.FunctionCall{Name: name, Arguments: args}}
	}
	tests := map[string]struct {
		chunks       []inference.ChatCompletionStreamOutput
		want         []inference.ToolCall
		wantFinished []string // ids of the calls JustFinishedToolCall reports, in order
	}{
		"two ids at index 0": {
			chunks: []inference.ChatCompletionStreamOutput{
				toolDelta(0, "call_a", "add", `{"a":`),
				toolDelta(0, "", "", `2}`),
				toolDelta(0, "call_b", "echo", `{"text":`),
				toolDelta(0, "", "", `"x"}`),
			},
			want:         []inference.ToolCall{fn("call_a", "add", `{"a":2}`), fn("call_b", "echo", `{"text":"x"}`)},
			wantFinished: []string{"call_a", "call_b"},
		},
		"three ids at index 0, whole": {
			chunks: []inference.ChatCompletionStreamOutput{
				toolDelta(0, "call_1", "echo", `{"text":"1"}`),
				toolDelta(0, "call_2", "echo", `{"text":"2"}`),
				toolDelta(0, "call_3", "add", `{}`),
			},
			want: []inference.ToolCall{fn("call_1", "echo", `{"text":"1"}`), fn("call_2", "echo", `{"text":"2"}`),
				fn("call_3", "add", `{}`)},
			wantFinished: []string{"call_1", "call_2", "call_3"},
		},
		"the same id repeated": {
			chunks: []inference.ChatCompletionStreamOutput{
				toolDelta(0, "call_a", "add", `{"a":`),
				toolDelta(0, "call_a", "", `1,`),
				toolDelta(0, "call_a", "", `"b":2}`),
			},
			want:         []inference.ToolCall{fn("call_a", "add", `{"a":1,"b":2}`)},
			wantFinished: []string{"call_a"},
		},
		"index 0 reused beside index 1": {
			chunks: []inference.ChatCompletionStreamOutput{
				toolDelta(0, "call_a", "add", `{}`),
				toolDelta(1, "call_b", "echo", `{"text":`),
				toolDelta(1, "", "", `"b"}`),
				toolDelta(0, "call_c", "echo", `{"text":`),
				toolDelta(0, "", "", `"c"}`),
			},
			want: []inference.ToolCall{fn("call_a", "add", `{}`), fn("call_b", "echo", `{"text":"b"}`),
				fn("call_c", "echo", `{"text":"c"}`)},
			wantFinished: []string{"call_a", "call_b", "call_c"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var acc inference.ChatCompletionAccumulator
			var finished []string
			chunks := append(tt.chunks, inference.ChatCompletionStreamOutput{
				Choices: []inference.ChatCompletionStreamOutputChoice{{FinishReason: "tool_calls"}}})
			for _, ch := range chunks {
				if err := acc.Add(ch); err != nil {
					t.Fatal(err)
				}
				if tc, ok := acc.JustFinishedToolCall(); ok {
					finished = append(finished, tc.ID)
				}
			}
			if got := acc.Message().ToolCalls; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("tool calls = %+v\nwant         %+v", got, tt.want)
			}
			if !reflect.DeepEqual(finished, tt.wantFinished) {
				t.Errorf("finished in order = %v, want %v", finished, tt.wantFinished)
			}
		})
	}
}

// TestStreamToolCallsSharingAnIndex is the same through a stream: a server
// that sends two calls at index 0 gives two calls.
func TestStreamToolCallsSharingAnIndex(t *testing.T) {
	srv := inferencetest.NewServer(t, inferencetest.Raw(
		"data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"add\",\"arguments\":\"{\\\"a\\\":1}\"}}]}}]}\n\n"+
			"data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"add\",\"arguments\":\"{\\\"a\\\":\"}}]}}]}\n\n"+
			"data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"2}\"}}]}}]}\n\n"+
			"data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n"+
			"data: [DONE]\n\n"))
	c := newClient(t, inference.WithBaseURL(srv.URL))
	chunks, err := collect(c.ChatCompletionStream(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")}))
	if err != nil {
		t.Fatal(err)
	}
	var acc inference.ChatCompletionAccumulator
	for _, ch := range chunks {
		if err := acc.Add(ch); err != nil {
			t.Fatal(err)
		}
	}
	want := []inference.ToolCall{
		{ID: "call_a", Type: "function", Function: inference.FunctionCall{Name: "add", Arguments: `{"a":1}`}},
		{ID: "call_b", Type: "function", Function: inference.FunctionCall{Name: "add", Arguments: `{"a":2}`}},
	}
	if got := acc.Message().ToolCalls; !reflect.DeepEqual(got, want) {
		t.Errorf("tool calls = %+v\nwant         %+v", got, want)
	}
}
