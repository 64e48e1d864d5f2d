package tools

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
)

type (
	withChan    struct{ C chan int }
	withFunc    struct{ F func() }
	withComplex struct{ Z complex128 }
	node        struct {
		Name     string `json:"name"`
		Children []node `json:"children"`
	}
	linked struct {
		Next *linked `json:"next"`
	}
	mapCycle struct {
		Kids map[string]mapCycle `json:"kids"`
	}
	hiddenCycle struct {
		Name string       `json:"name"`
		Up   *hiddenCycle `json:"-"`
		//lint:ignore U1000 an unexported field is what the test is about
		up *hiddenCycle
	}
	badDefault struct {
		Days int `json:"days,omitempty" jsonschema:"minimum=1,default=0"`
	}
	badEnumDefault struct {
		Unit string `json:"unit,omitempty" jsonschema:"enum=c,enum=f,default=k"`
	}
)

func newErr[In any](name string) error {
	_, err := New(name, "", func(context.Context, In) (string, error) { return "", nil })
	return err
}

func TestNewRejects(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"int", newErr[int]("t"), "tools: New[int]: the arguments must be a struct or a map, not int"},
		{"string", newErr[string]("t"), "tools: New[string]: the arguments must be a struct or a map, not string"},
		{"slice", newErr[[]inner]("t"), "tools: New[[]tools.inner]: the arguments must be a struct or a map, not []tools.inner"},
		{"any", newErr[any]("t"), "tools: New[interface {}]: the arguments must be a struct or a map, not interface {}"},
		{"pointer to pointer", newErr[**inner]("t"), "tools: New[**tools.inner]: the arguments must be a struct or a map, not **tools.inner"},
		{"int keys", newErr[map[int]string]("t"), "tools: New[map[int]string]: the arguments must be a struct or a map with string keys, not map[int]string"},
		{"chan field", newErr[withChan]("t"), "tools: New[tools.withChan]: unsupported type chan int"},
		{"func field", newErr[withFunc]("t"), "tools: New[tools.withFunc]: unsupported type func()"},
		{"complex field", newErr[withComplex]("t"), "tools: New[tools.withComplex]: unsupported type complex128"},
		{"recursive slice", newErr[node]("t"), "tools: New[tools.node]: recursive type tools.node is not supported"},
		{"recursive pointer", newErr[*linked]("t"), "tools: New[*tools.linked]: recursive type tools.linked is not supported"},
		{"recursive map", newErr[mapCycle]("t"), "tools: New[tools.mapCycle]: recursive type tools.mapCycle is not supported"},
		{"default out of bounds", newErr[badDefault]("t"), `tools: New[tools.badDefault]: the default of "days" does not fit its schema: "days" must be at least 1, got 0`},
		{"default out of enum", newErr[badEnumDefault]("t"), `tools: New[tools.badEnumDefault]: the default of "unit" does not fit its schema: "unit" must be one of "c", "f", got "k"`},
		{"empty name", newErr[inner](""), `tools: New[tools.inner]: invalid name "": it must be 1 to 64 ASCII letters, digits, '_' or '-'`},
		{"space", newErr[inner]("get weather"), `tools: New[tools.inner]: invalid name "get weather": it must be 1 to 64 ASCII letters, digits, '_' or '-'`},
		{"dot", newErr[inner]("a.b"), `tools: New[tools.inner]: invalid name "a.b": it must be 1 to 64 ASCII letters, digits, '_' or '-'`},
		{"non-ASCII", newErr[inner]("météo"), `tools: New[tools.inner]: invalid name "météo": it must be 1 to 64 ASCII letters, digits, '_' or '-'`},
		{"65 characters", newErr[inner](strings.Repeat("a", 65)), `tools: New[tools.inner]: invalid name "` + strings.Repeat("a", 65) + `": it must be 1 to 64 ASCII letters, digits, '_' or '-'`},
		{"task_complete", newErr[inner]("task_complete"), `tools: New[tools.inner]: the name "task_complete" is reserved for the loop-control tool`},
		{"ask_question", newErr[inner]("ask_question"), `tools: New[tools.inner]: the name "ask_question" is reserved for the loop-control tool`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil {
				t.Fatalf("err = nil, want %q", tt.want)
			}
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("err =\n  %s\nwant\n  %s", got, tt.want)
			}
		})
	}
}

