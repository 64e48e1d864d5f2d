package tools

import (
	"context"
	"encoding/json"
	"testing"
)

type benchArgs struct {
	City string `json:"city" jsonschema:"description=The city"`
	Unit string `json:"unit,omitempty" jsonschema:"enum=celsius,enum=fahrenheit"`
	Days int    `json:"days,omitempty" jsonschema:"minimum=1,maximum=16"`
}

type benchResult struct {
	City  string    `json:"city"`
	Highs []float64 `json:"highs"`
}

// BenchmarkCall measures what a Call adds around the function: validation,
// decoding, the call and the flattening of a small struct.
func BenchmarkCall(b *testing.B) {
	tool, err := New("get_weather", "", func(_ context.Context, in benchArgs) (benchResult, error) {
		return benchResult{City: in.City, Highs: []float64{21.5, 22}}, nil
	})
	if err != nil {
		b.Fatal(err)
	}
	args := json.RawMessage(`{"city":"Paris","unit":"celsius","days":2}`)
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tool.Call(ctx, args); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzCall feeds arbitrary arguments to a tool with every kind of
// property: a Call may fail, never panic.
func FuzzCall(f *testing.F) {
	tool, err := New("t", "", func(_ context.Context, in callArgs) (callArgs, error) { return in, nil })
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{``, `null`, `{}`, `{"city":"a"}`, `[1]`, `{"city":1e999}`,
		`{"city":"a","where":{"lat":1e400},"stops":[{}],"maybe":null,"extra":{"a":1.5}}`, `{"Unit":1}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, args []byte) {
		out, err := tool.Call(t.Context(), args)
		if err == nil && out == "" {
			t.Errorf("Call(%q) = \"\", nil", args)
		}
	})
}
