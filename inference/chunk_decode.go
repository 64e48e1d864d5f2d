package inference

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// decodeChunk parses one data payload of a chat stream into dst. It is a
// decoder for this one shape, written because encoding/json's reflection
// costs about ten times the rest of the stream's work per chunk: strings
// without escapes are substrings of data (no copy), unknown fields are
// skipped, and the input is still checked to be well-formed JSON. An
// {"error":...} payload becomes a *StreamError; anything malformed an error
// that matches [ErrMalformedStream] and quotes the payload. A one-choice
// Choices slice is cut from slab: most chunks of a stream carry one
// choice, and one allocation then serves a few dozen chunks.
func decodeChunk(data string, dst *ChatCompletionStreamOutput, slab *choiceSlab) error {
	d := scanner{s: data, slab: slab}
	isError := false
	for st := 0; ; {
		key, ok := d.nextKey(&st)
		if !ok {
			break
		}
		switch key {
		case "id":
			dst.ID = d.optString()
		case "object":
			dst.Object = d.optString()
		case "created":
			dst.Created = d.optInt()
		case "model":
			dst.Model = d.optString()
		case "system_fingerprint":
			dst.SystemFingerprint = d.optString()
		case "choices":
			dst.Choices = d.choices()
		case "usage":
			dst.Usage = d.usage()
		case "error":
			isError = !d.null()
			if isError {
				d.skip()
			}
		default:
			d.skip()
		}
	}
	d.end()
	if d.err != nil {
		return &malformedError{what: "stream chunk", data: data, err: d.err}
	}
	if isError {
		return &StreamError{Message: serverMessage([]byte(data)), Raw: data}
	}
	return nil
}

func (d *scanner) choices() []ChatCompletionStreamOutputChoice {
	if d.null() {
		return nil
	}
	var first ChatCompletionStreamOutputChoice
	var out []ChatCompletionStreamOutputChoice
	n := 0
	for st := 0; d.nextElem(&st); n++ {
		var c ChatCompletionStreamOutputChoice
		for ost := 0; ; {
			key, ok := d.nextKey(&ost)
			if !ok {
				break
			}
			switch key {
			case "index":
				c.Index = int(d.optInt())
			case "delta", "message":
				d.delta(&c.Delta)
			case "finish_reason":
				c.FinishReason = d.optString()
			case "logprobs":
				c.Logprobs = d.logprobs()
			default:
				d.skip()
			}
		}
		switch n {
		case 0:
			first = c
		case 1:
			out = append(make([]ChatCompletionStreamOutputChoice, 0, 2), first, c)
		default:
			out = append(out, c)
		}
	}
	switch n {
	case 0:
		return []ChatCompletionStreamOutputChoice{}
	case 1:
		return d.slab.one(first)
	}
	return out
}

// choiceSlab hands out one-choice slices cut from a shared array.
type choiceSlab struct {
	buf []ChatCompletionStreamOutputChoice
}

// choiceSlabSize is how many chunks share an allocation. A chunk the
// caller keeps keeps its whole array alive: about 7 KB.
const choiceSlabSize = 64

// one returns a slice of length and capacity 1 holding c: an append to it
// copies, so no two chunks ever share an element.
func (s *choiceSlab) one(c ChatCompletionStreamOutputChoice) []ChatCompletionStreamOutputChoice {
	if len(s.buf) == cap(s.buf) {
		s.buf = make([]ChatCompletionStreamOutputChoice, 0, choiceSlabSize)
	}
	s.buf = append(s.buf, c)
	i := len(s.buf) - 1
	return s.buf[i : i+1 : i+1]
}

func (d *scanner) delta(dst *StreamDelta) {
	if d.null() {
		return
	}
	for st := 0; ; {
		key, ok := d.nextKey(&st)
		if !ok {
			return
		}
		switch key {
		case "role":
			dst.Role = d.optString()
		case "content":
			dst.Content = d.optString()
		case "reasoning", "reasoning_content":
			if r := d.optString(); r != "" {
				dst.Reasoning = r
			}
		case "tool_calls":
			dst.ToolCalls = d.toolCallDeltas()
		default:
			d.skip()
		}
	}
}

