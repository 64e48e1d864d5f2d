package inference

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"

	"github.com/tiny-agents-go/tiny-agents/internal/urlredact"
)

// ChatCompletion sends a chat completion request and waits for the whole
// answer. It returns an *HTTPError for a non-2xx answer (after retries), an
// error matching [ErrTimeout] for a deadline, one matching
// [ErrResponseTooLarge] for an answer over the JSON limit of
// [WithMaxResponseBytes], and an error naming the provider for an answer
// that is not a chat completion.
func (c *Client) ChatCompletion(ctx context.Context, in *ChatCompletionInput) (*ChatCompletionOutput, error) {
	t, req, err := c.chatRequest(ctx, in, false)
	if err != nil {
		return nil, err
	}
	resp, cancel, err := c.send(ctx, req)
	if err != nil {
		return nil, err
	}
	defer cancel()
	defer resp.Body.Close()
	body, err := c.readBody(resp, false)
	if err != nil {
		return nil, classifyErr(ctx, req.op, err)
	}
	var out ChatCompletionOutput
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, fmt.Errorf("inference: chat completion from %s: response is not a chat completion: %w", t.name(), err)
	}
	if out.Choices == nil {
		return nil, fmt.Errorf("inference: chat completion from %s: response has no choices: %.200s", t.name(), body)
	}
	return &out, nil
}

// ChatCompletionStream streams a chat completion. Nothing is sent until the
// caller ranges over the result; every chunk is yielded in order. The first
// error ends the iteration and is terminal: an *HTTPError before any chunk, a
// *StreamError for an error event, io.ErrUnexpectedEOF (wrapped) when the
// stream ends without [DONE] or a finish reason, an error matching
// [ErrMalformedStream] that quotes a chunk that is not valid JSON, one
// matching [ErrResponseTooLarge] for an event longer than 16 MiB, an error
// matching [ErrTimeout] for a deadline or the idle timeout, or the
// context's error on cancellation. A server that ignores "stream" and
// answers application/json gives its completion as one chunk; a web page
// (text/html) is an error matching [ErrMalformedStream] that quotes it.
// Breaking out of the loop closes the connection.
func (c *Client) ChatCompletionStream(ctx context.Context, in *ChatCompletionInput) iter.Seq2[ChatCompletionStreamOutput, error] {
	return func(yield func(ChatCompletionStreamOutput, error) bool) {
		t, req, err := c.chatRequest(ctx, in, true)
		if err != nil {
			yield(ChatCompletionStreamOutput{}, err)
			return
		}
		resp, cancel, err := c.send(ctx, req)
		if err != nil {
			yield(ChatCompletionStreamOutput{}, err)
			return
		}
		defer cancel()
		defer resp.Body.Close()
		if ct := streamContentType(resp); ct != "" {
			err = c.notAStream(resp, ct, yield)
		} else if err = readChatStream(resp.Body, yield); err == nil {
			// Read what follows [DONE] (the chunked terminator) so that
			// the connection goes back to the pool instead of closing.
			io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
			return
		}
		if err == nil || errors.Is(err, errStopped) {
			return
		}
		var se *StreamError
		if !errors.As(err, &se) {
			err = classifyErr(ctx, "chat completion stream from "+t.name(), err)
		}
		yield(ChatCompletionStreamOutput{}, err)
	}
}

// chatRequest resolves the route and encodes the body of a chat call.
func (c *Client) chatRequest(ctx context.Context, in *ChatCompletionInput, stream bool) (target, *request, error) {
	if in == nil {
		return target{}, nil, fmt.Errorf("%w: nil chat completion input", ErrInvalidOption)
	}
	t, err := c.resolveChat(ctx, in.Model, in.Provider)
	if err != nil {
		return target{}, nil, err
	}
	p := &chatPayload{in: in, model: t.model, stream: stream}
	if t.helper != nil && t.helper.chat != nil {
		t.helper.chat(p)
	}
	body, err := p.marshal()
	if err != nil {
		return target{}, nil, fmt.Errorf("inference: encoding chat completion input: %w", err)
	}
	return t, &request{
		method:   http.MethodPost,
		url:      t.url,
		header:   c.header(t),
		body:     body,
		op:       "chat completion from " + t.name(),
		provider: t.provider,
	}, nil
}

// name says who answers, for error messages: the provider, or the
// endpoint's URL without userinfo and query.
func (t target) name() string {
	if t.provider == "" {
		return urlredact.URL(t.url)
	}
	return "provider " + t.provider
}

// ChatService groups the chat methods the OpenAI way: client.Chat.Completions.
type ChatService struct {
	Completions *ChatCompletionsService
}

// ChatCompletionsService offers Create and CreateStream, so that code written
// for OpenAI clients ports by changing the client construction and the call.
type ChatCompletionsService struct {
	client *Client
}

// Create is [Client.ChatCompletion].
func (s *ChatCompletionsService) Create(ctx context.Context, in *ChatCompletionInput) (*ChatCompletionOutput, error) {
	return s.client.ChatCompletion(ctx, in)
}

// CreateStream is [Client.ChatCompletionStream].
func (s *ChatCompletionsService) CreateStream(ctx context.Context, in *ChatCompletionInput) iter.Seq2[ChatCompletionStreamOutput, error] {
	return s.client.ChatCompletionStream(ctx, in)
}
