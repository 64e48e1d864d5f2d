package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"

	"github.com/tiny-agents-go/tiny-agents/internal/toolresult"
)

// Option configures a Tool built by [New] or [NewRaw]. Options apply in
// order, so a later one wins.
type Option func(*options) error

type options struct {
	annotations Annotations
}

// WithAnnotations returns an Option that sets the tool's [Annotations],
// the hints an approval hook reads, replacing any set before.
func WithAnnotations(a Annotations) Option {
	return func(o *options) error {
		o.annotations = a
		return nil
	}
}

// ReadOnly returns an Option that marks the tool as changing nothing
// (Annotations.ReadOnlyHint), keeping the other annotations.
func ReadOnly() Option {
	return func(o *options) error {
		yes := true
		o.annotations.ReadOnlyHint = &yes
		return nil
	}
}

// ErrInvalidArguments matches, with errors.Is, the error of a [Tool.Call]
// whose arguments do not fit the tool's parameters. The error's message
// says what is wrong in words the model can act on, for example
//
//	invalid arguments for get_weather: missing required argument "city"
var ErrInvalidArguments = errors.New("tools: invalid arguments")

type argumentsError struct {
	tool    string
	problem string
}

func (e *argumentsError) Error() string {
	return "invalid arguments for " + e.tool + ": " + e.problem
}

func (e *argumentsError) Is(target error) bool { return target == ErrInvalidArguments }

// PanicError is the error of a [Tool.Call] whose function panicked. Its
// message, which the model gets, is "tool NAME panicked: VALUE"; the stack
// is kept for logs, not for the model.
type PanicError struct {
	Tool  string
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("tool %s panicked: %v", e.Tool, e.Value) }

// Unwrap returns the panic value if it is an error, else nil.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// New returns a Tool that runs fn. Its parameters are the JSON Schema of
// In, reflected once here; each [Tool.Call] checks the model's arguments
// against it, decodes them into an In with encoding/json, calls fn and
// flattens its result to text (see the package documentation for the
// rules of all three).
//
// New returns an error, and no Tool, if name is not 1 to 64 ASCII letters,
// digits, '_' or '-', if it is one of the loop-control names, if fn is
// nil, if In is not a struct, a map with string keys or a pointer to
// either, if In holds a type JSON cannot carry (a channel, a function, a
// complex number) or contains itself, if a default in its tags does not
// fit its field, or if an option fails.
//
// The Tool is safe for concurrent use when fn is.
func New[In, Out any](name, description string, fn func(context.Context, In) (Out, error), opts ...Option) (*Tool, error) {
	inType := reflect.TypeFor[In]()
	fail := func(err error) (*Tool, error) { return nil, fmt.Errorf("tools: New[%s]: %w", inType, err) }
	if err := checkName(name); err != nil {
		return fail(err)
	}
	if fn == nil {
		return fail(fmt.Errorf("%s: nil function", name))
	}
	params, err := reflectParameters(inType)
	if err != nil {
		return fail(err)
	}
	sch, err := compileSchema(params)
	if err != nil {
		return fail(err)
	}
	if err := sch.checkDefaults(""); err != nil {
		return fail(err)
	}
	t, err := newTool(name, description, params, opts)
	if err != nil {
		return fail(err)
	}
	t.call = func(ctx context.Context, args json.RawMessage) (string, error) {
		args, err := sch.validate(name, args, true)
		if err != nil {
			return "", err
		}
		var in In
		if err := json.Unmarshal(args, &in); err != nil {
			return "", &argumentsError{tool: name, problem: decodeProblem(err)}
		}
		out, err := fn(ctx, in)
		if err != nil {
			return "", err
		}
		return flatten(name, out)
	}
	return t, nil
}

// NewRaw returns a Tool with parameters as its schema, for callers that
// write their own. Each [Tool.Call] checks the arguments against the
// subset of JSON Schema that [New] checks (keywords outside it are sent
// to the model but not checked), then passes them to fn unchanged, except
// that empty arguments ("" or null) become {}; defaults are not filled in.
// fn's text is the model's; "" becomes "[No content]".
//
// NewRaw returns an error if name is not valid (as for [New]), if fn is
// nil, if parameters is not a JSON object whose "type", if any, is
// "object", if a keyword of the subset is malformed, or if an option
// fails; empty parameters stand for an object with no properties.
//
// The Tool is safe for concurrent use when fn is.
func NewRaw(name, description string, parameters json.RawMessage, fn func(ctx context.Context, args json.RawMessage) (string, error), opts ...Option) (*Tool, error) {
	fail := func(err error) (*Tool, error) { return nil, fmt.Errorf("tools: NewRaw(%s): %w", name, err) }
	if err := checkName(name); err != nil {
		return fail(err)
	}
	if fn == nil {
		return fail(errors.New("nil function"))
	}
	if len(parameters) == 0 {
		parameters = json.RawMessage(`{"type":"object","properties":{}}`)
	}
	sch, err := compileSchema(parameters)
	if err != nil {
		return fail(err)
	}
	if len(sch.types) > 0 && (len(sch.types) > 1 || sch.types[0] != "object") {
		return fail(errors.New(`parameters: the "type" must be "object"`))
	}
	params := append(json.RawMessage(nil), parameters...)
	t, err := newTool(name, description, params, opts)
	if err != nil {
		return fail(err)
	}
	t.call = func(ctx context.Context, args json.RawMessage) (string, error) {
		args, err := sch.validate(name, args, false)
		if err != nil {
			return "", err
		}
		out, err := fn(ctx, args)
		if err != nil {
			return "", err
		}
		if out == "" {
			return toolresult.NoContent, nil
		}
		return out, nil
	}
	return t, nil
}

func newTool(name, description string, params json.RawMessage, opts []Option) (*Tool, error) {
	var o options
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	return &Tool{Name: name, Description: description, Parameters: params, Annotations: o.annotations}, nil
}

// checkName applies the rule OpenAI sets for function names, which the
// other providers accept too, and keeps the loop-control names for the
// loop.
func checkName(name string) error {
	if IsExitLoop(name) {
		return fmt.Errorf("the name %q is reserved for the loop-control tool", name)
	}
	ok := len(name) >= 1 && len(name) <= 64
	for i := 0; ok && i < len(name); i++ {
		c := name[i]
		ok = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-'
	}
	if !ok {
		return fmt.Errorf("invalid name %q: it must be 1 to 64 ASCII letters, digits, '_' or '-'", name)
	}
	return nil
}

// decodeProblem words an encoding/json error met after validation: a value
// of the right JSON type that the Go type cannot hold (300 for an int8, a
// bad time or base64 string).
func decodeProblem(err error) string {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && typeErr.Field != "" {
		return fmt.Sprintf("%q: cannot use %s as %s", typeErr.Field, typeErr.Value, typeErr.Type)
	}
	return err.Error()
}
