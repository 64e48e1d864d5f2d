package inference_test

import (
	"errors"
	"net/http"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

// hookRecorder keeps what the retry hook received, without Err, which is
// checked apart.
type hookRecorder struct {
	mu    sync.Mutex
	infos []inference.RetryInfo
}

func (h *hookRecorder) hook(info inference.RetryInfo) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.infos = append(h.infos, info)
}

func TestRetryHook(t *testing.T) {
	retryAfter := func(v string) http.Header { return http.Header{"Retry-After": {v}} }
	// backoff is the delay of the first retry with newClient's 1ms base:
	// between half of it and all of it.
	backoff := func(d time.Duration) bool { return d >= 500*time.Microsecond && d <= time.Millisecond }
	type want struct {
		status int
		wait   func(time.Duration) bool
	}
	tests := map[string]struct {
		steps []inferencetest.Step
		want  []want
	}{
		"429 with Retry-After": {
			steps: []inferencetest.Step{{Status: 429, Header: retryAfter("0.05"), Body: `{"error":"slow down"}`}, inferencetest.Text("ok")},
			want:  []want{{429, func(d time.Duration) bool { return d == 50*time.Millisecond }}},
		},
		"503": {
			steps: []inferencetest.Step{inferencetest.HTTPError(503, "busy"), inferencetest.Text("ok")},
			want:  []want{{503, backoff}},
		},
		"408": {
			steps: []inferencetest.Step{inferencetest.HTTPError(408, "request timeout"), inferencetest.Text("ok")},
			want:  []want{{408, backoff}},
		},
		"connection reset": {
			steps: []inferencetest.Step{inferencetest.ResetConnection(), inferencetest.Text("ok")},
			want:  []want{{0, backoff}},
		},
		"three failures in a row": {
			steps: []inferencetest.Step{inferencetest.HTTPError(502, "gw"), {Status: 429, Header: retryAfter("0")},
				inferencetest.ResetConnection(), inferencetest.Text("ok")},
			want: []want{{502, backoff}, {429, func(d time.Duration) bool { return d > 0 && d <= 5*time.Millisecond }},
				{0, func(d time.Duration) bool { return d > 0 && d <= 5*time.Millisecond }}},
		},
		"not retried": {
			steps: []inferencetest.Step{inferencetest.HTTPError(400, "bad")},
		},
		"409 not retried": {
			steps: []inferencetest.Step{inferencetest.HTTPError(409, "conflict")},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			srv := inferencetest.NewServer(t, tt.steps...)
			var rec hookRecorder
			c := newClient(t, inference.WithBaseURL(srv.URL), inference.WithMaxRetries(3), inference.WithRetryHook(rec.hook))
			collect(c.ChatCompletionStream(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")}))
			if len(rec.infos) != len(tt.want) {
				t.Fatalf("hook called %d times, want %d: %+v", len(rec.infos), len(tt.want), rec.infos)
			}
			for i, got := range rec.infos {
				w := tt.want[i]
				if got.Op != "chat completion from "+srv.URL+"/v1/chat/completions" || got.Provider != "" ||
					got.StatusCode != w.status || got.Attempt != i+2 || got.MaxAttempts != 4 || !w.wait(got.Wait) {
					t.Errorf("call %d: %+v, want status %d, attempt %d of 4", i, got, w.status, i+2)
				}
				var he *inference.HTTPError
				switch isHTTP := errors.As(got.Err, &he); {
				case w.status != 0 && (!isHTTP || he.StatusCode != w.status):
					t.Errorf("call %d: Err = %v, want the HTTP %d", i, got.Err, w.status)
				case w.status == 0 && (got.Err == nil || isHTTP):
					t.Errorf("call %d: Err = %v, want the connection error", i, got.Err)
				}
			}
		})
	}
}

func TestRetryHookProvider(t *testing.T) {
	tests := map[string]struct {
		opts     []inference.Option
		op       string
		provider string
	}{
		"named provider": {
			opts: []inference.Option{inference.WithModel("org/model"), inference.WithProvider("groq")},
			op:   "chat completion from provider groq", provider: "groq",
		},
		"auto router": {
			opts: []inference.Option{inference.WithModel("org/model")},
			op:   "chat completion from provider auto", provider: inference.ProviderAuto,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			srv := inferencetest.NewServer(t, inferencetest.HTTPError(503, "busy"), inferencetest.Text("ok"))
			hub := hubWith(t, "groq")
			var rec hookRecorder
			opts := append([]inference.Option{inference.WithToken("hf_tok"), inference.WithHubURL(hub.URL),
				inference.WithRouterURL(srv.URL), inference.WithRetryHook(rec.hook)}, tt.opts...)
			c := newClient(t, opts...)
			if _, err := c.ChatCompletion(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")}); err != nil {
				t.Fatal(err)
			}
			if len(rec.infos) != 1 || rec.infos[0].Provider != tt.provider || rec.infos[0].Op != tt.op {
				t.Errorf("hook got %+v, want one retry of %q by %q", rec.infos, tt.op, tt.provider)
			}
		})
	}
}

func TestRetryHookTask(t *testing.T) {
	srv := inferencetest.NewServer(t, inferencetest.ResetConnection(), inferencetest.Step{Body: `[[0.5,0.25]]`})
	var rec hookRecorder
	c := newClient(t, inference.WithModel(srv.URL), inference.WithRetryHook(rec.hook))
	if _, err := c.FeatureExtraction(t.Context(), "hi", nil); err != nil {
		t.Fatal(err)
	}
	want := []inference.RetryInfo{{Op: "feature-extraction from " + srv.URL, Attempt: 2, MaxAttempts: 4}}
	for i := range rec.infos {
		rec.infos[i].Err, rec.infos[i].Wait = nil, 0
	}
	if !reflect.DeepEqual(rec.infos, want) {
		t.Errorf("hook got %+v\nwant %+v", rec.infos, want)
	}
}

func TestRetryAfterOverTheCap(t *testing.T) {
	srv := inferencetest.NewServer(t, inferencetest.Step{Status: 429, Header: http.Header{"Retry-After": {"3600"}}, Body: `{"error":"slow down"}`})
	var rec hookRecorder
	c := newClient(t, inference.WithBaseURL(srv.URL), inference.WithRetryHook(rec.hook))
	_, err := c.ChatCompletion(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")})
	want := "inference: POST " + srv.URL + "/v1/chat/completions: 429 Too Many Requests: slow down" +
		" (the server asked to retry after 3600s, more than the 60s the client waits)"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant  %s", err, want)
	}
	var he *inference.HTTPError
	if !errors.As(err, &he) || he.StatusCode != 429 {
		t.Errorf("err = %v, want an *HTTPError 429 inside", err)
	}
	if len(rec.infos) != 0 || len(srv.Requests()) != 1 {
		t.Errorf("%d hook calls, %d requests; want none and 1", len(rec.infos), len(srv.Requests()))
	}
}
