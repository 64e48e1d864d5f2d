package inferencetest

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// created is the fixed "created" timestamp of every reply, so replies are
// reproducible.
const created = 1700000000

// The JSON shapes of a non-streaming reply, in OpenAI's field order.
type (
	completion struct {
		ID      string   `json:"id"`
		Object  string   `json:"object"`
		Created int64    `json:"created"`
		Model   string   `json:"model"`
		Choices []choice `json:"choices"`
		Usage   Usage    `json:"usage"`
	}
	choice struct {
		Index        int       `json:"index"`
		Message      message   `json:"message"`
		Logprobs     *logprobs `json:"logprobs"`
		FinishReason string    `json:"finish_reason"`
	}
	message struct {
		Role      string         `json:"role"`
		Content   *string        `json:"content"`
		ToolCalls []toolCallJSON `json:"tool_calls,omitempty"`
	}
	toolCallJSON struct {
		ID       string       `json:"id"`
		Type     string       `json:"type"`
		Function functionJSON `json:"function"`
	}
	functionJSON struct {
		Name      string `json:"name"`
		Arguments string `json:"arguments"`
	}
	logprobs struct {
		Content []tokenLogprob `json:"content"`
	}
	tokenLogprob struct {
		Token       string         `json:"token"`
		Logprob     float64        `json:"logprob"`
		TopLogprobs []tokenLogprob `json:"top_logprobs,omitempty"`
	}
)

// pieceLogprob is the logprob entry of one content piece.
func pieceLogprob(p string) tokenLogprob {
	return tokenLogprob{Token: p, Logprob: -0.1, TopLogprobs: []tokenLogprob{{Token: p, Logprob: -0.1}}}
}

func finishReason(st *Step) string {
	switch {
	case st.FinishReason != "":
		return st.FinishReason
	case len(st.ToolCalls) > 0:
		return "tool_calls"
	}
	return "stop"
}

