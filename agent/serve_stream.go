package agent

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	sse "github.com/tmaxmax/go-sse"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// toolResultChunk is the chunk that carries a tool result, in the shape
// of the JS reference.
type toolResultChunk struct {
	ID                string              `json:"id"` // the tool call id
	Object            string              `json:"object"`
	Created           int64               `json:"created"`
	Model             string              `json:"model"`
	SystemFingerprint string              `json:"system_fingerprint"`
	Choices           [1]toolResultChoice `json:"choices"`
}

type toolResultChoice struct {
	Index int             `json:"index"`
	Delta toolResultDelta `json:"delta"`
}

type toolResultDelta struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// chunkObject is the object type of a streamed chunk.
const chunkObject = "chat.completion.chunk"

// flushDelay bounds how long an event waits in the response buffer
// before it is flushed. Events that come in a burst (chunks the model sent
// together, a tool result and the chunks after it) leave in one write
// instead of one write each, which at tens of streams at once saves a
// good part of the server's CPU; a model that streams at reading speed
// still has each chunk flushed on its own, at most flushDelay late.
const flushDelay = 2 * time.Millisecond

// eventStream writes a run's events as server-sent events, encoded by
// go-sse. (go-sse's Session is not used: it flushes the headers on their
// own before the first event, one more write per response.) A timer
// flushes the events flushDelay after the first unflushed one; what is
// left when the handler returns goes out with the end of the response.
// Another timer sends a comment line when the handler's keepAlive passed
// without an event. The mutex serialises the handler's writes and the
// timers'.
type eventStream struct {
	c   *completion
	rc  *http.ResponseController
	buf bytes.Buffer // an event's JSON
	out bytes.Buffer // an event's SSE encoding
	enc *json.Encoder

	mu        sync.Mutex
	timer     *time.Timer
	armed     bool  // the timer will flush
	closed    bool  // the handler is done with the response
	err       error // the error of a timer flush: the client is gone
	keepAlive *time.Timer
	sent      bool // an event was sent since the keep-alive timer last fired
	started   bool // an event or a keep-alive was sent: an error now goes in the stream
}

// newEventStream prepares the response; its status and headers go with
// the first event, so that a run that fails before any can still answer
// with an HTTP error.
func newEventStream(c *completion) *eventStream {
	h := c.w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // no buffering by a reverse proxy
	s := &eventStream{c: c, rc: http.NewResponseController(c.w)}
	s.enc = json.NewEncoder(&s.buf)
	s.enc.SetEscapeHTML(false)
	if d := c.h.keepAlive; d > 0 {
		s.mu.Lock() // ping must see the timer it is run by
		s.keepAlive = time.AfterFunc(d, s.ping)
		s.mu.Unlock()
	}
	return s
}

// ping sends a comment line, which SSE readers skip, if no event was sent
// since it last ran (the handler's keepAlive ago). With the first one go
// the status and headers, so that a later failure is an error event.
func (s *eventStream) ping() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.err != nil {
		return
	}
	if !s.sent {
		s.started = true
		if _, s.err = io.WriteString(s.c.w, ": keep-alive\n\n"); s.err == nil {
			s.err = s.flush()
		}
	}
	s.sent = false
	s.keepAlive.Reset(s.c.h.keepAlive)
}

// event sends what the client sees of ev. It returns the error of a
// write: the client is gone.
func (s *eventStream) event(ev mcpclient.Event) error {
	switch e := ev.(type) {
	case *mcpclient.ChunkEvent:
		chunk := e.Chunk
		if chunk.Usage != nil { // the run's sum is sent at the end instead
			if len(chunk.Choices) == 0 {
				return nil
			}
			chunk.Usage = nil
		}
		if isChunkJSON(chunk.Raw) {
			return s.sendData(chunk.Raw) // as the model sent it: no need to encode it again
		}
		if chunk.Object == "" {
			chunk.Object = chunkObject
		}
		return s.send(&chunk)
	case *mcpclient.ToolResultEvent:
		chunk := toolResultChunk{ID: e.Call.ID, Object: chunkObject, Created: time.Now().Unix()}
		chunk.Choices[0].Delta = toolResultDelta{Role: inference.RoleTool,
			Content: "Tool[" + e.Message.Name + "] " + e.Message.ToolCallID + "\n" + e.Message.Content}
		return s.send(&chunk)
	case *mcpclient.RunEndEvent:
		if s.c.includeUsage {
			// The last chunk before [DONE]: the run's summed usage (zeros if
			// the model reported none, as without stream), no choices.
			usage := e.Usage
			if usage == nil {
				usage = &inference.Usage{}
			}
			return s.send(&inference.ChatCompletionStreamOutput{ID: s.c.id, Object: chunkObject, Created: s.c.created,
				Model: s.c.h.model, Choices: []inference.ChatCompletionStreamOutputChoice{}, Usage: usage})
		}
	}
	return nil
}

// isChunkJSON reports whether raw is a chunk that can go to the client as
// it is: one line of JSON that says it is a chunk and carries no usage
// (the run's usage is summed and sent at the end).
func isChunkJSON(raw string) bool {
	return strings.Contains(raw, `"object":"`+chunkObject+`"`) && !strings.Contains(raw, `"usage":{`) &&
		!strings.ContainsAny(raw, "\r\n")
}

// send sends v as the data of one event.
func (s *eventStream) send(v any) error {
	s.buf.Reset()
	if err := s.enc.Encode(v); err != nil {
		return err
	}
	return s.sendData(string(bytes.TrimSuffix(s.buf.Bytes(), []byte{'\n'})))
}

// sendData sends one event; the timer flushes it.
func (s *eventStream) sendData(data string) error {
	var m sse.Message
	m.AppendData(s.c.h.redact(data))
	s.out.Reset()
	m.WriteTo(&s.out)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.started, s.sent = true, true
	if s.err != nil {
		return s.err
	}
	if _, err := s.c.w.Write(s.out.Bytes()); err != nil {
		return err
	}
	switch {
	case s.armed:
	case s.timer == nil:
		s.timer = time.AfterFunc(flushDelay, s.timerFlush)
	default:
		s.timer.Reset(flushDelay)
	}
	s.armed = true
	return nil
}

// timerFlush flushes what the handler wrote since the last flush.
func (s *eventStream) timerFlush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.armed = false
	if !s.closed && s.err == nil {
		s.err = s.flush()
	}
}

// flush flushes the response; a writer that cannot flush sends its
// events when its buffer fills and when the handler returns.
func (s *eventStream) flush() error {
	if err := s.rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	return nil
}

// close stops the timers: the response is the handler's again. What is
// not flushed yet goes out when the handler returns, in the same write as
// the end of the chunked body. It reports whether the response has
// started (an event or a keep-alive was sent), after which an error must
// go in the stream.
func (s *eventStream) close() (started bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	if s.keepAlive != nil {
		s.keepAlive.Stop()
	}
	if s.timer != nil {
		s.timer.Stop()
	}
	return s.started
}

// done ends a stream that went well.
func (s *eventStream) done() error { return s.sendData("[DONE]") }

// sendError ends a stream with an error event; a write error does not
// matter any more.
func (s *eventStream) sendError(e *apiError) { _ = s.send(errorBody{e}) }
