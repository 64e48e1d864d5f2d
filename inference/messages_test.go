package inference_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

// deadURL returns the URL of a loopback port nothing listens on.
func deadURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := "http://" + ln.Addr().String()
	ln.Close()
	return u
}

// TestChatErrorsSayInferenceOnce checks the messages of the chat and stream
// failures: the package prefix comes once, at the start, and where the
// message is fully known it is checked whole.
func TestChatErrorsSayInferenceOnce(t *testing.T) {
	type setup struct {
		opts   []inference.Option
		stream bool
		ctx    func(context.Context) (context.Context, context.CancelFunc)
	}
	tests := map[string]struct {
		steps []inferencetest.Step
		setup func(t *testing.T, srvURL string) setup
		want  func(srvURL, hubURL string) string // "" checks the prefix only
	}{
		"malformed chunk": {
			steps: []inferencetest.Step{inferencetest.Raw("data: {oops\n\n")},
			setup: func(t *testing.T, u string) setup {
				return setup{opts: []inference.Option{inference.WithBaseURL(u)}, stream: true}
			},
			want: func(u, _ string) string {
				return `inference: chat completion stream from ` + u + `/v1/chat/completions: malformed stream chunk "{oops": expected a key at offset 1`
			},
		},
		"truncated stream": {
			steps: []inferencetest.Step{inferencetest.Truncated(1, "a", "b")},
			setup: func(t *testing.T, u string) setup {
				return setup{opts: []inference.Option{inference.WithBaseURL(u)}, stream: true}
			},
			want: func(u, _ string) string {
				return `inference: chat completion stream from ` + u + `/v1/chat/completions: stream ended before [DONE] or a finish reason: unexpected EOF`
			},
		},
		"error event": {
			steps: []inferencetest.Step{{Text: []string{"a"}, ErrorEvent: "overloaded"}},
			setup: func(t *testing.T, u string) setup {
				return setup{opts: []inference.Option{inference.WithBaseURL(u)}, stream: true}
			},
			want: func(string, string) string { return "inference: error in stream: overloaded" },
		},
		"caller's deadline": {
			steps: []inferencetest.Step{inferencetest.Stalled(1, "a", "b")},
			setup: func(t *testing.T, u string) setup {
				return setup{opts: []inference.Option{inference.WithBaseURL(u)}, stream: true,
					ctx: func(ctx context.Context) (context.Context, context.CancelFunc) {
						return context.WithTimeout(ctx, 50*time.Millisecond)
					}}
			},
			want: func(u, _ string) string {
				return "inference: timeout: chat completion stream from " + u + "/v1/chat/completions: context deadline exceeded"
			},
		},
		"idle timeout": {
			steps: []inferencetest.Step{inferencetest.Stalled(1, "a", "b")},
			setup: func(t *testing.T, u string) setup {
				return setup{opts: []inference.Option{inference.WithBaseURL(u), inference.WithIdleTimeout(50 * time.Millisecond)}, stream: true}
			},
			want: func(u, _ string) string {
				return "inference: POST " + u + "/v1/chat/completions: no data from the server for 50ms (idle timeout)"
			},
		},
		"connection refused": {
			setup: func(t *testing.T, _ string) setup {
				return setup{opts: []inference.Option{inference.WithBaseURL(deadURL(t)), inference.WithMaxRetries(0)}}
			},
		},
		"model unknown to the Hub": {
			setup: func(t *testing.T, u string) setup {
				return setup{opts: []inference.Option{inference.WithModel("org/missing"), inference.WithProvider("groq"), inference.WithToken("hf_tok")}}
			},
			want: func(_, hub string) string {
				return "inference: looking up providers of org/missing on the Hub: GET " + hub +
					"/api/models/org/missing: 404 Not Found: Repository not found (request id hub-req-1)"
			},
		},
		"Hub unreachable": {
			setup: func(t *testing.T, u string) setup {
				return setup{opts: []inference.Option{inference.WithModel("org/model"), inference.WithProvider("groq"),
					inference.WithToken("hf_tok"), inference.WithHubURL(deadURL(t)), inference.WithMaxRetries(0)}}
			},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			srv := inferencetest.NewServer(t, tt.steps...)
			hub := inferencetest.NewHub(t)
			s := tt.setup(t, srv.URL)
			c := newClient(t, append([]inference.Option{inference.WithHubURL(hub.URL), inference.WithRouterURL(srv.URL)}, s.opts...)...)
			ctx := t.Context()
			if s.ctx != nil {
				var cancel context.CancelFunc
				ctx, cancel = s.ctx(ctx)
				defer cancel()
			}
			in := &inference.ChatCompletionInput{Messages: userMessage("hi")}
			var err error
			if s.stream {
				_, err = collect(c.ChatCompletionStream(ctx, in))
			} else {
				_, err = c.ChatCompletion(ctx, in)
			}
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if i := strings.Index(msg, "http://"); i >= 0 {
				url := strings.Fields(msg[i:])[0]
				url = strings.TrimRight(url, ":")
				if n := strings.Count(msg, strings.TrimSuffix(url, "/v1/chat/completions")); n != 1 {
					t.Errorf("%q names its URL %d times", msg, n)
				}
			}
			if !strings.HasPrefix(msg, "inference: ") || strings.Count(msg, "inference:") != 1 {
				t.Errorf("err = %s\nwant one \"inference:\", at the start", msg)
			}
			if tt.want != nil {
				if want := tt.want(srv.URL, hub.URL); msg != want {
					t.Errorf("err = %s\nwant  %s", msg, want)
				}
			}
		})
	}
}
