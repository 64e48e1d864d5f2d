package main

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestLineEditorKeys(t *testing.T) {
	tests := map[string]struct {
		input string
		want  []string
	}{
		"plain":                 {"hello\r", []string{"hello"}},
		"backspace":             {"helo\x7flo\r", []string{"hello"}},
		"left and insert":       {"hllo\x1b[D\x1b[D\x1b[De\r", []string{"hello"}},
		"home end":              {"ello\x01h\x05!\r", []string{"hello!"}},
		"delete key":            {"hxello\x01\x1b[C\x1b[3~\r", []string{"hello"}},
		"ctrl-u and ctrl-k":     {"junk\x15hello world\x01\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x0b\r", []string{"hello"}},
		"ctrl-w":                {"hello big world\x17\x17world\r", []string{"hello world"}},
		"history up down":       {"one\rtwo\r\x1b[A\x1b[A\r\x1b[A\x1b[B\r", []string{"one", "two", "one", ""}},
		"draft kept":            {"one\rdra\x1b[A\x1b[Bft\r", []string{"one", "draft"}},
		"unicode":               {"caf\u00e9 \u2615\x7f\r", []string{"caf\u00e9 "}},
		"utf8 cursor movement":  {"\u00e9\u00e9\x1b[Dx\r", []string{"\u00e9x\u00e9"}},
		"eof ends partial line": {"partial", []string{"partial"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var out strings.Builder
			e := newLineEditor(strings.NewReader(tt.input), &out)
			var got []string
			for {
				line, err := e.readLine("> ")
				if err != nil {
					if !errors.Is(err, io.EOF) {
						t.Fatal(err)
					}
					break
				}
				got = append(got, line)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("lines = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLineEditorControlKeys(t *testing.T) {
	e := newLineEditor(strings.NewReader("abc\x03"), io.Discard)
	if _, err := e.readLine("> "); !errors.Is(err, errLineInterrupted) {
		t.Errorf("Ctrl+C: err = %v", err)
	}
	e = newLineEditor(strings.NewReader("\x04"), io.Discard)
	if _, err := e.readLine("> "); !errors.Is(err, io.EOF) {
		t.Errorf("Ctrl+D on an empty line: err = %v", err)
	}
	e = newLineEditor(strings.NewReader("ab\x01\x04\r"), io.Discard)
	if line, err := e.readLine("> "); err != nil || line != "b" {
		t.Errorf("Ctrl+D deletes under the cursor: %q, %v", line, err)
	}
}

func TestLineEditorRedrawsWithCursor(t *testing.T) {
	var out strings.Builder
	e := newLineEditor(strings.NewReader("ab\x1b[D\r"), &out)
	e.readLine("> ")
	if !strings.Contains(out.String(), "\r> ab\x1b[K\x1b[1D") {
		t.Errorf("redraw = %q", out.String())
	}
}
