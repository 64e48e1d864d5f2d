package mcpclient

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"slices"
	"strings"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

// TurnOptions tunes one turn.
type TurnOptions struct {
	// ExitLoopTools are sent before the other tools; a call to one of
	// them ends the turn with an empty tool result.
	ExitLoopTools []inference.Tool
	// ExitIfFirstChunkNoTool ends the turn silently when none of the first
	// two chunks carries a tool call: the model has answered in text.
	ExitIfFirstChunkNoTool bool
}

// ProcessSingleTurnWithTools streams one completion over *messages with the
// tools (the ExitLoopTools, then the Go tools of [WithTools], then the MCP
// tools), appends the assistant message, runs its tool calls and appends
// a tool message for each, capped as [WithToolResultLimit] says.
//
// Events come in this order: a *ChunkEvent for every streamed chunk (a
// provider's usage arrives in a last chunk with no choices; the event is
// reused from chunk to chunk, see [ChunkEvent]); a
// *ToolCallEvent for every tool call, once the stream has ended; a
// *ToolResultEvent for every call, in call order; a *TurnEndEvent last.
// Before the calls start, the hook of [WithApprover], if any, is asked
// about each. Up to [WithMaxParallelTools] calls then run at once; the
// result of a call is yielded as soon as it and every call before it are
// done. A call to a loop-control tool ends the turn: the calls before it
// run, its own result is empty, and the calls after it are answered "Not
// run: ..." in the conversation without an event.
//
// On a closed client the only thing yielded is [ErrClosed], before the
// model is called.
//
// Bad JSON arguments, an unknown tool, a failing tool and a denied call
// become tool messages that tell the model what went wrong. The first
// error is terminal (no *TurnEndEvent follows it) and the conversation
// stays consistent: every tool call of an appended assistant message is
// answered. When ctx ends, the calls running get it and no call starts any
// more; the result the turn was waiting for is still yielded if that call
// ran, then the running calls are waited for, every call not reported yet
// is answered in the conversation without an event (with its result if it
// ran, else "Error: the tool call was cancelled before it ran."), and
// ctx's error is yielded. A consumer that stops early gets the same
// treatment, without the error. No goroutine of the turn outlives it.
func (c *Client) ProcessSingleTurnWithTools(ctx context.Context, messages *[]inference.ChatMessage, opts TurnOptions) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		if c.Closed() {
			yield(nil, ErrClosed)
			return
		}
		st, ok := c.streamTurn(ctx, messages, opts, yield)
		if !ok {
			return
		}
		end := &TurnEndEvent{FinishReason: st.finish, Usage: st.usage, ToolCalls: len(st.calls)}
		if !st.exited && !c.runCalls(ctx, messages, st.calls, opts.ExitLoopTools, yield) {
			return
		}
		yield(end, nil)
	}
}

// streamedTurn is what streamTurn learnt.
type streamedTurn struct {
	calls  []inference.ToolCall // the tool calls to run
	exited bool                 // the turn ended early (ExitIfFirstChunkNoTool)
	finish string               // the last finish reason sent
	usage  *inference.Usage     // the usage sent, if any
}

