package inference

import (
	"context"
	"net/http"
	"slices"
	"strings"
)

// Task names a Hugging Face inference task as the Hub spells it.
type Task string

// Tasks served by this package.
const (
	// TaskConversational is chat completion.
	TaskConversational Task = "conversational"
)

// provider describes one inference provider: where its own API lives, how
// it may be reached, and the tasks it serves.
type provider struct {
	baseURL string // the provider's own API, used with the provider's key
	// routerOnly providers are reached through the router whatever the key
	// (hf-inference has no other address).
	routerOnly bool
	// ownKeyOnly providers are never routed: they need their own key and
	// take their own model ids, not Hub ids (openai).
	ownKeyOnly bool
	tasks      map[Task]*taskHelper
}

// taskHelper holds what differs between providers for one task. The zero
// value of every field means "as everyone does".
type taskHelper struct {
	// route returns the path after the base URL for a provider model id.
	route func(model string) string
	// headers adds provider-specific headers after the common ones.
	headers func(h http.Header)
	// chat adjusts a chat payload to the provider's dialect.
	chat func(p *chatPayload)

	// The fields below serve the other tasks; nil means the hf-inference
	// behaviour.

	// directBaseURL replaces the provider's base URL for this task when it
	// is called with the provider's own key.
	directBaseURL string
	// routedQuery is added to the URL of a call through the router (fal's
	// queue is chosen by ?_subdomain=queue there, by its host when direct).
	routedQuery string
	// takesURLs marks a helper that passes an http(s) input on as its URL:
	// such an input is not downloaded first.
	takesURLs bool
	// body encodes the request.
	body func(tc *taskCall) (*taskBody, error)
	// callHeaders adjusts the headers of every request of the call.
	callHeaders func(tc *taskCall, h http.Header)
	// response turns the provider's answer into the task's common shape:
	// polling a job, downloading a result, unwrapping an envelope.
	response func(ctx context.Context, tc *taskCall, r *rawResponse) (*rawResponse, error)
	// postURL replaces the URL the call is sent to, for a provider whose
	// endpoint depends on the input (fal's text-only variant of an
	// image+text app).
	postURL func(tc *taskCall) string
}

// providers is the registry: provider name -> description. It is never
// written after package initialisation.
var providers = map[string]*provider{
	"baseten":           baseten,
	"black-forest-labs": blackForestLabs,
	"fal-ai":            falAI,
	"replicate":         replicate,
	"wavespeed":         wavespeed,
	"cerebras":          cerebras,
	"cohere":            cohere,
	"deepinfra":         deepinfra,
	"featherless-ai":    featherless,
	"fireworks-ai":      fireworks,
	"groq":              groq,
	"hf-inference":      hfInference,
	"hyperbolic":        hyperbolic,
	"nebius":            nebius,
	"novita":            novita,
	"nscale":            nscale,
	"openai":            openAI,
	"ovhcloud":          ovhcloud,
	"publicai":          publicAI,
	"sambanova":         sambanova,
	"scaleway":          scaleway,
	"together":          together,
	"zai-org":           zaiOrg,
}

// Providers returns the names of the providers this package can call,
// sorted. "auto" is not among them: it is a policy, not a provider.
func Providers() []string {
	names := make([]string, 0, len(providers))
	for name := range providers {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// SupportedTasks returns the tasks a provider serves, sorted, or nil for an
// unknown provider.
func SupportedTasks(providerName string) []Task {
	p, ok := providers[providerName]
	if !ok {
		return nil
	}
	tasks := make([]Task, 0, len(p.tasks))
	for t := range p.tasks {
		tasks = append(tasks, t)
	}
	slices.Sort(tasks)
	return tasks
}

// openAIChat is the chat helper of a provider that speaks the OpenAI API at
// /v1/chat/completions with no quirks.
func openAIChat() *taskHelper { return chatAt("/v1/chat/completions") }

// chatAt is an OpenAI-compatible chat helper at another path.
func chatAt(path string) *taskHelper {
	return &taskHelper{route: func(string) string { return path }}
}

// joinURL joins a base URL and a route with exactly one slash.
func joinURL(base, route string) string {
	return strings.TrimRight(base, "/") + "/" + strings.TrimLeft(route, "/")
}
