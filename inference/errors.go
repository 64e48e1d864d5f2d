package inference

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tiny-agents-go/tiny-agents/internal/urlredact"
)

// Sentinel errors. Callers test for them with errors.Is; the returned errors
// wrap them with the offending name.
var (
	// ErrTimeout matches every error caused by a deadline: the per-attempt
	// timeout of [WithTimeout], the idle timeout of [WithIdleTimeout], the
	// caller's context deadline, or a network timeout. Such errors also
	// match context.DeadlineExceeded or the underlying net.Error.
	ErrTimeout = errors.New("inference: timeout")
	// ErrIdleTimeout matches the error of an attempt that the idle timeout
	// of [WithIdleTimeout] ended: the server sent nothing for that long.
	// Such an error also matches [ErrTimeout] and context.DeadlineExceeded.
	ErrIdleTimeout = errors.New("inference: idle timeout")
	// ErrMalformedStream matches the error of a stream event whose data does
	// not parse: a chat chunk or a text generation event that is not the
	// JSON it should be.
	ErrMalformedStream = errors.New("inference: malformed stream")
	// ErrUnknownProvider is returned for a provider name not in [Providers].
	ErrUnknownProvider = errors.New("inference: unknown provider")
	// ErrTaskNotSupported is returned when a provider does not serve a task,
	// or a model is mapped to a provider for another task.
	ErrTaskNotSupported = errors.New("inference: task not supported")
	// ErrModelNotMapped is returned when the Hub has no mapping of the model
	// to the requested provider.
	ErrModelNotMapped = errors.New("inference: model not mapped to provider")
	// ErrNoToken is returned when a request needs a token (a Hugging Face
	// token or a provider key) and none was given or found.
	ErrNoToken = errors.New("inference: no token")
	// ErrInvalidOption is returned by [NewClient] for a bad option value or
	// an invalid combination of options.
	ErrInvalidOption = errors.New("inference: invalid option")
	// ErrResponseTooLarge matches the error of a call whose answer went
	// past a size bound: a non-streaming body larger than the limit of
	// [WithMaxResponseBytes] (the message names the limit and the
	// option), or a stream event longer than the fixed 16 MiB bound on
	// one server-sent event.
	ErrResponseTooLarge = errors.New("inference: response too large")
)

// HTTPError is returned when a server answers with a status other than 2xx.
// It keeps what is needed to understand the failure and nothing that could
// leak a credential: no request headers, no request body.
type HTTPError struct {
	StatusCode    int
	Method        string
	URL           string
	RequestID     string // X-Request-Id or X-Amzn-Trace-Id of the response
	ServerMessage string // the message extracted from the body, or the body itself; at most 1000 bytes and "..."
	Body          []byte // the response body, at most 64 KiB
}

// Error formats the error as
// "inference: POST URL: 429 Too Many Requests: message (request id ID)".
func (e *HTTPError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "inference: %s %s: %d %s", e.Method, e.URL, e.StatusCode, http.StatusText(e.StatusCode))
	if e.ServerMessage != "" {
		b.WriteString(": ")
		b.WriteString(e.ServerMessage)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	return b.String()
}

// maxErrorBody bounds how much of an error response is read and kept.
const maxErrorBody = 64 << 10

func newHTTPError(resp *http.Response, body []byte) *HTTPError {
	e := &HTTPError{
		StatusCode: resp.StatusCode,
		Body:       body,
		RequestID:  resp.Header.Get("X-Request-Id"),
	}
	if e.RequestID == "" {
		e.RequestID = resp.Header.Get("X-Amzn-Trace-Id")
	}
	if resp.Request != nil {
		e.Method = resp.Request.Method
		e.URL = urlredact.URL(resp.Request.URL.String())
	}
	e.ServerMessage = serverMessage(body)
	return e
}

// serverMessage extracts the human message from the usual error shapes:
// {"error":"m"}, {"error":{"message":"m"}}, {"message":"m"}, {"detail":"m"}
// and {"errors":["m"]}; anything else is returned as trimmed text. The
// result is valid UTF-8 of at most maxMessage bytes plus "...".
func serverMessage(body []byte) string {
	var shapes struct {
		Error   json.RawMessage `json:"error"`
		Message json.RawMessage `json:"message"`
		Detail  json.RawMessage `json:"detail"`
		Errors  []string        `json:"errors"`
	}
	trimmed := bytes.TrimSpace(body)
	if json.Unmarshal(trimmed, &shapes) == nil {
		for _, raw := range []json.RawMessage{shapes.Error, shapes.Message, shapes.Detail} {
			if m := messageOf(raw); m != "" {
				return clipMessage(m)
			}
		}
		if len(shapes.Errors) > 0 {
			return clipMessage(strings.Join(shapes.Errors, "; "))
		}
	}
	return clipMessage(string(trimmed))
}

