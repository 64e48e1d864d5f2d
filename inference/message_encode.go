package inference

import "unicode/utf8"

// appendMessages encodes messages as a JSON array, each as
// ChatMessage.MarshalJSON does, without going through encoding/json: it
// would validate and compact every MarshalJSON result again, and a
// conversation's whole history is sent with every request.
func appendMessages(b []byte, msgs []ChatMessage) ([]byte, error) {
	b = append(b, '[')
	for i := range msgs {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendMessage(b, &msgs[i]); err != nil {
			return nil, err
		}
	}
	return append(b, ']'), nil
}

func appendMessage(b []byte, m *ChatMessage) ([]byte, error) {
	b = append(b, `{"role":`...)
	b = appendJSONString(b, m.Role)
	b = append(b, `,"content":`...)
	if m.Parts != nil {
		// Each part's MarshalJSON, appended as it is: through
		// json.Marshal(m.Parts), encoding/json would scan every part's
		// output (an image's data URL) a second time.
		b = append(b, '[')
		for i := range m.Parts {
			if i > 0 {
				b = append(b, ',')
			}
			part, err := m.Parts[i].MarshalJSON()
			if err != nil {
				return nil, err
			}
			b = append(b, part...)
		}
		b = append(b, ']')
	} else {
		b = appendJSONString(b, m.Content)
	}
	if m.Name != "" {
		b = append(b, `,"name":`...)
		b = appendJSONString(b, m.Name)
	}
	if len(m.ToolCalls) > 0 {
		b = append(b, `,"tool_calls":[`...)
		for i, tc := range m.ToolCalls {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"id":`...)
			b = appendJSONString(b, tc.ID)
			b = append(b, `,"type":`...)
			b = appendJSONString(b, tc.Type)
			b = append(b, `,"function":{`...)
			if tc.Function.Name != "" {
				b = append(b, `"name":`...)
				b = appendJSONString(b, tc.Function.Name)
				b = append(b, ',')
			}
			b = append(b, `"arguments":`...)
			b = appendJSONString(b, tc.Function.Arguments)
			b = append(b, "}}"...)
		}
		b = append(b, ']')
	}
	if m.ToolCallID != "" {
		b = append(b, `,"tool_call_id":`...)
		b = appendJSONString(b, m.ToolCallID)
	}
	return append(b, '}'), nil
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string: quotes, backslashes and
// control characters escaped, U+2028 and U+2029 escaped for JavaScript
// readers, invalid UTF-8 replaced by U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if i = asciiRun(s, i); i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
