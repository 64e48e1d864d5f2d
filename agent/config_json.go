package agent

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// kind is the JSON type of a decoded value.
type kind int

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindList
	kindObject
)

// jsonValue is a decoded JSON value that remembers where it starts and the
// order of an object's fields, so that servers keep the order of the file
// and messages follow it.
type jsonValue struct {
	kind   kind
	text   string // a string, or a number as written
	truth  bool
	items  []*jsonValue          // a list's items
	keys   []string              // an object's field names in file order, each once
	fields map[string]*jsonValue // the last value of a repeated field wins, as in JavaScript
	dups   []string              // fields given more than once
	at     int64                 // byte offset of the value, for ordering messages
}

var utf8BOM = []byte("\xef\xbb\xbf")

// decodeJSON decodes one JSON value. Its errors are plain sentences: "empty
// file", or "invalid JSON at line L, column C: ...".
func decodeJSON(data []byte) (*jsonValue, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("empty file")
	}
	// Unmarshal scans the whole input before decoding anything, so its
	// syntax errors carry a reliable offset; the token reader's do not.
	if err := json.Unmarshal(data, new(json.RawMessage)); err != nil {
		return nil, errors.New(syntaxMessage(data, err))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := readValue(dec)
	if err != nil {
		return nil, fmt.Errorf("invalid JSON: %v", err)
	}
	return v, nil
}

// readValue reads the next value of dec, which holds valid JSON.
func readValue(dec *json.Decoder) (*jsonValue, error) {
	v := &jsonValue{at: dec.InputOffset()}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			v.kind = kindList
		} else {
			v.kind, v.fields = kindObject, map[string]*jsonValue{}
		}
		for dec.More() {
			if err := v.readItem(dec); err != nil {
				return nil, err
			}
		}
		_, err = dec.Token() // the closing bracket
		return v, err
	case string:
		v.kind, v.text = kindString, t
	case json.Number:
		v.kind, v.text = kindNumber, string(t)
	case bool:
		v.kind, v.truth = kindBool, t
	}
	return v, nil
}

// readItem reads the next item of a list, or field of an object.
func (v *jsonValue) readItem(dec *json.Decoder) error {
	if v.kind == kindList {
		item, err := readValue(dec)
		if err == nil {
			v.items = append(v.items, item)
		}
		return err
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	key, _ := tok.(string)
	item, err := readValue(dec)
	if err != nil {
		return err
	}
	if _, dup := v.fields[key]; dup {
		v.dups = append(v.dups, key)
	} else {
		v.keys = append(v.keys, key)
	}
	v.fields[key] = item
	return nil
}

// syntaxMessage places a syntax error at its line and column and says what
// is wrong without Go's vocabulary.
func syntaxMessage(data []byte, err error) string {
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return "invalid JSON: " + strings.TrimPrefix(err.Error(), "json: ")
	}
	msg := se.Error()
	if msg == "unexpected end of JSON input" {
		end := len(bytes.TrimRight(data, " \t\r\n"))
		return position(data, end) + "the file ends before the JSON is complete"
	}
	// The offset counts the bytes read up to and including the bad one.
	i := min(max(int(se.Offset)-1, 0), len(data)-1)
	return position(data, i) + describeSyntax(msg, data, i)
}

// position is "invalid JSON at line L, column C: " for byte i of data.
func position(data []byte, i int) string {
	before := data[:i]
	line := bytes.Count(before, []byte("\n")) + 1
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return fmt.Sprintf("invalid JSON at line %d, column %d: ", line, col)
}

// syntaxHints rewrite the scanner's contexts in plain words.
var syntaxHints = []struct{ context, hint string }{
	{" looking for beginning of object key string", "expected a field name in double quotes"},
	{" looking for beginning of value", "expected a value"},
	{" after object key:value pair", "expected ',' or '}' after a field"},
	{" after object key", "expected ':' after the field name"},
	{" after array element", "expected ',' or ']' after a list item"},
	{" in string literal", "a string cannot hold a control character such as a line break; write it as an escape such as \\n"},
	{" in string escape code", "invalid escape in a string"},
	{" in \\u hexadecimal character escape", "invalid \\u escape in a string"},
	{" in numeric literal", "invalid number"},
	{" after decimal point in numeric literal", "invalid number"},
	{" in exponent of numeric literal", "invalid number"},
}

// describeSyntax turns "invalid character 'X' CONTEXT" about byte i into
// "unexpected 'X': HINT".
func describeSyntax(msg string, data []byte, i int) string {
	rest, ok := strings.CutPrefix(msg, "invalid character "+quoteByte(data[i]))
	if !ok {
		return strings.TrimPrefix(msg, "json: ")
	}
	got := "unexpected " + quoteByte(data[i])
	if data[i] == '\'' {
		got = `unexpected "'"`
	}
	prev := bytes.TrimRight(data[:i], " \t\r\n")
	trailingComma := len(prev) > 0 && prev[len(prev)-1] == ','
	switch {
	case rest == " after top-level value":
		return "unexpected data after the JSON object"
	case rest == " exceeded max depth":
		return "lists and objects are nested too deeply"
	case (data[i] == '}' || data[i] == ']') && trailingComma:
		return got + ": JSON allows no comma before a closing bracket"
	case strings.HasPrefix(rest, " in literal "):
		word, _, _ := strings.Cut(strings.TrimPrefix(rest, " in literal "), " ")
		return got + ": did you mean " + word + "?"
	case data[i] == '/' && strings.HasPrefix(rest, " looking for"):
		return got + ": JSON allows no comments"
	case (isLetter(data[i]) || data[i] == '\'') && (strings.HasPrefix(rest, " looking for") || rest == ""):
		return got + ": strings and field names need double quotes"
	}
	for _, h := range syntaxHints {
		if rest == h.context {
			return got + ": " + h.hint
		}
	}
	return got
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }

// quoteByte writes a byte the way encoding/json's messages do.
func quoteByte(c byte) string {
	switch c {
	case '\'':
		return `'\''`
	case '"':
		return `'"'`
	}
	q := strconv.Quote(string(c))
	return "'" + q[1:len(q)-1] + "'"
}
