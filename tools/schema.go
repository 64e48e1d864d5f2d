package tools

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"

	"github.com/tiny-agents-go/tiny-agents/internal/jsonvalue"
)

// schema is the part of a JSON Schema that a Call checks arguments
// against, compiled once: the keywords the reflector writes (type,
// properties, required, additionalProperties, items, enum, anyOf, oneOf,
// minimum, maximum and their exclusive forms, minLength, maxLength,
// minItems, maxItems, pattern, default). Other keywords are not checked.
type schema struct {
	never      bool     // the false schema: nothing is valid
	types      []string // the allowed JSON types; none means any
	enum       []any
	props      []property // in schema order
	required   []string
	additional *schema // checks properties not in props; nil: anything goes
	items      *schema
	anyOf      []*schema
	oneOf      []*schema // checked as anyOf: some branch must match

	minimum, maximum, exclusiveMinimum, exclusiveMaximum *bound
	minLength, maxLength, minItems, maxItems             *int

	pattern    *regexp.Regexp
	def        any
	hasDefault bool
}

type property struct {
	name   string
	schema *schema
}

// bound is a numeric limit, kept with its text for messages.
type bound struct {
	value float64
	text  string
}

var jsonTypes = []string{"array", "boolean", "integer", "null", "number", "object", "string"}

// compileSchema compiles a schema in JSON. It fails on a document that is
// not a JSON object or boolean and on a malformed keyword of the subset.
func compileSchema(raw json.RawMessage) (*schema, error) {
	return compileAt(raw, "parameters")
}

