package inference

import (
	"fmt"
	"strings"
)

// Bounds on the indexes a stream may use, so that a hostile or broken server
// cannot make the accumulator allocate without limit.
const (
	maxChoices   = 128
	maxToolCalls = 1024
)

// ChatCompletionAccumulator rebuilds a whole [ChatCompletionOutput] from the
// chunks of a stream: content and reasoning concatenated, tool-call deltas
// merged by index, finish reasons, logprobs and usage kept. Text is gathered
// in builders, so a stream of any length costs linear time. The zero value
// is ready to use; it is not safe for concurrent use.
type ChatCompletionAccumulator struct {
	id, model, fingerprint string
	created                int64
	usage                  *Usage
	choices                []*choiceState // pointers: a strings.Builder must not be copied once used
	justFinished           *ToolCall
}

type choiceState struct {
	role               string
	content, reasoning strings.Builder
	calls              []*callState
	open               int // index in calls of the call being streamed, or -1
	finish             string
	logprobs           *Logprobs
}

type callState struct {
	index         int // the stream's index
	id, typ, name string
	args          strings.Builder
}

func (c *callState) toolCall() ToolCall {
	return ToolCall{ID: c.id, Type: c.typ, Function: FunctionCall{Name: c.name, Arguments: c.args.String()}}
}

// Add merges one chunk. It returns an error that matches
// [ErrMalformedStream], and changes nothing, for a choice or tool-call
// index out of bounds.
func (a *ChatCompletionAccumulator) Add(chunk ChatCompletionStreamOutput) error {
	for _, ch := range chunk.Choices {
		if ch.Index < 0 || ch.Index >= maxChoices {
			return fmt.Errorf("%w: a chunk has choice index %d, outside [0, %d)", ErrMalformedStream, ch.Index, maxChoices)
		}
		for _, tc := range ch.Delta.ToolCalls {
			if tc.Index < 0 || tc.Index >= maxToolCalls {
				return fmt.Errorf("%w: a chunk has tool call index %d, outside [0, %d)", ErrMalformedStream, tc.Index, maxToolCalls)
			}
		}
	}
	a.justFinished = nil
	if a.id == "" {
		a.id, a.created, a.model, a.fingerprint = chunk.ID, chunk.Created, chunk.Model, chunk.SystemFingerprint
	}
	if chunk.Usage != nil {
		u := *chunk.Usage
		a.usage = &u
	}
	for _, ch := range chunk.Choices {
		a.addChoice(ch)
	}
	return nil
}

func (a *ChatCompletionAccumulator) addChoice(ch ChatCompletionStreamOutputChoice) {
	for len(a.choices) <= ch.Index {
		a.choices = append(a.choices, &choiceState{role: RoleAssistant, open: -1})
	}
	c := a.choices[ch.Index]
	d := ch.Delta
	if d.Role != "" {
		c.role = d.Role
	}
	c.content.WriteString(d.Content)
	c.reasoning.WriteString(d.Reasoning)
	for _, tc := range d.ToolCalls {
		a.addToolCall(c, tc)
	}
	if ch.Logprobs != nil {
		if c.logprobs == nil {
			c.logprobs = &Logprobs{}
		}
		c.logprobs.Content = append(c.logprobs.Content, ch.Logprobs.Content...)
	}
	if ch.FinishReason != "" {
		c.finish = ch.FinishReason
		a.finishOpen(c)
	}
}

// addToolCall merges a delta into the call with the same index: the first
// delta of an index brings id and name, the later ones more arguments.
func (a *ChatCompletionAccumulator) addToolCall(c *choiceState, tc ToolCallDelta) {
	pos := -1
	for i := len(c.calls) - 1; i >= 0; i-- {
		if c.calls[i].index == tc.Index {
			pos = i
			break
		}
	}
	// A new id at an index in use is a new call: some servers send every
	// call at index 0 (or with no index at all), each with its own id.
	if pos >= 0 && tc.ID != "" && c.calls[pos].id != "" && tc.ID != c.calls[pos].id {
		pos = -1
	}
	if pos < 0 {
		a.finishOpen(c)
		c.calls = append(c.calls, &callState{index: tc.Index, typ: firstNonEmpty(tc.Type, "function")})
		pos = len(c.calls) - 1
		c.open = pos
	}
	call := c.calls[pos]
	if call.id == "" {
		call.id = tc.ID
	}
	if call.name == "" {
		call.name = tc.Function.Name
	}
	call.args.WriteString(tc.Function.Arguments)
}

// finishOpen marks the tool call being streamed for a choice as complete.
func (a *ChatCompletionAccumulator) finishOpen(c *choiceState) {
	if c.open >= 0 {
		tc := c.calls[c.open].toolCall()
		a.justFinished = &tc
		c.open = -1
	}
}

// JustFinishedToolCall returns the tool call that the last [Add] completed,
// because the stream moved on to the next call or sent a finish reason.
func (a *ChatCompletionAccumulator) JustFinishedToolCall() (ToolCall, bool) {
	if a.justFinished == nil {
		return ToolCall{}, false
	}
	return *a.justFinished, true
}

// Output returns the completion accumulated so far.
func (a *ChatCompletionAccumulator) Output() ChatCompletionOutput {
	out := ChatCompletionOutput{ID: a.id, Object: "chat.completion", Created: a.created, Model: a.model,
		SystemFingerprint: a.fingerprint}
	if a.usage != nil {
		u := *a.usage
		out.Usage = &u
	}
	for i := range a.choices {
		c := a.choices[i]
		out.Choices = append(out.Choices, ChatCompletionOutputChoice{Index: i, Message: c.message(),
			FinishReason: c.finish, Logprobs: c.logprobs})
	}
	return out
}

func (c *choiceState) message() ChatMessage {
	m := ChatMessage{Role: c.role, Content: c.content.String(), Reasoning: c.reasoning.String()}
	for i := range c.calls {
		m.ToolCalls = append(m.ToolCalls, c.calls[i].toolCall())
	}
	return m
}

// Message returns the first choice's message so far, the one a
// single-choice conversation appends to its history.
func (a *ChatCompletionAccumulator) Message() ChatMessage {
	if len(a.choices) == 0 {
		return ChatMessage{Role: RoleAssistant}
	}
	return a.choices[0].message()
}

// HasToolCalls reports whether the first choice has begun a tool call, at
// no cost.
func (a *ChatCompletionAccumulator) HasToolCalls() bool {
	return len(a.choices) > 0 && len(a.choices[0].calls) > 0
}
