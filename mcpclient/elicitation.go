package mcpclient

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/tiny-agents-go/tiny-agents/internal/jsonvalue"
)

// Elicitation actions.
const (
	ElicitAccept  = "accept"
	ElicitDecline = "decline"
	ElicitCancel  = "cancel"
)

// ElicitationRequest is a server asking the user for information.
type ElicitationRequest struct {
	Message string
	// Schema is the JSON Schema of the requested object (form mode).
	Schema json.RawMessage
	// Mode is "form" or "url"; URL is set in url mode.
	Mode, URL string
}

// ElicitationResult is the user's answer.
type ElicitationResult struct {
	Action  string         // ElicitAccept, ElicitDecline or ElicitCancel
	Content map[string]any // the form's values, with Action accept
}

// ElicitationHandler answers a server's elicitation. It is called while the
// tool call that triggered it is running; as the calls of a turn run at
// once (see [WithMaxParallelTools]), it may be called for several at a
// time, so a handler that asks a user must take one question at a time.
type ElicitationHandler func(ctx context.Context, req ElicitationRequest) (ElicitationResult, error)

// WithElicitationHandler returns an Option that declares the elicitation
// capability and answers servers' requests with h. Without it the client
// does not declare the capability.
func WithElicitationHandler(h ElicitationHandler) Option {
	return func(o *options) error { o.elicit = h; return nil }
}

// AcceptDefaults is an [ElicitationHandler] that accepts a form with the
// default value of every property that has one, for unattended clients.
func AcceptDefaults(_ context.Context, req ElicitationRequest) (ElicitationResult, error) {
	var schema struct {
		Properties map[string]struct {
			Default json.RawMessage `json:"default"`
		} `json:"properties"`
	}
	if len(req.Schema) > 0 {
		if err := json.Unmarshal(req.Schema, &schema); err != nil {
			return ElicitationResult{}, fmt.Errorf("mcpclient: elicitation schema: %w", err)
		}
	}
	content := map[string]any{}
	for name, p := range schema.Properties {
		if len(p.Default) == 0 {
			continue
		}
		if v, err := jsonvalue.Decode(p.Default); err == nil {
			content[name] = v
		}
	}
	return ElicitationResult{Action: ElicitAccept, Content: content}, nil
}

// elicitAdapter turns our handler into mcp-go's.
type elicitAdapter struct{ h ElicitationHandler }

func (a elicitAdapter) Elicit(ctx context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	schema, err := json.Marshal(req.Params.RequestedSchema)
	if err != nil {
		return nil, err
	}
	res, err := a.h(ctx, ElicitationRequest{Message: req.Params.Message, Schema: schema, Mode: req.Params.Mode, URL: req.Params.URL})
	if err != nil {
		return nil, err
	}
	out := &mcp.ElicitationResult{}
	out.Action = mcp.ElicitationResponseAction(res.Action)
	if res.Action == ElicitAccept {
		out.Content = res.Content
	}
	return out, nil
}
