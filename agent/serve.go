package agent

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// Defaults of [HandlerOptions].
const (
	// DefaultMaxBodyBytes bounds a request body: room for a long
	// conversation and a few images sent as data: URLs.
	DefaultMaxBodyBytes = 4 << 20
	// DefaultMaxConcurrent bounds the chat completions that run at once.
	// A request spends its time waiting on the model and the tools, so the
	// bound is about memory and the provider's rate limits, not CPU.
	DefaultMaxConcurrent = 128
	// DefaultKeepAlive is how long a stream may go without an event before
	// a keep-alive comment is sent: well under the minutes after which
	// clients and proxies give up on a silent response.
	DefaultKeepAlive = 15 * time.Second
)

// The routes of the handler.
const (
	pathChat   = "/v1/chat/completions"
	pathModels = "/v1/models"
	pathHealth = "/healthz"
)

// HandlerOptions configure the handler of [NewHandler]. The zero value
// is usable: no authentication and the default limits.
type HandlerOptions struct {
	// APIKey, if non-empty, is the key every request but GET /healthz must
	// send as "Authorization: Bearer KEY"; others get 401.
	APIKey string
	// MaxBodyBytes bounds a request body; a larger one gets 413. Zero
	// means [DefaultMaxBodyBytes], a negative value no bound.
	MaxBodyBytes int64
	// MaxConcurrent bounds the chat completions running at once; one more
	// gets 429 with "Retry-After: 1". Zero means [DefaultMaxConcurrent], a
	// negative value no bound.
	MaxConcurrent int
	// Model is the model id that GET /v1/models lists and that responses
	// name. It defaults to the model of the agent's config ([Agent.ModelName]),
	// or "tiny-agents" when the config names none. The model a request
	// names is ignored: the agent's model answers.
	Model string
	// KeepAlive is how long a stream may go without an event before a
	// comment line (": keep-alive") is sent, so that clients and proxies
	// that give up on a silent response (Node's fetch after 300 s) wait
	// through long tool calls. Zero means [DefaultKeepAlive], a negative
	// value none.
	KeepAlive time.Duration
	// Redact, if non-nil, is applied to what a run sends the client: the
	// events of a stream (the model's chunks one at a time, so a secret
	// split between two chunks passes), the answer and tool trail of a
	// reply, and error messages, which can quote what the model's
	// endpoint said about the request, its credentials included. The CLI
	// passes its redactor: the token and the other secrets of the agent
	// become "[redacted]".
	Redact func(string) string
	// Logger receives a warning for each request that fails on the
	// server's side (with the whole error, which the client does not get)
	// and a debug line for each client that goes away. Nil means
	// slog.Default().
	Logger *slog.Logger
}

