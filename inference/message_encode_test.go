package inference

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestAppendMessagesMatchesMarshalJSON(t *testing.T) {
	msgs := []ChatMessage{
		{Role: RoleSystem, Content: "be <brief> & \"exact\"\n\ttabs \\ \u2028 \x01 caf\u00e9 \U0001F600"},
		{Role: RoleUser, Parts: []ContentPart{TextPart("what?"), ImagePart("data:image/png;base64,AA==")}},
		{Role: RoleAssistant, ToolCalls: []ToolCall{{ID: "c1", Type: "function", Function: FunctionCall{Name: "f", Arguments: `{"a":"<1>"}`}},
			{ID: "c2", Type: "function", Function: FunctionCall{Arguments: "{}"}}}},
		{Role: RoleTool, ToolCallID: "c1", Name: "f", Content: ""},
		{Role: RoleUser, Content: "bad \xff utf8"},
	}
	got, err := appendMessages(nil, msgs)
	if err != nil {
		t.Fatal(err)
	}
	want, err := json.Marshal(referenceMessages(msgs))
	if err != nil {
		t.Fatal(err)
	}
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("invalid JSON %s: %v", got, err)
	}
	json.Unmarshal(want, &w)
	if !reflect.DeepEqual(g, w) {
		t.Errorf("appendMessages =\n%s\njson.Marshal =\n%s", got, want)
	}
}

func TestPayloadWithAwkwardModelName(t *testing.T) {
	p := &chatPayload{in: &ChatCompletionInput{Messages: []ChatMessage{{Role: RoleUser, Content: "hi"}}}, model: `a<b>&"c\d`}
	body, err := p.marshal()
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Model    string        `json:"model"`
		Messages []ChatMessage `json:"messages"`
	}
	if err := json.Unmarshal(body, &got); err != nil || got.Model != p.model || got.Messages[0].Content != "hi" {
		t.Errorf("body %s: %+v, %v", body, got, err)
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", "q\"b\\", "\x00\x1f\u2028", "caf\u00e9", "\xff\xfe", strings.Repeat("é", 10)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := appendJSONString(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("invalid JSON %q for %q: %v", b, s, err)
		}
		want := strings.ToValidUTF8(s, "\uFFFD")
		// encoding/json replaces each invalid byte; ToValidUTF8 a run.
		var ref string
		rb, _ := json.Marshal(s)
		json.Unmarshal(rb, &ref)
		if got != ref && got != want {
			t.Errorf("round trip of %q gave %q, want %q", s, got, ref)
		}
	})
}

// referenceMessages encodes messages through encoding/json and the wire
// struct, independently of appendMessage, for the differential test.
func referenceMessages(msgs []ChatMessage) []json.RawMessage {
	out := make([]json.RawMessage, len(msgs))
	for i, m := range msgs {
		w := chatMessageWire{Role: m.Role, Name: m.Name, ToolCalls: m.ToolCalls, ToolCallID: m.ToolCallID}
		if m.Parts != nil {
			w.Content, _ = json.Marshal(m.Parts)
		} else {
			w.Content, _ = json.Marshal(m.Content)
		}
		out[i], _ = json.Marshal(w)
	}
	return out
}
