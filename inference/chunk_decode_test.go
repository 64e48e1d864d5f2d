package inference

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// chunkSeeds are payloads seen from real providers, in their shapes.
var chunkSeeds = []string{
	`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1763800000,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":" lorem ipsum"},"finish_reason":null}]}`,
	`{"id":"1","choices":[{"index":0,"delta":{"content":"caf\u00e9 \"q\" \\ \n\t\ud83d\ude00 \/"},"logprobs":null,"finish_reason":null}],"system_fingerprint":"fp_1"}`,
	`{"id":"1","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"echo","arguments":""}}]},"finish_reason":null}]}`,
	`{"id":"1","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\"text\": "}}]}}]}`,
	`{"id":"1","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}],"usage":null}`,
	`{"id":"1","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15,"prompt_tokens_details":{"cached_tokens":0}}}`,
	`{"id":"1","choices":[{"index":0,"delta":{"content":"a"},"logprobs":{"content":[{"token":"a","logprob":-0.25,"bytes":[97],"top_logprobs":[{"token":"a","logprob":-0.25}]}]}}]}`,
	`{"object":"chat.completion.chunk","id":"","created":1700000000,"model":"tgi","system_fingerprint":"3.0-sha","choices":[{"index":0,"delta":{"role":"assistant","content":"x","tool_call_id":null},"logprobs":null,"finish_reason":null}],"usage":null}`,
	` { "id" : "1" , "choices" : [ { "index" : 0 , "delta" : { "content" : "spaced" } } ] } `,
	`{"id":"1","choices":[{"index":0,"delta":{"content":"hi","extra":{"nested":[1,2,{"a":true,"b":false,"c":null}]},"refusal":null}}],"x_groq":{"id":"req_1"}}`,
}