func (d *scanner) toolCallDeltas() []ToolCallDelta {
	if d.null() {
		return nil
	}
	var out []ToolCallDelta
	for st := 0; d.nextElem(&st); {
		var tc ToolCallDelta
		for ost := 0; ; {
			key, ok := d.nextKey(&ost)
			if !ok {
				break
			}
			switch key {
			case "index":
				tc.Index = int(d.optInt())
			case "id":
				tc.ID = d.optString()
			case "type":
				tc.Type = d.optString()
			case "function":
				d.function(&tc.Function)
			default:
				d.skip()
			}
		}
		out = append(out, tc)
	}
	return out
}

func (d *scanner) function(dst *FunctionCall) {
	if d.null() {
		return
	}
	for st := 0; ; {
		key, ok := d.nextKey(&st)
		if !ok {
			return
		}
		switch key {
		case "name":
			dst.Name = d.optString()
		case "arguments":
			// TGI sends arguments as an object; keep its text.
			if c := d.peek(); c == '{' || c == '[' {
				dst.Arguments = d.raw()
			} else {
				dst.Arguments = d.optString()
			}
		default:
			d.skip()
		}
	}
}

func (d *scanner) usage() *Usage {
	if d.null() {
		return nil
	}
	u := &Usage{}
	for st := 0; ; {
		key, ok := d.nextKey(&st)
		if !ok {
			return u
		}
		switch key {
		case "prompt_tokens":
			u.PromptTokens = int(d.optInt())
		case "completion_tokens":
			u.CompletionTokens = int(d.optInt())
		case "total_tokens":
			u.TotalTokens = int(d.optInt())
		default:
			d.skip()
		}
	}
}

// logprobs are rare and nested; encoding/json reads them from the raw text.
func (d *scanner) logprobs() *Logprobs {
	if d.null() {
		return nil
	}
	raw := d.raw()
	if d.err != nil {
		return nil
	}
	var lp Logprobs
	if err := json.Unmarshal([]byte(raw), &lp); err != nil {
		d.fail(err.Error())
		return nil
	}
	return &lp
}

// scanner reads JSON from a string. The first error sticks; every method is a
// no-op after it.
type scanner struct {
	s     string
	pos   int
	depth int
	err   error
	slab  *choiceSlab // where one-choice slices come from
}

// maxDepth bounds nesting so that a hostile payload cannot exhaust the stack.
const maxDepth = 512

func (d *scanner) fail(msg string) {
	if d.err == nil {
		d.err = fmt.Errorf("%s at offset %d", msg, d.pos)
	}
}

// peek skips whitespace and returns the next byte, or 0 at the end of the
// input. A NUL byte in the input is returned as 0 too and matches nothing
// a caller looks for, so it fails as the invalid character it is; only
// end tells the two apart, by position.
func (d *scanner) peek() byte {
	for d.pos < len(d.s) {
		switch c := d.s[d.pos]; c {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return c
		}
	}
	return 0
}

// end checks that nothing but whitespace follows the value.
func (d *scanner) end() {
	if d.err != nil {
		return
	}
	d.peek()
	if d.pos < len(d.s) {
		d.fail("unexpected data after the object")
	}
}

// nextKey steps through an object: the first call (with *st == 0) reads
// '{', each call returns the next key with the scanner before its value, and
// ok is false at '}' or on error.
func (d *scanner) nextKey(st *int) (key string, ok bool) {
	if d.err != nil {
		return "", false
	}
	if !d.open(st, '{', '}') {
		return "", false
	}
	if d.peek() != '"' {
		d.fail("expected a key")
		return "", false
	}
	key = d.str()
	if d.peek() != ':' {
		d.fail("expected ':'")
		return "", false
	}
	d.pos++
	return key, d.err == nil
}

// nextElem steps through an array like nextKey through an object.
func (d *scanner) nextElem(st *int) bool {
	return d.err == nil && d.open(st, '[', ']')
}

