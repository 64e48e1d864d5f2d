package tools

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// parametersOf returns the parameters New reflects from In.
func parametersOf[In any](t *testing.T) json.RawMessage {
	t.Helper()
	tool, err := New("probe", "", func(context.Context, In) (string, error) { return "", nil })
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return tool.Parameters
}

type (
	inner struct {
		Name string `json:"name"`
		Note string `json:"note,omitempty"`
	}
	embedded struct {
		Base string `json:"base,omitempty"`
	}
	describedArgs struct {
		Plain   string `json:"plain" jsonschema:"description=a plain description"`
		Commas  string `json:"commas" jsonschema_description:"free, with commas"`
		Escaped string `json:"escaped" jsonschema:"description=an escaped\\, comma"`
		Titled  string `json:"titled" jsonschema:"title=Titled,example=x"`
	}
	requiredArgs struct {
		Plain    string  `json:"plain"`
		Omitted  string  `json:"omitted,omitempty"`
		Zero     string  `json:"zero,omitzero"`
		Forced   string  `json:"forced,omitempty" jsonschema:"required"`
		Pointer  *string `json:"pointer"`
		Optional *string `json:"optional,omitempty"`
		Untagged string
		Skipped  string `json:"-"`
		Skipped2 string `json:"skipped2" jsonschema:"-"`
		//lint:ignore U1000 an unexported field is what the test is about
		unexposed string
	}
	enumArgs struct {
		Unit  string   `json:"unit,omitempty" jsonschema:"enum=celsius,enum=fahrenheit,default=celsius"`
		Level int      `json:"level,omitempty" jsonschema:"enum=1,enum=2,enum=3,default=2"`
		Ratio float64  `json:"ratio,omitempty" jsonschema:"minimum=0,maximum=1,default=0.5"`
		Flag  bool     `json:"flag,omitempty" jsonschema:"default=true"`
		Ints  []int    `json:"ints,omitempty" jsonschema:"default=1,default=2"`
		Code  string   `json:"code,omitempty" jsonschema:"minLength=2,maxLength=3,pattern=^[A-Z]+$"`
		Tags  []string `json:"tags,omitempty" jsonschema:"minItems=1,maxItems=3,enum=a,enum=b"`
		Count int      `json:"count,omitempty,string"`
	}
	nestedArgs struct {
		embedded
		Inner   inner           `json:"inner"`
		Pointer *inner          `json:"pointer,omitempty"`
		List    []inner         `json:"list,omitempty"`
		Matrix  [][]int         `json:"matrix,omitempty"`
		Pair    [2]float64      `json:"pair,omitempty"`
		Scores  map[string]int  `json:"scores,omitempty"`
		Free    map[string]any  `json:"free,omitempty"`
		Any     any             `json:"any,omitempty"`
		Raw     json.RawMessage `json:"raw,omitempty"`
		Bytes   []byte          `json:"bytes,omitempty"`
		When    time.Time       `json:"when,omitzero"`
		Null    *int            `json:"null,omitempty" jsonschema:"nullable"`
		Anon    struct{ X int } `json:"anon"`
	}
)