func TestDecodeChunkMatchesEncodingJSON(t *testing.T) {
	for _, data := range chunkSeeds {
		var got, want ChatCompletionStreamOutput
		if err := decodeChunk(data, &got, new(choiceSlab)); err != nil {
			t.Errorf("decodeChunk(%s): %v", data, err)
			continue
		}
		if err := json.Unmarshal([]byte(data), &want); err != nil {
			t.Fatalf("seed is not valid for encoding/json: %v", err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("decodeChunk(%s)\n got  %+v\n want %+v", data, got, want)
		}
	}
}

func TestDecodeChunkVariants(t *testing.T) {
	var c ChatCompletionStreamOutput
	data := `{"choices":[{"index":0,"delta":{"reasoning_content":"think","tool_calls":[{"index":0,"id":"c","function":{"name":"f","arguments":{"a":1}}}]}}]}`
	if err := decodeChunk(data, &c, new(choiceSlab)); err != nil {
		t.Fatal(err)
	}
	d := c.Choices[0].Delta
	if d.Reasoning != "think" || d.ToolCalls[0].Function.Arguments != `{"a":1}` {
		t.Errorf("got reasoning %q, arguments %q", d.Reasoning, d.ToolCalls[0].Function.Arguments)
	}
	c = ChatCompletionStreamOutput{}
	if err := decodeChunk("{\"created\":1.7e9,\"choices\":[{\"index\":0,\"delta\":{\"content\":\"bad \xff byte\"}}]}", &c, new(choiceSlab)); err != nil {
		t.Fatal(err)
	}
	if got := c.Choices[0].Delta.Content; got != "bad \uFFFD byte" {
		t.Errorf("invalid UTF-8 gave %q, want it replaced", got)
	}
	if c.Created != 1_700_000_000 {
		t.Errorf("a float timestamp with no fraction gave %d", c.Created)
	}
}

func TestDecodeChunkRejectsMalformed(t *testing.T) {
	bad := []string{
		``, `[]`, `"s"`, `{`, `{"id":}`, `{"id":"1",}`, `{"id":"1"} x`, `{"id":"1""model":"m"}`,
		`{"choices":{}}`, `{"choices":[{"index":"0"}]}`, `{"choices":[{"index":0.5}]}`,
		`{"id":"a` + "\n" + `b"}`, `{"id":"\x"}`, `{"id":"\u12"}`, `{"n":01}`, `{"n":1.}`, `{"n":-}`, `{"n":1e}`,
		`{"t":tru}`, `{"a":[1,]}`, `{"a":` + strings.Repeat("[", 600) + strings.Repeat("]", 600) + `}`,
		// NUL is a byte like any other: invalid after the value, and a raw
		// control character inside a string, as encoding/json says.
		"{}\x00garbage", "{}\x00", "\x00{}", "{\x00}", `{"id":"a` + "\x00" + `b"}`, `{"n":1` + "\x00" + `}`,
	}
	for _, data := range bad {
		var c ChatCompletionStreamOutput
		err := decodeChunk(data, &c, new(choiceSlab))
		if err == nil || !strings.Contains(err.Error(), "malformed stream chunk") {
			t.Errorf("decodeChunk(%.60q) = %v, want a malformed-chunk error", data, err)
		}
	}
	var se *StreamError
	if err := decodeChunk(`{"error":{"message":"quota"},"choices":[]}`, new(ChatCompletionStreamOutput), new(choiceSlab)); !errors.As(err, &se) || se.Message != "quota" {
		t.Errorf("error payload gave %v", err)
	}
	if err := decodeChunk(`{"error":null,"choices":[]}`, new(ChatCompletionStreamOutput), new(choiceSlab)); err != nil {
		t.Errorf("a null error field is not an error, got %v", err)
	}
}

func FuzzDecodeChunk(f *testing.F) {
	for _, s := range chunkSeeds {
		f.Add(s)
	}
	// Crashers found before, kept here because testdata/fuzz is ignored.
	f.Add("{}\x00garbage")
	f.Add(`{"id":"a` + "\x00" + `"}`)
	f.Fuzz(func(t *testing.T, data string) {
		var c ChatCompletionStreamOutput
		err := decodeChunk(data, &c, new(choiceSlab))
		var se *StreamError
		if (err == nil || errors.As(err, &se)) && !json.Valid([]byte(data)) {
			t.Errorf("decodeChunk accepted invalid JSON %q", data)
		}
	})
}

func FuzzAccumulator(f *testing.F) {
	for _, s := range chunkSeeds {
		f.Add(s, s)
	}
	// Found by the fuzzer: a second tool call grew the slice of calls and
	// copied a strings.Builder already in use, which panics on the next write.
	f.Add(`{"choices":[{"delta":{"tool_calls":[{"index":1}]}}]}`, `{"choices":[{"delta":{"tool_calls":[{}]}}]}`)
	f.Add(`{"choices":[{"index":0,"delta":{"content":"a"}}]}`, `{"choices":[{"index":3,"delta":{"content":"b"}}]}`)
	f.Fuzz(func(t *testing.T, a, b string) {
		var acc ChatCompletionAccumulator
		for _, data := range []string{a, b, a} {
			var c ChatCompletionStreamOutput
			if decodeChunk(data, &c, new(choiceSlab)) != nil {
				continue
			}
			if err := acc.Add(c); err != nil {
				continue
			}
			acc.JustFinishedToolCall()
			acc.Message()
		}
	})
}

// TestStreamChunksDoNotShareChoices keeps every chunk of a stream whose
// one-choice slices come from a shared array, then appends to one: no other
// chunk may change.
func TestStreamChunksDoNotShareChoices(t *testing.T) {
	var body strings.Builder
	for i := range 3 * choiceSlabSize {
		fmt.Fprintf(&body, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"c%d\"}}]}\n\n", i)
	}
	body.WriteString("data: [DONE]\n\n")
	var kept []ChatCompletionStreamOutput
	err := readChatStream(strings.NewReader(body.String()), func(c ChatCompletionStreamOutput, _ error) bool {
		kept = append(kept, c)
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range kept {
		kept[i].Choices = append(kept[i].Choices, ChatCompletionStreamOutputChoice{Delta: StreamDelta{Content: "appended"}})
	}
	for i, c := range kept {
		if len(c.Choices) != 2 || c.Choices[0].Delta.Content != fmt.Sprintf("c%d", i) || c.Choices[1].Delta.Content != "appended" {
			t.Fatalf("chunk %d: %+v", i, c.Choices)
		}
	}
}

// TestStringScanAtEveryOffset puts each byte the string scan must stop at
// (an escaped quote, an escape, a control character) and a non-ASCII rune
// at every offset of strings around the eight-byte groups it reads, and
// checks the value against encoding/json's.
func TestStringScanAtEveryOffset(t *testing.T) {
	for _, special := range []string{`\"`, `\\`, `\n`, `\u00e9`, "é", "\x01", "\x1f", "\xff"} {
		for n := range 20 {
			for at := 0; at <= n; at++ {
				s := strings.Repeat("a", at) + special + strings.Repeat("b", n-at)
				checkStringValue(t, s)
			}
		}
	}
}

// FuzzChunkString checks the decoder's string values against
// encoding/json's: for {"id":"<s>"} with s any valid UTF-8, both accept or
// both refuse, and accepted values are equal.
func FuzzChunkString(f *testing.F) {
	for _, s := range []string{"plain text of some length", `a \"quote\" and a \\ backslash`, "tab\there", `\u00e9t\u00e9`, "née", "\x1f", `x","y":"z`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if utf8.ValidString(s) {
			checkStringValue(t, s)
		}
	})
}

func checkStringValue(t *testing.T, s string) {
	t.Helper()
	data := `{"id":"` + s + `"}`
	var m map[string]any
	jerr := json.Unmarshal([]byte(data), &m)
	want, isString := m["id"].(string)
	if jerr == nil && (len(m) != 1 || !isString) {
		return // other keys or types: not a test of the string scan
	}
	var c ChatCompletionStreamOutput
	err := decodeChunk(data, &c, new(choiceSlab))
	switch {
	case jerr != nil && err == nil:
		t.Errorf("decodeChunk accepted %q, which encoding/json refuses (%v)", data, jerr)
	case jerr == nil && err != nil:
		t.Errorf("decodeChunk refused %q: %v", data, err)
	case jerr == nil && c.ID != want:
		t.Errorf("decodeChunk(%q).ID = %q, encoding/json says %q", data, c.ID, want)
	}
}