// NewHandler returns an OpenAI-compatible HTTP handler that runs a on
// each chat completion request. It is safe for concurrent use; the
// agent's servers and tools are shared by all requests, and a is not
// closed by it. Mount it under a prefix with http.StripPrefix. Streams
// are flushed through http.ResponseController: a middleware whose
// ResponseWriter neither flushes nor unwraps holds a whole stream until
// its end.
//
// Routes:
//
//   - POST /v1/chat/completions: each request is its own conversation:
//     the agent's system prompt, then the request's messages (string or
//     parts content; roles system, developer (read as system), user,
//     assistant, tool; other fields are ignored), run through
//     [Agent.RunConversation] with the request's context, so that a client
//     that goes away cancels its run. With "stream": true the reply is
//     server-sent events: the model's chunks as they come, one chunk with
//     delta.role "tool" and content "Tool[NAME] ID\nRESULT" per tool result
//     (id is the tool call id, model and system_fingerprint are ""), then,
//     if the request has "stream_options": {"include_usage": true}, one
//     chunk with "choices": [] and the run's summed usage, zeros if the
//     model reported none (the model's own usage chunks are not passed
//     on), then "data: [DONE]". Events are flushed at most 2 ms after
//     they are written, so that a burst of them costs one write; a stream
//     silent for KeepAlive gets a ": keep-alive" comment. A failure before
//     the first event or comment is an HTTP error as without stream;
//     after it, it is sent as data: {"error":{...}} and ends the stream
//     without [DONE]. Without stream, the reply is one chat.completion
//     whose message is the run's answer, with finish_reason "stop"
//     ("length" when the run stopped at the turn limit), the summed usage
//     (zeros if unknown), and the extra field "x_tiny_agents":
//     {"stop_reason", "turns", "tool_trail": [{"id", "name", "arguments",
//     "content"}]}, which no OpenAI field can clash with.
//   - GET /v1/models: the OpenAI list with one model; GET
//     /v1/models/{model}: that model.
//   - GET /healthz: {"status":"ok"}, without authentication.
//
// Errors are OpenAI-style JSON, {"error":{"message","type","param","code"}}:
// 400 for a body that does not parse or has no messages, 401, 404, 405
// (with Allow), 413, 429, 502 when the model's endpoint failed (its
// status and message are passed on, its URL is not; with X-Should-Retry:
// false when it refused the request, a 4xx other than 408 and 429, so that
// a client does not run the whole agent again), 504 when it timed out,
// 503 when the agent is closed, 500 otherwise (the details go to the
// Logger only). Every answer of the chat route carries an X-Request-Id.
func NewHandler(a *Agent, opts HandlerOptions) http.Handler {
	h := &handler{a: a, model: opts.Model, log: opts.Logger, maxBody: opts.MaxBodyBytes, redact: opts.Redact}
	if h.redact == nil {
		h.redact = func(s string) string { return s }
	}
	if h.model == "" {
		h.model = a.ModelName()
	}
	if h.model == "" {
		h.model = "tiny-agents"
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.maxBody == 0 {
		h.maxBody = DefaultMaxBodyBytes
	}
	switch h.keepAlive = opts.KeepAlive; {
	case h.keepAlive == 0:
		h.keepAlive = DefaultKeepAlive
	case h.keepAlive < 0:
		h.keepAlive = 0
	}
	switch n := opts.MaxConcurrent; {
	case n == 0:
		h.slots = make(chan struct{}, DefaultMaxConcurrent)
	case n > 0:
		h.slots = make(chan struct{}, n)
	}
	if opts.APIKey != "" {
		sum := sha256.Sum256([]byte(opts.APIKey))
		h.keyHash = sum[:]
	}
	return h
}

// handler is the http.Handler of NewHandler.
type handler struct {
	a         *Agent
	model     string
	log       *slog.Logger
	maxBody   int64         // negative: no bound
	keepAlive time.Duration // 0: no keep-alive comments
	redact    func(string) string
	slots     chan struct{} // one token per running completion; nil: no bound
	keyHash   []byte        // SHA-256 of the API key, nil without one
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, "/") {
		// Mounted with http.StripPrefix("/api/", ...): the path lost its "/".
		r2 := *r
		u := *r.URL
		u.Path = "/" + u.Path
		r2.URL = &u
		r = &r2
	}
	if r.URL.Path == pathHealth {
		route(w, r, http.MethodGet, h.health)
		return
	}
	if r.URL.Path == pathChat {
		// Every answer of the route has one, refusals too: SDKs report it.
		w.Header().Set("X-Request-Id", newCompletionID())
	}
	if !h.authorized(w, r) {
		return
	}
	switch model, isModel := strings.CutPrefix(r.URL.Path, pathModels+"/"); {
	case r.URL.Path == pathChat:
		route(w, r, http.MethodPost, h.chat)
	case r.URL.Path == pathModels:
		route(w, r, http.MethodGet, h.models)
	case isModel && model == h.model:
		route(w, r, http.MethodGet, h.modelInfo)
	case isModel:
		writeError(w, http.StatusNotFound, &apiError{Type: errInvalidRequest, Code: "model_not_found",
			Message: "the model " + model + " does not exist here; this server runs " + h.model})
	default:
		writeError(w, http.StatusNotFound, &apiError{Type: errInvalidRequest, Code: "unknown_url",
			Message: "unknown route " + r.URL.Path + "; try POST " + pathChat})
	}
}

