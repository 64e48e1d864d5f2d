package tools

import (
	"encoding"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/invopop/jsonschema"
)

// reflectParameters returns the JSON Schema of the arguments type t: an
// object schema without $schema and $id, properties in field order.
func reflectParameters(t reflect.Type) (params json.RawMessage, err error) {
	root := t
	if root.Kind() == reflect.Pointer {
		root = root.Elem()
	}
	switch {
	case root.Kind() == reflect.Struct:
	case root.Kind() == reflect.Map && root.Key().Kind() == reflect.String:
	case root.Kind() == reflect.Map:
		return nil, fmt.Errorf("the arguments must be a struct or a map with string keys, not %s", t)
	default:
		return nil, fmt.Errorf("the arguments must be a struct or a map, not %s", t)
	}
	if err := unsupportedType(root, root, map[reflect.Type]bool{}); err != nil {
		return nil, err
	}
	defer func() {
		// invopop panics on kinds JSON cannot carry (chan, func, complex).
		if v := recover(); v != nil {
			params, err = nil, fmt.Errorf("%v", v)
		}
	}()
	r := jsonschema.Reflector{Anonymous: true, DoNotReference: true, ExpandedStruct: true,
		Mapper: func(t reflect.Type) *jsonschema.Schema { return decoderSchema(root, t) }}
	s := r.ReflectFromType(t)
	s.Version, s.ID = "", ""
	tidySchema(s)
	if s.Properties == nil {
		// Some providers insist on properties in an object schema.
		s.Properties = jsonschema.NewProperties()
	}
	return json.Marshal(s)
}

// unsupportedType walks the types under t that invopop follows (fields,
// elements) and refuses the two it cannot describe as encoding/json
// decodes them: a type that contains itself (without references invopop
// recurses until the stack overflows, which no recover catches) and
// url.URL (a string with format uri, which encoding/json cannot decode
// into it). Types with a JSONSchema method or that decode themselves are
// not followed: invopop does not look inside them either.
func unsupportedType(root, t reflect.Type, onPath map[reflect.Type]bool) error {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		return unsupportedType(root, t.Elem(), onPath)
	case reflect.Struct:
	default:
		return nil
	}
	switch {
	case onPath[t]:
		return fmt.Errorf("recursive type %s is not supported", t)
	case t == urlType:
		return fmt.Errorf("%s does not decode from the JSON string its schema says (encoding/json wants an object); use a string field", t)
	case reflect.PointerTo(t).Implements(customSchemaType) || t.Implements(customSchemaType) || decoderSchema(root, t) != nil:
		return nil
	}
	onPath[t] = true
	defer delete(onPath, t)
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() && !f.Anonymous || tagName(f.Tag.Get("json")) == "-" ||
			tagName(f.Tag.Get("jsonschema")) == "-" {
			continue
		}
		if err := unsupportedType(root, f.Type, onPath); err != nil {
			return err
		}
	}
	return nil
}

var (
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	// Types invopop reflects as encoding/json decodes them.
	invopopKnows = []reflect.Type{reflect.TypeFor[time.Time](), reflect.TypeFor[net.IP](), reflect.TypeFor[json.RawMessage]()}
	urlType      = reflect.TypeFor[url.URL]()
)

// decoderSchema is the schema of a type that decodes itself, which
// invopop would reflect from its Go fields or kind, whereas encoding/json
// hands the JSON to its UnmarshalJSON or UnmarshalText: a uuid.UUID is a
// string, not an array of 16 integers, a netip.Addr a string, not an empty
// object. It is nil for the other types, for the root and for types with a
// JSONSchema method.
func decoderSchema(root, t reflect.Type) *jsonschema.Schema {
	pt := reflect.PointerTo(t)
	if t == root || slices.Contains(invopopKnows, t) || t.Implements(customSchemaType) || pt.Implements(customSchemaType) {
		return nil
	}
	switch {
	case t.Implements(jsonUnmarshalerType) || pt.Implements(jsonUnmarshalerType):
		// Its UnmarshalJSON decides what fits: any JSON value.
		return &jsonschema.Schema{Extras: map[string]any{}}
	case t.Implements(textUnmarshalerType) || pt.Implements(textUnmarshalerType):
		return &jsonschema.Schema{Type: "string"}
	}
	return nil
}

var customSchemaType = reflect.TypeFor[interface{ JSONSchema() *jsonschema.Schema }]()

func tagName(tag string) string {
	name, _, _ := strings.Cut(tag, ",")
	return name
}

// tidySchema rewrites what invopop reflects into what models read best:
// an empty schema (an interface or json.RawMessage field) becomes {}
// rather than true, and the string defaults invopop keeps for arrays of
// numbers or booleans (default=1,default=2) become numbers or booleans.
func tidySchema(s *jsonschema.Schema) {
	if s == nil {
		return
	}
	if s.Properties != nil {
		for pair := s.Properties.Oldest(); pair != nil; pair = pair.Next() {
			pair.Value = tidyChild(pair.Value)
		}
	}
	s.Items = tidyChild(s.Items)
	if s.AdditionalProperties != nil && !isBoolSchema(s.AdditionalProperties) {
		s.AdditionalProperties = tidyChild(s.AdditionalProperties)
	}
	for i := range s.OneOf {
		s.OneOf[i] = tidyChild(s.OneOf[i])
	}
	for i := range s.AnyOf {
		s.AnyOf[i] = tidyChild(s.AnyOf[i])
	}
	if defaults, ok := s.Default.([]any); ok && s.Items != nil {
		for i, d := range defaults {
			if str, ok := d.(string); ok {
				defaults[i] = typedDefault(s.Items.Type, str)
			}
		}
	}
}

func tidyChild(s *jsonschema.Schema) *jsonschema.Schema {
	if s == nil || isBoolSchema(s) {
		return s
	}
	if reflect.DeepEqual(s, &jsonschema.Schema{}) {
		// invopop writes an empty schema as true; a non-nil Extras makes
		// it write {} (it is still empty, so nothing else changes).
		return &jsonschema.Schema{Extras: map[string]any{}}
	}
	tidySchema(s)
	return s
}

// isBoolSchema reports whether s is invopop's true or false schema, which
// must not be changed: they are shared.
func isBoolSchema(s *jsonschema.Schema) bool {
	return s == jsonschema.TrueSchema || s == jsonschema.FalseSchema
}

func typedDefault(itemType, s string) any {
	switch itemType {
	case "integer", "number":
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return json.Number(s)
		}
	case "boolean":
		if b, err := strconv.ParseBool(s); err == nil {
			return b
		}
	}
	return s
}
