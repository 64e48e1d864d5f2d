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

// TestAppendJSONStringAtEveryOffset puts each kind of byte the encoder
// must look at on every position of the first three words, where the
// word-at-a-time scan hands over to the byte loop.
func TestAppendJSONStringAtEveryOffset(t *testing.T) {
	for _, special := range []string{`"`, `\`, "\n", "\x01", "\x1f", "\x7f", "é", "\u2028", "\xff", "\xe2\x80"} {
		for n := range 24 {
			for at := 0; at <= n; at++ {
				s := strings.Repeat("a", at) + special + strings.Repeat("b", n-at)
				var got string
				if err := json.Unmarshal(appendJSONString(nil, s), &got); err != nil {
					t.Fatalf("invalid JSON for %q: %v", s, err)
				}
				var want string // encoding/json's: each invalid byte becomes U+FFFD
				rb, _ := json.Marshal(s)
				json.Unmarshal(rb, &want)
				if got != want {
					t.Fatalf("round trip of %q gave %q, want %q", s, got, want)
				}
			}
		}
	}
}

// BenchmarkAppendMessages encodes a history as an agent sends it on its
// 50th turn: a system prompt and, per turn, a prompt, a tool call, its
// result and an answer.
func BenchmarkAppendMessages(b *testing.B) {
	msgs := []ChatMessage{{Role: RoleSystem, Content: strings.Repeat("You are an agent. Use the tools you are given.\n", 40)}}
	for i := range 50 {
		id := "call_" + strings.Repeat("x", 20)
		msgs = append(msgs,
			ChatMessage{Role: RoleUser, Content: "Please look up the weather for the city I named and say it briefly."},
			ChatMessage{Role: RoleAssistant, ToolCalls: []ToolCall{{ID: id, Type: "function",
				Function: FunctionCall{Name: "echo", Arguments: `{"text":"hello from turn ` + string(rune('a'+i%26)) + `"}`}}}},
			ChatMessage{Role: RoleTool, ToolCallID: id, Name: "echo", Content: strings.Repeat("Sunny, 21 degrees, light wind from the west. ", 8)},
			ChatMessage{Role: RoleAssistant, Content: "It is sunny and 21 degrees, with a light westerly wind."})
	}
	buf, _ := appendMessages(nil, msgs)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := appendMessages(buf[:0], msgs); err != nil {
			b.Fatal(err)
		}
	}
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

// BenchmarkAppendImageMessage encodes a message with a 1 MB image sent as
// a data: URL.
func BenchmarkAppendImageMessage(b *testing.B) {
	msgs := []ChatMessage{{Role: RoleUser, Parts: []ContentPart{TextPart("what is this?"),
		ImagePart("data:image/png;base64," + strings.Repeat("QUJD", 1<<18))}}}
	buf, _ := appendMessages(nil, msgs)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := appendMessages(buf[:0], msgs); err != nil {
			b.Fatal(err)
		}
	}
}