// open handles the punctuation between members: the opening bracket on the
// first call, then ',' or the closing bracket.
func (d *scanner) open(st *int, opening, closing byte) bool {
	if *st == 0 {
		if d.peek() != opening {
			d.fail("expected '" + string(opening) + "'")
			return false
		}
		d.pos++
		*st = 1
		if d.depth++; d.depth > maxDepth {
			d.fail("nesting too deep")
			return false
		}
		if d.peek() == closing {
			d.pos++
			d.depth--
			return false
		}
		return true
	}
	switch d.peek() {
	case ',':
		d.pos++
		return true
	case closing:
		d.pos++
		d.depth--
		return false
	}
	d.fail("expected ',' or '" + string(closing) + "'")
	return false
}

// null consumes a null literal if one is next.
func (d *scanner) null() bool {
	if d.err == nil && d.peek() == 'n' {
		d.literal("null")
		return true
	}
	return false
}

func (d *scanner) literal(lit string) {
	if strings.HasPrefix(d.s[d.pos:], lit) {
		d.pos += len(lit)
		return
	}
	d.fail("invalid literal")
}

// optString reads a string or null ("").
func (d *scanner) optString() string {
	if d.null() || d.err != nil {
		return ""
	}
	if d.peek() != '"' {
		d.fail("expected a string")
		return ""
	}
	return d.str()
}

// str reads a string at d.pos, which holds '"'.
func (d *scanner) str() string {
	start := d.pos + 1
	high := false
	i := plainRun(d.s, start, &high)
	for ; i < len(d.s); i++ {
		switch c := d.s[i]; {
		case c == '"':
			d.pos = i + 1
			v := d.s[start:i]
			if high && !utf8.ValidString(v) {
				v = strings.ToValidUTF8(v, "\uFFFD")
			}
			return v
		case c == '\\':
			return d.escaped(start)
		case c < 0x20:
			d.pos = i
			d.fail("control character in string")
			return ""
		case c >= utf8.RuneSelf:
			high = true
		}
	}
	d.pos = len(d.s)
	d.fail("unterminated string")
	return ""
}

// Masks for scanning eight bytes of a string at once.
const (
	lows  = 0x0101010101010101 // 0x01 in each byte
	highs = 0x8080808080808080 // 0x80 in each byte
)

// plainRun steps through s from i eight bytes at a time and returns the
// start of the first group of eight that holds a quote, a backslash or a
// control character, or of the partial group at the end: str looks at the
// bytes from there one at a time. It sets *high if a skipped byte is not
// ASCII. Each test is exact for a whole word: a borrow can only spill from
// a byte that matched, so a word that passes holds none of those bytes.
func plainRun(s string, i int, high *bool) int {
	for ; i+8 <= len(s); i += 8 {
		w := word(s, i)
		if special(w)&highs != 0 {
			return i
		}
		if w&highs != 0 {
			*high = true
		}
	}
	return i
}

// asciiRun is plainRun for the encoder: it also stops at a group that
// holds a byte that is not ASCII, which the encoder must check as UTF-8.
func asciiRun(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		w := word(s, i)
		if (special(w)|w)&highs != 0 {
			return i
		}
	}
	return i
}

// word reads s[i:i+8] as a little-endian word.
func word(s string, i int) uint64 {
	return uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
		uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
}

// special has the high bit set in the bytes of w that are a quote, a
// backslash or a control character (and maybe in bytes above them: only
// whether any is set is exact).
func special(w uint64) uint64 {
	q := w ^ ('"' * lows)
	b := w ^ ('\\' * lows)
	return (q-lows)&^q | (b-lows)&^b | (w-0x20*lows)&^w
}

