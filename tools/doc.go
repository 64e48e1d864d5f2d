// Package tools holds the tools an agent defines itself, as opposed to the
// tools its MCP servers offer: Go functions turned into tools, and the two
// loop-control tools that let a model end its turn.
//
// # Tools from Go functions
//
// A [Tool] runs in this process, beside the tools of MCP servers, behind
// the same call path: the model cannot tell them apart. [New] makes one
// from a typed function; the JSON Schema of its parameters is reflected
// once from the arguments type with github.com/invopop/jsonschema:
//
//	type WeatherArgs struct {
//		City string `json:"city" jsonschema_description:"The city, as its inhabitants spell it"`
//		Unit string `json:"unit,omitempty" jsonschema:"enum=celsius,enum=fahrenheit,default=celsius"`
//		Days int    `json:"days,omitempty" jsonschema:"description=Days to forecast,minimum=1,maximum=16,default=1"`
//	}
//
//	weather, err := tools.New("get_weather", "Get the weather forecast for a city.",
//		func(ctx context.Context, args WeatherArgs) (*Forecast, error) { ... },
//		tools.ReadOnly())
//
// The arguments type must be a struct, a map with string keys, or a
// pointer to either. It may nest structs, slices, arrays, maps and
// pointers, but not contain itself, and nothing JSON cannot carry
// (channels, functions, complex numbers). The tags are invopop's:
//
//   - json names a property as encoding/json does ("-" leaves it out).
//   - A property is required unless its json tag has omitempty or omitzero;
//     jsonschema:"required" makes such a field required anyway. A pointer
//     is not optional by itself: give it omitempty.
//   - jsonschema:"description=..." describes it. The jsonschema tag is split
//     at commas, so a description with a comma goes in its own tag,
//     jsonschema_description:"...", where commas are free (or each comma
//     is escaped as \\, in the tag).
//   - jsonschema:"enum=a,enum=b" lists the allowed values; "default=x" is
//     the value the function gets when the model leaves the property out.
//   - jsonschema:"minimum=N,maximum=N" (and exclusiveMinimum,
//     exclusiveMaximum) bound numbers, "minLength=N,maxLength=N,pattern=RE"
//     strings, "minItems=N,maxItems=N" arrays; "title=", "format=",
//     "example=" are sent to the model but not checked.
//   - jsonschema:"nullable" also allows null.
//
// A type that decodes itself is described as encoding/json reads it: one
// with UnmarshalText (uuid.UUID, netip.Addr) is a string, one with
// UnmarshalJSON any value; time.Time is a date-time string. New refuses a
// url.URL field, which encoding/json cannot fill from a string: use a
// string. A time.Duration is an integer of nanoseconds, as encoding/json
// reads it; for "30s", take a string and time.ParseDuration.
//
// New fails when a default does not fit its field, so that no Call does.
// [NewRaw] takes a schema written by hand and passes the arguments to the
// function as JSON.
//
// # Arguments
//
// [Tool.Call] checks the model's arguments before the function runs:
// their JSON types (an integer is written without a fraction or an
// exponent, as encoding/json needs it), required properties, enums,
// bounds, lengths, patterns, array items, nested objects, and anyOf and
// oneOf (both taken as "one of these fits"). Empty arguments ("" or null)
// are {}. Arguments the schema does not name are ignored, as encoding/json
// ignores unknown fields, even where the schema says additionalProperties
// is false; one that differs from a property only in case is an error
// that names the property, because encoding/json would fill the field
// from it without any check. Null for an optional property is taken as
// leaving it out. Then, for [New], the defaults of the properties left out
// are filled in and the arguments are decoded into the arguments type.
//
// # Results
//
// The function's result is flattened to text as MCP results are for the
// model:
//
//   - a string (or a type whose kind is string) as it is;
//   - a json.RawMessage as it is;
//   - a []byte as "[Binary Content: Image image/png, N bytes]" (or "Audio
//     audio/mpeg", or the sniffed media type alone) and a line saying the
//     user has the content, as mcpclient summarises binary content;
//   - an image.Image as the same summary of its PNG encoding;
//   - anything else as compact JSON, so a struct is its fields, not its
//     String method;
//   - "", an empty []byte or image, a nil pointer, slice or map, and
//     anything that is JSON null as "[No content]".
//
// Binary content is summarised, not sent: Call returns text only.
//
// # Errors
//
// Every error of [Tool.Call] is meant for the model, which the caller
// tells in a tool message; none of them is a crash:
//
//   - arguments that are not JSON, not an object, or do not fit the schema
//     give an error matching [ErrInvalidArguments] that lists what is
//     wrong, for example
//     `invalid arguments for get_weather: missing required argument "city"; "days" must be an integer, got a string`;
//   - the function's error is returned as it is;
//   - a panic in the function gives a *[PanicError],
//     "tool get_weather panicked: ...", without the stack;
//   - a result that cannot be encoded (a channel, a NaN) is an error too.
//
// The context reaches the function as the caller passed it; cancelling it
// is the function's to honour.
//
// # Loop control
//
// [TaskComplete] and [AskQuestion] are the tools a model calls to end the
// agent's loop; [IsExitLoop] recognises their names, which New and NewRaw
// refuse.
package tools
