package tools_test

import (
	"fmt"

	"github.com/tiny-agents-go/tiny-agents/tools"
)

func ExampleExitLoopTools() {
	for _, t := range tools.ExitLoopTools() {
		fmt.Println(t.Function.Name, tools.IsExitLoop(t.Function.Name))
	}
	// Output:
	// task_complete true
	// ask_question true
}
