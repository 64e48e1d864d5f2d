package inference

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
)

// notEventStreamError is an answer to a streamed call that is a web page:
// a login page, a proxy's error page.
type notEventStreamError struct {
	contentType string
	body        []byte
}

func (e *notEventStreamError) Error() string {
	return fmt.Sprintf("the server answered with Content-Type %q, not an event stream: %.200q", e.contentType, e.body)
}

// Is reports whether target is [ErrMalformedStream].
func (e *notEventStreamError) Is(target error) bool { return target == ErrMalformedStream }

// streamContentType returns the media type of an answer to a streamed
// call that is not an event stream but JSON or a web page, "" otherwise:
// other types (text/plain, none) are read as events, since servers that
// do not say text/event-stream abound. An event stream costs no parse.
func streamContentType(resp *http.Response) string {
	h := resp.Header.Get("Content-Type")
	if h == "" || strings.HasPrefix(h, "text/event-stream") {
		return ""
	}
	switch ct, _, _ := mime.ParseMediaType(h); ct {
	case "application/json", "text/html", "application/xhtml+xml":
		return ct
	}
	return ""
}

// notAStream answers a streamed call that got the media type ct instead
// of events: a whole completion from a server that ignored "stream": true
// is yielded as one chunk (or its error returned), a web page (a login or
// proxy page) is an error that quotes it.
func (c *Client) notAStream(resp *http.Response, ct string, yield func(ChatCompletionStreamOutput, error) bool) error {
	if ct != "application/json" {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return &notEventStreamError{contentType: ct, body: body}
	}
	body, err := c.readBody(resp, false)
	if err != nil {
		return err
	}
	chunk, err := completionAsChunk(body)
	if err != nil {
		return err
	}
	yield(chunk, nil)
	return nil
}

// completionAsChunk turns the whole completion of a server that ignored
// "stream": true into the one chunk that says the same, or the error the
// body carries.
func completionAsChunk(body []byte) (ChatCompletionStreamOutput, error) {
	var out struct {
		ChatCompletionOutput
		Error json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return ChatCompletionStreamOutput{}, &malformedError{what: "JSON answer to a streamed call", data: string(body), err: err}
	}
	if len(out.Error) > 0 && string(out.Error) != "null" {
		return ChatCompletionStreamOutput{}, &StreamError{Message: serverMessage(body), Raw: string(body)}
	}
	if out.Choices == nil {
		return ChatCompletionStreamOutput{}, &malformedError{what: "JSON answer to a streamed call", data: string(body),
			err: fmt.Errorf("no choices")}
	}
	chunk := ChatCompletionStreamOutput{ID: out.ID, Object: "chat.completion.chunk", Created: out.Created, Model: out.Model,
		SystemFingerprint: out.SystemFingerprint, Usage: out.Usage, Raw: string(body)}
	for _, ch := range out.Choices {
		d := StreamDelta{Role: ch.Message.Role, Content: ch.Message.Content, Reasoning: ch.Message.Reasoning}
		for i, tc := range ch.Message.ToolCalls {
			d.ToolCalls = append(d.ToolCalls, ToolCallDelta{Index: i, ID: tc.ID, Type: tc.Type, Function: tc.Function})
		}
		finish := ch.FinishReason
		if finish == "" {
			finish = "stop"
		}
		chunk.Choices = append(chunk.Choices, ChatCompletionStreamOutputChoice{Index: ch.Index, Delta: d,
			FinishReason: finish, Logprobs: ch.Logprobs})
	}
	return chunk, nil
}