// complete writes a non-streaming chat completion.
func (s *Server) complete(w http.ResponseWriter, r *http.Request, st *Step, id, model string) {
	if st.Stall {
		s.block(r)
		return
	}
	msg := message{Role: "assistant"}
	if len(st.Text) > 0 {
		text := strings.Repeat(strings.Join(st.Text, ""), max(st.Repeat, 1))
		msg.Content = &text
	}
	for _, tc := range st.ToolCalls {
		msg.ToolCalls = append(msg.ToolCalls, toolCallJSON{ID: tc.ID, Type: "function",
			Function: functionJSON{Name: tc.Name, Arguments: strings.Join(tc.Arguments, "")}})
	}
	ch := choice{Message: msg, FinishReason: finishReason(st)}
	if st.Logprobs {
		ch.Logprobs = &logprobs{Content: []tokenLogprob{}}
		for range max(st.Repeat, 1) {
			for _, p := range st.Text {
				ch.Logprobs.Content = append(ch.Logprobs.Content, pieceLogprob(p))
			}
		}
	}
	out := completion{ID: id, Object: "chat.completion", Created: created, Model: model, Choices: []choice{ch}}
	if st.Usage != nil {
		out.Usage = *st.Usage
	}
	body, err := json.Marshal(out)
	if err != nil {
		s.t.Errorf("inferencetest: encoding reply: %v", err)
		return
	}
	setDefault(w.Header(), "Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	if st.TruncateAfter > 0 {
		// The declared length is not reached, so the client sees an
		// unexpected EOF rather than a short but well-formed body.
		body = body[:len(body)/2]
	}
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

// stream writes a chat completion as server-sent events.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, st *Step, id, model string) {
	setDefault(w.Header(), "Content-Type", "text/event-stream")
	setDefault(w.Header(), "Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	c := newChunkWriter(w, id, model)
	if !c.send() { // flush the headers, so a stalled client sees a response
		return
	}
	// stop reports whether the stream must end before the next chunk; a
	// stall or truncation point beyond the last chunk applies before the
	// finish chunk. Otherwise it waits the step's Interval, which ends the
	// stream if the client goes away meanwhile.
	stop := func(last bool) bool {
		switch {
		case c.err != nil:
			return true
		case st.Stall && (last || c.chunks >= st.StallAfter):
			s.block(r)
			return true
		case st.TruncateAfter > 0 && (last || c.chunks >= st.TruncateAfter):
			return true
		}
		return !s.wait(r, st.Interval)
	}
	pieces := encodePieces(st.Text, st.Logprobs)
	for range max(st.Repeat, 1) {
		for _, p := range pieces {
			if stop(false) {
				return
			}
			c.content(p)
		}
	}
	for i, tc := range st.ToolCalls {
		if stop(false) {
			return
		}
		c.toolCallStart(i, tc)
		for _, arg := range tc.Arguments {
			if stop(false) {
				return
			}
			c.toolCallArguments(i, arg)
		}
	}
	if stop(true) {
		return
	}
	if st.ErrorEvent != "" {
		c.buf = append(c.buf, "data: "...)
		c.buf = append(c.buf, errorBody(st.ErrorEvent)...)
		c.buf = append(c.buf, "\n\n"...)
		c.send()
		return
	}
	c.finish(finishReason(st), st.Usage)
}

// encodedPiece is a content piece with its JSON encodings, computed once
// so that repeated pieces cost only appends.
type encodedPiece struct {
	content  []byte // the piece as a JSON string
	logprobs []byte // its logprobs object, or nil
}

func encodePieces(text []string, withLogprobs bool) []encodedPiece {
	out := make([]encodedPiece, len(text))
	for i, p := range text {
		out[i].content = jsonString(p)
		if withLogprobs {
			// A struct of strings and floats always marshals.
			out[i].logprobs, _ = json.Marshal(logprobs{Content: []tokenLogprob{pieceLogprob(p)}})
		}
	}
	return out
}

// chunkWriter builds and writes the chunks of one stream, one Write and
// one Flush per chunk, so a stream of 100000 chunks stays cheap.
type chunkWriter struct {
	w        io.Writer
	rc       *http.ResponseController
	head     []byte // data: {"id":…,"model":…,"choices":[
	buf      []byte
	chunks   int  // content and tool-call chunks written
	roleSent bool // whether a delta carried "role" yet
	err      error
}

func newChunkWriter(w http.ResponseWriter, id, model string) *chunkWriter {
	head := []byte(`data: {"id":`)
	head = append(head, jsonString(id)...)
	head = append(head, `,"object":"chat.completion.chunk","created":`...)
	head = strconv.AppendInt(head, created, 10)
	head = append(head, `,"model":`...)
	head = append(head, jsonString(model)...)
	head = append(head, `,"choices":[`...)
	return &chunkWriter{w: w, rc: http.NewResponseController(w), head: head, buf: make([]byte, 0, 512)}
}

// send writes and flushes the buffered bytes and reports whether that
// worked; after a failure (the client went away) it writes nothing more.
func (c *chunkWriter) send() bool {
	if c.err == nil {
		if len(c.buf) > 0 {
			_, c.err = c.w.Write(c.buf)
		}
		if c.err == nil {
			c.err = c.rc.Flush()
		}
	}
	c.buf = c.buf[:0]
	return c.err == nil
}

// startDelta begins a chunk with a single choice and opens its delta,
// adding the role to the first delta of the stream.
func (c *chunkWriter) startDelta() {
	c.buf = append(c.buf, c.head...)
	c.buf = append(c.buf, `{"index":0,"delta":{`...)
	if !c.roleSent {
		c.buf = append(c.buf, `"role":"assistant",`...)
		c.roleSent = true
	}
}

// endDelta closes the delta opened by startDelta and sends the chunk.
func (c *chunkWriter) endDelta(logprobs []byte) {
	c.buf = append(c.buf, '}')
	if logprobs != nil {
		c.buf = append(c.buf, `,"logprobs":`...)
		c.buf = append(c.buf, logprobs...)
	}
	c.buf = append(c.buf, `,"finish_reason":null}]}`+"\n\n"...)
	c.chunks++
	c.send()
}

func (c *chunkWriter) content(p encodedPiece) {
	c.startDelta()
	c.buf = append(c.buf, `"content":`...)
	c.buf = append(c.buf, p.content...)
	c.endDelta(p.logprobs)
}

func (c *chunkWriter) toolCallStart(i int, tc ToolCall) {
	c.startDelta()
	c.buf = append(c.buf, `"tool_calls":[{"index":`...)
	c.buf = strconv.AppendInt(c.buf, int64(i), 10)
	c.buf = append(c.buf, `,"id":`...)
	c.buf = append(c.buf, jsonString(tc.ID)...)
	c.buf = append(c.buf, `,"type":"function","function":{"name":`...)
	c.buf = append(c.buf, jsonString(tc.Name)...)
	c.buf = append(c.buf, `,"arguments":""}}]`...)
	c.endDelta(nil)
}

func (c *chunkWriter) toolCallArguments(i int, arg string) {
	c.startDelta()
	c.buf = append(c.buf, `"tool_calls":[{"index":`...)
	c.buf = strconv.AppendInt(c.buf, int64(i), 10)
	c.buf = append(c.buf, `,"function":{"arguments":`...)
	c.buf = append(c.buf, jsonString(arg)...)
	c.buf = append(c.buf, `}}]`...)
	c.endDelta(nil)
}

// finish sends the finish chunk, the usage chunk if usage is non-nil, and
// [DONE].
func (c *chunkWriter) finish(reason string, usage *Usage) {
	c.buf = append(c.buf, c.head...)
	c.buf = append(c.buf, `{"index":0,"delta":{},"finish_reason":`...)
	c.buf = append(c.buf, jsonString(reason)...)
	c.buf = append(c.buf, "}]}\n\n"...)
	if !c.send() {
		return
	}
	if usage != nil {
		u, _ := json.Marshal(usage) // three ints always marshal
		c.buf = append(c.buf, c.head...)
		c.buf = append(c.buf, `],"usage":`...)
		c.buf = append(c.buf, u...)
		c.buf = append(c.buf, "}\n\n"...)
		if !c.send() {
			return
		}
	}
	c.buf = append(c.buf, "data: [DONE]\n\n"...)
	c.send()
}
