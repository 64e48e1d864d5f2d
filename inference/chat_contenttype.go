package inference

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
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

// streamContentType returns the media type of a streamed answer, "" when
// the server sent none.
func streamContentType(resp *http.Response) string {
	ct, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil {
		return ""
	}
	return ct
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
