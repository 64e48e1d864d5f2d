package inference

import (
	"bytes"
	"strings"
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

// BenchmarkDecodeChunk measures the chunk decoder alone on a short delta
// (fakellm's " lorem ipsum"), a long one (a provider that sends a sentence
// per chunk) and a tool-call argument delta.
func BenchmarkDecodeChunk(b *testing.B) {
	prefix := `{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1763800000,"model":"bench-model","choices":[{"index":0,"delta":`
	long := strings.Repeat("The quick brown fox jumps over the lazy dog. ", 6)
	for _, bc := range []struct{ name, data string }{
		{"short", prefix + `{"content":" lorem ipsum"},"finish_reason":null}]}`},
		{"long", prefix + `{"content":"` + long + `"},"finish_reason":null}]}`},
		{"tool_args", prefix + `{"tool_calls":[{"index":0,"function":{"arguments":"{\"path\": \"/srv/data/reports/2026/q3/summary.md\", \"offset\": 120"}}]},"finish_reason":null}]}`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.data)))
			b.ReportAllocs()
			var slab choiceSlab
			for b.Loop() {
				var c ChatCompletionStreamOutput
				if err := decodeChunk(bc.data, &c, &slab); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