// route calls f if r has the method (GET also takes HEAD), and answers
// 405 otherwise.
func route(w http.ResponseWriter, r *http.Request, method string, f http.HandlerFunc) {
	if r.Method == method || (method == http.MethodGet && r.Method == http.MethodHead) {
		f(w, r)
		return
	}
	allow := method
	if method == http.MethodGet {
		allow += ", " + http.MethodHead
	}
	w.Header().Set("Allow", allow)
	writeError(w, http.StatusMethodNotAllowed, &apiError{Type: errInvalidRequest, Code: "method_not_allowed",
		Message: r.Method + " is not allowed on " + r.URL.Path + "; use " + method})
}

// authorized checks the bearer key in constant time (over hashes, so that
// not even the key's length shows) and answers 401 if it is missing or
// wrong.
func (h *handler) authorized(w http.ResponseWriter, r *http.Request) bool {
	if h.keyHash == nil {
		return true
	}
	const scheme = "Bearer "
	auth := r.Header.Get("Authorization")
	if len(auth) > len(scheme) && strings.EqualFold(auth[:len(scheme)], scheme) {
		sum := sha256.Sum256([]byte(strings.TrimSpace(auth[len(scheme):])))
		if subtle.ConstantTimeCompare(sum[:], h.keyHash) == 1 {
			return true
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="tiny-agents", error="invalid_token"`)
		writeError(w, http.StatusUnauthorized, &apiError{Type: errInvalidRequest, Code: "invalid_api_key",
			Message: "incorrect API key"})
		return false
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="tiny-agents"`)
	writeError(w, http.StatusUnauthorized, &apiError{Type: errInvalidRequest, Code: "invalid_api_key",
		Message: "missing API key: send it as \"Authorization: Bearer KEY\""})
	return false
}

func (h *handler) health(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// modelList is the body of GET /v1/models.
type modelList struct {
	Object string        `json:"object"`
	Data   []modelObject `json:"data"`
}

type modelObject struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	OwnedBy string `json:"owned_by"`
}

func (h *handler) models(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, modelList{Object: "list", Data: []modelObject{h.modelObject()}})
}

// modelInfo serves GET /v1/models/{model} (the OpenAI SDKs' retrieve).
func (h *handler) modelInfo(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, h.modelObject())
}

func (h *handler) modelObject() modelObject {
	return modelObject{ID: h.model, Object: "model", OwnedBy: "tiny-agents"}
}

// chat serves POST /v1/chat/completions.
func (h *handler) chat(w http.ResponseWriter, r *http.Request) {
	id := w.Header().Get("X-Request-Id") // set by ServeHTTP
	if h.slots != nil {
		select {
		case h.slots <- struct{}{}:
			defer func() { <-h.slots }()
		default:
			w.Header().Set("Retry-After", "1")
			writeError(w, http.StatusTooManyRequests, &apiError{Type: "rate_limit_error", Code: "too_many_requests",
				Message: "too many requests are running (at most " + strconv.Itoa(cap(h.slots)) + "); retry in a second"})
			return
		}
	}
	req, status, apiErr := h.readRequest(w, r)
	if apiErr != nil {
		writeError(w, status, apiErr)
		return
	}
	c := &completion{h: h, w: w, r: r, id: id, created: time.Now().Unix(),
		includeUsage: req.StreamOptions != nil && req.StreamOptions.IncludeUsage}
	if req.Stream {
		c.stream(req.Messages)
	} else {
		c.complete(req.Messages)
	}
}

