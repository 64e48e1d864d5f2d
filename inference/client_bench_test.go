package inference_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

// streamBody is a 10,000-chunk SSE chat stream, shaped like benchStream in
// bench_test.go.
func streamBody(n int) []byte {
	prefix := `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1763800000,"model":"bench-model","choices":[{"index":0,"delta":`
	var b bytes.Buffer
	for range n {
		b.WriteString(prefix + `{"content":" lorem ipsum"},"finish_reason":null}]}` + "\n\n")
	}
	b.WriteString(prefix + `{},"finish_reason":"stop"}]}` + "\n\ndata: [DONE]\n\n")
	return b.Bytes()
}

// BenchmarkStreamClient measures the whole client read path, HTTP included,
// per chunk: the idle timeout's watchdog must cost next to nothing.
func BenchmarkStreamClient(b *testing.B) {
	const n = 10_000
	body := streamBody(n)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Write(body)
	}))
	defer srv.Close()
	for _, bc := range []struct {
		name string
		opts []inference.Option
	}{
		{"default", nil},
		{"idle timeout", []inference.Option{inference.WithIdleTimeout(2 * time.Minute)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c, err := inference.NewClient(append([]inference.Option{inference.WithBaseURL(srv.URL), inference.WithToken("x")}, bc.opts...)...)
			if err != nil {
				b.Fatal(err)
			}
			in := &inference.ChatCompletionInput{Messages: []inference.ChatMessage{{Role: inference.RoleUser, Content: "hi"}}}
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				got := 0
				for _, err := range c.ChatCompletionStream(b.Context(), in) {
					if err != nil {
						b.Fatal(err)
					}
					got++
				}
				if got != n+1 {
					b.Fatalf("got %d chunks, want %d", got, n+1)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*(n+1)), "ns/chunk")
		})
	}
}