func compileAt(raw json.RawMessage, at string) (*schema, error) {
	raw = bytes.TrimSpace(raw)
	switch string(raw) {
	case "true":
		return &schema{}, nil
	case "false":
		return &schema{never: true}, nil
	}
	var kw map[string]json.RawMessage
	if err := json.Unmarshal(raw, &kw); err != nil || kw == nil {
		return nil, fmt.Errorf("%s: not a JSON object", at)
	}
	s := &schema{}
	for _, step := range []func(map[string]json.RawMessage, string) error{
		s.compileType, s.compileObject, s.compileCombinators, s.compileLimits, s.compileValues,
	} {
		if err := step(kw, at); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func malformed(at, keyword string, err error) error {
	return fmt.Errorf("%s: malformed %q: %v", at, keyword, err)
}

func (s *schema) compileType(kw map[string]json.RawMessage, at string) error {
	raw, ok := kw["type"]
	if !ok {
		return nil
	}
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		s.types = []string{one}
	} else if err := json.Unmarshal(raw, &s.types); err != nil {
		return malformed(at, "type", errors.New("not a string or an array of strings"))
	}
	for _, t := range s.types {
		if !slices.Contains(jsonTypes, t) {
			return malformed(at, "type", fmt.Errorf("unknown type %q", t))
		}
	}
	return nil
}

func (s *schema) compileObject(kw map[string]json.RawMessage, at string) error {
	if raw, ok := kw["properties"]; ok {
		names, err := objectKeys(raw)
		if err != nil {
			return malformed(at, "properties", err)
		}
		var props map[string]json.RawMessage
		if err := json.Unmarshal(raw, &props); err != nil {
			return malformed(at, "properties", err)
		}
		for _, name := range names {
			sub, err := compileAt(props[name], at+"."+name)
			if err != nil {
				return err
			}
			s.props = append(s.props, property{name: name, schema: sub})
		}
	}
	if raw, ok := kw["required"]; ok {
		if err := json.Unmarshal(raw, &s.required); err != nil {
			return malformed(at, "required", err)
		}
	}
	// additionalProperties: false is not enforced: unknown arguments are
	// ignored, as encoding/json ignores unknown fields.
	if raw, ok := kw["additionalProperties"]; ok && !isJSONBool(raw) {
		sub, err := compileAt(raw, at+".additionalProperties")
		if err != nil {
			return err
		}
		s.additional = sub
	}
	// An array "items" is the tuple form of older drafts: not checked.
	if raw, ok := kw["items"]; ok && !bytes.HasPrefix(bytes.TrimSpace(raw), []byte("[")) {
		sub, err := compileAt(raw, at+"[]")
		if err != nil {
			return err
		}
		s.items = sub
	}
	return nil
}

func (s *schema) compileCombinators(kw map[string]json.RawMessage, at string) error {
	for _, c := range []struct {
		keyword string
		dst     *[]*schema
	}{{"anyOf", &s.anyOf}, {"oneOf", &s.oneOf}} {
		keyword, dst := c.keyword, c.dst
		raw, ok := kw[keyword]
		if !ok {
			continue
		}
		var branches []json.RawMessage
		if err := json.Unmarshal(raw, &branches); err != nil {
			return malformed(at, keyword, err)
		}
		for i, b := range branches {
			sub, err := compileAt(b, fmt.Sprintf("%s.%s[%d]", at, keyword, i))
			if err != nil {
				return err
			}
			*dst = append(*dst, sub)
		}
	}
	return nil
}

func (s *schema) compileLimits(kw map[string]json.RawMessage, at string) error {
	for _, b := range []struct {
		keyword string
		dst     **bound
	}{
		{"minimum", &s.minimum}, {"maximum", &s.maximum},
		{"exclusiveMinimum", &s.exclusiveMinimum}, {"exclusiveMaximum", &s.exclusiveMaximum},
	} {
		keyword, dst := b.keyword, b.dst
		raw, ok := kw[keyword]
		if !ok || isJSONBool(raw) { // draft 4 wrote exclusive limits as booleans
			continue
		}
		var n json.Number
		if err := json.Unmarshal(raw, &n); err != nil {
			return malformed(at, keyword, errors.New("not a number"))
		}
		f, err := n.Float64()
		if err != nil {
			return malformed(at, keyword, err)
		}
		*dst = &bound{value: f, text: n.String()}
	}
	for _, l := range []struct {
		keyword string
		dst     **int
	}{
		{"minLength", &s.minLength}, {"maxLength", &s.maxLength},
		{"minItems", &s.minItems}, {"maxItems", &s.maxItems},
	} {
		keyword, dst := l.keyword, l.dst
		raw, ok := kw[keyword]
		if !ok {
			continue
		}
		var n int
		if err := json.Unmarshal(raw, &n); err != nil || n < 0 {
			return malformed(at, keyword, errors.New("not a non-negative integer"))
		}
		*dst = &n
	}
	return nil
}

func (s *schema) compileValues(kw map[string]json.RawMessage, at string) error {
	if raw, ok := kw["enum"]; ok {
		v, err := jsonvalue.Decode(raw)
		enum, isArray := v.([]any)
		if err != nil || !isArray {
			return malformed(at, "enum", errors.New("not an array"))
		}
		s.enum = enum
	}
	if raw, ok := kw["default"]; ok {
		v, err := jsonvalue.Decode(raw)
		if err != nil {
			return malformed(at, "default", err)
		}
		s.def, s.hasDefault = v, true
	}
	if raw, ok := kw["pattern"]; ok {
		var p string
		if err := json.Unmarshal(raw, &p); err != nil {
			return malformed(at, "pattern", errors.New("not a string"))
		}
		// JSON Schema patterns are ECMA-262; one that Go's RE2 cannot
		// compile (a lookahead, a backreference) is left unchecked.
		s.pattern, _ = regexp.Compile(p)
	}
	return nil
}

// checkDefaults returns an error if a default does not fit its schema, so
// that New fails rather than every Call that would fill it in.
func (s *schema) checkDefaults(at string) error {
	if s.hasDefault {
		c := &checker{}
		c.check(s, s.def, at)
		if len(c.problems) > 0 {
			where := "the default"
			if at != "" {
				where += " of " + strconv.Quote(at)
			}
			return fmt.Errorf("%s does not fit its schema: %s", where, c.problems[0])
		}
	}
	for _, p := range s.props {
		if err := p.schema.checkDefaults(joinPath(at, p.name)); err != nil {
			return err
		}
	}
	for _, sub := range []*schema{s.items, s.additional} {
		if sub != nil {
			if err := sub.checkDefaults(at + "[]"); err != nil {
				return err
			}
		}
	}
	return nil
}

// objectKeys returns the keys of a JSON object in document order.
func objectKeys(raw json.RawMessage) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("not a JSON object")
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

func isJSONBool(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return string(raw) == "true" || string(raw) == "false"
}
