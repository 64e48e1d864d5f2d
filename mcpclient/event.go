package mcpclient

import "github.com/tiny-agents-go/tiny-agents/inference"

// Event is one thing that happens during a turn or a run. The set is
// closed: *ChunkEvent (a streamed chunk), *ToolCallEvent (a tool call about
// to run), *ToolResultEvent (its result), *TurnEndEvent (the end of a
// model turn) and *RunEndEvent (the end of an agent run, yielded by
// agent.Agent.Run only).
type Event interface{ isEvent() }

// ChunkEvent carries one chunk of the model's streamed answer.
//
// A turn yields the same *ChunkEvent for each of its chunks, refilled: it
// is valid until the loop body that received it returns. To keep a chunk,
// keep a copy of Chunk; the strings and slices of a chunk are never reused.
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
	Call inference.ToolCall
	// Message is the tool message as appended to the conversation and sent
	// to the model: its Content is capped at the limit of
	// [WithToolResultLimit], with a closing line saying how much was cut.
	Message inference.ChatMessage
	// Result is the whole text of which Message.Content may be a cut: the
	// tool's result flattened to text ("[Binary Content: ...]" summaries
	// for binary parts), or what went wrong. It is longer than
	// Message.Content exactly when the result was cut. The conversation
	// does not keep it: drop the event and its memory is free.
	Result string
	// ExitLoop is true for a loop-control tool, which ends the turn.
	ExitLoop bool
	// Err is the call's error when the call itself failed: the server went
	// away (a *ServerError wrapping ErrServerGone), the call timed out or
	// the transport failed (a *ServerError), the server answered with an
	// error, a Go tool returned one, or ctx ended. It is nil when a tool
	// result came back, even one that reports an error, and for calls that
	// were not made: bad arguments, an unknown tool, a loop-control tool,
	// a call the approval hook denied.
	Err error
}

// TurnEndEvent closes one model turn: the completion and its tool calls.
type TurnEndEvent struct {
	FinishReason string           // the completion's finish reason, "" if none was sent
	Usage        *inference.Usage // token usage the provider reported for this completion, nil if none
	ToolCalls    int              // tool calls the model made in this turn
}

// RunEndEvent is the last event of an agent run (yielded by agent.Agent.Run,
// not by [Client.ProcessSingleTurnWithTools]).
type RunEndEvent struct {
	Reason StopReason       // why the run stopped
	Turns  int              // model turns taken
	Usage  *inference.Usage // sum of the turns' usage, nil if no turn reported any
	Answer string           // the content of the last assistant message of the run, "" if none
}

// StopReason says why an agent run stopped.
type StopReason string

// The reasons a run stops.
const (
	StopExitTool StopReason = "exit_tool" // a loop-control tool (task_complete, ask_question) was called
	StopAnswered StopReason = "answered"  // the model answered in text
	StopMaxTurns StopReason = "max_turns" // the turn limit was reached
)

func (*ChunkEvent) isEvent()      {}
func (*ToolCallEvent) isEvent()   {}
func (*ToolResultEvent) isEvent() {}
func (*TurnEndEvent) isEvent()    {}
func (*RunEndEvent) isEvent()     {}
