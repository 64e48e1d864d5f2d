package tools

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

type (
	place struct {
		Name string  `json:"name"`
		Lat  float64 `json:"lat" jsonschema:"minimum=-90,maximum=90"`
	}
	callArgs struct {
		City   string         `json:"city"`
		Unit   string         `json:"unit,omitempty" jsonschema:"enum=celsius,enum=fahrenheit,default=celsius"`
		Days   int            `json:"days,omitempty" jsonschema:"minimum=1,maximum=16"`
		Ratio  float64        `json:"ratio,omitempty" jsonschema:"exclusiveMinimum=0,exclusiveMaximum=1"`
		Tags   []string       `json:"tags,omitempty" jsonschema:"maxItems=2"`
		Scores []int          `json:"scores,omitempty"`
		Where  *place         `json:"where,omitempty"`
		Stops  []place        `json:"stops,omitempty"`
		Code   string         `json:"code,omitempty" jsonschema:"minLength=3,pattern=^[A-Z]+$"`
		Flag   bool           `json:"flag,omitempty"`
		Small  int8           `json:"small,omitempty"`
		Extra  map[string]int `json:"extra,omitempty"`
		Maybe  *int           `json:"maybe,omitempty" jsonschema:"nullable"`
		When   string         `json:"when,omitempty" jsonschema:"format=date"`
	}
)

