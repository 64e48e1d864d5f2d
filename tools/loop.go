package tools

import "github.com/tiny-agents-go/tiny-agents/inference"

// Names of the loop-control tools. They are the names the references use,
// so an agent.json or a model tuned on them behaves the same here.
const (
	TaskCompleteName = "task_complete"
	AskQuestionName  = "ask_question"
)

// TaskComplete returns the tool a model calls when it has finished the
// user's task.
func TaskComplete() inference.Tool {
	return loopTool(TaskCompleteName, "Call this when you have fully completed the user's task and have nothing left to do.")
}

// AskQuestion returns the tool a model calls when it needs the user to
// clarify or to give more information before it can go on.
func AskQuestion() inference.Tool {
	return loopTool(AskQuestionName, "Call this when you cannot go on without more information or a decision from the user; ask in your message.")
}

// ExitLoopTools returns the loop-control tools, in the order they are sent to
// the model.
func ExitLoopTools() []inference.Tool { return []inference.Tool{TaskComplete(), AskQuestion()} }

// IsExitLoop reports whether name is a loop-control tool.
func IsExitLoop(name string) bool { return name == TaskCompleteName || name == AskQuestionName }

func loopTool(name, description string) inference.Tool {
	return inference.Tool{Type: "function", Function: inference.FunctionDefinition{
		Name:        name,
		Description: description,
		Parameters:  map[string]any{"type": "object", "properties": map[string]any{}},
	}}
}
