package main

import (
	"bufio"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode"
)

// errLineInterrupted is Ctrl+C typed at the prompt.
var errLineInterrupted = errors.New("interrupted at the prompt")

// lineEditor reads lines from a terminal in raw mode with the usual
// editing keys: arrows, Home/End, Backspace/Delete, Ctrl+A/E/K/U/W, and
// history on Up/Down. It knows nothing of the terminal itself: the caller
// switches raw mode on and off around readLine.
type lineEditor struct {
	in      *bufio.Reader
	out     io.Writer
	history []string
}

func newLineEditor(in io.Reader, out io.Writer) *lineEditor {
	return &lineEditor{in: bufio.NewReader(in), out: out}
}

// lineState is the line being edited.
type lineState struct {
	prompt string
	buf    []rune
	pos    int
	hist   int    // index into history while browsing; len(history) = the new line
	draft  []rune // the new line, kept while browsing history
}

// readLine shows prompt and returns the line typed, io.EOF for Ctrl+D on an
// empty line or end of input, errLineInterrupted for Ctrl+C.
func (e *lineEditor) readLine(prompt string) (string, error) {
	st := &lineState{prompt: prompt, hist: len(e.history)}
	e.redraw(st)
	for {
		r, _, err := e.in.ReadRune()
		if err != nil {
			if len(st.buf) > 0 && errors.Is(err, io.EOF) {
				return e.accept(st), nil
			}
			return "", err
		}
		done, line, err := e.key(st, r)
		if done || err != nil {
			return line, err
		}
	}
}

// key applies one key; done is true when the line is finished.
func (e *lineEditor) key(st *lineState, r rune) (done bool, line string, err error) {
	switch r {
	case '\r', '\n':
		return true, e.accept(st), nil
	case 3: // Ctrl+C
		io.WriteString(e.out, "^C\r\n")
		return true, "", errLineInterrupted
	case 4: // Ctrl+D
		if len(st.buf) == 0 {
			io.WriteString(e.out, "\r\n")
			return true, "", io.EOF
		}
		st.deleteAt(st.pos)
	case 1: // Ctrl+A
		st.pos = 0
	case 5: // Ctrl+E
		st.pos = len(st.buf)
	case 2: // Ctrl+B
		st.pos = max(0, st.pos-1)
	case 6: // Ctrl+F
		st.pos = min(len(st.buf), st.pos+1)
	case 11: // Ctrl+K
		st.buf = st.buf[:st.pos]
	case 21: // Ctrl+U
		st.buf, st.pos = append([]rune(nil), st.buf[st.pos:]...), 0
	case 23: // Ctrl+W
		st.deleteWord()
	case 127, 8: // Backspace
		if st.pos > 0 {
			st.deleteAt(st.pos - 1)
			st.pos--
		}
	case 27: // escape sequence
		e.escape(st)
	default:
		if unicode.IsPrint(r) || r == '\t' {
			st.buf = append(st.buf[:st.pos], append([]rune{r}, st.buf[st.pos:]...)...)
			st.pos++
		}
	}
	e.redraw(st)
	return false, "", nil
}

// escape reads the rest of an ANSI sequence: arrows, Home, End, Delete.
func (e *lineEditor) escape(st *lineState) {
	b, err := e.in.ReadByte()
	if err != nil || (b != '[' && b != 'O') {
		return
	}
	seq := ""
	for {
		c, err := e.in.ReadByte()
		if err != nil {
			return
		}
		seq += string(c)
		if c >= 0x40 && c <= 0x7e {
			break
		}
	}
	switch seq {
	case "A":
		e.browse(st, -1)
	case "B":
		e.browse(st, 1)
	case "C":
		st.pos = min(len(st.buf), st.pos+1)
	case "D":
		st.pos = max(0, st.pos-1)
	case "H", "1~", "7~":
		st.pos = 0
	case "F", "4~", "8~":
		st.pos = len(st.buf)
	case "3~":
		if st.pos < len(st.buf) {
			st.deleteAt(st.pos)
		}
	}
}

// browse moves through history; the line being typed is kept as a draft.
func (e *lineEditor) browse(st *lineState, dir int) {
	next := st.hist + dir
	if next < 0 || next > len(e.history) {
		return
	}
	if st.hist == len(e.history) {
		st.draft = append([]rune(nil), st.buf...)
	}
	st.hist = next
	if next == len(e.history) {
		st.buf = append([]rune(nil), st.draft...)
	} else {
		st.buf = []rune(e.history[next])
	}
	st.pos = len(st.buf)
}

func (st *lineState) deleteAt(i int) { st.buf = append(st.buf[:i], st.buf[i+1:]...) }

func (st *lineState) deleteWord() {
	i := st.pos
	for i > 0 && st.buf[i-1] == ' ' {
		i--
	}
	for i > 0 && st.buf[i-1] != ' ' {
		i--
	}
	st.buf = append(st.buf[:i], st.buf[st.pos:]...)
	st.pos = i
}

// accept ends the line and records it in the history.
func (e *lineEditor) accept(st *lineState) string {
	io.WriteString(e.out, "\r\n")
	line := string(st.buf)
	if strings.TrimSpace(line) != "" && (len(e.history) == 0 || e.history[len(e.history)-1] != line) {
		e.history = append(e.history, line)
	}
	return line
}

// redraw rewrites the prompt line and puts the cursor in place.
func (e *lineEditor) redraw(st *lineState) {
	var b strings.Builder
	b.WriteString("\r")
	b.WriteString(st.prompt)
	b.WriteString(string(st.buf))
	b.WriteString("\x1b[K")
	if back := len(st.buf) - st.pos; back > 0 {
		b.WriteString("\x1b[")
		b.WriteString(strconv.Itoa(back))
		b.WriteString("D")
	}
	io.WriteString(e.out, b.String())
}
