package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"reflect"
	"strconv"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

// errInvalidRequest is the OpenAI error type of a request at fault.
const errInvalidRequest = "invalid_request_error"

// errNoRunEnd is a run that ended without its RunEndEvent.
var errNoRunEnd = errors.New("agent: the run ended without a result")

// chatRequest is the part of an OpenAI chat completion request that the
// handler reads; other fields are ignored.
type chatRequest struct {
	Messages      []inference.ChatMessage `json:"messages"`
	Stream        bool                    `json:"stream"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
}

// readRequest reads and checks the body of a chat completion request. On
// failure it returns the status and error to answer with.
func (h *handler) readRequest(w http.ResponseWriter, r *http.Request) (*chatRequest, int, *apiError) {
	tooLarge := &apiError{Type: errInvalidRequest, Code: "request_too_large",
		Message: "the request body is larger than " + strconv.FormatInt(h.maxBody, 10) + " bytes"}
	body := r.Body
	if h.maxBody >= 0 {
		if r.ContentLength > h.maxBody {
			return nil, http.StatusRequestEntityTooLarge, tooLarge
		}
		body = http.MaxBytesReader(w, r.Body, h.maxBody)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		if errors.As(err, new(*http.MaxBytesError)) {
			return nil, http.StatusRequestEntityTooLarge, tooLarge
		}
		return nil, http.StatusBadRequest, &apiError{Type: errInvalidRequest, Code: "invalid_body",
			Message: "reading the request body failed"}
	}
	var req chatRequest
	if err := json.Unmarshal(b, &req); err != nil {
		return nil, http.StatusBadRequest, bodyError(err)
	}
	if e := checkMessages(req.Messages); e != nil {
		return nil, http.StatusBadRequest, e
	}
	return &req, 0, nil
}

// bodyError says what is wrong with a body that does not decode, in JSON
// terms rather than Go's.
func bodyError(err error) *apiError {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
		msg    string
	)
	switch {
	case errors.As(err, &syntax):
		msg = fmt.Sprintf("the body is not valid JSON: %s (at byte %d)", syntax, syntax.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "the body"
		}
		msg = fmt.Sprintf("%s: want %s, not %s", field, jsonKind(typ.Type), typ.Value)
	default:
		msg = "the body is not a chat completion request: " + plainError(err)
	}
	return &apiError{Type: errInvalidRequest, Code: "invalid_json", Message: msg}
}

// plainError is err's message without this module's package prefix.
func plainError(err error) string {
	msg := err.Error()
	for _, p := range []string{"inference: ", "agent: ", "mcpclient: "} {
		if len(msg) > len(p) && msg[:len(p)] == p {
			return msg[len(p):]
		}
	}
	return msg
}

// jsonKind names the JSON kind that decodes into t.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "a boolean"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8,
		reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "another type"
}

// checkMessages checks the roles of a request's messages and reads the
// "developer" role as "system", which the models behind an agent know.
func checkMessages(msgs []inference.ChatMessage) *apiError {
	param := "messages"
	if len(msgs) == 0 {
		return &apiError{Type: errInvalidRequest, Code: "invalid_messages", Param: &param,
			Message: "messages: at least one message is needed"}
	}
	for i := range msgs {
		m := &msgs[i]
		switch m.Role {
		case inference.RoleSystem, inference.RoleUser, inference.RoleAssistant:
		case "developer":
			m.Role = inference.RoleSystem
		case inference.RoleTool:
			if m.ToolCallID == "" {
				return &apiError{Type: errInvalidRequest, Code: "invalid_messages", Param: &param,
					Message: fmt.Sprintf("messages[%d]: a tool message needs a tool_call_id", i)}
			}
		default:
			return &apiError{Type: errInvalidRequest, Code: "invalid_messages", Param: &param,
				Message: fmt.Sprintf("messages[%d].role: %q is not system, developer, user, assistant or tool", i, m.Role)}
		}
	}
	return nil
}

// apiError is an error in OpenAI's shape.
type apiError struct {
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    string  `json:"code"`
}

// errorBody is {"error": {...}}.
type errorBody struct {
	Error *apiError `json:"error"`
}

// classifyRunError maps a run's error to the status and the error the
// client gets: what failed, without the endpoint's URL or other internals.
func classifyRunError(ctx context.Context, err error) (int, *apiError) {
	var (
		httpErr *inference.HTTPError
		strErr  *inference.StreamError
		netErr  net.Error
	)
	upstream := func(msg string) (int, *apiError) {
		return http.StatusBadGateway, &apiError{Type: "upstream_error", Code: "model_error", Message: msg}
	}
	switch {
	case ctx.Err() != nil: // the client went away, or the server is shutting down
		return http.StatusServiceUnavailable, &apiError{Type: "server_error", Code: "cancelled",
			Message: "the request was cancelled"}
	case errors.Is(err, ErrClosed): // the agent was closed under the handler
		return http.StatusServiceUnavailable, &apiError{Type: "server_error", Code: "unavailable",
			Message: "the agent is shut down"}
	case errors.Is(err, inference.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout, &apiError{Type: "timeout_error", Code: "model_timeout",
			Message: "the model did not answer in time"}
	case errors.As(err, &httpErr):
		msg := fmt.Sprintf("the model's endpoint answered %d %s", httpErr.StatusCode, http.StatusText(httpErr.StatusCode))
		if httpErr.ServerMessage != "" {
			msg += ": " + httpErr.ServerMessage // clipped to 1000 bytes by the client
		}
		return upstream(msg)
	case errors.As(err, &strErr):
		return upstream("the model's stream reported an error: " + strErr.Message)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return upstream("the model's stream ended early")
	case errors.Is(err, inference.ErrMalformedStream):
		return upstream("the model sent a malformed stream")
	case errors.Is(err, inference.ErrResponseTooLarge):
		return upstream("the model's answer was too large")
	case errors.As(err, &netErr):
		return upstream("the model's endpoint could not be reached")
	}
	return http.StatusInternalServerError, &apiError{Type: "server_error", Code: "internal_error",
		Message: "the agent failed; the server's log has the details"}
}

// writeJSON writes v as the JSON body of a response with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil { // every value written here marshals
		status, b = http.StatusInternalServerError, []byte(`{"error":{"message":"encoding the response failed","type":"server_error","param":null,"code":"internal_error"}}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// writeError writes {"error": e} with status.
func writeError(w http.ResponseWriter, status int, e *apiError) {
	writeJSON(w, status, errorBody{e})
}

// chatCompletion is the body of a non-streaming answer.
type chatCompletion struct {
	ID      string             `json:"id"`
	Object  string             `json:"object"`
	Created int64              `json:"created"`
	Model   string             `json:"model"`
	Choices []completionChoice `json:"choices"`
	Usage   inference.Usage    `json:"usage"`
	Extra   runSummary         `json:"x_tiny_agents"`
}

type completionChoice struct {
	Index        int              `json:"index"`
	Message      assistantMessage `json:"message"`
	FinishReason string           `json:"finish_reason"`
}

type assistantMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// runSummary is the "x_tiny_agents" field: how the run went.
type runSummary struct {
	StopReason string           `json:"stop_reason"` // a mcpclient.StopReason
	Turns      int              `json:"turns"`
	ToolTrail  []toolTrailEntry `json:"tool_trail"`
}

// toolTrailEntry is one tool call of the run and its result as the model
// saw it.
type toolTrailEntry struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
	Content   string `json:"content"`
}

// noRetry reports whether a run's error is one that a client's automatic
// retry cannot mend: the model's endpoint refused the request (a 4xx
// other than 408 and 429, which the inference client already retried).
// A retry would run the whole agent again, tool calls included.
func noRetry(err error) bool {
	var httpErr *inference.HTTPError
	if !errors.As(err, &httpErr) {
		return false
	}
	s := httpErr.StatusCode
	return s >= 400 && s < 500 && s != http.StatusRequestTimeout && s != http.StatusTooManyRequests
}
