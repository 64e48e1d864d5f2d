package tools

import (
	"encoding/json"
	"testing"
)

func TestExitLoopToolsWireShape(t *testing.T) {
	got, err := json.Marshal(ExitLoopTools())
	if err != nil {
		t.Fatal(err)
	}
	var decoded []struct {
		Type     string `json:"type"`
		Function struct {
			Name        string         `json:"name"`
			Description string         `json:"description"`
			Parameters  map[string]any `json:"parameters"`
		} `json:"function"`
	}
	if err := json.Unmarshal(got, &decoded); err != nil {
		t.Fatal(err)
	}
	if len(decoded) != 2 || decoded[0].Function.Name != "task_complete" || decoded[1].Function.Name != "ask_question" {
		t.Fatalf("tools = %s", got)
	}
	for _, d := range decoded {
		if d.Type != "function" || d.Function.Description == "" || d.Function.Parameters["type"] != "object" {
			t.Errorf("tool %s = %+v", d.Function.Name, d)
		}
		if !IsExitLoop(d.Function.Name) {
			t.Errorf("IsExitLoop(%s) = false", d.Function.Name)
		}
	}
	if IsExitLoop("echo") {
		t.Error("IsExitLoop(echo) = true")
	}
}