// maxMessage bounds a server message in an error: an error body or an
// error event may be megabytes long.
const maxMessage = 1000

// clipMessage returns s as valid UTF-8 of at most maxMessage bytes, cut
// at a character boundary and marked with "..." when it was longer.
func clipMessage(s string) string {
	cut := false
	for range 2 { // again if replacing invalid bytes made it longer
		if len(s) > maxMessage {
			i := maxMessage
			for i > 0 && !utf8.RuneStart(s[i]) {
				i--
			}
			s, cut = s[:i], true
		}
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if cut {
		s += "..."
	}
	return s
}

// messageOf reads a string, or an object's "message" field, from raw JSON.
func messageOf(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var obj struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(raw, &obj) == nil && obj.Message != "" {
		return obj.Message
	}
	if raw[0] == '[' || raw[0] == '{' {
		return string(raw)
	}
	return ""
}

// StreamError is an error event sent by the server inside a stream, such as
// {"error":{"message":"..."}} in place of a chunk.
type StreamError struct {
	Message string // the server's message, at most 1000 bytes and "..."
	Raw     string // the event data as received
}

// Error returns "inference: error in stream: " followed by the message.
func (e *StreamError) Error() string { return "inference: error in stream: " + e.Message }

// malformedError is a stream event whose data does not parse. Its message
// has no package prefix: the caller adds it with what the call was.
type malformedError struct {
	what string // "stream chunk", "event"
	data string
	err  error
}

// Error quotes the start of the data.
func (e *malformedError) Error() string {
	return fmt.Sprintf("malformed %s %.200q: %v", e.what, e.data, e.err)
}

// Unwrap returns the parse error.
func (e *malformedError) Unwrap() error { return e.err }

// Is reports whether target is [ErrMalformedStream].
func (e *malformedError) Is(target error) bool { return target == ErrMalformedStream }

// timeoutError marks a deadline failure so that it matches [ErrTimeout] and
// still unwraps to its cause.
type timeoutError struct {
	op    string
	cause error
}

func (e *timeoutError) Error() string { return "inference: timeout: " + e.op + ": " + e.cause.Error() }
func (e *timeoutError) Unwrap() error { return e.cause }

// Is reports whether target is [ErrTimeout].
func (e *timeoutError) Is(target error) bool { return target == ErrTimeout }

// idleTimeoutError is the error of an attempt that the idle timeout ended.
type idleTimeoutError struct {
	method, url string
	idle        time.Duration
}

// Error says which request waited how long, as
// "inference: POST URL: no data from the server for 2m0s (idle timeout)".
func (e *idleTimeoutError) Error() string {
	return "inference: " + e.method + " " + urlredact.URL(e.url) + ": no data from the server for " + e.idle.String() + " (idle timeout)"
}

// Unwrap returns context.DeadlineExceeded, as other timeouts do.
func (e *idleTimeoutError) Unwrap() error { return context.DeadlineExceeded }

// Is reports whether target is [ErrIdleTimeout] or [ErrTimeout].
func (e *idleTimeoutError) Is(target error) bool {
	return target == ErrIdleTimeout || target == ErrTimeout
}

// opError puts what a call was doing in front of an error of this
// package, which already starts with "inference: ", so that the prefix is
// said once: "inference: looking up providers of m on the Hub: GET ...".
type opError struct {
	op  string
	err error
}

func (e *opError) Error() string {
	return "inference: " + e.op + ": " + strings.TrimPrefix(e.err.Error(), "inference: ")
}

func (e *opError) Unwrap() error { return e.err }

// withOp names what a request was for in front of an error that send or
// roundTrip returned for it. Only an *HTTPError needs it: it names the
// request but not its purpose, while the other errors already carry the
// request's op.
func withOp(op string, err error) error {
	var he *HTTPError
	if errors.As(err, &he) {
		return &opError{op: op, err: err}
	}
	return err
}

// classifyErr turns a transport or body-read error into the error the caller
// sees: a timeout error for any deadline, the context's own error if the
// caller cancelled, otherwise err wrapped with op.
func classifyErr(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrTimeout) {
		return err
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &timeoutError{op: op, cause: context.DeadlineExceeded}
	}
	if ctx.Err() != nil {
		return fmt.Errorf("inference: %s: %w", op, ctx.Err())
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &timeoutError{op: op, cause: err}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // op names the URL already; url.Error would repeat it, query and all
	}
	return fmt.Errorf("inference: %s: %w", op, err)
}
