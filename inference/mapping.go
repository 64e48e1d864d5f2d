package inference

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// providerMapping says that a provider serves a Hub model under its own id
// for one task.
type providerMapping struct {
	Provider   string `json:"provider"`
	ProviderID string `json:"providerId"`
	Task       string `json:"task"`
	Status     string `json:"status"`
	HFModelID  string `json:"hfModelId"`
	// Adapter ("lora") and AdapterWeightsPath (a file of the Hub repo)
	// describe a LoRA served on top of a base model.
	Adapter            string `json:"adapter"`
	AdapterWeightsPath string `json:"adapterWeightsPath"`
}

// mappingCache memoises the Hub's provider mappings per model for the life of
// a Client. Concurrent lookups of one model share one request; failures are
// not cached.
type mappingCache struct {
	mu      sync.Mutex
	entries map[string]*mappingEntry
}

type mappingEntry struct {
	done     chan struct{}
	mappings []providerMapping
	err      error
}

// providerMappings returns the model's mappings, from the cache or the Hub.
// A waiter whose fetching peer was cancelled tries again with its own
// context rather than inheriting the peer's cancellation.
func (c *Client) providerMappings(ctx context.Context, model string) ([]providerMapping, error) {
	for {
		e, owner := c.mappings.entry(model)
		if owner {
			e.mappings, e.err = c.fetchMappings(ctx, model)
			if e.err != nil {
				c.mappings.forget(model, e)
			}
			close(e.done)
			return e.mappings, e.err
		}
		select {
		case <-e.done:
		case <-ctx.Done():
			return nil, classifyErr(ctx, "looking up providers of "+model, ctx.Err())
		}
		if e.err != nil && errors.Is(e.err, context.Canceled) && ctx.Err() == nil {
			continue
		}
		return e.mappings, e.err
	}
}

// entry returns the cache entry for model, creating it if needed; owner is
// true when the caller created it and must fill it.
func (mc *mappingCache) entry(model string) (e *mappingEntry, owner bool) {
	mc.mu.Lock()
	defer mc.mu.Unlock()
	if mc.entries == nil {
		mc.entries = map[string]*mappingEntry{}
	}
	if e, ok := mc.entries[model]; ok {
		return e, false
	}
	e = &mappingEntry{done: make(chan struct{})}
	mc.entries[model] = e
	return e, true
}

// forget drops a failed entry so that the next call fetches again.
func (mc *mappingCache) forget(model string, e *mappingEntry) {
	mc.mu.Lock()
	defer mc.mu.Unlock()
	if mc.entries[model] == e {
		delete(mc.entries, model)
	}
}

// fetchMappings asks the Hub which providers serve model, accepting the list
// form and the older object form of inferenceProviderMapping.
func (c *Client) fetchMappings(ctx context.Context, model string) ([]providerMapping, error) {
	op := "looking up providers of " + model
	body, err := c.hubModelInfo(ctx, model, op, "inferenceProviderMapping")
	if err != nil {
		return nil, err
	}
	var info struct {
		Mapping json.RawMessage `json:"inferenceProviderMapping"`
	}
	if err := json.Unmarshal(body, &info); err != nil {
		return nil, fmt.Errorf("inference: %s: the Hub sent invalid JSON: %w", op, err)
	}
	mappings, err := parseMappings(model, info.Mapping)
	if err != nil {
		return nil, fmt.Errorf("inference: %s: %w", op, err)
	}
	return mappings, nil
}

func parseMappings(model string, raw json.RawMessage) ([]providerMapping, error) {
	raw = json.RawMessage(strings.TrimSpace(string(raw)))
	if len(raw) == 0 || string(raw) == "null" {
		return nil, fmt.Errorf("%w: the Hub lists no inference provider for %s", ErrModelNotMapped, model)
	}
	var list []providerMapping
	if raw[0] == '[' {
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, fmt.Errorf("unexpected inferenceProviderMapping list: %w", err)
		}
		return list, nil
	}
	// The object form does not keep the Hub's order; the list form, which
	// does, is what the Hub sends today.
	var obj map[string]providerMapping
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, fmt.Errorf("unexpected inferenceProviderMapping object: %w", err)
	}
	for name, m := range obj {
		m.Provider, m.HFModelID = name, model
		list = append(list, m)
	}
	return list, nil
}

// providerMapping returns the model's mapping to the provider for task, or
// an error naming what is missing.
func (c *Client) providerMapping(ctx context.Context, providerName, model string, task Task) (providerMapping, error) {
	mappings, err := c.providerMappings(ctx, model)
	if err != nil {
		return providerMapping{}, err
	}
	for _, m := range mappings {
		if m.Provider != providerName {
			continue
		}
		if m.Task != string(task) {
			return providerMapping{}, fmt.Errorf("%w: model %s is served by %s for task %q, not %q",
				ErrTaskNotSupported, model, providerName, m.Task, task)
		}
		switch m.Status {
		case "staging":
			c.log.Warn("model is in staging mode for this provider; meant for tests only", "model", model, "provider", providerName)
		case "error":
			c.log.Warn("the Hub's last health check of this model on this provider failed", "model", model, "provider", providerName)
		}
		if m.HFModelID == "" {
			m.HFModelID = model
		}
		return m, nil
	}
	names := make([]string, 0, len(mappings))
	for _, m := range mappings {
		names = append(names, m.Provider)
	}
	return providerMapping{}, fmt.Errorf("%w: %s is not served by %s (served by: %s)",
		ErrModelNotMapped, model, providerName, strings.Join(names, ", "))
}

// hubModelInfo GETs the Hub's info of model with the given expand[] fields
// (an hf_ token authenticates it; a provider key is not sent) and returns
// the body. op names the lookup in errors.
func (c *Client) hubModelInfo(ctx context.Context, model, op string, expand ...string) ([]byte, error) {
	segs := strings.Split(model, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	q := make([]string, len(expand))
	for i, e := range expand {
		q[i] = "expand[]=" + e
	}
	u := c.hubURL + "/api/models/" + strings.Join(segs, "/") + "?" + strings.Join(q, "&")
	h := http.Header{}
	h.Set("User-Agent", c.userAgent)
	if strings.HasPrefix(c.token, "hf_") {
		h.Set("Authorization", "Bearer "+c.token)
	}
	op += " on the Hub"
	r, err := c.roundTrip(ctx, &request{method: http.MethodGet, url: u, header: h, op: op})
	if err != nil {
		return nil, withOp(op, err)
	}
	return r.data, nil
}
