package inference

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// target is where one call goes and how.
type target struct {
	provider string // provider name, "auto", or "" for a URL endpoint
	url      string
	model    string      // the model id in the body
	helper   *taskHelper // nil for the auto router and URL endpoints
	// base is what url was built on: {router}/{provider}, or the
	// provider's own API when direct.
	base   string
	direct bool // the provider's own API with the provider's own key
	// hubModel and loraPath are set when the mapping serves a LoRA: the
	// Hub repo and the weights file in it.
	hubModel string
	loraPath string
}

// resolveChat decides the URL and body model of a chat call. callModel
// and callProvider are the per-call model and provider, if any.
func (c *Client) resolveChat(ctx context.Context, callModel, callProvider string) (target, error) {
	name, err := c.callProvider(callProvider, firstNonEmpty(callModel, c.model))
	if err != nil {
		return target{}, err
	}
	switch {
	case c.modelIsURL:
		return target{url: chatCompletionURL(c.model), model: firstNonEmpty(callModel, "dummy")}, nil
	case isURL(callModel):
		return target{url: chatCompletionURL(callModel), model: "dummy"}, nil
	}
	model := firstNonEmpty(callModel, c.model)
	if model == "" {
		return target{}, fmt.Errorf("%w: no model given; set one with WithModel or in the input", ErrInvalidOption)
	}
	if err := c.needToken(model); err != nil {
		return target{}, err
	}
	if name == ProviderAuto {
		if !strings.HasPrefix(c.token, "hf_") {
			return target{}, fmt.Errorf("%w: the auto router needs a Hugging Face token (hf_...); with a provider's own key, name the provider with WithProvider",
				ErrInvalidOption)
		}
		return target{provider: ProviderAuto, url: joinURL(c.routerURL, "/v1/chat/completions"), model: model}, nil
	}
	return c.resolveProvider(ctx, name, model, TaskConversational)
}

// needToken reports a call of model that has no credential at all.
func (c *Client) needToken(model string) error {
	if c.token != "" {
		return nil
	}
	return fmt.Errorf("%w: calling %s needs a Hugging Face token or a provider key: set HF_TOKEN, log in with `hf auth login`, or use WithToken",
		ErrNoToken, model)
}

// resolveProvider routes a call of task to the named provider: the
// provider's model id from the Hub mapping (hf-inference takes Hub ids
// for every task but chat), and the router or the provider's own API
// depending on the key.
func (c *Client) resolveProvider(ctx context.Context, name, model string, task Task) (target, error) {
	p := providers[name]
	h, ok := p.tasks[task]
	if !ok {
		return target{}, fmt.Errorf("%w: %q by provider %s (it serves: %v)", ErrTaskNotSupported, task, name, SupportedTasks(name))
	}
	hfToken := strings.HasPrefix(c.token, "hf_")
	t := target{provider: name, helper: h, model: model, direct: !hfToken && !p.routerOnly}
	switch {
	case p.ownKeyOnly:
		if hfToken {
			return target{}, fmt.Errorf("%w: provider %s is not reachable through the Hugging Face router; use its own API key",
				ErrInvalidOption, name)
		}
		t.model = strings.TrimPrefix(model, name+"/")
	case name == "hf-inference" && task != TaskConversational:
	default:
		m, err := c.providerMapping(ctx, name, model, task)
		if name == "hf-inference" && errors.Is(err, ErrModelNotMapped) {
			// hf-inference serves chat for Hub ids the Hub has no mapping
			// for, as the Python client relies on: send the Hub id.
			break
		}
		if err != nil {
			return target{}, err
		}
		t.model = m.ProviderID
		if m.AdapterWeightsPath != "" {
			t.hubModel, t.loraPath = m.HFModelID, m.AdapterWeightsPath
		}
	}
	t.base = c.routerURL + "/" + name
	if t.direct {
		t.base = firstNonEmpty(h.directBaseURL, p.baseURL)
	}
	route := "/models/" + t.model
	if h.route != nil {
		route = h.route(t.model)
	}
	t.url = joinURL(t.base, route)
	if !t.direct && h.routedQuery != "" {
		t.url += "?" + h.routedQuery
	}
	return t, nil
}

// header builds the request headers: auth, JSON content type, user agent,
// billing, the caller's headers, then the provider's own.
func (c *Client) header(t target) http.Header {
	h := make(http.Header, 6+len(c.headers))
	if c.token != "" {
		h.Set("Authorization", "Bearer "+c.token)
	}
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", c.userAgent)
	if c.billTo != "" {
		h.Set("X-HF-Bill-To", c.billTo)
	}
	for k, v := range c.headers {
		h[k] = v
	}
	if t.helper != nil && t.helper.headers != nil {
		t.helper.headers(h)
	}
	return h
}