// escaped decodes a string that holds escapes, from start (after '"').
func (d *scanner) escaped(start int) string {
	b := make([]byte, 0, len(d.s)-start)
	for i := start; i < len(d.s); {
		c := d.s[i]
		switch {
		case c == '"':
			d.pos = i + 1
			return strings.ToValidUTF8(string(b), "\uFFFD")
		case c < 0x20:
			d.pos = i
			d.fail("control character in string")
			return ""
		case c != '\\':
			b = append(b, c)
			i++
			continue
		}
		if i+1 >= len(d.s) {
			break
		}
		switch e := d.s[i+1]; e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, n := d.unicodeEscape(i)
			if n == 0 {
				return ""
			}
			b = utf8.AppendRune(b, r)
			i += n
			continue
		default:
			d.pos = i
			d.fail("invalid escape")
			return ""
		}
		i += 2
	}
	d.pos = len(d.s)
	d.fail("unterminated string")
	return ""
}

// unicodeEscape reads \uXXXX at i, and a following low surrogate if the
// first is a high one. It returns the rune and the bytes consumed, 0 on error.
func (d *scanner) unicodeEscape(i int) (rune, int) {
	r, ok := hex4(d.s, i+2)
	if !ok {
		d.pos = i
		d.fail("invalid \\u escape")
		return 0, 0
	}
	if utf16.IsSurrogate(r) {
		if lo, ok := hex4(d.s, i+8); ok && strings.HasPrefix(d.s[i+6:], `\u`) {
			if dec := utf16.DecodeRune(r, lo); dec != utf8.RuneError {
				return dec, 12
			}
		}
		return utf8.RuneError, 6
	}
	return r, 6
}

func hex4(s string, at int) (rune, bool) {
	if at+4 > len(s) {
		return 0, false
	}
	v, err := strconv.ParseUint(s[at:at+4], 16, 16)
	return rune(v), err == nil
}

// optInt reads an integer (a float with no fraction is accepted) or null.
func (d *scanner) optInt() int64 {
	if d.null() || d.err != nil {
		return 0
	}
	num := d.number()
	if d.err != nil {
		return 0
	}
	if len(num) < 19 && num[0] != '-' && !strings.ContainsAny(num, ".eE") {
		var v int64
		for i := 0; i < len(num); i++ {
			v = v*10 + int64(num[i]-'0')
		}
		return v
	}
	if v, err := strconv.ParseInt(num, 10, 64); err == nil {
		return v
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f != float64(int64(f)) {
		d.fail("expected an integer")
		return 0
	}
	return int64(f)
}

// number reads a JSON number's text.
func (d *scanner) number() string {
	d.peek()
	start := d.pos
	i := start
	if i < len(d.s) && d.s[i] == '-' {
		i++
	}
	digits := i
	for i < len(d.s) && d.s[i] >= '0' && d.s[i] <= '9' {
		i++
	}
	if i == digits || (d.s[digits] == '0' && i-digits > 1) {
		d.fail("invalid number")
		return ""
	}
	if i < len(d.s) && d.s[i] == '.' {
		i++
		frac := i
		for i < len(d.s) && d.s[i] >= '0' && d.s[i] <= '9' {
			i++
		}
		if i == frac {
			d.fail("invalid number")
			return ""
		}
	}
	if i < len(d.s) && (d.s[i] == 'e' || d.s[i] == 'E') {
		i++
		if i < len(d.s) && (d.s[i] == '+' || d.s[i] == '-') {
			i++
		}
		exp := i
		for i < len(d.s) && d.s[i] >= '0' && d.s[i] <= '9' {
			i++
		}
		if i == exp {
			d.fail("invalid number")
			return ""
		}
	}
	d.pos = i
	return d.s[start:i]
}

// raw skips a value and returns its text.
func (d *scanner) raw() string {
	start := d.pos
	d.skip()
	return strings.TrimSpace(d.s[start:d.pos])
}

// skip consumes any value, checking that it is well-formed.
func (d *scanner) skip() {
	switch c := d.peek(); {
	case d.err != nil:
	case c == '"':
		d.str()
	case c == '{':
		for st := 0; ; {
			if _, ok := d.nextKey(&st); !ok {
				break
			}
			d.skip()
		}
	case c == '[':
		for st := 0; d.nextElem(&st); {
			d.skip()
		}
	case c == 't':
		d.literal("true")
	case c == 'f':
		d.literal("false")
	case c == 'n':
		d.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		d.number()
	default:
		d.fail("unexpected character")
	}
}
