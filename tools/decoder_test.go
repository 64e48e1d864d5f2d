package tools

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// uuidLike is a [16]byte that reads and writes itself as 32 hex digits,
// as uuid.UUID does with its dashed form.
type uuidLike [16]byte

func (u uuidLike) MarshalText() ([]byte, error) { return []byte(hex.EncodeToString(u[:])), nil }

func (u *uuidLike) UnmarshalText(b []byte) error {
	if len(b) != 32 {
		return fmt.Errorf("uuidLike: %d hex digits, want 32", len(b))
	}
	_, err := hex.Decode(u[:], b)
	return err
}

// lenient is a struct that decodes itself from a number or a string.
type lenient struct{ N int }

func (l *lenient) UnmarshalJSON(b []byte) error {
	n, err := strconv.Atoi(strings.Trim(string(b), `"`))
	l.N = n
	return err
}

type (
	decoderArgs struct {
		ID      uuidLike   `json:"id"`
		Addr    netip.Addr `json:"addr"`
		Count   lenient    `json:"count"`
		When    time.Time  `json:"when,omitzero"`
		Maybe   *uuidLike  `json:"maybe,omitempty"`
		Servers []uuidLike `json:"servers,omitempty"`
	}
	urlArgs struct {
		Site url.URL `json:"site"`
	}
	urlListArgs struct {
		Sites []*url.URL `json:"sites"`
	}
)

// TestReflectedParametersOfDecoders checks that a field whose type decodes
// itself gets the schema of what encoding/json hands its decoder, not of
// its Go fields or kind: a string for UnmarshalText (not 16 integers, not
// an empty object), any value for UnmarshalJSON; time.Time keeps its
// date-time string.
func TestReflectedParametersOfDecoders(t *testing.T) {
	raw := parametersOf[decoderArgs](t)
	want := `{"type":"object","additionalProperties":false,
		"properties":{
			"id":{"type":"string"},
			"addr":{"type":"string"},
			"count":{},
			"when":{"type":"string","format":"date-time"},
			"maybe":{"type":"string"},
			"servers":{"type":"array","items":{"type":"string"}}},
		"required":["id","addr","count"]}`
	var got, wantV any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("parameters are not JSON: %v\n%s", err, raw)
	}
	if err := json.Unmarshal([]byte(want), &wantV); err != nil {
		t.Fatalf("bad want: %v", err)
	}
	if !reflect.DeepEqual(got, wantV) {
		t.Errorf("parameters:\n got %s\nwant %s", raw, compact(t, want))
	}
}

// TestCallDecodesDecoders checks that the arguments the schema asks for
// reach the function, decoded by the field's own decoder, and that a value
// the schema lets through but the decoder refuses is an invalid argument.
func TestCallDecodesDecoders(t *testing.T) {
	tool, err := New("decode", "", func(_ context.Context, in decoderArgs) (string, error) {
		ids := []string{}
		for _, s := range in.Servers {
			ids = append(ids, hex.EncodeToString(s[:2]))
		}
		return fmt.Sprintf("%x %s %d %s %x %v", in.ID[:2], in.Addr, in.Count.N, in.When.Format(time.DateOnly), in.Maybe[15:], ids), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, args, want string }{ // want "": invalid arguments
		{"strings", `{"id":"6ba7b8109dad11d180b400c04fd430c8","addr":"192.0.2.1","count":"7",
			"when":"2024-05-06T07:08:09Z","maybe":"000000000000000000000000000000ff",
			"servers":["abcd0000000000000000000000000000","12340000000000000000000000000000"]}`,
			"6ba7 192.0.2.1 7 2024-05-06 ff [abcd 1234]"},
		{"a number where UnmarshalJSON takes one", `{"id":"6ba7b8109dad11d180b400c04fd430c8","addr":"2001:db8::1","count":7,
			"maybe":"00000000000000000000000000000001"}`,
			"6ba7 2001:db8::1 7 0001-01-01 01 []"},
		{"a bad address", `{"id":"6ba7b8109dad11d180b400c04fd430c8","addr":"not an address","count":1}`, ""},
		{"a bad id", `{"id":"short","addr":"192.0.2.1","count":1}`, ""},
		{"a bad count", `{"id":"6ba7b8109dad11d180b400c04fd430c8","addr":"192.0.2.1","count":"seven"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := tool.Call(t.Context(), json.RawMessage(tt.args))
			if tt.want == "" {
				if !errors.Is(err, ErrInvalidArguments) || out != "" {
					t.Errorf("Call = %q, %v; want an invalid-arguments error", out, err)
				}
				return
			}
			if err != nil || out != tt.want {
				t.Errorf("Call = %q, %v; want %q", out, err, tt.want)
			}
		})
	}
}

// TestNewRejectsURLFields checks that New refuses url.URL, which invopop
// reflects as a string that encoding/json cannot decode into it, and says
// what to use instead, wherever the URL sits.
func TestNewRejectsURLFields(t *testing.T) {
	for name, err := range map[string]error{
		"field":            newErr[urlArgs]("site"),
		"slice of pointer": newErr[urlListArgs]("sites"),
	} {
		if err == nil || !strings.Contains(err.Error(), "url.URL") || !strings.Contains(err.Error(), "use a string field") {
			t.Errorf("%s: New err = %v; want one that names url.URL and says to use a string field", name, err)
		}
	}
}

// typedNilError is an error whose Error dereferences its receiver, so that
// a nil *typedNilError in an error interface panics when it is formatted.
type typedNilError struct{ msg string }

func (e *typedNilError) Error() string { return e.msg }

// TestCallTypedNilError checks that a function returning a typed nil error
// (var e *T; return x, e) gives a *PanicError from Call, whose message is
// safe to format, rather than an error that crashes whoever formats it.
func TestCallTypedNilError(t *testing.T) {
	tool, err := New("lookup", "", func(context.Context, struct{}) (string, error) {
		var e *typedNilError
		return "found", e
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := tool.Call(t.Context(), json.RawMessage(`{}`))
	var pe *PanicError
	if !errors.As(err, &pe) {
		t.Fatalf("Call = %q, %T; want a *PanicError", out, err)
	}
	if out != "" || pe.Tool != "lookup" || !strings.HasPrefix(err.Error(), "tool lookup panicked: ") {
		t.Errorf("Call = %q, %q; want \"\" and the panic of tool lookup", out, err)
	}
}
