package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// streams are the standard streams of one command, decided once: stdout
// for answers (through a buffered printer), stderr for diagnostics, and
// whether each is a terminal that takes colours.
type streams struct {
	stdin  io.Reader
	inTTY  bool     // stdin is a terminal
	out    *printer // stdout
	errw   io.Writer
	errTTY bool
	red    *redactor
	app    *app // for what lasts as long as the process: the sign-in listener

	mu      sync.Mutex // serialises diagnostics
	errOut  *printer   // stderr, for the coloured trail of -p
	colorOK bool       // NO_COLOR unset
}

func newStreams(a *app) *streams {
	colorOK := os.Getenv("NO_COLOR") == ""
	s := &streams{stdin: a.stdin, inTTY: isTerminal(a.stdin), errw: a.stderr, errTTY: isTerminal(a.stderr),
		colorOK: colorOK, red: newRedactor(), app: a}
	s.out = newPrinter(a.stdout, colorOK && colorTerminal(a.stdout))
	s.errOut = newPrinter(a.stderr, colorOK && s.errTTY && colorTerminal(a.stderr))
	return s
}

// setSecrets makes every later diagnostic and view scrub secrets.
func (s *streams) setSecrets(secrets ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.red = newRedactor(secrets...)
}

func (s *streams) redactor() *redactor {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.red
}

// diag prints one diagnostic on stderr as "tiny-agents: LABEL: text", each
// further line indented, after flushing stdout so that the order on a
// terminal is the order of events.
func (s *streams) diag(label, text string) {
	s.out.Flush()
	s.errOut.Flush()
	s.mu.Lock()
	defer s.mu.Unlock()
	text = s.red.Diag(strings.TrimRight(text, "\n"))
	prefix := "tiny-agents: "
	if label != "" {
		prefix += label + ": "
	}
	fmt.Fprintln(s.errw, prefix+strings.ReplaceAll(text, "\n", "\n  "))
}

// noticeURL prints a notice on stderr followed by an address to open, on
// a line of its own and whole: secrets are replaced in it, but its query
// is kept, since it is the address the person must visit.
func (s *streams) noticeURL(msg, address string) {
	s.out.Flush()
	s.errOut.Flush()
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintln(s.errw, "tiny-agents: "+s.red.Diag(msg)+"\n  "+s.red.String(address))
}

// warn prints a warning on stderr.
func (s *streams) warn(msg string) { s.diag("warning", msg) }

// notice prints a notice on stderr.
func (s *streams) notice(msg string) { s.diag("", msg) }

// fail prints a failure on stderr: its message, then its hint.
func (s *streams) fail(f failure) {
	s.diag("error", f.msg)
	if f.hint != "" {
		s.diag("hint", f.hint)
	}
}

// flush writes out what is buffered.
func (s *streams) flush() {
	s.out.Flush()
	s.errOut.Flush()
}

// lineWriter passes what servers write on stderr (with -v) through the
// redactor, a line at a time.
type lineWriter struct {
	s       *streams
	mu      sync.Mutex
	partial []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			break
		}
		line := w.s.redactor().Diag(string(w.partial[:i+1]))
		w.partial = w.partial[i+1:]
		w.s.out.Flush()
		if _, err := io.WriteString(w.s.errw, line); err != nil {
			return len(p), err
		}
	}
	return len(p), nil
}
