package inference

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strings"

	"github.com/tiny-agents-go/tiny-agents/internal/urlredact"
)

// CallOption adjusts one task call: the model or the provider to use
// instead of the client's, or extra body fields.
type CallOption func(*callConfig)

type callConfig struct {
	model    string
	provider string
	extra    map[string]any
}

// Model makes one call use model (a Hub id, or a URL for a deployed
// endpoint) instead of the client's default model.
func Model(model string) CallOption { return func(c *callConfig) { c.model = model } }

// Provider makes one call use the named provider ("auto" or one of
// [Providers]) instead of the client's, as the JS client's per-call
// provider does. The call returns an error wrapping [ErrUnknownProvider]
// for another name, and one wrapping [ErrInvalidOption] when the model is
// a URL and the provider is neither "auto" nor "hf-inference".
func Provider(name string) CallOption {
	return func(c *callConfig) { c.provider = strings.TrimSpace(name) }
}

// ExtraBody merges fields into the request body of one call, for provider
// parameters the typed parameters do not have. Where a provider nests the
// task parameters, the extra fields go at the top level of the body.
func ExtraBody(fields map[string]any) CallOption {
	return func(c *callConfig) {
		if c.extra == nil {
			c.extra = map[string]any{}
		}
		maps.Copy(c.extra, fields)
	}
}

// taskCall is one non-chat call on its way out: what the caller asked for,
// and where it goes. Provider helpers read it to build the body and to
// interpret the answer.
type taskCall struct {
	c      *Client
	task   Task
	target target

	inputs any            // the JSON "inputs" value, if the task has one
	media  *mediaData     // the binary input, if the task has one
	params map[string]any // the task parameters, without nil values
	extra  map[string]any // ExtraBody fields
	stream bool           // text generation: ask for a token stream
	// mediaAnswer puts the call's answers, polls and downloads under the
	// media limit: tasks that answer with media, and Post.
	mediaAnswer bool
}

// mediaTasks answer with media: bytes, or JSON that carries them in
// base64 or links to them.
var mediaTasks = map[Task]bool{
	TaskAudioToAudio: true, TaskImageToImage: true, TaskImageToVideo: true,
	TaskImageTextToImage: true, TaskImageTextToVideo: true, TaskTextToAudio: true,
	TaskTextToImage: true, TaskTextToSpeech: true, TaskTextToVideo: true,
}

// taskBody is an encoded request body.
type taskBody struct {
	data        []byte
	contentType string
}

// rawResponse is an answer before the task's typed decoding: the body and
// its content type, after the provider's helper has polled or downloaded
// whatever the task needs.
type rawResponse struct {
	data        []byte
	contentType string
}

// jsonBody encodes v as a JSON request body.
func jsonBody(v any) (*taskBody, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return &taskBody{data: b, contentType: "application/json"}, nil
}

// describe names the task and who serves it, for errors.
func (tc *taskCall) describe() string {
	return fmt.Sprintf("%s from %s", tc.task, tc.target.name())
}

// newTaskCall resolves where a call of task goes and converts params (a
// typed parameters struct or nil) to a map.
func (c *Client) newTaskCall(ctx context.Context, task Task, params any, opts []CallOption) (*taskCall, error) {
	var cfg callConfig
	for _, o := range opts {
		o(&cfg)
	}
	t, err := c.resolveTask(ctx, task, cfg.model, cfg.provider)
	if err != nil {
		return nil, err
	}
	pm, err := paramsMap(params)
	if err != nil {
		return nil, fmt.Errorf("inference: %s: encoding parameters: %w", task, err)
	}
	return &taskCall{c: c, task: task, target: t, params: pm, extra: cfg.extra, mediaAnswer: mediaTasks[task]}, nil
}

