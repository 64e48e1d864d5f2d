package inferencetest_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

func TestNonStreamingReply(t *testing.T) {
	tests := map[string]struct {
		step inferencetest.Step
		want string
	}{
		"text, tool call, logprobs, usage": {
			step: inferencetest.Step{
				Text:      []string{"Hel", "lo"},
				ToolCalls: []inferencetest.ToolCall{{ID: "call_1", Name: "f", Arguments: []string{`{"a":`, `1}`}}},
				Logprobs:  true,
				Usage:     &inferencetest.Usage{PromptTokens: 3, CompletionTokens: 4, TotalTokens: 7},
			},
			want: `{"id":"chatcmpl-inferencetest-1","object":"chat.completion","created":1700000000,"model":"org/model",
				"choices":[{"index":0,"message":{"role":"assistant","content":"Hello",
					"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},
				"logprobs":{"content":[
					{"token":"Hel","logprob":-0.1,"top_logprobs":[{"token":"Hel","logprob":-0.1}]},
					{"token":"lo","logprob":-0.1,"top_logprobs":[{"token":"lo","logprob":-0.1}]}]},
				"finish_reason":"tool_calls"}],
				"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}`,
		},
		"no text: null content, zero usage": {
			step: inferencetest.Step{},
			want: `{"id":"chatcmpl-inferencetest-1","object":"chat.completion","created":1700000000,"model":"org/model",
				"choices":[{"index":0,"message":{"role":"assistant","content":null},"logprobs":null,"finish_reason":"stop"}],
				"usage":{"prompt_tokens":0,"completion_tokens":0,"total_tokens":0}}`,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			srv := inferencetest.NewServer(t, tt.step)
			resp := mustPost(t, srv.URL, `{"model":"org/model","messages":[]}`)
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
				t.Errorf("status %d, Content-Type %q; want 200, application/json", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			sameJSON(t, "reply", string(body), tt.want)
		})
	}
}

func TestNonStreamingTruncated(t *testing.T) {
	srv := inferencetest.NewServer(t, inferencetest.Truncated(1, "some text"))
	resp := mustPost(t, srv.URL, `{}`)
	if _, err := io.ReadAll(resp.Body); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("reading body: %v, want io.ErrUnexpectedEOF", err)
	}
}

func TestHTTPError(t *testing.T) {
	step := inferencetest.HTTPError(http.StatusTooManyRequests, `{"error":{"message":"slow down"}}`)
	step.Header = http.Header{"Retry-After": {"2"}, "X-Request-Id": {"req-42"}}
	srv := inferencetest.NewServer(t, step, inferencetest.Step{
		Status: http.StatusBadGateway, Body: "<html>bad gateway</html>",
		Header: http.Header{"Content-Type": {"text/html"}},
	})

	resp := mustPost(t, srv.URL, streamRequest)
	body, _ := io.ReadAll(resp.Body)
	got := fmt.Sprintf("%d %s %s %s %s", resp.StatusCode, resp.Header.Get("Content-Type"),
		resp.Header.Get("Retry-After"), resp.Header.Get("X-Request-Id"), body)
	if want := `429 application/json 2 req-42 {"error":{"message":"slow down"}}`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}

	resp = mustPost(t, srv.URL, streamRequest)
	body, _ = io.ReadAll(resp.Body)
	got = fmt.Sprintf("%d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	if want := `502 text/html <html>bad gateway</html>`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestRequestsAreRecorded(t *testing.T) {
	srv := inferencetest.NewServer(t, inferencetest.Step{Path: "/v1/chat/completions"})
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost,
		srv.URL+"/v1/chat/completions?api-version=1", strings.NewReader(`{"model":"m","n":2}`))
	req.Header.Set("X-Test", "yes")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	got := srv.Request(0)
	if got.Method != http.MethodPost || got.Path != "/v1/chat/completions?api-version=1" || got.Header.Get("X-Test") != "yes" {
		t.Errorf("recorded %s %s with X-Test %q", got.Method, got.Path, got.Header.Get("X-Test"))
	}
	if want := map[string]any{"model": "m", "n": 2.0}; !reflect.DeepEqual(got.JSON(t), want) {
		t.Errorf("JSON() = %v, want %v", got.JSON(t), want)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("len(Requests()) = %d, want 1", n)
	}
}

