package inference_test

import (
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

// bombSize is what the gzip bomb inflates to; about 1.3 MiB goes on the
// wire for it.
const bombSize = 1 << 30

// gzipBomb answers with a gzip body of contentType that inflates to
// bombSize zeros, compressed as it is written (never held in memory) and
// flushed per MiB so that the client sees it arrive. It stops when the
// client goes away.
func gzipBomb(contentType string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // lets the server notice the client leaving
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Encoding", "gzip")
		zw, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
		rc := http.NewResponseController(w)
		zeros := make([]byte, 1<<20)
		for n := 0; n < bombSize && r.Context().Err() == nil; n += len(zeros) {
			if _, err := zw.Write(zeros); err != nil || zw.Flush() != nil || rc.Flush() != nil {
				return
			}
		}
		zw.Close()
	}
}

// TestGzipBomb sends a body that inflates to 1 GiB to calls limited to 1
// MiB: each fails with ErrResponseTooLarge, having allocated a few MiB.
// The transport decodes gzip itself for the package's own client; a
// client with compression disabled hands the encoded body over and the
// package decodes it.
func TestGzipBomb(t *testing.T) {
	const limit = 1 << 20
	calls := map[string]struct {
		contentType string
		call        func(c *inference.Client) error
		want        string
	}{
		"chat": {"application/json", func(c *inference.Client) error {
			_, err := c.ChatCompletion(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")})
			return err
		}, "inference: chat completion from http://127.0.0.1:PORT/v1/chat/completions: response body is larger than the 1 MiB limit for JSON answers (WithMaxResponseBytes raises it)"},
		"text classification": {"application/json", func(c *inference.Client) error {
			_, err := c.TextClassification(t.Context(), "hi", nil)
			return err
		}, "inference: text-classification from http://127.0.0.1:PORT: response body is larger than the 1 MiB limit for JSON answers (WithMaxResponseBytes raises it)"},
		"text to image": {"image/png", func(c *inference.Client) error {
			_, err := c.TextToImage(t.Context(), "a cat", nil)
			return err
		}, "inference: text-to-image from http://127.0.0.1:PORT: response body is larger than the 2 MiB limit for media answers (WithMaxResponseBytes raises it)"},
	}
	clients := map[string]func() inference.Option{
		"transport decodes": func() inference.Option { return inference.WithMaxRetries(0) },
		"client does not decode": func() inference.Option {
			tr := &http.Transport{DisableCompression: true}
			t.Cleanup(tr.CloseIdleConnections)
			return inference.WithHTTPClient(&http.Client{Transport: tr})
		},
	}
	for name, tt := range calls {
		for cname, opt := range clients {
			t.Run(name+"/"+cname, func(t *testing.T) {
				srv := httptest.NewServer(gzipBomb(tt.contentType))
				defer srv.Close()
				c := newClient(t, inference.WithModel(srv.URL), inference.WithMaxResponseBytes(limit, 2*limit), opt())
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				err := tt.call(c)
				runtime.ReadMemStats(&after)
				if !errors.Is(err, inference.ErrResponseTooLarge) {
					t.Fatalf("err = %v, want ErrResponseTooLarge", err)
				}
				if got := strings.ReplaceAll(err.Error(), strings.TrimPrefix(srv.URL, "http://"), "127.0.0.1:PORT"); got != tt.want {
					t.Errorf("err = %s\nwant  %s", got, tt.want)
				}
				// The client and the server together: a gzip writer, a
				// gzip reader, the 1 MiB zeros and the capped buffer.
				if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 32<<20 {
					t.Errorf("the call allocated %d MiB for a %d MiB limit", alloc>>20, limit>>20)
				}
				if after.HeapInuse > before.HeapInuse+32<<20 {
					t.Errorf("heap in use grew from %d MiB to %d MiB", before.HeapInuse>>20, after.HeapInuse>>20)
				}
			})
		}
	}
}

// TestResponseLimitBoundary checks that a body of exactly the limit
// passes and one byte more fails, with and without a Content-Length.
func TestResponseLimitBoundary(t *testing.T) {
	const limit = 4096
	for _, chunked := range []bool{false, true} {
		for size, wantErr := range map[int]bool{limit: false, limit + 1: true} {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				w.Header().Set("Content-Type", "image/png")
				if chunked {
					w.(http.Flusher).Flush() // no Content-Length
				}
				w.Write(make([]byte, size))
			}))
			c := newClient(t, inference.WithModel(srv.URL), inference.WithMaxResponseBytes(1, limit))
			blob, err := c.TextToImage(t.Context(), "a cat", nil)
			if got := errors.Is(err, inference.ErrResponseTooLarge); got != wantErr {
				t.Errorf("chunked %t, %d bytes: err = %v, want too large: %t", chunked, size, err, wantErr)
			}
			if err == nil && len(blob.Data) != size {
				t.Errorf("chunked %t: got %d bytes, want %d", chunked, len(blob.Data), size)
			}
			srv.Close()
		}
	}
}

// TestPlainGzipAnswerIsDecoded checks that a gzip answer that a caller's
// client leaves encoded is decoded, not handed to the JSON decoder.
func TestPlainGzipAnswerIsDecoded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		io.WriteString(zw, `{"choices":[{"index":0,"message":{"role":"assistant","content":"unzipped"},"finish_reason":"stop"}]}`)
		zw.Close()
	}))
	defer srv.Close()
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	c := newClient(t, inference.WithBaseURL(srv.URL), inference.WithHTTPClient(&http.Client{Transport: tr}))
	out, err := c.ChatCompletion(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")})
	if err != nil {
		t.Fatal(err)
	}
	if got := out.Choices[0].Message.Content; got != "unzipped" {
		t.Errorf("content = %q, want %q", got, "unzipped")
	}
}

func TestMaxResponseBytesOption(t *testing.T) {
	if _, err := inference.NewClient(inference.WithMaxResponseBytes(-1, 0)); !errors.Is(err, inference.ErrInvalidOption) {
		t.Errorf("negative limit: err = %v, want ErrInvalidOption", err)
	}
}

// TestSSEEventTooLong sends a 20 MiB event: the error names the 16 MiB
// limit rather than bufio's "token too long".
func TestSSEEventTooLong(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, sseChunk("first"))
		io.WriteString(w, `data: {"choices":[{"index":0,"delta":{"content":"`)
		chunk := strings.Repeat("x", 1<<20)
		for range 20 {
			if _, err := io.WriteString(w, chunk); err != nil {
				return
			}
		}
		io.WriteString(w, "\"}}]}\n\n"+sseFinish)
	}))
	defer srv.Close()
	c := newClient(t, inference.WithBaseURL(srv.URL))
	chunks, err := collect(c.ChatCompletionStream(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")}))
	if len(chunks) != 1 {
		t.Errorf("got %d chunks before the error, want 1", len(chunks))
	}
	want := "inference: chat completion stream from " + srv.URL + "/v1/chat/completions: an SSE event is longer than the 16 MiB limit"
	if err == nil || err.Error() != want || !errors.Is(err, inference.ErrResponseTooLarge) {
		t.Errorf("err = %v\nwant  %s (matching ErrResponseTooLarge)", err, want)
	}
}
