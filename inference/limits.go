package inference

import (
	"compress/gzip"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
)

// Default bounds on a non-streaming answer, counted after decompression.
// Whatever a server sends, a call holds at most about this much of it in
// memory; past it, the call fails with an error matching
// [ErrResponseTooLarge]. [WithMaxResponseBytes] changes them.
//
// JSON answers (chat completions, the JSON tasks, job polls, the Hub's
// model info) get 256 MiB. The largest realistic ones are embeddings: a
// batch of 1,000 texts in 4,096 dimensions is 50 to 80 MB of JSON, token
// embeddings or logprobs of a long completion are of the same order. 256
// MiB passes them with room to spare and still stops a gzip bomb long
// before it costs gigabytes.
//
// Media answers (the bytes or the JSON of image, audio and video tasks,
// result and input downloads, and [Client.Post]) get 1 GiB: a minute of
// generated 1080p video is a few hundred megabytes, and a provider that
// returns media as base64 inside JSON adds a third.
const (
	// DefaultMaxJSONResponseBytes bounds a JSON answer: 256 MiB.
	DefaultMaxJSONResponseBytes = 256 << 20
	// DefaultMaxMediaResponseBytes bounds a media answer or download: 1 GiB.
	DefaultMaxMediaResponseBytes = 1 << 30
)

// WithMaxResponseBytes returns an Option that bounds the size of a
// non-streaming answer after decompression: jsonBytes for JSON answers,
// mediaBytes for media answers and downloads (see
// [DefaultMaxJSONResponseBytes] for which is which and why the defaults
// are what they are). Zero keeps a default. An answer is read up to the
// bound plus one byte and no further, into a buffer that never grows past
// that, so a gzip bomb costs about the bound in memory, not what it
// inflates to. A longer answer fails with an error matching
// [ErrResponseTooLarge] that names the limit. Streams are not bounded as
// a whole, only per event (16 MiB). NewClient returns an error wrapping
// [ErrInvalidOption] for a negative value.
func WithMaxResponseBytes(jsonBytes, mediaBytes int64) Option {
	return func(c *config) error {
		if jsonBytes < 0 || mediaBytes < 0 {
			return fmt.Errorf("%w: negative response size limit (%d, %d)", ErrInvalidOption, jsonBytes, mediaBytes)
		}
		if jsonBytes > 0 {
			c.maxJSON = min(jsonBytes, math.MaxInt-1)
		}
		if mediaBytes > 0 {
			c.maxMedia = min(mediaBytes, math.MaxInt-1)
		}
		return nil
	}
}

// tooLargeError is a size bound that an answer went past. Its message has
// no package prefix: classifyErr adds it with what the call was.
type tooLargeError struct{ msg string }

func (e *tooLargeError) Error() string { return e.msg }

// Is reports whether target is [ErrResponseTooLarge].
func (e *tooLargeError) Is(target error) bool { return target == ErrResponseTooLarge }

// bodyTooLarge says which limit a body went past and how to raise it:
// "response body is larger than the 256 MiB limit for JSON answers
// (WithMaxResponseBytes raises it)".
func bodyTooLarge(limit int64, media bool) error {
	kind := "JSON"
	if media {
		kind = "media"
	}
	return &tooLargeError{msg: fmt.Sprintf("response body is larger than the %s limit for %s answers (WithMaxResponseBytes raises it)",
		sizeString(limit), kind)}
}

// eventTooLarge is the error of a server-sent event longer than
// maxEventSize.
func eventTooLarge() error {
	return &tooLargeError{msg: "an SSE event is longer than the " + sizeString(maxEventSize) + " limit"}
}

// sizeString writes n in the largest binary unit that divides it.
func sizeString(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// readBody reads resp's body whole, failing with a [tooLargeError] as soon
// as it holds more than the client's limit for a media or a JSON answer. A Content-Length over the limit fails
// before anything is read, and one under it sizes the buffer at once; an
// unknown length grows the buffer by doubling, never past limit+1, so the
// memory used stays under about 1.5 times the limit.
func (c *Client) readBody(resp *http.Response, media bool) ([]byte, error) {
	limit := c.maxJSON
	if media {
		limit = c.maxMedia
	}
	if resp.ContentLength > limit {
		return nil, bodyTooLarge(limit, media)
	}
	size := int64(512)
	if resp.ContentLength >= 0 {
		size = resp.ContentLength + 1 // room for the read that sees EOF
	}
	b := make([]byte, 0, min(size, limit+1))
	for {
		if len(b) == cap(b) {
			nb := make([]byte, len(b), min(max(2*int64(cap(b)), 512), limit+1))
			copy(nb, b)
			b = nb
		}
		n, err := resp.Body.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if int64(len(b)) > limit {
			return nil, bodyTooLarge(limit, media)
		}
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// decodeBody makes a gzip-encoded body readable when the HTTP client left
// it encoded: net/http decodes only when it asked for gzip itself, so a
// caller's client that sets Accept-Encoding, or a server that ignores its
// absence, hands over compressed bytes. Decoding here means that the
// limits count the bytes as decoded, which is what a gzip bomb inflates.
func decodeBody(resp *http.Response) {
	if resp.Uncompressed || !strings.EqualFold(strings.TrimSpace(resp.Header.Get("Content-Encoding")), "gzip") {
		return
	}
	resp.Body = &gzipBody{body: resp.Body}
	resp.Header.Del("Content-Encoding")
	resp.Header.Del("Content-Length")
	resp.ContentLength = -1
	resp.Uncompressed = true
}

// gzipBody decodes a gzip body, starting at the first Read so that a
// stream's headers are not held up waiting for the gzip header.
type gzipBody struct {
	body io.ReadCloser
	zr   *gzip.Reader
	err  error
}

func (g *gzipBody) Read(p []byte) (int, error) {
	if g.zr == nil && g.err == nil {
		g.zr, g.err = gzip.NewReader(g.body)
	}
	if g.err != nil {
		return 0, g.err
	}
	return g.zr.Read(p)
}

func (g *gzipBody) Close() error { return g.body.Close() }
