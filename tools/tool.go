package tools

import (
	"context"
	"encoding/json"
	"errors"
	"runtime/debug"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

// Tool is a tool that runs in this process, beside the tools of MCP
// servers: the model cannot tell them apart. Build one with [New] (a typed
// Go function) or [NewRaw] (JSON in, text out). A Tool is safe for
// concurrent use when its function is.
type Tool struct {
	// Name is what the model calls the tool by; it must be unique among
	// the agent's tools.
	Name string
	// Description tells the model what the tool does.
	Description string
	// Parameters is the JSON Schema of the arguments object.
	Parameters json.RawMessage
	// Annotations are hints about what the tool does, as MCP servers give
	// them: an approval hook reads them.
	Annotations Annotations

	call func(ctx context.Context, args json.RawMessage) (string, error)
}

// Annotations are the MCP tool annotations: hints, not guarantees, about a
// tool's effects. A nil hint is unknown.
type Annotations struct {
	Title           string `json:"title,omitempty"`
	ReadOnlyHint    *bool  `json:"readOnlyHint,omitempty"`
	DestructiveHint *bool  `json:"destructiveHint,omitempty"`
	IdempotentHint  *bool  `json:"idempotentHint,omitempty"`
	OpenWorldHint   *bool  `json:"openWorldHint,omitempty"`
}

// ReadOnly reports whether the tool says it changes nothing.
func (a Annotations) ReadOnly() bool { return a.ReadOnlyHint != nil && *a.ReadOnlyHint }

// ErrNoFunction is returned by [Tool.Call] on a Tool built as a literal,
// without [New] or [NewRaw].
var ErrNoFunction = errors.New("tools: tool has no function")

// Definition returns the tool as it is sent to the model.
func (t *Tool) Definition() inference.Tool {
	params := t.Parameters
	if len(params) == 0 {
		params = json.RawMessage(`{"type":"object","properties":{}}`)
	}
	return inference.Tool{Type: "function", Function: inference.FunctionDefinition{
		Name: t.Name, Description: t.Description, Parameters: params,
	}}
}

// Call runs the tool with the model's arguments and returns the text the
// model gets. An error is the tool's failure, which the caller turns into
// a tool message for the model; bad arguments and a panic (in the function,
// or in a MarshalJSON of its result) are such errors, never a crash: a
// panic is a *[PanicError].
func (t *Tool) Call(ctx context.Context, args json.RawMessage) (out string, err error) {
	if t.call == nil {
		return "", ErrNoFunction
	}
	defer func() {
		if v := recover(); v != nil {
			out, err = "", &PanicError{Tool: t.Name, Value: v, Stack: debug.Stack()}
		}
	}()
	out, err = t.call(ctx, args)
	if err != nil {
		// Call err.Error() here, under the recover above: a typed nil
		// (var e *MyErr; return x, e) or an Error method that panics would
		// otherwise crash the caller, which formats the error for the model
		// outside of any recover, often on a goroutine of its own.
		_ = err.Error()
	}
	return out, err
}
