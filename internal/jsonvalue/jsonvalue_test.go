package jsonvalue

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestDecode(t *testing.T) {
	v, err := Decode([]byte(` {"id": 9007199254740993, "x": [1.5, null, true]} `))
	want := map[string]any{"id": json.Number("9007199254740993"), "x": []any{json.Number("1.5"), nil, true}}
	if err != nil || !reflect.DeepEqual(v, want) {
		t.Errorf("Decode = %#v, %v", v, err)
	}
	for _, bad := range []string{``, `{`, `{} {}`, `1 2`, `nul`} {
		if v, err := Decode([]byte(bad)); err == nil {
			t.Errorf("Decode(%q) = %#v, want an error", bad, v)
		}
	}
}