func TestNewAccepts(t *testing.T) {
	for name, err := range map[string]error{
		"64 characters":       newErr[inner](strings.Repeat("a", 64)),
		"all allowed runes":   newErr[inner]("Get_weather-2"),
		"cycle out of JSON":   newErr[hiddenCycle]("t"),
		"map of structs":      newErr[map[string]inner]("t"),
		"pointer to map":      newErr[*map[string]int]("t"),
		"named string keys":   newErr[map[unitName]int]("t"),
		"default that fits":   newErr[enumArgs]("t"),
		"nested with default": newErr[nestedArgs]("t"),
	} {
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

type unitName string

func TestNewNilFunction(t *testing.T) {
	_, err := New[inner, string]("t", "", nil)
	if err == nil || err.Error() != "tools: New[tools.inner]: t: nil function" {
		t.Errorf("err = %v", err)
	}
	_, err = NewRaw("t", "", nil, nil)
	if err == nil || err.Error() != "tools: NewRaw(t): nil function" {
		t.Errorf("NewRaw err = %v", err)
	}
}

func TestOptions(t *testing.T) {
	yes, no := true, false
	echo := func(context.Context, inner) (string, error) { return "", nil }
	tool, err := New("t", "d", echo, WithAnnotations(Annotations{Title: "T", DestructiveHint: &no}), ReadOnly())
	if err != nil {
		t.Fatal(err)
	}
	a := tool.Annotations
	if a.Title != "T" || !a.ReadOnly() || a.DestructiveHint == nil || *a.DestructiveHint || a.OpenWorldHint != nil {
		t.Errorf("annotations = %+v", a)
	}
	tool, err = New("t", "d", echo, ReadOnly(), WithAnnotations(Annotations{IdempotentHint: &yes}))
	if err != nil {
		t.Fatal(err)
	}
	if tool.Annotations.ReadOnly() || tool.Annotations.IdempotentHint == nil {
		t.Errorf("a later WithAnnotations should replace ReadOnly: %+v", tool.Annotations)
	}
	failing := func(*options) error { return errors.New("no luck") }
	if _, err := New("t", "d", echo, failing); err == nil || err.Error() != "tools: New[tools.inner]: no luck" {
		t.Errorf("New with a failing option: %v", err)
	}
	if _, err := NewRaw("t", "d", nil, rawEcho, failing); err == nil || err.Error() != "tools: NewRaw(t): no luck" {
		t.Errorf("NewRaw with a failing option: %v", err)
	}
}

func TestDefinition(t *testing.T) {
	tool, err := New("get_weather", "Get the weather.", func(context.Context, inner) (string, error) { return "", nil })
	if err != nil {
		t.Fatal(err)
	}
	def := tool.Definition()
	if def.Type != "function" || def.Function.Name != "get_weather" || def.Function.Description != "Get the weather." {
		t.Errorf("definition = %+v", def)
	}
	if got, ok := def.Function.Parameters.(json.RawMessage); !ok || string(got) != string(tool.Parameters) {
		t.Errorf("parameters = %v", def.Function.Parameters)
	}
}

func TestFunctionErrorIsTheCallError(t *testing.T) {
	sentinel := errors.New("city not found")
	tool, err := New("t", "", func(context.Context, inner) (string, error) { return "ignored", sentinel })
	if err != nil {
		t.Fatal(err)
	}
	out, err := tool.Call(t.Context(), json.RawMessage(`{"name":"x"}`))
	if err != sentinel || out != "" {
		t.Errorf("Call = %q, %v; want \"\", the function's error", out, err)
	}
}

func TestPanicBecomesError(t *testing.T) {
	cause := errors.New("boom")
	tests := []struct {
		name  string
		value any
		want  string
	}{
		{"string", "index out of range", "tool explode panicked: index out of range"},
		{"error", cause, "tool explode panicked: boom"},
		{"nil", nil, "tool explode panicked: panic called with nil argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tool, err := New("explode", "", func(context.Context, inner) (string, error) { panic(tt.value) })
			if err != nil {
				t.Fatal(err)
			}
			_, err = tool.Call(t.Context(), json.RawMessage(`{"name":"x"}`))
			var pe *PanicError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want a *PanicError", err)
			}
			if err.Error() != tt.want {
				t.Errorf("err = %q, want %q", err, tt.want)
			}
			if pe.Tool != "explode" || !strings.Contains(string(pe.Stack), "goroutine") {
				t.Errorf("PanicError = {Tool: %q, Stack: %d bytes}", pe.Tool, len(pe.Stack))
			}
			if strings.Contains(err.Error(), "goroutine") {
				t.Error("the message for the model holds the stack")
			}
			if errors.Is(err, cause) != (tt.value == cause) {
				t.Errorf("errors.Is(err, cause) = %v", errors.Is(err, cause))
			}
		})
	}
	raw, err := NewRaw("explode", "", nil, func(context.Context, json.RawMessage) (string, error) { panic("raw") })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Call(t.Context(), nil); err == nil || err.Error() != "tool explode panicked: raw" {
		t.Errorf("NewRaw panic: %v", err)
	}
}

