package mcpclient

import (
	"context"
	"errors"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/tools"
)

// ApprovalRequest is a tool call about to run, as an approval hook sees it.
type ApprovalRequest struct {
	Call inference.ToolCall
	// Server is the display name of the server that offers the tool, ""
	// for a Go tool (see [Client.ServerOf]).
	Server string
	// Annotations are the tool's hints (see [Client.ToolAnnotations]).
	Annotations tools.Annotations
}

// Approval is the answer of an approval hook.
type Approval struct {
	Allow bool
	// Reason says why a call is denied; the model is told it.
	Reason string
}

// ApprovalFunc decides whether a tool call may run; see [WithApprover].
type ApprovalFunc func(ctx context.Context, req ApprovalRequest) (Approval, error)

// ErrApprovalCancelled is the error an approval hook returns when the user
// cancels, rather than denies, a tool call: the turn ends with it (see
// [WithApprover]).
var ErrApprovalCancelled = errors.New("mcpclient: tool calls cancelled at approval")

// WithApprover returns an Option that asks f before each tool call of a
// turn runs, loop-control tools excepted, and calls whose answer is known
// without running them (bad arguments, an unknown tool). f is called for
// one call at a time, in call order, after the model's answer has been
// streamed and before any call of the turn starts running, so a terminal
// can ask one question after another; ctx is the turn's. A denied call is
// not made: its tool message reads "The user denied this tool call: " and
// the Reason (or "The user denied this tool call." without one). If f
// returns an error, [ErrApprovalCancelled] or any other, no call of the
// turn runs: each is answered in the conversation without an event ("Not
// run: the user cancelled the tool calls." for ErrApprovalCancelled, "Not
// run: cancelled during approval." otherwise) and the turn yields f's
// error as it is. Without this option every call runs.
func WithApprover(f ApprovalFunc) Option {
	return func(o *options) error { o.approve = f; return nil }
}

// approveAll asks the approval hook about each call that would run, in
// order, and turns the denied ones into answered calls. It returns the
// hook's first error.
func (c *Client) approveAll(ctx context.Context, runs []*toolRun) error {
	if c.approve == nil {
		return nil
	}
	for _, r := range runs {
		if r.run == nil {
			continue
		}
		a, err := c.approve(ctx, ApprovalRequest{Call: r.call, Server: r.server, Annotations: cloneAnnotations(r.annotations)})
		if err != nil {
			return err
		}
		if !a.Allow {
			msg := "The user denied this tool call."
			if a.Reason != "" {
				msg = "The user denied this tool call: " + a.Reason
			}
			r.run = nil
			r.answer(msg)
		}
	}
	return nil
}

// approvalCancelText is the answer of every call of a turn whose approval
// hook failed with err.
func approvalCancelText(err error) string {
	if errors.Is(err, ErrApprovalCancelled) {
		return "Not run: the user cancelled the tool calls."
	}
	return "Not run: cancelled during approval."
}