func TestRequireToken(t *testing.T) {
	tb := &fakeTB{}
	srv := inferencetest.NewServer(tb, inferencetest.Text("ok"))
	srv.RequireToken("hf_good")

	resp := mustPost(t, srv.URL, `{}`)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusUnauthorized || string(body) != `{"error":"Invalid credentials in Authorization header"}` {
		t.Errorf("without token: %d %s, want 401 and the router's message", resp.StatusCode, body)
	}

	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL, strings.NewReader(`{}`))
	req.Header.Set("Authorization", "Bearer hf_good")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("with token: status %d, want 200 from the step the 401 left unconsumed", resp.StatusCode)
	}

	errs := tb.finish()
	if len(errs) != 1 || !strings.Contains(errs[0], "request 1") || !strings.Contains(errs[0], "bearer token") {
		t.Errorf("reported %q, want one error about request 1's bearer token", errs)
	}
	if n := len(srv.Requests()); n != 2 {
		t.Errorf("recorded %d requests, want 2", n)
	}
}

func TestUnconsumedStepsAreReported(t *testing.T) {
	tb := &fakeTB{}
	srv := inferencetest.NewServer(tb, inferencetest.Text("a"), inferencetest.HTTPError(500, `{}`))
	mustPost(t, srv.URL, `{}`).Body.Close()
	errs := tb.finish()
	if len(errs) != 1 || !strings.Contains(errs[0], "1 of 2 scripted steps not consumed") {
		t.Errorf("reported %q, want one error saying 1 of 2 steps were not consumed", errs)
	}
}

func TestUnexpectedRequest(t *testing.T) {
	tb := &fakeTB{}
	srv := inferencetest.NewServer(tb)
	resp := mustPost(t, srv.URL, `{}`)
	body, _ := io.ReadAll(resp.Body)
	const msg = "inferencetest: unexpected request 1: POST /v1/chat/completions"
	if resp.StatusCode != http.StatusInternalServerError || string(body) != `{"error":{"message":"`+msg+`"}}` {
		t.Errorf("got %d %s, want 500 with %q", resp.StatusCode, body, msg)
	}
	if errs := tb.finish(); !reflect.DeepEqual(errs, []string{msg}) {
		t.Errorf("reported %q, want [%q]", errs, msg)
	}
}

func TestPathMismatch(t *testing.T) {
	tb := &fakeTB{}
	srv := inferencetest.NewServer(tb, inferencetest.Step{Path: "/v1/embeddings"})
	resp := mustPost(t, srv.URL, `{}`)
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("status %d, want 404", resp.StatusCode)
	}
	if errs := tb.finish(); len(errs) != 1 || !strings.Contains(errs[0], "want path /v1/embeddings") {
		t.Errorf("reported %q, want one path mismatch (and the step counted as consumed)", errs)
	}
}

func TestConcurrentRequests(t *testing.T) {
	const n = 20
	steps := make([]inferencetest.Step, n)
	for i := range steps {
		steps[i] = inferencetest.Text("x", "y")
	}
	srv := inferencetest.NewServer(t, steps...)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			resp, err := post(t.Context(), t, srv.URL, streamRequest)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			// events would call t.Fatalf, which only the test goroutine may.
			body, err := io.ReadAll(resp.Body)
			if got := strings.Count(string(body), "data: "); err != nil || got != 4 {
				t.Errorf("got %d events, err %v; want 4", got, err)
			}
		})
	}
	wg.Wait()
	if got := len(srv.Requests()); got != n {
		t.Errorf("recorded %d requests, want %d", got, n)
	}
}
