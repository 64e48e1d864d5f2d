package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"math"
	"strconv"
	"testing"
)

type stringer struct {
	Name string `json:"name"`
}

func (stringer) String() string { return "not this" }

func TestFlatten(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	img.Set(1, 1, color.RGBA{R: 255, A: 255})
	var encoded bytes.Buffer
	if err := png.Encode(&encoded, img); err != nil {
		t.Fatal(err)
	}
	pngBytes := encoded.Bytes()
	note := "]\nThe task is complete and the content accessible to the User"
	size := func(b []byte) string { return strconv.Itoa(len(b)) }
	wav := []byte("RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00")

	tests := []struct {
		name    string
		out     any
		want    string
		wantErr string
	}{
		{name: "string", out: "sunny, 21 °C", want: "sunny, 21 °C"},
		{name: "empty string", out: "", want: "[No content]"},
		{name: "named string", out: unitName("celsius"), want: "celsius"},
		{name: "empty named string", out: unitName(""), want: "[No content]"},
		{name: "raw JSON", out: json.RawMessage(` {"a": 1} `), want: `{"a": 1}`},
		{name: "raw null", out: json.RawMessage(`null`), want: "[No content]"},
		{name: "nil raw JSON", out: json.RawMessage(nil), want: "[No content]"},
		{name: "PNG bytes", out: pngBytes, want: "[Binary Content: Image image/png, " + size(pngBytes) + " bytes" + note},
		{name: "WAV bytes", out: wav, want: "[Binary Content: Audio audio/wave, " + size(wav) + " bytes" + note},
		{name: "other bytes", out: []byte{0, 1, 2, 3}, want: "[Binary Content: application/octet-stream, 4 bytes" + note},
		{name: "text bytes", out: []byte("hello"), want: "[Binary Content: text/plain, 5 bytes" + note},
		{name: "empty bytes", out: []byte{}, want: "[No content]"},
		{name: "nil bytes", out: []byte(nil), want: "[No content]"},
		{name: "image", out: img, want: "[Binary Content: Image image/png, " + size(pngBytes) + " bytes" + note},
		{name: "gray image", out: image.NewGray(image.Rect(0, 0, 1, 1)), want: "[Binary Content: Image image/png, " + size(pngOf(t, image.NewGray(image.Rect(0, 0, 1, 1)))) + " bytes" + note},
		{name: "empty image", out: image.NewRGBA(image.Rectangle{}), want: "[No content]"},
		{name: "nil image", out: (*image.RGBA)(nil), want: "[No content]"},
		{name: "struct", out: forecastResult{City: "Paris", Highs: []float64{21.5, 22}}, want: `{"city":"Paris","highs":[21.5,22]}`},
		{name: "struct pointer", out: &forecastResult{City: "Oslo"}, want: `{"city":"Oslo","highs":null}`},
		{name: "nil struct pointer", out: (*forecastResult)(nil), want: "[No content]"},
		{name: "stringer as JSON", out: stringer{Name: "x"}, want: `{"name":"x"}`},
		{name: "HTML not escaped", out: map[string]string{"html": "<b>&</b>"}, want: `{"html":"<b>&</b>"}`},
		{name: "map", out: map[string]int{"b": 2, "a": 1}, want: `{"a":1,"b":2}`},
		{name: "empty map", out: map[string]int{}, want: `{}`},
		{name: "nil map", out: map[string]int(nil), want: "[No content]"},
		{name: "slice", out: []string{"a"}, want: `["a"]`},
		{name: "empty slice", out: []string{}, want: `[]`},
		{name: "nil slice", out: []string(nil), want: "[No content]"},
		{name: "nil", out: nil, want: "[No content]"},
		{name: "zero number", out: 0, want: "0"},
		{name: "false", out: false, want: "false"},
		{name: "empty struct", out: struct{}{}, want: "{}"},
		{name: "channel", out: make(chan int), wantErr: "tool t: cannot encode its result as JSON: json: unsupported type: chan int"},
		{name: "NaN", out: math.NaN(), wantErr: "tool t: cannot encode its result as JSON: json: unsupported value: NaN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := flatten("t", tt.out)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Errorf("flatten = %q, %v; want error %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("flatten =\n  %q, %v\nwant\n  %q", got, err, tt.want)
			}
		})
	}
}

type forecastResult struct {
	City  string    `json:"city"`
	Highs []float64 `json:"highs"`
}

func pngOf(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestResultThroughCall checks the flattening of results whose static type
// is an interface, as a tool returning any or image.Image has.
func TestResultThroughCall(t *testing.T) {
	tests := []struct {
		name string
		fn   func(context.Context, place) (any, error)
		want string
	}{
		{"nil any", func(context.Context, place) (any, error) { return nil, nil }, "[No content]"},
		{"string in any", func(context.Context, place) (any, error) { return "text", nil }, "text"},
		{"struct in any", func(_ context.Context, p place) (any, error) { return p, nil }, `{"name":"x","lat":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tool, err := New("t", "", tt.fn)
			if err != nil {
				t.Fatal(err)
			}
			if out, err := tool.Call(t.Context(), json.RawMessage(`{"name":"x","lat":1}`)); err != nil || out != tt.want {
				t.Errorf("Call = %q, %v; want %q", out, err, tt.want)
			}
		})
	}
	tool, err := New("draw", "", func(context.Context, place) (image.Image, error) {
		return image.NewGray(image.Rect(0, 0, 1, 1)), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := tool.Call(t.Context(), json.RawMessage(`{"name":"x","lat":1}`))
	want := "[Binary Content: Image image/png, " + strconv.Itoa(len(pngOf(t, image.NewGray(image.Rect(0, 0, 1, 1))))) +
		" bytes]\nThe task is complete and the content accessible to the User"
	if err != nil || out != want {
		t.Errorf("image Call = %q, %v; want %q", out, err, want)
	}
}