// paramsMap turns a typed parameters struct into a map of its set fields.
func paramsMap(params any) (map[string]any, error) {
	m := map[string]any{}
	if params == nil {
		return m, nil
	}
	b, err := json.Marshal(params)
	if err != nil {
		return nil, err
	}
	if string(b) == "null" {
		return m, nil
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for k, v := range m {
		if v == nil {
			delete(m, k)
		}
	}
	return m, nil
}

// resolveTask decides the provider, model id and URL of a non-chat call.
// A URL model (client or call) is called directly with the hf-inference
// request shape. With no model, hf-inference and "auto" take the Hub's
// recommended one; "auto" picks the first provider of the model's mapping
// that this package can call for the task.
func (c *Client) resolveTask(ctx context.Context, task Task, callModel, callProvider string) (target, error) {
	model := firstNonEmpty(callModel, c.model)
	name, err := c.callProvider(callProvider, model)
	if err != nil {
		return target{}, err
	}
	if isURL(model) {
		return target{url: model, model: model, helper: hfInference.tasks[task]}, nil
	}
	if model == "" && (name == "hf-inference" || name == ProviderAuto) {
		rec, err := c.recommendedModel(ctx, task)
		if err != nil {
			return target{}, err
		}
		model = rec
	}
	if model == "" {
		return target{}, fmt.Errorf("%w: %s: no model given; set one with WithModel or the Model call option", ErrInvalidOption, task)
	}
	if err := c.needToken(model); err != nil {
		return target{}, err
	}
	if name == ProviderAuto {
		picked, err := c.autoProvider(ctx, model, task)
		if err != nil {
			return target{}, err
		}
		name = picked
	}
	return c.resolveProvider(ctx, name, model, task)
}

// callProvider returns the provider of one call: the call's own (checked
// as NewClient checks the client's) or the client's.
func (c *Client) callProvider(name, model string) (string, error) {
	if name == "" {
		return c.provider, nil
	}
	if _, ok := providers[name]; !ok && name != ProviderAuto {
		return "", fmt.Errorf("%w: %q (known: auto, %s)", ErrUnknownProvider, name, strings.Join(Providers(), ", "))
	}
	if isURL(model) && name != ProviderAuto && name != "hf-inference" {
		return "", fmt.Errorf("%w: URL model %q called with provider %q; a URL is called directly, drop the provider or pass a Hub model id",
			ErrInvalidOption, urlredact.URL(model), name)
	}
	return name, nil
}

// autoProvider picks the first provider of the model's Hub mapping that
// serves task and that this package knows.
func (c *Client) autoProvider(ctx context.Context, model string, task Task) (string, error) {
	mappings, err := c.providerMappings(ctx, model)
	if err != nil {
		return "", err
	}
	for _, m := range mappings {
		if p, ok := providers[m.Provider]; ok && m.Task == string(task) && p.tasks[task] != nil {
			return m.Provider, nil
		}
	}
	// hf-inference serves a model under any pipeline it supports (a
	// sentence-similarity model also embeds), so its mapping's task need
	// not match.
	for _, m := range mappings {
		if m.Provider == "hf-inference" {
			return m.Provider, nil
		}
	}
	return "", fmt.Errorf("%w: no provider this package can call serves %s for task %q", ErrModelNotMapped, model, task)
}

// do sends the call and returns the answer after the provider's helper has
// interpreted it (polled, downloaded, unwrapped).
func (tc *taskCall) do(ctx context.Context) (*rawResponse, error) {
	body, err := tc.body()
	if err != nil {
		return nil, err
	}
	u := tc.target.url
	if h := tc.target.helper; h != nil && h.postURL != nil {
		u = h.postURL(tc)
	}
	resp, err := tc.post(ctx, u, body)
	if err != nil {
		return nil, err
	}
	if h := tc.target.helper; h != nil && h.response != nil {
		return h.response(ctx, tc, resp)
	}
	return resp, nil
}

// body builds the request body with the provider's helper, or in the
// hf-inference shape.
func (tc *taskCall) body() (*taskBody, error) {
	var b *taskBody
	var err error
	if h := tc.target.helper; h != nil && h.body != nil {
		b, err = h.body(tc)
	} else {
		b, err = hfInferenceBody(tc)
	}
	if err != nil {
		return nil, fmt.Errorf("inference: %s: building the request: %w", tc.describe(), err)
	}
	return b, nil
}

// post sends body to url with the call's headers and reads the whole answer.
func (tc *taskCall) post(ctx context.Context, url string, body *taskBody) (*rawResponse, error) {
	req, err := tc.request(url, body)
	if err != nil {
		return nil, err
	}
	return tc.c.roundTrip(ctx, req)
}

// request builds the HTTP request of a POST (or of a GET when body is nil)
// with the client's headers, then the provider's.
func (tc *taskCall) request(url string, body *taskBody) (*request, error) {
	h := tc.c.header(tc.target)
	if body != nil && body.contentType != "" {
		h.Set("Content-Type", body.contentType)
	}
	if hh := tc.target.helper; hh != nil && hh.callHeaders != nil {
		hh.callHeaders(tc, h)
	}
	req := &request{method: http.MethodPost, url: url, header: h, op: tc.describe(), provider: tc.target.provider, media: tc.mediaAnswer}
	if body != nil {
		req.body = body.data
	} else {
		req.method = http.MethodGet
		h.Del("Content-Type")
	}
	return req, nil
}

// get fetches url with the call's headers (polling a job, for instance).
func (tc *taskCall) get(ctx context.Context, url string) (*rawResponse, error) {
	return tc.post(ctx, url, nil)
}

// roundTrip sends req with retries and reads the whole answer, up to the
// limit of its kind.
func (c *Client) roundTrip(ctx context.Context, req *request) (*rawResponse, error) {
	resp, cancel, err := c.send(ctx, req)
	if err != nil {
		return nil, err
	}
	defer cancel()
	defer resp.Body.Close()
	data, err := c.readBody(resp, req.media)
	if err != nil {
		return nil, classifyErr(ctx, req.op, err)
	}
	return &rawResponse{data: data, contentType: resp.Header.Get("Content-Type")}, nil
}

// decodeJSON decodes an answer into out, with an error that names the task
// and the provider when the answer has the wrong shape.
func (tc *taskCall) decodeJSON(r *rawResponse, out any) error {
	if err := json.Unmarshal(r.data, out); err != nil {
		return &ResponseError{Task: tc.task, Provider: tc.target.name(), Body: truncate(r.data, 200), Err: err}
	}
	return nil
}

// ResponseError is returned when an answer does not have the shape of the
// task's output.
type ResponseError struct {
	Task     Task
	Provider string // "provider NAME" or the endpoint URL
	Body     string // the start of the answer
	Err      error  // the decoding error
}

// Error says which task and provider sent what.
func (e *ResponseError) Error() string {
	return fmt.Sprintf("inference: %s from %s: unexpected response: %v: %s", e.Task, e.Provider, e.Err, e.Body)
}

// Unwrap returns the decoding error.
func (e *ResponseError) Unwrap() error { return e.Err }

func (tc *taskCall) unexpected(r *rawResponse, why string) error {
	return &ResponseError{Task: tc.task, Provider: tc.target.name(), Body: truncate(r.data, 200), Err: fmt.Errorf("%s", why)}
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}

// hfInferenceBody is the request shape of hf-inference and of deployed
// endpoints: raw bytes for a binary input without parameters, otherwise
// {"inputs": ..., "parameters": {...}} with a binary input in base64.
func hfInferenceBody(tc *taskCall) (*taskBody, error) {
	fillMediaSlot(tc)
	if tc.media != nil && tc.inputs == nil {
		if len(tc.params) == 0 && len(tc.extra) == 0 {
			return &taskBody{data: tc.media.data, contentType: tc.media.contentType}, nil
		}
		tc.inputs = tc.media.base64()
	}
	body := map[string]any{}
	if tc.inputs != nil {
		body["inputs"] = tc.inputs
	}
	if len(tc.params) > 0 {
		body["parameters"] = tc.params
	}
	if tc.task == TaskTextGeneration {
		body["stream"] = tc.stream
	}
	maps.Copy(body, tc.extra)
	return jsonBody(body)
}

// fillMediaSlot replaces the media slot of a JSON inputs object with the
// binary input in base64.
func fillMediaSlot(tc *taskCall) {
	in, ok := tc.inputs.(map[string]any)
	if !ok || tc.media == nil {
		return
	}
	for k, v := range in {
		if _, ok := v.(mediaSlot); ok {
			in[k] = tc.media.base64()
		}
	}
}

// firstByte returns the first non-space byte of b, or 0.
func firstByte(b []byte) byte {
	for _, c := range b {
		if c != ' ' && c != '\n' && c != '\r' && c != '\t' {
			return c
		}
	}
	return 0
}

// loraURL returns the download URL of the LoRA weights the mapping names
// ({hub}/{repo}/resolve/main/{file}), or "" when the model is no LoRA.
func (tc *taskCall) loraURL() string {
	if tc.target.loraPath == "" {
		return ""
	}
	return tc.c.hubURL + "/" + tc.target.hubModel + "/resolve/main/" + tc.target.loraPath
}

// withParams returns fields with the call's parameters added at the same
// level (a parameter wins over a field of the same name).
func withParams(tc *taskCall, fields map[string]any) map[string]any {
	maps.Copy(fields, tc.params)
	return fields
}

// fieldsBody encodes the map fields builds, then the call's ExtraBody
// fields, as JSON: the body of providers that take everything at the top
// level.
func fieldsBody(fields func(tc *taskCall) (map[string]any, error)) func(tc *taskCall) (*taskBody, error) {
	return func(tc *taskCall) (*taskBody, error) {
		m, err := fields(tc)
		if err != nil {
			return nil, err
		}
		maps.Copy(m, tc.extra)
		return jsonBody(m)
	}
}

// needMedia reports a call that has no binary input loaded.
func needMedia(tc *taskCall) error {
	if tc.media == nil {
		return fmt.Errorf("%w: %s needs a binary input", ErrInvalidOption, tc.task)
	}
	return nil
}

// jsonResult encodes a task's common JSON shape as an answer, for the
// response hooks that translate a provider's answer.
func jsonResult(v any) (*rawResponse, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return &rawResponse{data: b, contentType: "application/json"}, nil
}
