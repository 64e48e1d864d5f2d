package inference

import "fmt"

// Bounds on the indexes a stream may use, so that a hostile or broken server
// cannot make the accumulator allocate without limit.
const (
	maxChoices   = 128
	maxToolCalls = 1024
)

// ChatCompletionAccumulator rebuilds a whole [ChatCompletionOutput] from the
// chunks of a stream: content and reasoning concatenated, tool-call deltas
// merged by index, finish reasons, logprobs and usage kept. The zero value is
// ready to use; it is not safe for concurrent use.
type ChatCompletionAccumulator struct {
	ChatCompletionOutput

	// open[i] is the index in Choices[i].Message.ToolCalls of the tool call
	// being streamed for choice i, or -1.
	open []int
	// streamIndex[i][j] is the stream index of Choices[i].Message.ToolCalls[j].
	streamIndex  [][]int
	justFinished *ToolCall
}

// Add merges one chunk. It returns an error, and changes nothing, for a
// choice or tool-call index out of bounds.
func (a *ChatCompletionAccumulator) Add(chunk ChatCompletionStreamOutput) error {
	for _, ch := range chunk.Choices {
		if ch.Index < 0 || ch.Index >= maxChoices {
			return fmt.Errorf("inference: stream chunk has choice index %d, outside [0, %d)", ch.Index, maxChoices)
		}
		for _, tc := range ch.Delta.ToolCalls {
			if tc.Index < 0 || tc.Index >= maxToolCalls {
				return fmt.Errorf("inference: stream chunk has tool call index %d, outside [0, %d)", tc.Index, maxToolCalls)
			}
		}
	}
	a.justFinished = nil
	if a.ID == "" {
		a.ID, a.Object, a.Created, a.Model = chunk.ID, "chat.completion", chunk.Created, chunk.Model
		a.SystemFingerprint = chunk.SystemFingerprint
	}
	if chunk.Usage != nil {
		u := *chunk.Usage
		a.Usage = &u
	}
	for _, ch := range chunk.Choices {
		a.addChoice(ch)
	}
	return nil
}

func (a *ChatCompletionAccumulator) addChoice(ch ChatCompletionStreamOutputChoice) {
	for len(a.Choices) <= ch.Index {
		a.Choices = append(a.Choices, ChatCompletionOutputChoice{Index: len(a.Choices), Message: ChatMessage{Role: RoleAssistant}})
		a.open = append(a.open, -1)
		a.streamIndex = append(a.streamIndex, nil)
	}
	c := &a.Choices[ch.Index]
	d := ch.Delta
	if d.Role != "" {
		c.Message.Role = d.Role
	}
	c.Message.Content += d.Content
	c.Message.Reasoning += d.Reasoning
	for _, tc := range d.ToolCalls {
		a.addToolCall(ch.Index, tc)
	}
	if ch.Logprobs != nil {
		if c.Logprobs == nil {
			c.Logprobs = &Logprobs{}
		}
		c.Logprobs.Content = append(c.Logprobs.Content, ch.Logprobs.Content...)
	}
	if ch.FinishReason != "" {
		c.FinishReason = ch.FinishReason
		a.finishOpen(ch.Index)
	}
}

// addToolCall merges a delta into the call with the same index: the first
// delta of an index brings id and name, the later ones more arguments.
func (a *ChatCompletionAccumulator) addToolCall(choice int, tc ToolCallDelta) {
	calls := &a.Choices[choice].Message.ToolCalls
	pos := -1
	for i, idx := range a.streamIndex[choice] {
		if idx == tc.Index {
			pos = i
			break
		}
	}
	if pos < 0 {
		a.finishOpen(choice)
		*calls = append(*calls, ToolCall{ID: tc.ID, Type: firstNonEmpty(tc.Type, "function"),
			Function: FunctionCall{Name: tc.Function.Name}})
		a.streamIndex[choice] = append(a.streamIndex[choice], tc.Index)
		pos = len(*calls) - 1
		a.open[choice] = pos
	}
	call := &(*calls)[pos]
	if call.ID == "" {
		call.ID = tc.ID
	}
	if call.Function.Name == "" {
		call.Function.Name = tc.Function.Name
	}
	call.Function.Arguments += tc.Function.Arguments
}

// finishOpen marks the tool call being streamed for a choice as complete.
func (a *ChatCompletionAccumulator) finishOpen(choice int) {
	if pos := a.open[choice]; pos >= 0 {
		tc := a.Choices[choice].Message.ToolCalls[pos]
		a.justFinished = &tc
		a.open[choice] = -1
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

// Message returns the first choice's message so far, the one a
// single-choice conversation appends to its history.
func (a *ChatCompletionAccumulator) Message() ChatMessage {
	if len(a.Choices) == 0 {
		return ChatMessage{Role: RoleAssistant}
	}
	return a.Choices[0].Message
}