// completion is one chat completion request being answered.
type completion struct {
	h       *handler
	w       http.ResponseWriter
	r       *http.Request
	id      string // "chatcmpl-" and 24 hex digits, also the X-Request-Id
	created int64
	// includeUsage: the request asked for stream_options.include_usage, so
	// the stream ends with a chunk with the usage and no choices (OpenAI
	// sends it only then: clients that did not ask read choices[0] of
	// every chunk).
	includeUsage bool
}

// complete answers without streaming: the run's answer, usage and trail.
func (c *completion) complete(msgs []inference.ChatMessage) {
	var (
		history []inference.ChatMessage
		trail   = []toolTrailEntry{}
		end     *mcpclient.RunEndEvent
	)
	for ev, err := range c.h.a.RunConversation(c.r.Context(), &history, msgs...) {
		if err != nil {
			c.fail(err, nil)
			return
		}
		switch e := ev.(type) {
		case *mcpclient.ToolResultEvent:
			trail = append(trail, toolTrailEntry{ID: e.Call.ID, Name: e.Call.Function.Name,
				Arguments: c.h.redact(e.Call.Function.Arguments), Content: c.h.redact(e.Message.Content)})
		case *mcpclient.RunEndEvent:
			end = e
		}
	}
	if end == nil { // cannot happen: a run without an error ends with a RunEndEvent
		c.fail(errNoRunEnd, nil)
		return
	}
	out := chatCompletion{ID: c.id, Object: "chat.completion", Created: c.created, Model: c.h.model,
		Choices: []completionChoice{{Message: assistantMessage{Role: inference.RoleAssistant, Content: c.h.redact(end.Answer)},
			FinishReason: finishReason(end.Reason)}},
		Usage: inference.Usage{},
		Extra: runSummary{StopReason: string(end.Reason), Turns: end.Turns, ToolTrail: trail}}
	if end.Usage != nil {
		out.Usage = *end.Usage
	}
	writeJSON(c.w, http.StatusOK, out)
}

// finishReason is the finish_reason of a run that ended for reason:
// "length" at the turn limit, where the task may not be finished (as a
// model's answer cut by its token limit), "stop" otherwise.
func finishReason(reason mcpclient.StopReason) string {
	if reason == mcpclient.StopMaxTurns {
		return "length"
	}
	return "stop"
}

// stream answers with server-sent events.
func (c *completion) stream(msgs []inference.ChatMessage) {
	s := newEventStream(c)
	defer s.close()
	var history []inference.ChatMessage
	for ev, err := range c.h.a.RunConversation(c.r.Context(), &history, msgs...) {
		if err != nil {
			c.fail(err, s)
			return
		}
		if err := s.event(ev); err != nil {
			c.h.log.Debug("chat completion " + c.id + ": client gone: " + err.Error())
			return // the client is gone; ending the range ends the run
		}
	}
	if err := s.done(); err != nil {
		c.h.log.Debug("chat completion " + c.id + ": client gone: " + err.Error())
	}
}

// fail reports a failed run: as an HTTP error if nothing was sent yet, as
// an error event otherwise. The client gets a message without internals;
// the Logger gets the error.
func (c *completion) fail(err error, s *eventStream) {
	status, apiErr := classifyRunError(c.r.Context(), err)
	apiErr.Message = c.h.redact(apiErr.Message)
	if c.r.Context().Err() != nil {
		c.h.log.Debug("chat completion " + c.id + " cancelled: " + err.Error())
	} else {
		c.h.log.Warn("chat completion "+c.id+" failed: "+err.Error(), "status", status)
	}
	if s != nil && s.close() {
		s.sendError(apiErr)
		return
	}
	if noRetry(err) {
		c.w.Header().Set("X-Should-Retry", "false") // honoured by the OpenAI SDKs
	}
	writeError(c.w, status, apiErr)
}

// newCompletionID returns "chatcmpl-" and 24 random hex digits.
func newCompletionID() string {
	var b [12]byte
	rand.Read(b[:])
	return "chatcmpl-" + hex.EncodeToString(b[:])
}