// streamTurn runs the completion. It returns false if iteration must stop
// (error or consumer gone).
func (c *Client) streamTurn(ctx context.Context, messages *[]inference.ChatMessage, opts TurnOptions,
	yield func(Event, error) bool) (streamedTurn, bool) {
	in := &inference.ChatCompletionInput{
		Model:      c.model,
		Messages:   *messages,
		Tools:      append(slices.Clone(opts.ExitLoopTools), c.Tools()...),
		ToolChoice: &inference.ToolChoice{Mode: inference.ToolChoiceAuto},
	}
	var st streamedTurn
	var acc inference.ChatCompletionAccumulator
	chunkEv := new(ChunkEvent) // refilled for each chunk, see ChunkEvent
	n := 0
	for chunk, err := range c.completionStream(ctx, in) {
		if err != nil {
			yield(nil, err)
			return st, false
		}
		n++
		if err := acc.Add(chunk); err != nil {
			yield(nil, err)
			return st, false
		}
		if chunk.Usage != nil {
			u := *chunk.Usage
			st.usage = &u
		}
		for _, ch := range chunk.Choices {
			if ch.Index == 0 && ch.FinishReason != "" {
				st.finish = ch.FinishReason
			}
		}
		if opts.ExitIfFirstChunkNoTool && n <= 2 && !acc.HasToolCalls() {
			st.exited = true
			return st, true
		}
		chunkEv.Chunk = chunk
		if !yield(chunkEv, nil) {
			return st, false
		}
	}
	msg := acc.Message()
	if msg.Content == "" && len(msg.ToolCalls) == 0 {
		return st, true
	}
	msg.Role = inference.RoleAssistant
	msg.Reasoning = ""
	seen := make(map[string]bool, len(msg.ToolCalls))
	for i := range msg.ToolCalls {
		if msg.ToolCalls[i].Function.Arguments == "" {
			msg.ToolCalls[i].Function.Arguments = "{}"
		}
		// Every tool message must answer one call by its id: a call the
		// server sent without an id, or with the id of another, gets one.
		if id := msg.ToolCalls[i].ID; id == "" || seen[id] {
			msg.ToolCalls[i].ID = fmt.Sprintf("call_%d_%d", len(*messages), i)
		}
		seen[msg.ToolCalls[i].ID] = true
	}
	*messages = append(*messages, msg)
	for _, call := range msg.ToolCalls {
		if !yield(&ToolCallEvent{Call: call}, nil) {
			answerCancelled(messages, msg.ToolCalls)
			return st, false
		}
	}
	st.calls = msg.ToolCalls
	return st, true
}

// modelText is what the model is told of a failed call: the first line of
// the message, without the server's stderr.
func modelText(err error) string {
	if rpc, ok := err.(*rpcError); ok {
		return cleanText(rpc.err)
	}
	return firstLine(err.Error())
}

// answerCancelled appends a tool message for each call, none of which
// will run, so that no assistant tool call is left without an answer.
func answerCancelled(messages *[]inference.ChatMessage, calls []inference.ToolCall) {
	for _, call := range calls {
		*messages = append(*messages, inference.ChatMessage{Role: inference.RoleTool, ToolCallID: call.ID,
			Name: call.Function.Name, Content: notRunCancelled})
	}
}

// completionStream streams the completion of in, asking for the token
// usage (stream_options.include_usage) unless the server has refused it
// before. A server that refuses it, with a 400 or 422 whose message names
// stream_options, gets the request again without it, and never again.
func (c *Client) completionStream(ctx context.Context, in *inference.ChatCompletionInput) iter.Seq2[inference.ChatCompletionStreamOutput, error] {
	return func(yield func(inference.ChatCompletionStreamOutput, error) bool) {
		for {
			in.StreamOptions = &inference.StreamOptions{IncludeUsage: true}
			if c.noStreamOptions.Load() {
				in.StreamOptions = nil
			}
			first, refused := true, false
			for chunk, err := range c.ChatCompletionStream(ctx, in) {
				if first && in.StreamOptions != nil && refusesStreamOptions(err) {
					c.noStreamOptions.Store(true)
					refused = true
					break
				}
				first = false
				if !yield(chunk, err) {
					return
				}
			}
			if !refused {
				return
			}
		}
	}
}

// refusesStreamOptions reports whether err is a server's refusal of the
// stream_options field. Only the server's own message can tell; this is
// the one place its text is read.
func refusesStreamOptions(err error) bool {
	var he *inference.HTTPError
	return errors.As(err, &he) && (he.StatusCode == http.StatusBadRequest || he.StatusCode == http.StatusUnprocessableEntity) &&
		strings.Contains(strings.ToLower(he.ServerMessage), "stream_options")
}
