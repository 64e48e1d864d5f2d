package inference_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

// TestStreamCutInsideAnEvent: a chunked body cut in the middle of an
// event reads as one cut between events does.
func TestStreamCutInsideAnEvent(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, `data: {"choices":[{"index":0,"delta":{"content":"a"}}]}`+"\n\n")
		io.WriteString(w, `data: {"choices":[{"index":0,"del`)
		w.(http.Flusher).Flush()
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		buf.Flush()
		conn.Close() // no terminating chunk: the chunked body is cut
	}))
	defer srv.Close()
	c := newClient(t, inference.WithBaseURL(srv.URL))
	chunks, err := collect(c.ChatCompletionStream(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")}))
	if len(chunks) != 1 || !errors.Is(err, io.ErrUnexpectedEOF) || !strings.Contains(err.Error(), "stream ended before [DONE] or a finish reason") {
		t.Errorf("chunks %d, err %v", len(chunks), err)
	}
}

// TestAccumulatorIndexOutOfBoundsIsMalformed: an index past the bounds is
// a malformed stream, which callers (and the CLI's error kinds) can tell.
func TestAccumulatorIndexOutOfBoundsIsMalformed(t *testing.T) {
	for name, raw := range map[string]string{
		"choice":    `data: {"choices":[{"index":100000,"delta":{"content":"a"}}]}` + "\n\n",
		"tool call": `data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":5000,"id":"c","function":{"name":"f","arguments":"{}"}}]}}]}` + "\n\n",
	} {
		t.Run(name, func(t *testing.T) {
			srv := inferencetest.NewServer(t, inferencetest.Raw(raw+"data: [DONE]\n\n"))
			c := newClient(t, inference.WithBaseURL(srv.URL))
			var acc inference.ChatCompletionAccumulator
			var err error
			for chunk, e := range c.ChatCompletionStream(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")}) {
				if err = e; err == nil {
					err = acc.Add(chunk)
				}
				if err != nil {
					break
				}
			}
			if !errors.Is(err, inference.ErrMalformedStream) || !strings.Contains(err.Error(), "outside [0,") {
				t.Errorf("err = %v, want a malformed stream naming the bound", err)
			}
		})
	}
}
