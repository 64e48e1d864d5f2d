package mcpclient

import (
	"bytes"
	"io"
	"strings"
	"sync"
)

// Bounds of the stderr tail kept for each stdio server: the last tailLines
// lines, or the last tailBytes bytes, whichever is smaller.
const (
	tailLines = 20
	tailBytes = 4 << 10
)

// stderrTail keeps the end of a server's standard error for error messages
// and mirrors it, line by line with a "[NAME] " prefix, to a writer. It is
// safe for concurrent use.
type stderrTail struct {
	mu     sync.Mutex
	buf    []byte // the last bytes written, at most tailBytes and tailLines lines
	cut    bool   // buf starts in the middle of a line
	mirror io.Writer
	prefix string
	line   []byte // the mirror's unfinished line
}

func newStderrTail(name string, mirror io.Writer) *stderrTail {
	return &stderrTail{mirror: mirror, prefix: "[" + name + "] "}
}

// Write keeps p in the tail and mirrors its complete lines. It never fails:
// a failing mirror must not stop the tail.
func (t *stderrTail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.keep(p)
	if t.mirror != nil {
		t.mirrorLines(p)
	}
	return len(p), nil
}

func (t *stderrTail) keep(p []byte) {
	if len(p) > tailBytes {
		t.cut = p[len(p)-tailBytes-1] != '\n'
		t.buf = append(t.buf[:0], p[len(p)-tailBytes:]...)
	} else {
		t.buf = append(t.buf, p...)
		if drop := len(t.buf) - tailBytes; drop > 0 {
			t.cut = t.buf[drop-1] != '\n'
			t.buf = t.buf[:copy(t.buf, t.buf[drop:])]
		}
	}
	lines := bytes.Count(t.buf, []byte{'\n'})
	if len(t.buf) > 0 && t.buf[len(t.buf)-1] != '\n' {
		lines++
	}
	for ; lines > tailLines; lines-- {
		i := bytes.IndexByte(t.buf, '\n')
		t.buf = t.buf[:copy(t.buf, t.buf[i+1:])]
		t.cut = false
	}
}

// mirrorLines writes the lines p completes in one Write, so that lines of
// several servers sharing the mirror never mix. A line longer than
// tailBytes is written in pieces.
func (t *stderrTail) mirrorLines(p []byte) {
	var out []byte
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			t.line = append(t.line, p...)
			if len(t.line) >= tailBytes {
				out = t.appendLine(out)
			}
			break
		}
		t.line = append(t.line, p[:i]...)
		out = t.appendLine(out)
		p = p[i+1:]
	}
	if len(out) > 0 {
		t.mirror.Write(out)
	}
}

func (t *stderrTail) appendLine(out []byte) []byte {
	out = append(out, t.prefix...)
	out = append(out, bytes.TrimRight(t.line, "\r")...)
	t.line = t.line[:0]
	return append(out, '\n')
}

// flush mirrors the unfinished last line, at the end of the stream.
func (t *stderrTail) flush() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.mirror != nil && len(t.line) > 0 {
		t.mirror.Write(t.appendLine(nil))
	}
}

// String returns the tail: whole lines without their line ends, the first
// starting with "..." when it was cut. Blank lines at the end are dropped.
func (t *stderrTail) String() string {
	if t == nil {
		return ""
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := strings.Split(strings.TrimRight(string(t.buf), "\r\n\t "), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, "\r\t ")
	}
	s := strings.Join(lines, "\n")
	if t.cut && s != "" {
		s = "..." + s
	}
	return s
}

// lockedWriter serialises the writes of several servers' tails to one
// writer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