func TestCallValidatesArguments(t *testing.T) {
	tool, err := New("get_weather", "", func(_ context.Context, in callArgs) (callArgs, error) { return in, nil })
	if err != nil {
		t.Fatal(err)
	}
	const prefix = "invalid arguments for get_weather: "
	tests := []struct {
		name, args string
		want       string // the result, when there is no error
		wantErr    string // after prefix
	}{
		{name: "minimal, default filled in", args: `{"city":"Paris"}`,
			want: `{"city":"Paris","unit":"celsius"}`},
		{name: "everything", args: `{"city":"Oslo","unit":"fahrenheit","days":16,"ratio":0.5,"tags":["a","b"],
			"scores":[1,-2],"where":{"name":"x","lat":-90},"code":"ABC","flag":true,"small":-128,"extra":{"a":1},
			"maybe":7,"when":"not checked"}`,
			want: `{"city":"Oslo","unit":"fahrenheit","days":16,"ratio":0.5,"tags":["a","b"],"scores":[1,-2],"where":{"name":"x","lat":-90},"code":"ABC","flag":true,"small":-128,"extra":{"a":1},"maybe":7,"when":"not checked"}`},
		{name: "empty", args: ``, wantErr: `missing required argument "city"`},
		{name: "null", args: `null`, wantErr: `missing required argument "city"`},
		{name: "blank", args: " \n\t", wantErr: `missing required argument "city"`},
		{name: "empty object", args: `{}`, wantErr: `missing required argument "city"`},
		{name: "not JSON", args: `{city: "Paris"}`, wantErr: `the arguments are not valid JSON: invalid character 'c' looking for beginning of object key string`},
		{name: "truncated", args: `{"city": "Par`, wantErr: `the arguments are not valid JSON: unexpected EOF`},
		{name: "trailing data", args: `{"city":"Paris"} {}`, wantErr: `the arguments are not valid JSON: invalid data after the top-level value`},
		{name: "trailing garbage", args: `{"city":"Paris"} x`, wantErr: `the arguments are not valid JSON: invalid data after the top-level value`},
		{name: "array", args: `["Paris"]`, wantErr: `the arguments must be a JSON object, got an array`},
		{name: "string", args: `"Paris"`, wantErr: `the arguments must be a JSON object, got a string`},
		{name: "number", args: `3`, wantErr: `the arguments must be a JSON object, got a number`},
		{name: "number for string", args: `{"city":3}`, wantErr: `"city" must be a string, got a number`},
		{name: "null for required", args: `{"city":null}`, wantErr: `"city" must be a string, got null`},
		{name: "null for optional", args: `{"city":"a","days":null,"unit":null}`, want: `{"city":"a","unit":"celsius"}`},
		{name: "string for integer", args: `{"city":"a","days":"3"}`, wantErr: `"days" must be an integer, got a string`},
		{name: "fraction for integer", args: `{"city":"a","days":2.5}`, wantErr: `"days" must be an integer, got 2.5`},
		{name: "exponent for integer", args: `{"city":"a","days":1e1}`, wantErr: `"days" must be an integer, got 1e1`},
		{name: "integer for number", args: `{"city":"a","ratio":0.25}`, want: `{"city":"a","unit":"celsius","ratio":0.25}`},
		{name: "boolean for number", args: `{"city":"a","ratio":true}`, wantErr: `"ratio" must be a number, got a boolean`},
		{name: "string for boolean", args: `{"city":"a","flag":"yes"}`, wantErr: `"flag" must be a boolean, got a string`},
		{name: "enum", args: `{"city":"a","unit":"kelvin"}`, wantErr: `"unit" must be one of "celsius", "fahrenheit", got "kelvin"`},
		{name: "enum wrong type", args: `{"city":"a","unit":1}`, wantErr: `"unit" must be a string, got a number`},
		{name: "minimum", args: `{"city":"a","days":0}`, wantErr: `"days" must be at least 1, got 0`},
		{name: "maximum", args: `{"city":"a","days":17}`, wantErr: `"days" must be at most 16, got 17`},
		{name: "exclusive minimum", args: `{"city":"a","ratio":0}`, wantErr: `"ratio" must be greater than 0, got 0`},
		{name: "exclusive maximum", args: `{"city":"a","ratio":1.0}`, wantErr: `"ratio" must be less than 1, got 1.0`},
		{name: "array items", args: `{"city":"a","scores":[1,"2",3.5]}`, wantErr: `"scores[1]" must be an integer, got a string; "scores[2]" must be an integer, got 3.5`},
		{name: "max items", args: `{"city":"a","tags":["a","b","c"]}`, wantErr: `"tags" must have at most 2 items, got 3`},
		{name: "object for array", args: `{"city":"a","tags":{"a":1}}`, wantErr: `"tags" must be an array, got an object`},
		{name: "nested", args: `{"city":"a","where":{"lat":100}}`, wantErr: `missing required argument "where.name"; "where.lat" must be at most 90, got 100`},
		{name: "nested wrong type", args: `{"city":"a","where":"here"}`, wantErr: `"where" must be an object, got a string`},
		{name: "nested in array", args: `{"city":"a","stops":[{"name":"x","lat":0},{"name":1,"lat":0}]}`, wantErr: `"stops[1].name" must be a string, got a number`},
		{name: "min length and pattern", args: `{"city":"a","code":"ab"}`, wantErr: `"code" must be at least 3 characters long, got 2; "code" must match the pattern ^[A-Z]+$, got "ab"`},
		{name: "nullable null", args: `{"city":"a","maybe":null}`, want: `{"city":"a","unit":"celsius"}`},
		{name: "nullable wrong type", args: `{"city":"a","maybe":"x"}`, wantErr: `"maybe" must be an integer or null, got a string`},
		{name: "nullable fraction", args: `{"city":"a","maybe":1.5}`, wantErr: `"maybe" must be an integer or null, got 1.5`},
		{name: "map values", args: `{"city":"a","extra":{"b":"x","a":1}}`, wantErr: `"extra.b" must be an integer, got a string`},
		{name: "out of Go range", args: `{"city":"a","small":300}`, wantErr: `"small": cannot use number 300 as int8`},
		{name: "unknown ignored", args: `{"city":"a","colour":"red"}`, want: `{"city":"a","unit":"celsius"}`},
		{name: "case mismatch", args: `{"city":"a","Unit":"kelvin"}`, wantErr: `unknown argument "Unit" (did you mean "unit"?)`},
		{name: "nested case mismatch", args: `{"city":"a","where":{"name":"x","lat":1,"LAT":2}}`, wantErr: `unknown argument "where.LAT" (did you mean "where.lat"?)`},
		{name: "several problems", args: `{"unit":"kelvin","days":"3"}`,
			wantErr: `missing required argument "city"; "unit" must be one of "celsius", "fahrenheit", got "kelvin"; "days" must be an integer, got a string`},
		{name: "too many problems", args: `{"city":"a","scores":["a","b","c","d","e","f","g","h","i","j","k","l"]}`,
			wantErr: `"scores[0]" must be an integer, got a string; "scores[1]" must be an integer, got a string; "scores[2]" must be an integer, got a string; "scores[3]" must be an integer, got a string; "scores[4]" must be an integer, got a string; "scores[5]" must be an integer, got a string; "scores[6]" must be an integer, got a string; "scores[7]" must be an integer, got a string; "scores[8]" must be an integer, got a string; "scores[9]" must be an integer, got a string; and 2 more`},
		{name: "long value cut", args: `{"city":"a","unit":"` + strings.Repeat("é", 40) + `"}`,
			wantErr: `"unit" must be one of "celsius", "fahrenheit", got "` + strings.Repeat("é", 29) + `...`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := tool.Call(t.Context(), json.RawMessage(tt.args))
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("Call = %s, want error %q", out, tt.wantErr)
				}
				if err.Error() != prefix+tt.wantErr {
					t.Errorf("err =\n  %s\nwant\n  %s", err, prefix+tt.wantErr)
				}
				if !errors.Is(err, ErrInvalidArguments) {
					t.Errorf("errors.Is(err, ErrInvalidArguments) = false")
				}
				return
			}
			if err != nil || out != tt.want {
				t.Errorf("Call = %s, %v\nwant %s", out, err, tt.want)
			}
		})
	}
}

