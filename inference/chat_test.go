package inference_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

func TestChatCompletionFullParameterSet(t *testing.T) {
	srv := inferencetest.NewServer(t, inferencetest.Text("ok"))
	c := newClient(t, inference.WithBaseURL(srv.URL+"/v1"))
	in := &inference.ChatCompletionInput{
		Model: "m",
		Messages: []inference.ChatMessage{
			{Role: inference.RoleSystem, Content: "be brief"},
			{Role: inference.RoleUser, Parts: []inference.ContentPart{
				inference.TextPart("what is this?"), inference.ImagePart("data:image/png;base64,AAAA")}},
			{Role: inference.RoleAssistant, ToolCalls: []inference.ToolCall{{ID: "c1", Type: "function",
				Function: inference.FunctionCall{Name: "look", Arguments: `{"x":1}`}}}},
			{Role: inference.RoleTool, ToolCallID: "c1", Name: "look", Content: "a cat"},
		},
		FrequencyPenalty: inference.Ptr(0.1),
		LogitBias:        map[string]float64{"50256": -100},
		Logprobs:         inference.Ptr(true),
		MaxTokens:        inference.Ptr(64),
		N:                inference.Ptr(1),
		PresencePenalty:  inference.Ptr(0.2),
		ResponseFormat: &inference.ResponseFormat{Type: "json_schema", JSONSchema: &inference.JSONSchema{
			Name: "answer", Schema: map[string]any{"type": "object"}, Strict: inference.Ptr(true)}},
		Seed:          inference.Ptr[int64](7),
		Stop:          []string{"\n\n"},
		StreamOptions: &inference.StreamOptions{IncludeUsage: true},
		Temperature:   inference.Ptr(0.0),
		ToolChoice:    &inference.ToolChoice{Function: "look"},
		Tools: []inference.Tool{{Type: "function", Function: inference.FunctionDefinition{
			Name: "look", Description: "Looks.", Parameters: json.RawMessage(`{"type":"object","properties":{"x":{"type":"integer"}}}`)}}},
		TopLogprobs: inference.Ptr(2),
		TopP:        inference.Ptr(0.9),
		ExtraBody:   map[string]any{"top_k": 40},
	}
	if _, err := c.ChatCompletion(t.Context(), in); err != nil {
		t.Fatal(err)
	}
	want := `{"model":"m","messages":[{"role":"system","content":"be brief"},` +
		`{"role":"user","content":[{"type":"text","text":"what is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]},` +
		`{"role":"assistant","content":"","tool_calls":[{"id":"c1","type":"function","function":{"name":"look","arguments":"{\"x\":1}"}}]},` +
		`{"role":"tool","content":"a cat","name":"look","tool_call_id":"c1"}],` +
		`"frequency_penalty":0.1,"logit_bias":{"50256":-100},"logprobs":true,"max_tokens":64,"n":1,"presence_penalty":0.2,` +
		`"response_format":{"type":"json_schema","json_schema":{"name":"answer","schema":{"type":"object"},"strict":true}},` +
		`"seed":7,"stop":["\n\n"],"stream":false,"stream_options":{"include_usage":true},"temperature":0,` +
		`"tool_choice":{"function":{"name":"look"},"type":"function"},` +
		`"tools":[{"type":"function","function":{"name":"look","description":"Looks.","parameters":{"type":"object","properties":{"x":{"type":"integer"}}}}}],` +
		`"top_k":40,"top_logprobs":2,"top_p":0.9}`
	var got, wantV any
	body := srv.Request(0).Body
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &wantV); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, wantV) {
		t.Errorf("body = %s\nwant   %s", body, want)
	}
	if !strings.HasPrefix(string(body), `{"model":"m",`) {
		t.Errorf("model is not the first field: %.40s", body)
	}
}

