package inference_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

const idle = 2 * time.Minute

// sseChunk is a content chunk of a chat stream.
func sseChunk(content string) string {
	return `data: {"choices":[{"index":0,"delta":{"content":"` + content + `"},"finish_reason":null}]}` + "\n\n"
}

const sseFinish = `data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}` + "\n\ndata: [DONE]\n\n"

// streamThen writes the headers of a stream and its first chunk, then calls
// rest.
func streamThen(rest func(w http.ResponseWriter, r *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, sseChunk("first"))
		w.(http.Flusher).Flush()
		rest(w, r)
	}
}

// hang blocks until the client goes away.
func hang(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }

func TestIdleTimeout(t *testing.T) {
	slow := func(every time.Duration, n int) http.HandlerFunc {
		return streamThen(func(w http.ResponseWriter, r *http.Request) {
			for range n {
				time.Sleep(every)
				io.WriteString(w, sseChunk("more"))
				w.(http.Flusher).Flush()
			}
			time.Sleep(every)
			io.WriteString(w, sseFinish)
		})
	}
	tests := map[string]struct {
		handler     http.HandlerFunc
		stream      bool
		opts        []inference.Option
		callerLimit time.Duration // a deadline on the caller's context, if > 0
		wantChunks  int
		wantErr     func(error) bool // nil: success
		wantElapsed time.Duration
	}{
		"before headers": {
			handler: hang, stream: true,
			wantErr: isIdleTimeout, wantElapsed: idle,
		},
		"before headers, not streamed": {
			handler: hang,
			wantErr: isIdleTimeout, wantElapsed: idle,
		},
		"stalled stream": {
			handler: streamThen(hang), stream: true,
			wantChunks: 1, wantErr: isIdleTimeout, wantElapsed: idle,
		},
		"stall after a slow start": {
			handler: streamThen(func(w http.ResponseWriter, r *http.Request) {
				time.Sleep(idle - time.Second)
				io.WriteString(w, sseChunk("late"))
				w.(http.Flusher).Flush()
				hang(w, r)
			}),
			stream: true, wantChunks: 2, wantErr: isIdleTimeout, wantElapsed: 2*idle - time.Second,
		},
		"non-streamed body stalls": {
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Length", "1000")
				io.WriteString(w, `{"choices":[`)
				w.(http.Flusher).Flush()
				hang(w, r)
			},
			wantErr: isIdleTimeout, wantElapsed: idle,
		},
		"slow steady stream completes": {
			handler: slow(idle-time.Second, 5), stream: true,
			wantChunks: 7, wantElapsed: 6 * (idle - time.Second),
		},
		"slow steady stream, with a longer total timeout than the stream": {
			handler: slow(idle/2, 10), stream: true, opts: []inference.Option{inference.WithTimeout(time.Hour)},
			wantChunks: 12, wantElapsed: 11 * idle / 2,
		},
		"the per-attempt timeout comes first": {
			handler: hang, stream: true, opts: []inference.Option{inference.WithTimeout(time.Minute)},
			wantErr: func(err error) bool {
				return errors.Is(err, inference.ErrTimeout) && !errors.Is(err, inference.ErrIdleTimeout)
			},
			wantElapsed: time.Minute,
		},
		"the caller's deadline comes first": {
			handler: streamThen(hang), stream: true, callerLimit: time.Minute,
			wantChunks: 1,
			wantErr: func(err error) bool {
				return errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, inference.ErrIdleTimeout)
			},
			wantElapsed: time.Minute,
		},
		"disabled": {
			handler: slow(time.Hour, 1), stream: true, opts: []inference.Option{inference.WithIdleTimeout(0)},
			wantChunks: 3, wantElapsed: 2 * time.Hour,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var requests atomic.Int32
				hc := servePipe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					requests.Add(1)
					io.Copy(io.Discard, r.Body)
					tt.handler(w, r)
				}))
				opts := append([]inference.Option{inference.WithBaseURL(pipeURL), inference.WithHTTPClient(hc),
					inference.WithIdleTimeout(idle), inference.WithMaxRetries(3)}, tt.opts...)
				c := newClient(t, opts...)
				ctx := t.Context()
				if tt.callerLimit > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tt.callerLimit)
					defer cancel()
				}
				in := &inference.ChatCompletionInput{Messages: userMessage("hi")}
				start := time.Now()
				var chunks int
				var err error
				if tt.stream {
					var got []inference.ChatCompletionStreamOutput
					got, err = collect(c.ChatCompletionStream(ctx, in))
					chunks = len(got)
				} else {
					_, err = c.ChatCompletion(ctx, in)
				}
				elapsed := time.Since(start)
				switch {
				case tt.wantErr == nil && err != nil:
					t.Errorf("err = %v, want success", err)
				case tt.wantErr != nil && (err == nil || !tt.wantErr(err)):
					t.Errorf("err = %v", err)
				}
				if chunks != tt.wantChunks {
					t.Errorf("got %d chunks, want %d", chunks, tt.wantChunks)
				}
				if elapsed != tt.wantElapsed {
					t.Errorf("the call took %s, want %s", elapsed, tt.wantElapsed)
				}
				if n := requests.Load(); n != 1 {
					t.Errorf("%d requests, want 1: a timeout is not retried", n)
				}
			})
		})
	}
}

