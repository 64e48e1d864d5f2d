package inference

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// Post sends body to the model the client (or the [Model] call option)
// names, routed as a call of task would be, and returns the answer
// unparsed: the escape hatch for what the typed methods do not cover. body
// is sent as is when it is []byte, loaded and sent as bytes when it is a
// [Media], and as JSON otherwise. The provider's own request and answer
// shapes apply: nothing is adapted.
func (c *Client) Post(ctx context.Context, task Task, body any, opts ...CallOption) (*Blob, error) {
	tc, err := c.newTaskCall(ctx, task, nil, opts)
	if err != nil {
		return nil, err
	}
	var b *taskBody
	switch v := body.(type) {
	case []byte:
		b = &taskBody{data: v, contentType: sniff(v)}
	case Media:
		d, err := c.load(ctx, v)
		if err != nil {
			return nil, fmt.Errorf("%w (task %s)", err, task)
		}
		b = &taskBody{data: d.data, contentType: d.contentType}
	default:
		if b, err = jsonBody(body); err != nil {
			return nil, fmt.Errorf("inference: %s: encoding the body: %w", task, err)
		}
	}
	tc.mediaAnswer = true // the answer may be anything
	r, err := tc.post(ctx, tc.target.url, b)
	if err != nil {
		return nil, err
	}
	return blobOf(r), nil
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
		return nil, fmt.Errorf("%w: model status is not available for a URL endpoint (%s); call its /health route instead", ErrNotOffered, redactURL(model))
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
		return nil, &ResponseError{Task: "model-status", Provider: redactURL(c.hubURL), Body: truncate(body, 200), Err: err}
	}
	return &ModelStatus{Loaded: info.Inference == "warm", State: info.Inference, Framework: info.LibraryName}, nil
}

// ListDeployedModels was the serverless Inference API's list of deployed
// models per framework. That listing has been retired: it always returns
// an error wrapping [ErrNotOffered] that says where the information lives
// now (the Hub's model search, filtered by inference provider).
func (c *Client) ListDeployedModels(ctx context.Context, frameworks ...string) (map[Task][]string, error) {
	return nil, fmt.Errorf("%w: the serverless listing of deployed models was retired; search the Hub with inference_provider=hf-inference (GET %s/api/models?inference_provider=hf-inference&pipeline_tag=TASK)",
		ErrNotOffered, redactURL(c.hubURL))
}
