package inference

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/tiny-agents-go/tiny-agents/internal/urlredact"
)

// This file holds the calls a deployed Text Generation Inference (TGI) or
// Text Embeddings Inference (TEI) endpoint answers besides its tasks: its
// health and its description, as the Python client's health_check and
// get_endpoint_info.

// HealthCheck asks a deployed endpoint whether it is ready: a GET of
// {endpoint}/health, the route TGI and TEI serve, sent once (a health
// check is not retried). endpoint is the endpoint's URL, or "" for the
// client's URL model. It returns nil when the endpoint answers 2xx, an
// *HTTPError carrying the status when it answers otherwise (503 while the
// model loads), an error matching [ErrTimeout] for a deadline, a
// connection error, or an error wrapping [ErrInvalidOption] when there is
// no endpoint URL: the serverless Hub models have no health route (see
// [Client.ModelStatus]).
func (c *Client) HealthCheck(ctx context.Context, endpoint string) error {
	endpoint = firstNonEmpty(endpoint, c.model)
	if !isURL(endpoint) {
		return fmt.Errorf("%w: a health check needs the URL of a deployed endpoint (TGI or TEI), not %q; see ModelStatus for Hub models",
			ErrInvalidOption, urlredact.URL(endpoint))
	}
	req := c.endpointRequest(endpointRoute(endpoint, "/health"), "health check of "+urlredact.URL(endpoint))
	req.noRetry = true
	resp, cancel, err := c.send(ctx, req)
	if err != nil {
		return err
	}
	defer cancel()
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
	return nil
}

// EndpointInfo returns what a TGI or TEI endpoint says about itself (GET
// {endpoint}/info: the model id, its dtype, the batch and token limits,
// the server version, ...), decoded as a JSON object; servers that have
// nothing to say (a transformers endpoint) give an empty map. model is the
// endpoint's URL or a Hub id served by hf-inference (then asked at
// {router}/hf-inference/models/{id}/info), "" for the client's model. It
// returns an *HTTPError for a non-2xx answer, a *ResponseError for an
// answer that is not a JSON object, and an error wrapping [ErrNotOffered]
// for a Hub id with another provider than auto or hf-inference.
func (c *Client) EndpointInfo(ctx context.Context, model string) (map[string]any, error) {
	model = firstNonEmpty(model, c.model)
	var u string
	switch {
	case model == "":
		return nil, fmt.Errorf("%w: endpoint info: no model given", ErrInvalidOption)
	case isURL(model):
		u = endpointRoute(model, "/info")
	case c.provider != ProviderAuto && c.provider != "hf-inference":
		return nil, fmt.Errorf("%w: endpoint info is served by hf-inference and deployed endpoints, not provider %s", ErrNotOffered, c.provider)
	default:
		u = joinURL(c.routerURL, "/hf-inference/models/"+model+"/info")
	}
	op := "endpoint info of " + urlredact.URL(model)
	r, err := c.roundTrip(ctx, c.endpointRequest(u, op))
	if err != nil {
		return nil, withOp(op, err)
	}
	info := map[string]any{}
	if len(bytes.TrimSpace(r.data)) == 0 {
		return info, nil
	}
	if err := json.Unmarshal(r.data, &info); err != nil {
		return nil, &ResponseError{Task: "endpoint-info", Provider: urlredact.URL(model), Body: truncate(r.data, 200), Err: err}
	}
	return info, nil
}

// endpointRoute appends route to the path of an endpoint URL, keeping its
// query.
func endpointRoute(endpoint, route string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return strings.TrimRight(endpoint, "/") + route
	}
	u.Path, u.RawPath = strings.TrimRight(u.Path, "/")+route, ""
	return u.String()
}

// endpointRequest is a GET of u with the client's headers and credentials.
func (c *Client) endpointRequest(u, op string) *request {
	h := c.header(target{})
	h.Del("Content-Type")
	return &request{method: http.MethodGet, url: u, header: h, op: op}
}
