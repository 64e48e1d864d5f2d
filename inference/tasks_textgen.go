package inference

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"

	"github.com/tmaxmax/go-sse"
)

// TextGenerationError is an error reported by a text-generation server in
// the TGI shape {"error": ..., "error_type": ...}, in an error response or
// inside a stream. Kind is the server's error_type: "validation",
// "generation", "overloaded", "incomplete_generation", or another.
type TextGenerationError struct {
	Kind    string
	Message string
	// HTTP is the error response it came in, nil inside a stream.
	HTTP *HTTPError
}

// Error says what kind of failure the server reported.
func (e *TextGenerationError) Error() string {
	return fmt.Sprintf("inference: text generation: %s error: %s", e.Kind, e.Message)
}

// Unwrap returns the HTTP error, when there is one.
func (e *TextGenerationError) Unwrap() error {
	if e.HTTP == nil {
		return nil
	}
	return e.HTTP
}

// tgiError reads the TGI error shape from body, or returns nil.
func tgiError(body []byte) *TextGenerationError {
	var e struct {
		Error     string `json:"error"`
		ErrorType string `json:"error_type"`
	}
	if json.Unmarshal(body, &e) != nil || e.ErrorType == "" {
		return nil
	}
	return &TextGenerationError{Kind: e.ErrorType, Message: e.Error}
}

// asTGIError turns an HTTP error carrying the TGI shape into a
// *TextGenerationError that wraps it; other errors pass through.
func asTGIError(err error) error {
	var he *HTTPError
	if errors.As(err, &he) {
		if te := tgiError(he.Body); te != nil {
			te.HTTP = he
			return te
		}
	}
	return err
}

// TextGeneration continues prompt with a completion model and returns the
// text, and with p.Details the tokens, finish reason and best-of
// sequences. A TGI error answer is returned as a *TextGenerationError.
// When a server that is not TGI refuses some parameters (a 400 listing the
// model_kwargs its model does not use), they are dropped with a warning
// and the call is sent once more; the client remembers them for the model.
func (c *Client) TextGeneration(ctx context.Context, prompt string, p *TextGenerationInputGenerateParameters, opts ...CallOption) (*TextGenerationOutput, error) {
	tc, err := c.start(ctx, TaskTextGeneration, taskInput{inputs: prompt}, p, opts)
	if err != nil {
		return nil, err
	}
	tc.stream = false
	key := paramsKey(tc)
	tc.dropParams(c.unusedParams.get(key))
	r, err := tc.do(ctx)
	if names := refusedParams(err); names != nil {
		c.unusedParams.add(key, names)
		if tc.dropParams(names) > 0 {
			r, err = tc.do(ctx)
		}
	}
	if err != nil {
		return nil, asTGIError(err)
	}
	return tc.textGenerationOutput(r)
}

// textGenerationOutput decodes a text generation answer: one object, or a
// list whose first element is the answer.
func (tc *taskCall) textGenerationOutput(r *rawResponse) (*TextGenerationOutput, error) {
	if te := tgiError(r.data); te != nil {
		return nil, te
	}
	var out TextGenerationOutput
	if firstByte(r.data) != '[' {
		if err := tc.decodeJSON(r, &out); err != nil {
			return nil, err
		}
		return &out, nil
	}
	var list []TextGenerationOutput
	if err := tc.decodeJSON(r, &list); err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, tc.unexpected(r, "empty list")
	}
	return &list[0], nil
}