func isIdleTimeout(err error) bool {
	return errors.Is(err, inference.ErrIdleTimeout) && errors.Is(err, inference.ErrTimeout) &&
		errors.Is(err, context.DeadlineExceeded) &&
		err.Error() == "inference: POST "+pipeURL+"/v1/chat/completions: no data from the server for 2m0s (idle timeout)"
}

// TestIdleTimeoutCountsUpload checks that a request body the server reads
// slowly, as a slow link would take it, is not taken for a silent server:
// 4 KiB every 7.5 s, so that the transport's 32 KiB copies each take a
// minute.
func TestIdleTimeoutCountsUpload(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		hc := servePipe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			buf := make([]byte, 4<<10)
			for {
				select {
				case <-time.After(idle / 16):
				case <-r.Context().Done():
					return
				}
				if _, err := r.Body.Read(buf); err != nil {
					break
				}
			}
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}`)
		}))
		c := newClient(t, inference.WithBaseURL(pipeURL), inference.WithHTTPClient(hc), inference.WithIdleTimeout(idle))
		start := time.Now()
		_, err := c.ChatCompletion(t.Context(), &inference.ChatCompletionInput{Messages: userMessage(strings.Repeat("x", 256<<10))})
		if err != nil {
			t.Fatal(err)
		}
		if elapsed := time.Since(start); elapsed < 4*idle {
			t.Errorf("the upload took %s, want a slow one, longer than the idle timeout", elapsed)
		}
	})
}

// TestIdleTimeoutOnLoopback runs the watchdog against real sockets and the
// fake server's stalls and intervals.
func TestIdleTimeoutOnLoopback(t *testing.T) {
	const idle = 300 * time.Millisecond
	tests := map[string]struct {
		step    inferencetest.Step
		stream  bool
		wantErr bool
	}{
		"unresponsive":               {step: inferencetest.Unresponsive(), stream: true, wantErr: true},
		"stalled stream":             {step: inferencetest.Stalled(1, "a", "b"), stream: true, wantErr: true},
		"stalled non-streamed reply": {step: inferencetest.Step{Stall: true}, wantErr: true},
		"slow steady stream":         {step: inferencetest.Step{Text: []string{"a", "b", "c", "d"}, Interval: idle / 5}, stream: true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			srv := inferencetest.NewServer(t, tt.step)
			c := newClient(t, inference.WithBaseURL(srv.URL), inference.WithIdleTimeout(idle), inference.WithMaxRetries(3))
			in := &inference.ChatCompletionInput{Messages: userMessage("hi")}
			var err error
			if tt.stream {
				_, err = collect(c.ChatCompletionStream(t.Context(), in))
			} else {
				_, err = c.ChatCompletion(t.Context(), in)
			}
			if got := errors.Is(err, inference.ErrIdleTimeout); got != tt.wantErr {
				t.Errorf("err = %v, want an idle timeout: %t", err, tt.wantErr)
			}
			if n := len(srv.Requests()); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
		})
	}
}

func TestIdleTimeoutOption(t *testing.T) {
	if _, err := inference.NewClient(inference.WithIdleTimeout(-time.Second)); !errors.Is(err, inference.ErrInvalidOption) {
		t.Errorf("negative idle timeout: err = %v, want ErrInvalidOption", err)
	}
}