type ctxKey struct{}

func TestContextPassedThrough(t *testing.T) {
	tool, err := New("t", "", func(ctx context.Context, _ inner) (string, error) {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		v, _ := ctx.Value(ctxKey{}).(string)
		return v, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.WithValue(t.Context(), ctxKey{}, "from the caller")
	if out, err := tool.Call(ctx, json.RawMessage(`{"name":"x"}`)); err != nil || out != "from the caller" {
		t.Errorf("Call = %q, %v", out, err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := tool.Call(cancelled, json.RawMessage(`{"name":"x"}`)); !errors.Is(err, context.Canceled) {
		t.Errorf("Call with a cancelled context = %v", err)
	}
}

func TestConcurrentCalls(t *testing.T) {
	tool, err := New("t", "", func(_ context.Context, in enumArgs) (enumArgs, error) { return in, nil })
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 32 {
		wg.Go(func() {
			for range 20 {
				args, want := `{}`, `{"unit":"celsius","level":2,"ratio":0.5,"flag":true,"ints":[1,2]}`
				if i%2 == 1 {
					args, want = `{"unit":"fahrenheit","level":3}`, `{"unit":"fahrenheit","level":3,"ratio":0.5,"flag":true,"ints":[1,2]}`
				}
				out, err := tool.Call(t.Context(), json.RawMessage(args))
				if err != nil || out != want {
					t.Errorf("Call(%s) = %s, %v; want %s", args, out, err, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestCallWithoutFunction(t *testing.T) {
	if _, err := (&Tool{Name: "t"}).Call(t.Context(), nil); err != ErrNoFunction {
		t.Errorf("err = %v", err)
	}
}

// panickyResult panics when it is encoded for the model.
type panickyResult struct{}

func (panickyResult) MarshalJSON() ([]byte, error) { panic("cannot encode") }

// TestCallRecoversAPanicWhileFlattening checks that a panic after the
// function returned (in a MarshalJSON of its result) is a *PanicError from
// Call too, not a crash of the caller.
func TestCallRecoversAPanicWhileFlattening(t *testing.T) {
	tool, err := New("encode", "returns what cannot be encoded", func(context.Context, struct{}) (panickyResult, error) {
		return panickyResult{}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = tool.Call(t.Context(), json.RawMessage(`{}`))
	var pe *PanicError
	if !errors.As(err, &pe) || pe.Tool != "encode" || !strings.Contains(err.Error(), "cannot encode") {
		t.Errorf("err = %v, want a *PanicError of tool encode", err)
	}
}