// TextGenerationStream streams the completion of prompt token by token
// (TGI's server-sent events); the last event carries GeneratedText, and
// Details when p asks for them. Nothing is sent until the caller ranges;
// the first error ends the iteration: an *HTTPError or a
// *TextGenerationError before any token, a *TextGenerationError for an
// error event, an error matching [ErrMalformedStream] for an event that is
// not JSON, or io.ErrUnexpectedEOF (wrapped) for a stream cut short. A
// model whose server is not TGI (see [Client.TextGeneration]) cannot
// stream: its error wraps [ErrTaskNotSupported] (and the server's 400,
// when that answer is how the client learnt it).
func (c *Client) TextGenerationStream(ctx context.Context, prompt string, p *TextGenerationInputGenerateParameters, opts ...CallOption) iter.Seq2[TextGenerationStreamOutput, error] {
	return func(yield func(TextGenerationStreamOutput, error) bool) {
		tc, err := c.start(ctx, TaskTextGeneration, taskInput{inputs: prompt}, p, opts)
		if err != nil {
			yield(TextGenerationStreamOutput{}, err)
			return
		}
		tc.stream = true
		key := paramsKey(tc)
		if known := c.unusedParams.get(key); len(known) > 0 {
			yield(TextGenerationStreamOutput{}, notTGIError(tc, known, nil))
			return
		}
		body, err := tc.body()
		if err != nil {
			yield(TextGenerationStreamOutput{}, err)
			return
		}
		req, err := tc.request(tc.target.url, body)
		if err != nil {
			yield(TextGenerationStreamOutput{}, err)
			return
		}
		req.header.Set("Accept", "text/event-stream")
		resp, cancel, err := c.send(ctx, req)
		if err != nil {
			if names := refusedParams(err); names != nil {
				c.unusedParams.add(key, names)
				err = notTGIError(tc, names, err)
			} else {
				err = asTGIError(err)
			}
			yield(TextGenerationStreamOutput{}, err)
			return
		}
		defer cancel()
		defer resp.Body.Close()
		if err := readTextGenerationStream(resp.Body, yield); err != nil && !errors.Is(err, errStopped) {
			var te *TextGenerationError
			if !errors.As(err, &te) {
				err = classifyErr(ctx, tc.describe(), err)
			}
			yield(TextGenerationStreamOutput{}, err)
		}
	}
}

// textGenerationEvent is a stream event: TGI's token event, or an OpenAI
// completions (or chat completions) chunk from the providers that speak
// that API.
type textGenerationEvent struct {
	TextGenerationStreamOutput
	// Final is TGI's generated_text, present (possibly empty) only on the
	// last event.
	Final   *string `json:"generated_text"`
	Choices []struct {
		Text  string `json:"text"`
		Delta *struct {
			Content string `json:"content"`
		} `json:"delta"` // chat completion chunks
		FinishReason *string `json:"finish_reason"`
	} `json:"choices"`
}

// readTextGenerationStream yields the stream's tokens. It returns nil after
// the event that carries the generated text (or [DONE], or a finish
// reason), a *TextGenerationError for an error event.
func readTextGenerationStream(r io.Reader, yield func(TextGenerationStreamOutput, error) bool) error {
	last := false // the event with the generated text, details or a finish reason came
	done, err := eachEvent(r, func(ev sse.Event) error {
		if te := tgiError([]byte(ev.Data)); te != nil {
			return te
		}
		var e textGenerationEvent
		if err := json.Unmarshal([]byte(ev.Data), &e); err != nil {
			return &malformedError{what: "event", data: ev.Data, err: err}
		}
		out := e.TextGenerationStreamOutput
		if len(e.Choices) > 0 {
			out.Token.Text = e.Choices[0].Text
			if d := e.Choices[0].Delta; d != nil && out.Token.Text == "" {
				out.Token.Text = d.Content
			}
			if fr := e.Choices[0].FinishReason; fr != nil && *fr != "" {
				last = true
			}
		}
		if e.Final != nil {
			out.GeneratedText = *e.Final
			last = true
		}
		if out.Details != nil {
			last = true
		}
		if !yield(out, nil) {
			return errStopped
		}
		return nil
	})
	if err != nil || done || last {
		return err
	}
	return fmt.Errorf("stream ended before the last token: %w", io.ErrUnexpectedEOF)
}