func TestCallWithMapArguments(t *testing.T) {
	tool, err := New("sum", "", func(_ context.Context, in map[string]float64) (float64, error) {
		var total float64
		for _, v := range in {
			total += v
		}
		return total, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if out, err := tool.Call(t.Context(), json.RawMessage(`{"a":1,"b":2.5}`)); err != nil || out != "3.5" {
		t.Errorf("Call = %s, %v", out, err)
	}
	if out, err := tool.Call(t.Context(), nil); err != nil || out != "0" {
		t.Errorf("Call(nil) = %s, %v", out, err)
	}
	_, err = tool.Call(t.Context(), json.RawMessage(`{"a":"1"}`))
	if err == nil || err.Error() != `invalid arguments for sum: "a" must be a number, got a string` {
		t.Errorf("err = %v", err)
	}
}

func TestCallWithPointerArguments(t *testing.T) {
	tool, err := New("t", "", func(_ context.Context, in *place) (string, error) {
		if in == nil {
			return "nil", nil
		}
		return in.Name, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if out, err := tool.Call(t.Context(), json.RawMessage(`{"name":"x","lat":1}`)); err != nil || out != "x" {
		t.Errorf("Call = %s, %v", out, err)
	}
}

// TestDecodeErrorsAfterValidation covers values of the right JSON type that
// the Go type refuses.
func TestDecodeErrorsAfterValidation(t *testing.T) {
	type args struct {
		Data []byte `json:"data"`
		When struct {
			At string `json:"at"`
		} `json:"when"`
		U uint `json:"u,omitempty"`
	}
	tool, err := New("t", "", func(context.Context, args) (string, error) { return "ok", nil })
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		`{"data":"aGk=","when":{"at":"x"}}`:        "",
		`{"data":"not base64!","when":{"at":"x"}}`: "invalid arguments for t: illegal base64 data at input byte 3",
		`{"data":"","when":{"at":"x"},"u":-1}`:     `invalid arguments for t: "u": cannot use number -1 as uint`,
	} {
		_, err := tool.Call(t.Context(), json.RawMessage(in))
		if want == "" && err != nil || want != "" && (err == nil || err.Error() != want) {
			t.Errorf("Call(%s) err = %v, want %q", in, err, want)
		}
	}
}

func TestSchemaSubset(t *testing.T) {
	// Keywords the reflector does not write but a NewRaw schema may hold.
	params := `{"type":"object","properties":{
		"either":{"anyOf":[{"type":"string","maxLength":2},{"type":"integer","minimum":0}]},
		"multi":{"type":["string","null"]},
		"never":false,
		"any":true,
		"list":{"type":"array","minItems":2,"items":{"enum":[1,"one",null,{"a":1}]}},
		"tuple":{"type":"array","items":[{"type":"string"}]},
		"old":{"type":"number","minimum":0,"exclusiveMinimum":true}
	}}`
	tool, err := NewRaw("t", "", json.RawMessage(params), rawEcho)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ args, wantErr string }{
		{`{"either":"ab"}`, ""},
		{`{"either":5}`, ""},
		{`{"either":"abc"}`, `"either" must be at most 2 characters long, got 3`},
		{`{"either":-1}`, `"either" must be at least 0, got -1`},
		{`{"either":true}`, `"either" must be a string or an integer, got a boolean`},
		{`{"multi":null}`, ""},
		{`{"multi":1}`, `"multi" must be a string or null, got a number`},
		{`{"never":1}`, `"never" is not allowed`},
		{`{"any":[{}]}`, ""},
		{`{"list":[1.0,"one",null,{"a":1}]}`, ""},
		{`{"list":[2]}`, `"list" must have at least 2 items, got 1; "list[0]" must be one of 1, "one", null, {"a":1}, got 2`},
		{`{"tuple":[1]}`, ""},
		{`{"old":0}`, ""},
	}
	for _, tt := range tests {
		_, err := tool.Call(t.Context(), json.RawMessage(tt.args))
		want := ""
		if tt.wantErr != "" {
			want = "invalid arguments for t: " + tt.wantErr
		}
		if got := errText(err); got != want {
			t.Errorf("Call(%s) err =\n  %s\nwant\n  %s", tt.args, got, want)
		}
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
