package inference_test

import (
	"encoding/json"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

// An empty text part keeps its "text": OpenAI and TGI refuse a text part
// without it, and a proxy (agent.NewHandler) passes clients' parts on.
func TestEmptyTextPartKeepsText(t *testing.T) {
	var m inference.ChatMessage
	if err := json.Unmarshal([]byte(`{"role":"user","content":[{"type":"text","text":""},{"type":"text","text":"hi"}]}`), &m); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"role":"user","content":[{"type":"text","text":""},{"type":"text","text":"hi"}]}`; string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}
