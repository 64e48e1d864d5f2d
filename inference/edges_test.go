package inference

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestReadBodyContentLengthOverLimit(t *testing.T) {
	resp := &http.Response{ContentLength: 11, Body: io.NopCloser(panicReader{})}
	c := &Client{maxJSON: 10, maxMedia: 1 << 20}
	if _, err := c.readBody(resp, false); !errors.Is(err, ErrResponseTooLarge) {
		t.Errorf("err = %v, want ErrResponseTooLarge before any read", err)
	}
}

type panicReader struct{}

func (panicReader) Read([]byte) (int, error) { panic("read past a Content-Length over the limit") }

func TestSizeString(t *testing.T) {
	tests := map[int64]string{1 << 30: "1 GiB", 256 << 20: "256 MiB", 3 << 10: "3 KiB", 1000: "1000 bytes", 1<<20 + 1: "1048577 bytes"}
	for n, want := range tests {
		if got := sizeString(n); got != want {
			t.Errorf("sizeString(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestRetryAfterEdges(t *testing.T) {
	tests := map[string]time.Duration{
		"":                              0,
		" 3 ":                           3 * time.Second,
		"-1":                            0,
		"NaN":                           0,
		"Inf":                           retryAfterCap,
		"1e300":                         retryAfterCap,
		"1e400":                         retryAfterCap,
		"86400":                         retryAfterCap,
		"Sun, 06 Nov 1994 08:49:37 GMT": 0,
		"Fri, 31 Dec 9999 23:59:59 GMT": retryAfterCap,
	}
	for in, want := range tests {
		if got := retryAfter(in); got != want {
			t.Errorf("retryAfter(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestServerMessageIsBounded(t *testing.T) {
	long := strings.Repeat("é", maxMessage)
	for _, body := range []string{`{"error":"` + long + `"}`, long, `{"errors":["` + long + `"]}`, strings.Repeat("\xff", 2*maxMessage)} {
		m := serverMessage([]byte(body))
		if len(m) > maxMessage+len("...") || !utf8.ValidString(m) || !strings.HasSuffix(m, "...") {
			t.Errorf("serverMessage of %d bytes gave %d bytes (valid UTF-8: %t), want at most %d ending in ...",
				len(body), len(m), utf8.ValidString(m), maxMessage+3)
		}
	}
}

// streamSeeds are SSE bodies in the shapes providers send.
var streamSeeds = []string{
	"data: " + chunkSeeds[0] + "\n\ndata: " + chunkSeeds[4] + "\n\ndata: [DONE]\n\n",
	"data: " + chunkSeeds[2] + "\r\n\r\ndata: " + chunkSeeds[3] + "\r\n\r\n: keep-alive\r\n\r\ndata: [DONE]\r\n\r\n",
	"\ufeffevent: error\ndata: {\"error\":{\"message\":\"overloaded\"}}\n\n",
	"data: {\"error\":\"quota\"}\n\n",
	"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n",
	"data: {\"choices\":[{\"index\":0,\"delta\":{},\n" + "data: \"finish_reason\":\"stop\"}]}\n\n",
	"id: 1\nretry: 10\ndata: " + chunkSeeds[5] + "\n\n",
	"data: {}\x00garbage\n\n",
}

// FuzzChatStream feeds arbitrary bytes to the stream reader: it never
// panics, yields only chunks, and ends cleanly only after [DONE] or a
// finish reason; stopping the consumer after n chunks is reported as
// errStopped.
func FuzzChatStream(f *testing.F) {
	for _, s := range streamSeeds {
		f.Add([]byte(s), uint8(255))
		f.Add([]byte(s), uint8(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, stopAfter uint8) {
		n, finished := 0, false
		err := readChatStream(bytes.NewReader(data), func(c ChatCompletionStreamOutput, err error) bool {
			if err != nil {
				t.Fatalf("yield got an error %v; errors are returned", err)
			}
			for _, ch := range c.Choices {
				finished = finished || ch.FinishReason != ""
			}
			n++
			return n <= int(stopAfter)
		})
		switch {
		case errors.Is(err, errStopped):
			if n != int(stopAfter)+1 {
				t.Fatalf("errStopped after %d chunks, the consumer stopped after %d", n, int(stopAfter)+1)
			}
		case err == nil:
			if !finished && !bytes.Contains(data, []byte("[DONE]")) {
				t.Fatalf("clean end without [DONE] or a finish reason for %q", data)
			}
		}
	})
}

// FuzzRetryAfter checks that any header value gives a wait in [0, cap],
// and that numbers are read as seconds.
func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"0", "2", "0.5", "120", "99999999999999999999", "-1", "1e300", "1e400", "Inf", "NaN", "0x1p4", " 7 ",
		"Wed, 21 Oct 2015 07:28:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", "soon", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d := retryAfter(v)
		if d < 0 || d > retryAfterCap {
			t.Fatalf("retryAfter(%q) = %s, want within [0, %s]", v, d, retryAfterCap)
		}
		// RFC 9110's form, delay-seconds = 1*DIGIT, read exactly.
		digits := strings.TrimSpace(v)
		if digits == "" || strings.Trim(digits, "0123456789") != "" {
			return
		}
		want := retryAfterCap
		if len(strings.TrimLeft(digits, "0")) <= 5 {
			n, _ := strconv.Atoi(digits)
			want = min(time.Duration(n)*time.Second, retryAfterCap)
		}
		if d != want {
			t.Fatalf("retryAfter(%q) = %s, want %s", v, d, want)
		}
	})
}

// FuzzServerMessage checks that any body gives a bounded, valid UTF-8
// message, and the error string itself for {"error":"..."}.
func FuzzServerMessage(f *testing.F) {
	for _, s := range []string{`{"error":"Model not found"}`, `{"error":{"message":"Rate limit","type":"requests"}}`,
		`{"message":"bad key"}`, `{"detail":[{"loc":["body"],"msg":"field required"}]}`, `{"errors":["a","b"]}`,
		"  upstream timed out \n", "<html><body>502 Bad Gateway</body></html>", "\xff\xfe", `{"error":""}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		m := serverMessage(body)
		if len(m) > maxMessage+len("...") || !utf8.ValidString(m) {
			t.Fatalf("serverMessage(%q) = %d bytes (valid UTF-8: %t), want valid and at most %d", body, len(m), utf8.ValidString(m), maxMessage+3)
		}
		var shape struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(bytes.TrimSpace(body), &shape) == nil && shape.Error != "" && m != clipMessage(shape.Error) {
			t.Fatalf("serverMessage(%q) = %q, want the error %q", body, m, shape.Error)
		}
	})
}
