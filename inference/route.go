package inference

import (
	"context"
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
	// hubModel and loraPath are set when the mapping serves a LoRA: the
	// Hub repo and the weights file in it.
	hubModel string
	loraPath string
}

// resolveChat decides the URL and body model of a chat call. callModel is
// the per-call model, if any.
func (c *Client) resolveChat(ctx context.Context, callModel string) (target, error) {
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
	if c.token == "" {
		return target{}, fmt.Errorf("%w: calling %s needs a Hugging Face token or a provider key: set HF_TOKEN, log in with `hf auth login`, or use WithToken",
			ErrNoToken, model)
	}
	hfToken := strings.HasPrefix(c.token, "hf_")
	if c.provider == ProviderAuto {
		if !hfToken {
			return target{}, fmt.Errorf("%w: the auto router needs a Hugging Face token (hf_...); with a provider's own key, name the provider with WithProvider",
				ErrInvalidOption)
		}
		return target{provider: ProviderAuto, url: joinURL(c.routerURL, "/v1/chat/completions"), model: model}, nil
	}
	return c.resolveProvider(ctx, model, TaskConversational, hfToken)
}

// resolveProvider routes a call to a named provider: the provider's model id
// from the Hub mapping, and the router or the provider's own URL depending on
// the key.
func (c *Client) resolveProvider(ctx context.Context, model string, task Task, hfToken bool) (target, error) {
	p := providers[c.provider]
	h, ok := p.tasks[task]
	if !ok {
		return target{}, fmt.Errorf("%w: %q by provider %s (it serves: %v)", ErrTaskNotSupported, task, c.provider, SupportedTasks(c.provider))
	}
	t := target{provider: c.provider, helper: h}
	if p.ownKeyOnly {
		if hfToken {
			return target{}, fmt.Errorf("%w: provider %s is not reachable through the Hugging Face router; use its own API key",
				ErrInvalidOption, c.provider)
		}
		t.model = strings.TrimPrefix(model, c.provider+"/")
	} else {
		id, err := c.providerModelID(ctx, c.provider, model, task)
		if err != nil {
			return target{}, err
		}
		t.model = id
	}
	base := p.baseURL
	if hfToken || p.routerOnly {
		base = c.routerURL + "/" + c.provider
	}
	t.url = joinURL(base, h.route(t.model))
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
