package mcpclient

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/tiny-agents-go/tiny-agents/tools"
)

// WithTools returns an Option that adds Go tools, which run in this process
// beside the tools of MCP servers. The model cannot tell them apart: they
// are sent first, in the order given, before the MCP tools; a call to one
// is dispatched by name, its error becomes a tool message just as a
// failing MCP call's does, and its result is capped like any other (see
// [WithToolResultLimit]). Names must be unique: [New] fails for a nil tool,
// a tool without a name, two Go tools of the same name, or a Go tool named
// like a loop-control tool (task_complete, ask_question). An MCP tool with
// the name of a Go tool is skipped with a warning, as a duplicate MCP tool
// is: the Go tool, being given explicitly, wins. Calls to Go tools of one
// turn may run at once (see [WithMaxParallelTools]): a tool must be safe
// for concurrent use.
func WithTools(ts ...*tools.Tool) Option {
	return func(o *options) error { o.goTools = append(o.goTools, ts...); return nil }
}

// checkGoTools reports every problem with the names of ts at once.
func checkGoTools(ts []*tools.Tool) error {
	var errs []error
	seen := map[string]bool{}
	for i, t := range ts {
		switch {
		case t == nil:
			errs = append(errs, fmt.Errorf("mcpclient: WithTools: tool %d is nil", i))
		case t.Name == "":
			errs = append(errs, fmt.Errorf("mcpclient: WithTools: tool %d has no name", i))
		case tools.IsExitLoop(t.Name):
			errs = append(errs, fmt.Errorf("mcpclient: WithTools: tool %q has the name of a loop-control tool", t.Name))
		case seen[t.Name]:
			errs = append(errs, fmt.Errorf("mcpclient: WithTools: two tools are named %q", t.Name))
		}
		if t != nil {
			seen[t.Name] = true
		}
	}
	return errors.Join(errs...)
}

// goTool returns the Go tool called name, nil if there is none.
func (c *Client) goTool(name string) *tools.Tool {
	return c.goByName[name] // set once by New, never changed
}

// goArgs is the arguments text of a call to a Go tool: as the model sent
// it, with an empty or null object sent as {}.
func goArgs(raw string, args map[string]any) json.RawMessage {
	if args == nil {
		return json.RawMessage("{}")
	}
	return json.RawMessage(raw)
}

// ToolAnnotations returns the annotations of the tool called name: those
// its MCP server listed (a hint the server did not give is nil), or those
// of a Go tool; the zero value for a loop-control tool or a name no tool
// has. The hints are copies. It is safe for concurrent use.
func (c *Client) ToolAnnotations(name string) tools.Annotations {
	if t := c.goTool(name); t != nil {
		return cloneAnnotations(t.Annotations)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.byTool[name]; s != nil {
		return cloneAnnotations(s.annotations[name])
	}
	return tools.Annotations{}
}
