package inferencetest

import (
	"net/http"
	"time"
)

// Step scripts the reply to one request of a [Server]. The zero Step answers
// a chat completion with an empty assistant message and finish reason
// "stop". Fields are applied in this order: Path, Delay, StallBeforeHeaders,
// Reset, Status/Body, RawSSE, then the generated chat completion reply.
// Before each chunk of a streamed reply come Stall (at StallAfter), then
// TruncateAfter, then the Interval wait; ErrorEvent takes the place of the
// finish chunk.
//
// Two fields make a reply hang until the client goes away, at different
// points: StallBeforeHeaders before the status line, so that the client
// still waits for the response headers ([Unresponsive]); Stall, on a
// streamed reply, after the headers and StallAfter chunks, so that the
// client is reading the body ([Stalled]). Stall on a non-streaming reply
// hangs before the headers, like StallBeforeHeaders.
type Step struct {
	// Path, if non-empty, is the path (without query) the request must
	// have; a request to another path is reported with t.Errorf and answered
	// with 404. The step is consumed either way.
	Path string

	// Status, if non-zero and not 200, makes the reply an error: Status,
	// Header and Body are written verbatim.
	Status int

	// Header holds extra response headers sent with any reply, such as
	// Retry-After or X-Request-Id. A Content-Type set here replaces the
	// default one, so malformed replies can be scripted too.
	Header http.Header

	// Body is the reply body for an error Status. With Status 0 or 200 a
	// non-empty Body is also sent verbatim instead of a generated chat
	// completion, whether or not the request asked for a stream, which
	// serves tasks other than chat. Its Content-Type is application/json
	// unless Header sets one.
	Body string

	// Text holds the assistant's content pieces: one chunk per piece when
	// streaming, concatenated for a non-streaming reply.
	Text []string

	// Repeat, if > 0, sends Text's pieces Repeat times over (for
	// benchmarks: Repeat 100000 of []string{" lorem ipsum"}), flushing after
	// every chunk.
	Repeat int

	// ToolCalls are the assistant's tool calls, streamed after the text.
	ToolCalls []ToolCall

	// FinishReason is the reply's finish_reason; it defaults to
	// "tool_calls" when ToolCalls is non-empty and to "stop" otherwise.
	FinishReason string

	// Usage, if non-nil, is sent in a separate final chunk with an empty
	// choices list, as OpenAI does with stream_options.include_usage. A
	// non-streaming reply always has a usage object, zeros if Usage is nil.
	Usage *Usage

	// Logprobs attaches a logprobs object to each content chunk (every
	// piece gets logprob -0.1 and itself as the only top logprob), and
	// the whole list to a non-streaming reply.
	Logprobs bool

	// StallAfter is the number of chunks (content and tool-call chunks)
	// written before a Stall; if the reply has fewer chunks it stalls before
	// the finish chunk.
	StallAfter int

	// Stall makes the stream stop writing after StallAfter chunks and block
	// until the client goes away (or the Server is closed); nothing more is
	// sent. A streamed reply has sent its status and headers by then (with
	// StallAfter 0, nothing else); a non-streaming reply stalls before
	// writing anything.
	Stall bool

	// StallBeforeHeaders makes the server block before writing anything,
	// status line and headers included, until the client goes away (or the
	// Server is closed), whatever the request: a server that accepted the
	// request and never answers.
	StallBeforeHeaders bool

	// Interval, if > 0, is how long a streamed reply waits before each
	// content, tool-call and finish chunk (and before the ErrorEvent); the
	// status and headers are sent at once. The wait ends early, and the
	// reply with it, if the client goes away. It has no effect on a
	// non-streaming reply, RawSSE or Body.
	Interval time.Duration

	// TruncateAfter, if > 0, ends the stream after this many chunks (or
	// before the finish chunk if there are fewer), without a finish reason
	// or [DONE]. A non-streaming reply declares its full Content-Length but
	// writes only the first half of its body.
	TruncateAfter int

	// RawSSE, if non-empty, is written verbatim as a text/event-stream body
	// and nothing else is sent: for malformed streams, "error" events and
	// other shapes the generator does not produce.
	RawSSE string

	// ErrorEvent, if non-empty, is sent after the content and tool-call
	// chunks as data: {"error":{"message":ErrorEvent}}, and the stream
	// ends there, without a finish chunk or [DONE].
	ErrorEvent string

	// Reset hijacks the connection and closes it without writing a byte,
	// so the client sees a connection reset or EOF before any response.
	Reset bool

	// Delay is how long to wait before answering; the wait ends early if
	// the client goes away.
	Delay time.Duration
}

// ToolCall is one tool call of a scripted assistant reply.
type ToolCall struct {
	// ID is the tool call id, such as "call_1".
	ID string
	// Name is the function name.
	Name string
	// Arguments is the JSON argument text split into pieces, one chunk
	// each when streaming; a non-streaming reply joins them.
	Arguments []string
}

// Usage is the token usage reported with a reply.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// Text returns a Step that answers with the given content pieces, one
// stream chunk per piece.
func Text(pieces ...string) Step { return Step{Text: pieces} }

// ToolCalls returns a Step that answers with the given tool calls and
// finish reason "tool_calls".
func ToolCalls(calls ...ToolCall) Step { return Step{ToolCalls: calls} }

// HTTPError returns a Step that answers with the given status and body,
// sent as application/json.
func HTTPError(status int, body string) Step { return Step{Status: status, Body: body} }

// Stalled returns a Step that streams the given pieces but stops after
// afterChunks of them and blocks until the client goes away.
func Stalled(afterChunks int, pieces ...string) Step {
	return Step{Text: pieces, Stall: true, StallAfter: afterChunks}
}

// Truncated returns a Step that streams the given pieces but ends the
// response after afterChunks of them, with no finish reason and no [DONE].
// afterChunks must be > 0; 0 means no truncation.
func Truncated(afterChunks int, pieces ...string) Step {
	return Step{Text: pieces, TruncateAfter: afterChunks}
}

// Raw returns a Step that answers with sse verbatim as a text/event-stream
// body.
func Raw(sse string) Step { return Step{RawSSE: sse} }

// ResetConnection returns a Step that closes the connection without
// writing a response.
func ResetConnection() Step { return Step{Reset: true} }

// Unresponsive returns a Step that reads the request and then writes
// nothing, not even the response headers, until the client goes away.
func Unresponsive() Step { return Step{StallBeforeHeaders: true} }
