package inference

import (
	"bytes"
	"testing"
)

// benchStream builds an SSE body shaped like ../shared/bench/fakellm's
// stream mode: n chunks of " lorem ipsum", a finish chunk, [DONE].
func benchStream(n int) []byte {
	prefix := `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1763800000,"model":"bench-model","choices":[{"index":0,"delta":`
	var b bytes.Buffer
	b.WriteString(prefix + `{"role":"assistant","content":" lorem ipsum"},"finish_reason":null}]}` + "\n\n")
	for i := 1; i < n; i++ {
		b.WriteString(prefix + `{"content":" lorem ipsum"},"finish_reason":null}]}` + "\n\n")
	}
	b.WriteString(prefix + `{},"finish_reason":"stop"}]}` + "\n\ndata: [DONE]\n\n")
	return b.Bytes()
}

// BenchmarkReadChatStream measures parsing and decoding alone, per chunk.
func BenchmarkReadChatStream(b *testing.B) {
	const n = 10_000
	body := benchStream(n)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		got := 0
		err := readChatStream(bytes.NewReader(body), func(c ChatCompletionStreamOutput, _ error) bool {
			got += len(c.Choices)
			return true
		})
		if err != nil || got != n+1 {
			b.Fatalf("got %d chunks, err %v", got, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*(n+1)), "ns/chunk")
}

// BenchmarkAccumulate100k merges a 100,000-chunk stream: the cost must stay
// linear in the stream's length.
func BenchmarkAccumulate100k(b *testing.B) {
	chunk := ChatCompletionStreamOutput{Choices: []ChatCompletionStreamOutputChoice{{Delta: StreamDelta{Content: " lorem ipsum"}}}}
	b.ReportAllocs()
	for b.Loop() {
		var acc ChatCompletionAccumulator
		for range 100_000 {
			if err := acc.Add(chunk); err != nil {
				b.Fatal(err)
			}
		}
		if len(acc.Message().Content) != 1_200_000 {
			b.Fatal("wrong length")
		}
	}
}
