package inference

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Text generation on a server that is not Text Generation Inference (the
// generic transformers pipeline of hf-inference, a custom endpoint) refuses
// the TGI parameters its model does not take, with a 400 that lists them:
//
//	The following `model_kwargs` are not used by the model: ['watermark', 'stop', 'details'] ...
//
// As the Python client does, TextGeneration then drops the listed
// parameters, warns, sends again once, and remembers them for the model so
// that later calls leave them out from the start.

// modelKwargsNotUsed matches the pipeline's message; the quotes around
// model_kwargs differ between versions.
// It is compiled on first use: the error is rare, and start-up is not.
var modelKwargsNotUsed = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile("The following [`'\"]?model_kwargs[`'\"]? are not used by the model: \\[([^\\]]*)\\]")
})

// unusedParams remembers, per model, the generation parameters its server
// refused. It is safe for concurrent use.
type unusedParams struct {
	mu     sync.Mutex
	byCall map[string][]string
}

// paramsKey names the model of a call: its provider and the model id (or
// the URL of an endpoint).
func paramsKey(tc *taskCall) string { return tc.target.provider + " " + tc.target.model }

// get returns the parameters the model is known to refuse.
func (u *unusedParams) get(key string) []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return slices.Clone(u.byCall[key])
}

// add remembers more parameters the model refuses.
func (u *unusedParams) add(key string, names []string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.byCall == nil {
		u.byCall = map[string][]string{}
	}
	for _, n := range names {
		if !slices.Contains(u.byCall[key], n) {
			u.byCall[key] = append(u.byCall[key], n)
		}
	}
}

// refusedParams returns the parameter names a 400 answer says the model
// does not use, or nil when err is not such an answer.
func refusedParams(err error) []string {
	var he *HTTPError
	if !errors.As(err, &he) || he.StatusCode != http.StatusBadRequest {
		return nil
	}
	m := modelKwargsNotUsed().FindStringSubmatch(he.ServerMessage)
	if m == nil {
		m = modelKwargsNotUsed().FindStringSubmatch(string(he.Body))
	}
	if m == nil {
		return nil
	}
	var names []string
	for _, n := range strings.Split(m[1], ",") {
		if n = strings.Trim(strings.TrimSpace(n), `'"`+"`"); n != "" {
			names = append(names, n)
		}
	}
	return names
}

// dropParams removes names from the call's parameters, warns about those
// the caller had set, and returns how many they were.
func (tc *taskCall) dropParams(names []string) int {
	var dropped []string
	for _, n := range names {
		if _, ok := tc.params[n]; ok {
			dropped = append(dropped, n)
			delete(tc.params, n)
		}
	}
	if len(dropped) > 0 {
		tc.c.log.Warn("the model's text-generation server is not Text Generation Inference; parameters ignored",
			"model", tc.target.model, "parameters", strings.Join(dropped, ", "))
	}
	return len(dropped)
}

// notTGIError is the error of a stream asked of a server that is not TGI:
// the pipeline cannot stream.
func notTGIError(tc *taskCall, names []string, cause error) error {
	err := fmt.Errorf("%w: %s: the model's server is not Text Generation Inference (it refuses %s) and cannot stream; call TextGeneration",
		ErrTaskNotSupported, tc.describe(), strings.Join(names, ", "))
	if cause != nil {
		return errors.Join(err, cause)
	}
	return err
}