func TestChatCompletionOutput(t *testing.T) {
	srv := inferencetest.NewServer(t, inferencetest.Step{
		Text:      []string{"Hel", "lo"},
		ToolCalls: []inferencetest.ToolCall{{ID: "call_1", Name: "echo", Arguments: []string{`{"text":`, `"hi"}`}}},
		Usage:     &inferencetest.Usage{PromptTokens: 3, CompletionTokens: 2, TotalTokens: 5},
		Logprobs:  true,
	})
	c := newClient(t, inference.WithBaseURL(srv.URL))
	out, err := c.Chat.Completions.Create(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")})
	if err != nil {
		t.Fatal(err)
	}
	ch := out.Choices[0]
	if ch.Message.Content != "Hello" || ch.FinishReason != "tool_calls" {
		t.Errorf("content %q, finish %q", ch.Message.Content, ch.FinishReason)
	}
	wantCalls := []inference.ToolCall{{ID: "call_1", Type: "function", Function: inference.FunctionCall{Name: "echo", Arguments: `{"text":"hi"}`}}}
	if !reflect.DeepEqual(ch.Message.ToolCalls, wantCalls) {
		t.Errorf("tool calls = %+v", ch.Message.ToolCalls)
	}
	if *out.Usage != (inference.Usage{PromptTokens: 3, CompletionTokens: 2, TotalTokens: 5}) {
		t.Errorf("usage = %+v", out.Usage)
	}
	if ch.Logprobs == nil || len(ch.Logprobs.Content) != 2 || ch.Logprobs.Content[0].Token != "Hel" {
		t.Errorf("logprobs = %+v", ch.Logprobs)
	}
}

func TestChatCompletionWrongShape(t *testing.T) {
	srv := inferencetest.NewServer(t, inferencetest.Step{Body: `{"generated_text":"x"}`}, inferencetest.Step{Body: `not json`})
	c := newClient(t, inference.WithBaseURL(srv.URL))
	for range 2 {
		_, err := c.ChatCompletion(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")})
		if err == nil || !strings.Contains(err.Error(), srv.URL) {
			t.Errorf("err = %v, want an error naming the endpoint", err)
		}
	}
}

// collect ranges over a stream and returns the chunks and the final error.
func collect(seq func(func(inference.ChatCompletionStreamOutput, error) bool)) ([]inference.ChatCompletionStreamOutput, error) {
	var chunks []inference.ChatCompletionStreamOutput
	for c, err := range seq {
		if err != nil {
			return chunks, err
		}
		chunks = append(chunks, c)
	}
	return chunks, nil
}

func TestStreamChunksToolCallsUsage(t *testing.T) {
	srv := inferencetest.NewServer(t, inferencetest.Step{
		Text: []string{"The", " answer", " is"},
		ToolCalls: []inferencetest.ToolCall{
			{ID: "call_a", Name: "add", Arguments: []string{`{"a":`, ` 2, "b"`, `: 3}`}},
			{ID: "call_b", Name: "echo", Arguments: []string{`{"text":"x"}`}},
		},
		Usage: &inferencetest.Usage{PromptTokens: 10, CompletionTokens: 7, TotalTokens: 17},
	})
	c := newClient(t, inference.WithBaseURL(srv.URL))
	in := &inference.ChatCompletionInput{Messages: userMessage("hi"), StreamOptions: &inference.StreamOptions{IncludeUsage: true}}
	chunks, err := collect(c.Chat.Completions.CreateStream(t.Context(), in))
	if err != nil {
		t.Fatal(err)
	}
	if got := srv.Request(0).JSON(t)["stream"]; got != true {
		t.Errorf("stream = %v", got)
	}
	var text strings.Builder
	var acc inference.ChatCompletionAccumulator
	var finished []string
	for _, ch := range chunks {
		for _, choice := range ch.Choices {
			text.WriteString(choice.Delta.Content)
		}
		if err := acc.Add(ch); err != nil {
			t.Fatal(err)
		}
		if tc, ok := acc.JustFinishedToolCall(); ok {
			finished = append(finished, tc.ID)
		}
	}
	if text.String() != "The answer is" {
		t.Errorf("text in order = %q", text.String())
	}
	msg := acc.Message()
	want := []inference.ToolCall{
		{ID: "call_a", Type: "function", Function: inference.FunctionCall{Name: "add", Arguments: `{"a": 2, "b": 3}`}},
		{ID: "call_b", Type: "function", Function: inference.FunctionCall{Name: "echo", Arguments: `{"text":"x"}`}},
	}
	if !reflect.DeepEqual(msg.ToolCalls, want) {
		t.Errorf("tool calls = %+v", msg.ToolCalls)
	}
	if !reflect.DeepEqual(finished, []string{"call_a", "call_b"}) {
		t.Errorf("finished in order = %v", finished)
	}
	last := chunks[len(chunks)-1]
	if last.Usage == nil || last.Usage.TotalTokens != 17 || len(last.Choices) != 0 {
		t.Errorf("last chunk = %+v, want usage and no choices", last)
	}
	if out := acc.Output(); out.Choices[0].FinishReason != "tool_calls" || out.Usage.TotalTokens != 17 {
		t.Errorf("accumulated %+v", acc.Output())
	}
}

func TestStreamFailures(t *testing.T) {
	tests := map[string]struct {
		step   inferencetest.Step
		chunks int
		check  func(error) bool
	}{
		"truncated": {inferencetest.Truncated(2, "a", "b", "c"), 2, func(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) }},
		"malformed": {inferencetest.Raw("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\ndata: {oops\n\n"), 1, func(err error) bool {
			return errors.Is(err, inference.ErrMalformedStream) && strings.Contains(err.Error(), "malformed stream chunk")
		}},
		"error event": {inferencetest.Step{Text: []string{"a"}, ErrorEvent: "model overloaded"}, 1, func(err error) bool {
			var se *inference.StreamError
			return errors.As(err, &se) && se.Message == "model overloaded"
		}},
		"http error": {inferencetest.HTTPError(400, `{"error":{"message":"messages: field required"}}`), 0, func(err error) bool {
			var he *inference.HTTPError
			return errors.As(err, &he) && he.StatusCode == 400 && he.ServerMessage == "messages: field required"
		}},
		"not SSE data": {inferencetest.Raw("data: [1,2]\n\n"), 0, func(err error) bool { return errors.Is(err, inference.ErrMalformedStream) }},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			srv := inferencetest.NewServer(t, tt.step)
			c := newClient(t, inference.WithBaseURL(srv.URL))
			chunks, err := collect(c.ChatCompletionStream(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")}))
			if len(chunks) != tt.chunks {
				t.Errorf("got %d chunks before the error, want %d", len(chunks), tt.chunks)
			}
			if err == nil || !tt.check(err) {
				t.Errorf("err = %v", err)
			}
		})
	}
}

func TestStreamCancelStopsWithin100ms(t *testing.T) {
	srv := inferencetest.NewServer(t, inferencetest.Stalled(1, "first", "never"))
	c := newClient(t, inference.WithBaseURL(srv.URL))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var cancelledAt time.Time
	var err error
	n := 0
	for _, e := range c.ChatCompletionStream(ctx, &inference.ChatCompletionInput{Messages: userMessage("hi")}) {
		if e != nil {
			err = e
			break
		}
		n++
		go func() { time.Sleep(20 * time.Millisecond); cancelledAt = time.Now(); cancel() }()
	}
	elapsed := time.Since(cancelledAt)
	if n != 1 || !errors.Is(err, context.Canceled) {
		t.Fatalf("n = %d, err = %v; want 1 chunk then context.Canceled", n, err)
	}
	if elapsed > 100*time.Millisecond {
		t.Errorf("iteration ended %s after cancel, want within 100ms", elapsed)
	}
}

func TestStreamBreakClosesConnection(t *testing.T) {
	gone := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n")
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
			close(gone)
		case <-time.After(5 * time.Second):
		}
	}))
	defer srv.Close()
	c := newClient(t, inference.WithBaseURL(srv.URL))
	for range c.ChatCompletionStream(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")}) {
		break
	}
	select {
	case <-gone:
	case <-time.After(2 * time.Second):
		t.Error("breaking out of the loop did not close the connection")
	}
}

