package agent

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"
)

// reader reads typed values out of a decoded config file and reports in the
// file's own terms: field paths such as servers[1].args, JSON types such as
// "a list". The first error sticks: later reads do nothing.
type reader struct {
	source   string
	file     string // the file on disk, which places ${workspaceFolder}; MCP configs only
	err      error
	warnings []warning
}

type warning struct {
	at  int64
	msg string
}

func (r *reader) failf(field, format string, args ...any) {
	if r.err == nil {
		r.err = &ConfigError{Source: r.source, Field: field, Msg: fmt.Sprintf(format, args...)}
	}
}

func (r *reader) warnf(at int64, field, format string, args ...any) {
	msg := (&ConfigError{Source: r.source, Field: field, Msg: fmt.Sprintf(format, args...)}).Error()
	r.warnings = append(r.warnings, warning{at: at, msg: msg})
}

// sortedWarnings returns the warnings in the order of the file.
func (r *reader) sortedWarnings() []string {
	slices.SortStableFunc(r.warnings, func(a, b warning) int { return cmp.Compare(a.at, b.at) })
	var out []string
	for _, w := range r.warnings {
		out = append(out, w.msg)
	}
	return out
}

func fieldPath(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

func indexPath(parent string, i int) string { return fmt.Sprintf("%s[%d]", parent, i) }

// describe names the JSON type of v for "expected ..., got ..." messages.
func describe(v *jsonValue) string {
	switch v.kind {
	case kindObject:
		return "an object"
	case kindList:
		return "a list"
	case kindString:
		return "a string"
	case kindNumber:
		return "a number"
	case kindBool:
		return strconv.FormatBool(v.truth)
	}
	return "null"
}

// object is a JSON object being read. Fields that are read are known; at
// finish, each other field is a warning.
type object struct {
	r      *reader
	path   string
	v      *jsonValue
	used   map[string]bool
	expand bool // expand ${...} variables in the strings read (MCP configs)
}

// object starts reading v at path, which must be an object; what names the
// expected value in the error ("a server object").
func (r *reader) object(path string, v *jsonValue, what string) *object {
	o := &object{r: r, path: path, v: v, used: map[string]bool{}}
	if v == nil || v.kind != kindObject {
		if v != nil {
			r.failf(path, "expected %s, got %s", what, describe(v))
		}
		o.v = &jsonValue{kind: kindObject}
		return o
	}
	for _, k := range v.dups {
		r.warnf(v.fields[k].at, o.field(k), "given more than once, the last value is used")
	}
	return o
}

func (o *object) field(key string) string { return fieldPath(o.path, key) }

// has tells whether key is given, and not null, without reading it.
func (o *object) has(key string) bool {
	v := o.v.fields[key]
	return v != nil && v.kind != kindNull
}

// take reads key, or returns nil when it is absent or null.
func (o *object) take(key string) *jsonValue {
	o.used[key] = true
	if !o.has(key) || o.r.err != nil {
		return nil
	}
	return o.v.fields[key]
}

// finish warns of each field that was not read.
func (o *object) finish() {
	for _, k := range o.v.keys {
		if !o.used[k] {
			o.r.warnf(o.v.fields[k].at, o.field(k), "unknown field, ignored")
		}
	}
}

// text is the string v found at field, with its variables expanded when
// the object asks for it.
func (o *object) text(v *jsonValue, field string) string {
	if o.expand {
		return o.r.expandVars(v.at, field, v.text)
	}
	return v.text
}

func (o *object) str(key string, dst *string) {
	if v := o.take(key); v != nil {
		if v.kind != kindString {
			o.r.failf(o.field(key), "expected a string, got %s", describe(v))
			return
		}
		*dst = o.text(v, o.field(key))
	}
}

func (o *object) boolean(key string, dst *bool) {
	if v := o.take(key); v != nil {
		if v.kind != kindBool {
			o.r.failf(o.field(key), "expected true or false, got %s", describe(v))
			return
		}
		*dst = v.truth
	}
}

// strs reads a list of strings; an empty list is nil.
func (o *object) strs(key string, dst *[]string) {
	v := o.take(key)
	if v == nil {
		return
	}
	if v.kind != kindList {
		o.r.failf(o.field(key), "expected a list of strings, got %s", describe(v))
		return
	}
	var out []string
	for i, item := range v.items {
		field := indexPath(o.field(key), i)
		if item.kind != kindString {
			o.r.failf(field, "expected a string, got %s", describe(item))
			return
		}
		out = append(out, o.text(item, field))
	}
	*dst = out
}

// strMap reads an object of strings, such as env or headers; an empty one
// is nil.
func (o *object) strMap(key string, dst *map[string]string) {
	v := o.take(key)
	if v == nil {
		return
	}
	if v.kind != kindObject {
		o.r.failf(o.field(key), "expected an object of names and string values, got %s", describe(v))
		return
	}
	var out map[string]string
	for _, k := range v.keys {
		item, field := v.fields[k], fieldPath(o.field(key), k)
		if item.kind != kindString {
			o.r.failf(field, "expected a string, got %s", describe(item))
			return
		}
		if out == nil {
			out = map[string]string{}
		}
		out[k] = o.text(item, field)
	}
	*dst = out
}

// maxSeconds is the longest time.Duration in seconds.
const maxSeconds = float64(math.MaxInt64) / float64(time.Second)

// duration reads a timeout: a number of seconds, or a Go duration such as
// "90s"; either must be more than zero.
func (o *object) duration(key string, dst *time.Duration) {
	v := o.take(key)
	if v == nil {
		return
	}
	field := o.field(key)
	var d time.Duration
	switch v.kind {
	case kindNumber:
		secs, err := strconv.ParseFloat(v.text, 64)
		if err != nil || secs >= maxSeconds {
			o.r.failf(field, "%s seconds is too long", v.text)
			return
		}
		d = time.Duration(secs * float64(time.Second))
	case kindString:
		var err error
		if d, err = time.ParseDuration(v.text); err != nil {
			o.r.failf(field, `%q is not a duration: give seconds (30) or a duration such as "90s" or "2m"`, v.text)
			return
		}
	default:
		o.r.failf(field, `expected a number of seconds or a duration such as "90s", got %s`, describe(v))
		return
	}
	if d <= 0 {
		given := v.text
		if v.kind == kindString {
			given = strconv.Quote(v.text)
		}
		o.r.failf(field, "must be more than 0, got %s", given)
		return
	}
	*dst = d
}
