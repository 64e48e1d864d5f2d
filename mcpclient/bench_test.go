package mcpclient_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// BenchmarkTurnStream measures a turn's cost per streamed chunk, events
// included: a 10,000-chunk text answer served from memory, consumed through
// ProcessSingleTurnWithTools as the CLI consumes it.
func BenchmarkTurnStream(b *testing.B) {
	const n = 10_000
	prefix := `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1763800000,"model":"bench-model","choices":[{"index":0,"delta":`
	var body bytes.Buffer
	for range n {
		body.WriteString(prefix + `{"content":" lorem ipsum"},"finish_reason":null}]}` + "\n\n")
	}
	body.WriteString(prefix + `{},"finish_reason":"stop"}]}` + "\n\ndata: [DONE]\n\n")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Write(body.Bytes())
	}))
	defer srv.Close()
	c, err := mcpclient.New(mcpclient.WithModel("bench-model"),
		mcpclient.WithInferenceOptions(inference.WithBaseURL(srv.URL+"/v1"), inference.WithToken("none")))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	b.SetBytes(int64(body.Len()))
	b.ReportAllocs()
	for b.Loop() {
		msgs := []inference.ChatMessage{{Role: inference.RoleUser, Content: "go"}}
		chunks := 0
		for ev, err := range c.ProcessSingleTurnWithTools(b.Context(), &msgs, mcpclient.TurnOptions{}) {
			if err != nil {
				b.Fatal(err)
			}
			if _, ok := ev.(*mcpclient.ChunkEvent); ok {
				chunks++
			}
		}
		if chunks != n+1 {
			b.Fatalf("got %d chunks, want %d", chunks, n+1)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*(n+1)), "ns/chunk")
}
