package tools

import (
	"context"
	"encoding/json"
	"testing"
)

func rawEcho(_ context.Context, args json.RawMessage) (string, error) { return string(args), nil }

func TestNewRawRejects(t *testing.T) {
	tests := []struct {
		name, tool, params, want string
	}{
		{"not JSON", "t", `{`, "tools: NewRaw(t): parameters: not a JSON object"},
		{"array", "t", `[]`, "tools: NewRaw(t): parameters: not a JSON object"},
		{"null", "t", `null`, "tools: NewRaw(t): parameters: not a JSON object"},
		{"string type", "t", `{"type":"string"}`, `tools: NewRaw(t): parameters: the "type" must be "object"`},
		{"unknown type", "t", `{"type":"object","properties":{"a":{"type":"float"}}}`, `tools: NewRaw(t): parameters.a: malformed "type": unknown type "float"`},
		{"bad minimum", "t", `{"type":"object","properties":{"a":{"minimum":"low"}}}`, `tools: NewRaw(t): parameters.a: malformed "minimum": not a number`},
		{"bad maxLength", "t", `{"properties":{"a":{"maxLength":-1}}}`, `tools: NewRaw(t): parameters.a: malformed "maxLength": not a non-negative integer`},
		{"bad required", "t", `{"required":"a"}`, `tools: NewRaw(t): parameters: malformed "required": json: cannot unmarshal string into Go value of type []string`},
		{"bad enum", "t", `{"properties":{"a":{"enum":"x"}}}`, `tools: NewRaw(t): parameters.a: malformed "enum": not an array`},
		{"bad items", "t", `{"properties":{"a":{"items":3}}}`, `tools: NewRaw(t): parameters.a[]: not a JSON object`},
		{"bad default", "t", `{"properties":{"a":{"type":"integer","default":"x"}}}`, ""},
		{"bad name", "a b", `{}`, `tools: NewRaw(a b): invalid name "a b": it must be 1 to 64 ASCII letters, digits, '_' or '-'`},
		{"reserved name", "task_complete", `{}`, `tools: NewRaw(task_complete): the name "task_complete" is reserved for the loop-control tool`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewRaw(tt.tool, "", json.RawMessage(tt.params), rawEcho)
			if tt.want == "" {
				if err != nil {
					t.Errorf("err = %v, want none", err)
				}
				return
			}
			if err == nil || err.Error() != tt.want {
				t.Errorf("err =\n  %v\nwant\n  %s", err, tt.want)
			}
		})
	}
}

func TestNewRawCall(t *testing.T) {
	params := `{"type":"object","properties":{
		"q":{"type":"string","minLength":1},
		"n":{"type":"integer","default":5},
		"id":{"type":"string","pattern":"^(?=x)"}},
		"required":["q"],"additionalProperties":false}`
	tool, err := NewRaw("search", "Search.", json.RawMessage(params), rawEcho)
	if err != nil {
		t.Fatal(err)
	}
	if string(tool.Definition().Function.Parameters.(json.RawMessage)) != params {
		t.Errorf("parameters changed: %s", tool.Parameters)
	}
	tests := []struct{ args, want, wantErr string }{
		// Arguments reach the function as sent: no defaults filled in.
		{args: `{"q": "go"}`, want: `{"q": "go"}`},
		{args: `{"q":"go","extra":1}`, want: `{"q":"go","extra":1}`},
		// A pattern RE2 cannot compile is not checked.
		{args: `{"q":"go","id":"y"}`, want: `{"q":"go","id":"y"}`},
		{args: `{"q":""}`, wantErr: `invalid arguments for search: "q" must be at least 1 character long, got 0`},
		{args: `{"q":"go","n":"5"}`, wantErr: `invalid arguments for search: "n" must be an integer, got a string`},
		{args: ``, wantErr: `invalid arguments for search: missing required argument "q"`},
		{args: `{"Q":"go"}`, wantErr: `invalid arguments for search: missing required argument "q"; unknown argument "Q" (did you mean "q"?)`},
	}
	for _, tt := range tests {
		out, err := tool.Call(t.Context(), json.RawMessage(tt.args))
		switch {
		case tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr):
			t.Errorf("Call(%s) err =\n  %v\nwant\n  %s", tt.args, err, tt.wantErr)
		case tt.wantErr == "" && (err != nil || out != tt.want):
			t.Errorf("Call(%s) = %s, %v; want %s", tt.args, out, err, tt.want)
		}
	}
}

func TestNewRawEmptySchemaAndResult(t *testing.T) {
	tool, err := NewRaw("noop", "", nil, func(context.Context, json.RawMessage) (string, error) { return "", nil })
	if err != nil {
		t.Fatal(err)
	}
	if string(tool.Parameters) != `{"type":"object","properties":{}}` {
		t.Errorf("parameters = %s", tool.Parameters)
	}
	for _, args := range []string{``, `null`, ` `, `{}`, `{"any":"thing"}`} {
		if out, err := tool.Call(t.Context(), json.RawMessage(args)); err != nil || out != "[No content]" {
			t.Errorf("Call(%q) = %q, %v", args, out, err)
		}
	}
	echo, err := NewRaw("echo", "", nil, rawEcho)
	if err != nil {
		t.Fatal(err)
	}
	for args, want := range map[string]string{``: `{}`, `null`: `{}`, ` {"a":1} `: ` {"a":1} `} {
		if out, err := echo.Call(t.Context(), json.RawMessage(args)); err != nil || out != want {
			t.Errorf("Call(%q) = %q, %v; want %q", args, out, err, want)
		}
	}
	if _, err := echo.Call(t.Context(), json.RawMessage(`"text"`)); err == nil ||
		err.Error() != "invalid arguments for echo: the arguments must be a JSON object, got a string" {
		t.Errorf("string arguments: %v", err)
	}
}

func TestNewRawKeepsItsOwnCopy(t *testing.T) {
	params := []byte(`{"type":"object","properties":{}}`)
	tool, err := NewRaw("t", "", params, rawEcho)
	if err != nil {
		t.Fatal(err)
	}
	copy(params, `XXXX`)
	if string(tool.Parameters) != `{"type":"object","properties":{}}` {
		t.Errorf("parameters follow the caller's slice: %s", tool.Parameters)
	}
}
