package tools

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tiny-agents-go/tiny-agents/internal/jsonvalue"
)

// maxProblems bounds the problems one error lists: enough for the model to
// fix a call in one go, not a wall of text.
const maxProblems = 10

var emptyObject = json.RawMessage("{}")

// validate checks the arguments of a call against s and returns them as
// the function gets them: {} for empty arguments, re-encoded when
// defaults were filled in. Its error lists every problem found, up to
// maxProblems.
func (s *schema) validate(tool string, args json.RawMessage, defaults bool) (json.RawMessage, error) {
	var v any
	trimmed := bytes.TrimSpace(args)
	if len(trimmed) == 0 || string(trimmed) == "null" {
		args, v = emptyObject, map[string]any{}
	} else {
		var err error
		if v, err = jsonvalue.Decode(trimmed); err != nil {
			return nil, &argumentsError{tool: tool, problem: "the arguments are not valid JSON: " + err.Error()}
		}
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, &argumentsError{tool: tool, problem: "the arguments must be a JSON object, got " + describe(v, nil)}
	}
	c := &checker{defaults: defaults}
	c.check(s, v, "")
	if len(c.problems) > 0 {
		problem := strings.Join(c.problems, "; ")
		if c.more > 0 {
			problem += fmt.Sprintf("; and %d more", c.more)
		}
		return nil, &argumentsError{tool: tool, problem: problem}
	}
	if c.changed {
		return json.Marshal(v)
	}
	return args, nil
}

// checker walks a value and its schema, collecting problems. With
// defaults, it fills the default of an absent optional property into its
// object, in place.
type checker struct {
	problems []string
	more     int
	defaults bool
	changed  bool
}

