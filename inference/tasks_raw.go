package inference

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"

	"github.com/tmaxmax/go-sse"

	"github.com/tiny-agents-go/tiny-agents/internal/urlredact"
)

// Post sends body to the model the client (or the [Model] call option)
// names, routed as a call of task would be, and returns the answer
// unparsed: the escape hatch for what the typed methods do not cover. body
// is sent as is when it is []byte, loaded and sent as bytes when it is a
// [Media], and as JSON otherwise. The provider's own request and answer
// shapes apply: nothing is adapted.
func (c *Client) Post(ctx context.Context, task Task, body any, opts ...CallOption) (*Blob, error) {
	tc, b, err := c.rawCall(ctx, task, body, opts)
	if err != nil {
		return nil, err
	}
	r, err := tc.post(ctx, tc.target.url, b)
	if err != nil {
		return nil, err
	}
	return blobOf(r), nil
}

// PostStream is [Client.Post] for an answer in server-sent events, as the
// JS client's streamingRequest: it sends body (which asks for a stream in
// the server's own way, such as "stream": true) with Accept:
// text/event-stream and yields the data of each event as raw JSON. Nothing
// is sent until the caller ranges. The stream ends at a [DONE] event or at
// the end of the body (what counts as complete is the protocol's business,
// so the caller judges). The first error ends the iteration: an
// *HTTPError before any event, a *StreamError for an event of type error
// or data of the form {"error": ...}, an error matching
// [ErrMalformedStream] for data that is not JSON, or a timeout matching
// [ErrTimeout]. A stream that has started is never retried.
func (c *Client) PostStream(ctx context.Context, task Task, body any, opts ...CallOption) iter.Seq2[json.RawMessage, error] {
	return func(yield func(json.RawMessage, error) bool) {
		tc, b, err := c.rawCall(ctx, task, body, opts)
		if err != nil {
			yield(nil, err)
			return
		}
		req, err := tc.request(tc.target.url, b)
		if err != nil {
			yield(nil, err)
			return
		}
		req.header.Set("Accept", "text/event-stream")
		resp, cancel, err := c.send(ctx, req)
		if err != nil {
			yield(nil, err)
			return
		}
		defer cancel()
		defer resp.Body.Close()
		err = readRawStream(resp.Body, yield)
		if err != nil && !errors.Is(err, errStopped) {
			var se *StreamError
			if !errors.As(err, &se) {
				err = classifyErr(ctx, tc.describe()+" stream", err)
			}
			yield(nil, err)
		}
	}
}

// rawCall resolves a call of Post or PostStream and encodes its body.
func (c *Client) rawCall(ctx context.Context, task Task, body any, opts []CallOption) (*taskCall, *taskBody, error) {
	tc, err := c.newTaskCall(ctx, task, nil, opts)
	if err != nil {
		return nil, nil, err
	}
	tc.mediaAnswer = true // the answer may be anything
	switch v := body.(type) {
	case []byte:
		return tc, &taskBody{data: v, contentType: sniff(v)}, nil
	case Media:
		d, err := c.load(ctx, v)
		if err != nil {
			return nil, nil, fmt.Errorf("%w (task %s)", err, task)
		}
		return tc, &taskBody{data: d.data, contentType: d.contentType}, nil
	}
	b, err := jsonBody(body)
	if err != nil {
		return nil, nil, fmt.Errorf("inference: %s: encoding the body: %w", task, err)
	}
	return tc, b, nil
}

// readRawStream yields the data of each event of an SSE stream as raw
// JSON, until [DONE] or the end of the body.
func readRawStream(r io.Reader, yield func(json.RawMessage, error) bool) error {
	_, err := eachEvent(r, func(ev sse.Event) error {
		data := []byte(ev.Data)
		isError, valid := inspectEvent(data)
		if ev.Type == "error" || isError {
			return &StreamError{Message: serverMessage(data), Raw: ev.Data}
		}
		if !valid {
			return &malformedError{what: "event", data: ev.Data, err: errors.New("not JSON")}
		}
		if !yield(json.RawMessage(data), nil) {
			return errStopped
		}
		return nil
	})
	return err
}

// inspectEvent reports whether event data is JSON, and whether it is of
// the form {"error": ...}, in one pass over an object.
func inspectEvent(data []byte) (isError, valid bool) {
	if firstByte(data) != '{' {
		return false, json.Valid(data)
	}
	var e struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(data, &e) != nil {
		return false, false
	}
	return len(e.Error) > 0 && string(e.Error) != "null", true
}

// ErrNotOffered is returned by calls the Hugging Face services no longer
// answer, kept so that code ported from older clients gets a clear
// explanation rather than a 404.
var ErrNotOffered = errors.New("inference: no longer offered by the service")

// ModelStatus is what the Hub says of a model's availability on
// hf-inference.
type ModelStatus struct {
	// Loaded is true when the model is warm: answered without a cold start.
	Loaded bool
	// State is the Hub's inference state, "warm" or "cold"; empty when the
	// Hub reports none (the model is not deployed).
	State string
	// Framework is the model's library, such as "transformers".
	Framework string
}

// ModelStatus reports whether model (or the client's model) is deployed
// and warm on hf-inference, from the Hub's model info. The serverless
// status endpoint the older clients called is gone; a URL model or another
// provider returns an error wrapping [ErrNotOffered].
func (c *Client) ModelStatus(ctx context.Context, model string) (*ModelStatus, error) {
	model = firstNonEmpty(model, c.model)
	switch {
	case model == "":
		return nil, fmt.Errorf("%w: model status: no model given", ErrInvalidOption)
	case isURL(model):
		return nil, fmt.Errorf("%w: model status is not available for a URL endpoint (%s); ask the endpoint itself with HealthCheck or EndpointInfo", ErrNotOffered, urlredact.URL(model))
	case c.provider != ProviderAuto && c.provider != "hf-inference":
		return nil, fmt.Errorf("%w: model status is only known for hf-inference, not provider %s", ErrNotOffered, c.provider)
	}
	body, err := c.hubModelInfo(ctx, model, "model status of "+model, "inference", "library_name")
	if err != nil {
		return nil, err
	}
	var info struct {
		Inference   string `json:"inference"`
		LibraryName string `json:"library_name"`
	}
	if err := json.Unmarshal(body, &info); err != nil {
		return nil, &ResponseError{Task: "model-status", Provider: urlredact.URL(c.hubURL), Body: truncate(body, 200), Err: err}
	}
	return &ModelStatus{Loaded: info.Inference == "warm", State: info.Inference, Framework: info.LibraryName}, nil
}

// ListDeployedModels was the serverless Inference API's list of deployed
// models per framework. That listing has been retired: it always returns
// an error wrapping [ErrNotOffered] that says where the information lives
// now (the Hub's model search, filtered by inference provider).
func (c *Client) ListDeployedModels(ctx context.Context, frameworks ...string) (map[Task][]string, error) {
	return nil, fmt.Errorf("%w: the serverless listing of deployed models was retired; search the Hub with inference_provider=hf-inference (GET %s/api/models?inference_provider=hf-inference&pipeline_tag=TASK)",
		ErrNotOffered, urlredact.URL(c.hubURL))
}