func TestReflectedParameters(t *testing.T) {
	tests := []struct {
		name string
		got  func(*testing.T) json.RawMessage
		want string
	}{
		{"descriptions", parametersOf[describedArgs], `{"type":"object","additionalProperties":false,
			"properties":{
				"plain":{"type":"string","description":"a plain description"},
				"commas":{"type":"string","description":"free, with commas"},
				"escaped":{"type":"string","description":"an escaped, comma"},
				"titled":{"type":"string","title":"Titled","examples":["x"]}},
			"required":["plain","commas","escaped","titled"]}`},
		{"required", parametersOf[requiredArgs], `{"type":"object","additionalProperties":false,
			"properties":{
				"plain":{"type":"string"},"omitted":{"type":"string"},"zero":{"type":"string"},
				"forced":{"type":"string"},"pointer":{"type":"string"},"optional":{"type":"string"},
				"Untagged":{"type":"string"}},
			"required":["plain","forced","pointer","Untagged"]}`},
		{"enums, defaults and bounds", parametersOf[enumArgs], `{"type":"object","additionalProperties":false,
			"properties":{
				"unit":{"type":"string","enum":["celsius","fahrenheit"],"default":"celsius"},
				"level":{"type":"integer","enum":[1,2,3],"default":2},
				"ratio":{"type":"number","minimum":0,"maximum":1,"default":0.5},
				"flag":{"type":"boolean","default":true},
				"ints":{"type":"array","items":{"type":"integer"},"default":[1,2]},
				"code":{"type":"string","minLength":2,"maxLength":3,"pattern":"^[A-Z]+$"},
				"tags":{"type":"array","items":{"type":"string","enum":["a","b"]},"minItems":1,"maxItems":3},
				"count":{"type":"string"}}}`},
		{"nested, slices, pointers and maps", parametersOf[nestedArgs], `{"type":"object","additionalProperties":false,
			"properties":{
				"base":{"type":"string"},
				"inner":{"type":"object","additionalProperties":false,
					"properties":{"name":{"type":"string"},"note":{"type":"string"}},"required":["name"]},
				"pointer":{"type":"object","additionalProperties":false,
					"properties":{"name":{"type":"string"},"note":{"type":"string"}},"required":["name"]},
				"list":{"type":"array","items":{"type":"object","additionalProperties":false,
					"properties":{"name":{"type":"string"},"note":{"type":"string"}},"required":["name"]}},
				"matrix":{"type":"array","items":{"type":"array","items":{"type":"integer"}}},
				"pair":{"type":"array","items":{"type":"number"},"minItems":2,"maxItems":2},
				"scores":{"type":"object","additionalProperties":{"type":"integer"}},
				"free":{"type":"object"},
				"any":{},
				"raw":{},
				"bytes":{"type":"string","contentEncoding":"base64"},
				"when":{"type":"string","format":"date-time"},
				"null":{"oneOf":[{"type":"integer"},{"type":"null"}]},
				"anon":{"type":"object","additionalProperties":false,
					"properties":{"X":{"type":"integer"}},"required":["X"]}},
			"required":["inner","anon"]}`},
		{"pointer to struct", parametersOf[*inner], `{"type":"object","additionalProperties":false,
			"properties":{"name":{"type":"string"},"note":{"type":"string"}},"required":["name"]}`},
		{"map", parametersOf[map[string]int], `{"type":"object","properties":{},"additionalProperties":{"type":"integer"}}`},
		{"map of any", parametersOf[map[string]any], `{"type":"object","properties":{}}`},
		{"empty struct", parametersOf[struct{}], `{"type":"object","properties":{},"additionalProperties":false}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := tt.got(t)
			var got, want any
			if err := json.Unmarshal(raw, &got); err != nil {
				t.Fatalf("parameters are not JSON: %v\n%s", err, raw)
			}
			if err := json.Unmarshal([]byte(tt.want), &want); err != nil {
				t.Fatalf("bad want: %v", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("parameters:\n got %s\nwant %s", raw, compact(t, tt.want))
			}
		})
	}
}

func compact(t *testing.T, s string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func TestReflectedParametersKeepFieldOrder(t *testing.T) {
	raw := string(parametersOf[describedArgs](t))
	last := -1
	for _, name := range []string{`"plain"`, `"commas"`, `"escaped"`, `"titled"`} {
		i := strings.Index(raw, name)
		if i < last {
			t.Fatalf("property %s out of field order in %s", name, raw)
		}
		last = i
	}
	for _, key := range []string{`"$schema"`, `"$id"`, `"$defs"`, `"$ref"`} {
		if strings.Contains(raw, key) {
			t.Errorf("parameters hold %s: %s", key, raw)
		}
	}
}