func (c *checker) add(format string, args ...any) {
	if len(c.problems) == maxProblems {
		c.more++
		return
	}
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

func (c *checker) check(s *schema, v any, path string) {
	if s.never {
		c.add("%s is not allowed", subject(path))
		return
	}
	if len(s.types) > 0 && !typeFits(s.types, v) {
		c.add("%s must be %s, got %s", subject(path), typeList(s.types), describe(v, s.types))
		return
	}
	if len(s.enum) > 0 && !slices.ContainsFunc(s.enum, func(e any) bool { return jsonEqual(e, v) }) {
		choices := make([]string, len(s.enum))
		for i, e := range s.enum {
			choices[i] = brief(e)
		}
		c.add("%s must be one of %s, got %s", subject(path), strings.Join(choices, ", "), brief(v))
		return
	}
	switch v := v.(type) {
	case json.Number:
		c.checkNumber(s, v, path)
	case string:
		c.checkString(s, v, path)
	case []any:
		c.checkArray(s, v, path)
	case map[string]any:
		c.checkObject(s, v, path)
	}
	c.checkBranches(s.anyOf, v, path)
	c.checkBranches(s.oneOf, v, path)
}

func (c *checker) checkNumber(s *schema, n json.Number, path string) {
	f, err := n.Float64()
	if err != nil {
		c.add("%s is out of range, got %s", subject(path), n)
		return
	}
	switch {
	case s.minimum != nil && f < s.minimum.value:
		c.add("%s must be at least %s, got %s", subject(path), s.minimum.text, n)
	case s.exclusiveMinimum != nil && f <= s.exclusiveMinimum.value:
		c.add("%s must be greater than %s, got %s", subject(path), s.exclusiveMinimum.text, n)
	case s.maximum != nil && f > s.maximum.value:
		c.add("%s must be at most %s, got %s", subject(path), s.maximum.text, n)
	case s.exclusiveMaximum != nil && f >= s.exclusiveMaximum.value:
		c.add("%s must be less than %s, got %s", subject(path), s.exclusiveMaximum.text, n)
	}
}

func (c *checker) checkString(s *schema, str string, path string) {
	if s.minLength != nil || s.maxLength != nil {
		n := utf8.RuneCountInString(str)
		if s.minLength != nil && n < *s.minLength {
			c.add("%s must be at least %s long, got %d", subject(path), plural(*s.minLength, "character"), n)
		}
		if s.maxLength != nil && n > *s.maxLength {
			c.add("%s must be at most %s long, got %d", subject(path), plural(*s.maxLength, "character"), n)
		}
	}
	if s.pattern != nil && !s.pattern.MatchString(str) {
		c.add("%s must match the pattern %s, got %s", subject(path), s.pattern, brief(str))
	}
}

func (c *checker) checkArray(s *schema, items []any, path string) {
	if s.minItems != nil && len(items) < *s.minItems {
		c.add("%s must have at least %s, got %d", subject(path), plural(*s.minItems, "item"), len(items))
	}
	if s.maxItems != nil && len(items) > *s.maxItems {
		c.add("%s must have at most %s, got %d", subject(path), plural(*s.maxItems, "item"), len(items))
	}
	if s.items != nil {
		for i, item := range items {
			c.check(s.items, item, path+"["+strconv.Itoa(i)+"]")
		}
	}
}

func (c *checker) checkObject(s *schema, obj map[string]any, path string) {
	for _, name := range s.required {
		if _, ok := obj[name]; !ok {
			c.add("missing required argument %q", joinPath(path, name))
		}
	}
	known := 0
	for _, p := range s.props {
		v, ok := obj[p.name]
		if ok {
			known++
		}
		// Models often send null for an optional argument they mean to
		// leave out; encoding/json leaves the field as it is.
		if ok && v == nil && !slices.Contains(s.required, p.name) && !p.schema.accepts(nil) {
			ok = false
		}
		if ok {
			c.check(p.schema, v, joinPath(path, p.name))
		} else if c.defaults && p.schema.hasDefault && !slices.Contains(s.required, p.name) {
			obj[p.name] = p.schema.def
			c.changed = true
		}
	}
	if known == len(obj) {
		return
	}
	var unknown []string
	for name := range obj {
		if !slices.ContainsFunc(s.props, func(p property) bool { return p.name == name }) {
			unknown = append(unknown, name)
		}
	}
	slices.Sort(unknown)
	for _, name := range unknown {
		if s.additional != nil {
			c.check(s.additional, obj[name], joinPath(path, name))
			continue
		}
		// encoding/json matches field names without regard to case, so
		// "City" would bypass the checks made on "city".
		if i := slices.IndexFunc(s.props, func(p property) bool { return strings.EqualFold(p.name, name) }); i >= 0 {
			c.add("unknown argument %q (did you mean %q?)", joinPath(path, name), joinPath(path, s.props[i].name))
		}
	}
}

// checkBranches requires v to match one of the branches (anyOf, or oneOf
// taken as anyOf). When none does, it reports the problems of the first
// branch of v's type, or else the types the branches allow.
func (c *checker) checkBranches(branches []*schema, v any, path string) {
	if len(branches) == 0 {
		return
	}
	var closest *checker
	var types []string
	for _, b := range branches {
		trial := &checker{}
		trial.check(b, v, path)
		if len(trial.problems) == 0 {
			if c.defaults {
				c.check(b, v, path) // again, to fill in its defaults
			}
			return
		}
		if closest == nil && (len(b.types) == 0 || typeFits(b.types, v)) {
			closest = trial
		}
		types = append(types, b.types...)
	}
	if closest != nil {
		for _, p := range closest.problems {
			c.add("%s", p)
		}
		return
	}
	c.add("%s must be %s, got %s", subject(path), typeList(types), describe(v, types))
}

func (s *schema) accepts(v any) bool {
	c := &checker{}
	c.check(s, v, "")
	return len(c.problems) == 0
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func subject(path string) string {
	if path == "" {
		return "the arguments"
	}
	return strconv.Quote(path)
}

func typeFits(types []string, v any) bool {
	for _, t := range types {
		switch v := v.(type) {
		case nil:
			if t == "null" {
				return true
			}
		case bool:
			if t == "boolean" {
				return true
			}
		case string:
			if t == "string" {
				return true
			}
		case json.Number:
			if t == "number" || t == "integer" && isInteger(v) {
				return true
			}
		case []any:
			if t == "array" {
				return true
			}
		case map[string]any:
			if t == "object" {
				return true
			}
		}
	}
	return false
}

// isInteger reports whether n is written as an integer: encoding/json
// does not decode 1.0 or 1e3 into an int.
func isInteger(n json.Number) bool { return !strings.ContainsAny(string(n), ".eE") }

// typeList words the types of a schema: "a string or null".
func typeList(types []string) string {
	var words []string
	for _, t := range types {
		w := article(t)
		if !slices.Contains(words, w) {
			words = append(words, w)
		}
	}
	if len(words) == 1 {
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

func article(t string) string {
	switch t {
	case "null":
		return "null"
	case "integer", "object", "array":
		return "an " + t
	}
	return "a " + t
}

// describe words the type of v for a message, or the number itself when
// the schema wanted an integer and got a fraction.
func describe(v any, wanted []string) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case json.Number:
		if slices.Contains(wanted, "integer") && !isInteger(v) {
			return v.String()
		}
		return "a number"
	case []any:
		return "an array"
	}
	return "an object"
}

// brief returns v as JSON, cut to a length that fits in a message.
func brief(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	s := strings.TrimSuffix(b.String(), "\n")
	const limit = 60
	if len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}

// jsonEqual compares two decoded JSON values, numbers by value.
func jsonEqual(a, b any) bool {
	if na, ok := a.(json.Number); ok {
		nb, ok := b.(json.Number)
		if !ok {
			return false
		}
		if na == nb {
			return true
		}
		fa, errA := na.Float64()
		fb, errB := nb.Float64()
		return errA == nil && errB == nil && fa == fb
	}
	switch a.(type) {
	case nil, bool, string:
		return a == b
	}
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}