func TestTimeout(t *testing.T) {
	srv := inferencetest.NewServer(t, inferencetest.Stalled(1, "a", "b"), inferencetest.Step{Delay: time.Second})
	c := newClient(t, inference.WithBaseURL(srv.URL), inference.WithTimeout(50*time.Millisecond))
	_, err := collect(c.ChatCompletionStream(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")}))
	if !errors.Is(err, inference.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("stream: err = %v, want ErrTimeout and DeadlineExceeded", err)
	}
	_, err = c.ChatCompletion(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")})
	if !errors.Is(err, inference.ErrTimeout) {
		t.Errorf("non-stream: err = %v, want ErrTimeout", err)
	}
}

func TestRetries(t *testing.T) {
	retryAfter := http.Header{"Retry-After": {"0"}}
	tests := map[string]struct {
		steps    []inferencetest.Step
		retries  int
		wantErr  int // expected HTTP status of the error, 0 for success
		requests int
	}{
		"429 then ok":        {[]inferencetest.Step{{Status: 429, Header: retryAfter, Body: `{"error":"rate"}`}, inferencetest.Text("ok")}, 3, 0, 2},
		"503 twice then ok":  {[]inferencetest.Step{inferencetest.HTTPError(503, "busy"), inferencetest.HTTPError(502, "gw"), inferencetest.Text("ok")}, 3, 0, 3},
		"gives up after max": {[]inferencetest.Step{inferencetest.HTTPError(500, "a"), inferencetest.HTTPError(500, "b"), inferencetest.HTTPError(500, "c")}, 2, 500, 3},
		"400 not retried":    {[]inferencetest.Step{inferencetest.HTTPError(400, "bad")}, 3, 400, 1},
		"retries disabled":   {[]inferencetest.Step{inferencetest.HTTPError(503, "busy")}, 0, 503, 1},
		"reset then ok":      {[]inferencetest.Step{inferencetest.ResetConnection(), inferencetest.Text("ok")}, 3, 0, 2},
		"too long a wait":    {[]inferencetest.Step{{Status: 429, Header: http.Header{"Retry-After": {"3600"}}}}, 3, 429, 1},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			srv := inferencetest.NewServer(t, tt.steps...)
			c := newClient(t, inference.WithBaseURL(srv.URL), inference.WithMaxRetries(tt.retries))
			_, err := collect(c.ChatCompletionStream(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")}))
			var he *inference.HTTPError
			switch {
			case tt.wantErr == 0 && err != nil:
				t.Errorf("err = %v", err)
			case tt.wantErr != 0 && (!errors.As(err, &he) || he.StatusCode != tt.wantErr):
				t.Errorf("err = %v, want HTTP %d", err, tt.wantErr)
			}
			if got := len(srv.Requests()); got != tt.requests {
				t.Errorf("requests = %d, want %d", got, tt.requests)
			}
		})
	}
}

func TestStartedStreamIsNotRetried(t *testing.T) {
	srv := inferencetest.NewServer(t, inferencetest.Truncated(1, "a", "b"))
	c := newClient(t, inference.WithBaseURL(srv.URL), inference.WithMaxRetries(3))
	chunks, err := collect(c.ChatCompletionStream(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")}))
	if len(chunks) != 1 || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("chunks %d, err %v", len(chunks), err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("a started stream was retried: %d requests", n)
	}
}

func TestRetryWaitHonoursContext(t *testing.T) {
	srv := inferencetest.NewServer(t, inferencetest.Step{Status: 503, Header: http.Header{"Retry-After": {"30"}}})
	c := newClient(t, inference.WithBaseURL(srv.URL))
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.ChatCompletion(ctx, &inference.ChatCompletionInput{Messages: userMessage("hi")})
	if !errors.Is(err, inference.ErrTimeout) || time.Since(start) > time.Second {
		t.Errorf("err = %v after %s, want a timeout soon after the deadline", err, time.Since(start))
	}
}
