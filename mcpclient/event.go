package mcpclient

import "github.com/tiny-agents-go/tiny-agents/inference"

// Event is one thing that happens during a turn: a streamed chunk, a tool
// call about to run, or a tool's result. The set is closed: *ChunkEvent,
// *ToolCallEvent and *ToolResultEvent.
type Event interface{ isEvent() }

// ChunkEvent carries one chunk of the model's streamed answer.
type ChunkEvent struct {
	Chunk inference.ChatCompletionStreamOutput
}

// ToolCallEvent announces a tool call, complete, before it runs.
type ToolCallEvent struct {
	Call inference.ToolCall
}

// ToolResultEvent carries the tool message appended to the conversation for
// a call: the tool's flattened output, or what went wrong.
type ToolResultEvent struct {
	Call    inference.ToolCall
	Message inference.ChatMessage
	// ExitLoop is true for a loop-control tool, which ends the turn.
	ExitLoop bool
}

func (*ChunkEvent) isEvent()      {}
func (*ToolCallEvent) isEvent()   {}
func (*ToolResultEvent) isEvent() {}
