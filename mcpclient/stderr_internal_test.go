package mcpclient

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/mark3labs/mcp-go/client/transport"
)

func numbered(from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		fmt.Fprintf(&b, "line %d\n", i)
	}
	return b.String()
}

func TestStderrTailBounds(t *testing.T) {
	long := strings.Repeat("x", 10_000) + "END"
	for _, tc := range []struct {
		name   string
		writes []string
		want   string
	}{
		{"empty", nil, ""},
		{"few lines", []string{"a\nb\n"}, "a\nb"},
		{"unfinished last line", []string{"a\nb"}, "a\nb"},
		{"CRLF and trailing blanks", []string{"a\r\nb  \r\n\n\n"}, "a\nb"},
		{"last 20 lines", []string{numbered(1, 50)}, strings.TrimSuffix(numbered(31, 50), "\n")},
		{"last 20 lines over many writes", strings.SplitAfter(numbered(1, 30), "\n"), strings.TrimSuffix(numbered(11, 30), "\n")},
		{"4 KiB of lines", []string{strings.Repeat(strings.Repeat("y", 999)+"\n", 10)},
			"..." + strings.Repeat("y", 95) + "\n" + strings.TrimSuffix(strings.Repeat(strings.Repeat("y", 999)+"\n", 4), "\n")},
		{"a long line keeps its end", []string{"first\n", long}, "..." + long[len(long)-tailBytes:]},
		{"a long line in pieces keeps its end", []string{"first\n", long[:5000], long[5000:]}, "..." + long[len(long)-tailBytes:]},
		{"a long line then short lines", []string{long + "\n", "short\n"}, "..." + long[len(long)-(tailBytes-len("\nshort\n")):] + "\nshort"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tail := newStderrTail("s", nil)
			for _, w := range tc.writes {
				if n, err := tail.Write([]byte(w)); n != len(w) || err != nil {
					t.Fatalf("Write = %d, %v", n, err)
				}
			}
			if got := tail.String(); got != tc.want {
				t.Errorf("tail =\n%q\nwant\n%q", trunc(got), trunc(tc.want))
			}
			if len(tail.buf) > tailBytes {
				t.Errorf("kept %d bytes", len(tail.buf))
			}
		})
	}
}

func trunc(s string) string {
	if len(s) > 200 {
		return s[:100] + " ... " + s[len(s)-100:]
	}
	return s
}

func TestStderrTailMirrorsPrefixedLines(t *testing.T) {
	var out bytes.Buffer
	tail := newStderrTail("github", &out)
	for _, w := range []string{"one\ntw", "o\r\n", "", "three\nfour"} {
		tail.Write([]byte(w))
	}
	if got, want := out.String(), "[github] one\n[github] two\n[github] three\n"; got != want {
		t.Errorf("mirror before the end = %q, want %q", got, want)
	}
	tail.flush()
	if got, want := out.String(), "[github] one\n[github] two\n[github] three\n[github] four\n"; got != want {
		t.Errorf("mirror = %q, want %q", got, want)
	}
	out.Reset()
	tail.Write([]byte(strings.Repeat("z", tailBytes+10)))
	if got := out.String(); got != "[github] "+strings.Repeat("z", tailBytes+10)+"\n" {
		t.Errorf("a line longer than the bound was not mirrored in one piece: %d bytes", len(got))
	}
}

func TestStderrTailConcurrentUse(t *testing.T) {
	var out bytes.Buffer
	tail := newStderrTail("s", &lockedWriter{w: &out})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 100 {
				tail.Write([]byte("hello\n"))
				_ = tail.String()
			}
		})
	}
	wg.Wait()
	if got := strings.Count(out.String(), "[s] hello\n"); got != 400 {
		t.Errorf("mirrored %d lines, want 400", got)
	}
}

func TestCleanText(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"transport prefix and a repeated wrapper", transport.NewError(fmt.Errorf("failed to send request: %w",
			fmt.Errorf("failed to send request: %w", errors.New("boom")))), "boom"},
		{"transport closed", transport.NewError(transport.ErrTransportClosed), "connection closed"},
		{"URL dropped", fmt.Errorf("failed to send request: %w", &url.Error{Op: "Post",
			URL: "http://127.0.0.1:1/mcp?token=secret", Err: syscall.ECONNREFUSED}), "connection refused"},
		{"repeated segment", errors.New("a: b: b: c"), "a: b: c"},
		{"start failure", fmt.Errorf("failed to start command: %w", errors.New("fork/exec /x: no such file or directory")),
			"fork/exec /x: no such file or directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := cleanText(tc.err); got != tc.want {
				t.Errorf("cleanText = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestServerErrorMessages(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  *ServerError
		want string
	}{
		{"crash at start", &ServerError{Server: "github", Op: "initialize", Err: &goneError{cause: transport.ErrTransportClosed},
			Exit: "exit status 1", Stderr: "a\nFAKE_API_KEY environment variable is required"},
			"server \"github\": exited during start-up (exit status 1)\n  its stderr ends with:\n    a\n    FAKE_API_KEY environment variable is required"},
		{"gone during a call", &ServerError{Server: "s", Op: "call die", Err: &goneError{cause: transport.ErrTransportClosed}, Exit: "killed by signal 9"},
			`server "s": exited during tool call "die" (killed by signal 9)`},
		{"gone before the call", &ServerError{Server: "s", Op: "call echo", Err: &goneError{cause: transport.ErrTransportClosed, earlier: true}, Exit: "exit status 3"},
			`server "s": exited earlier (exit status 3)`},
		{"connection closed", &ServerError{Server: "s", Op: "call x", Err: &goneError{cause: transport.NewError(transport.ErrTransportClosed)}},
			`server "s": went away during tool call "x": connection closed`},
		{"sse stream closed during a call", &ServerError{Server: "s", Op: "call x", Err: &goneError{cause: &streamLostError{err: io.EOF}}},
			`server "s": went away during tool call "x": event stream closed`},
		{"sse stream broken before the call", &ServerError{Server: "s", Op: "call x", Err: &goneError{cause: &streamLostError{err: io.ErrUnexpectedEOF}, earlier: true}},
			`server "s": went away earlier: event stream broke: unexpected EOF`},
		{"http response ended", &ServerError{Server: "s", Op: "call x", Err: &goneError{cause: &responseLostError{}}},
			`server "s": went away during tool call "x": response stream ended without an answer`},
		{"http response broken", &ServerError{Server: "s", Op: "call x", Err: &goneError{cause: &responseLostError{err: syscall.ECONNRESET}}},
			`server "s": went away during tool call "x": response stream broke: connection reset by peer`},
		{"http connection closed", &ServerError{Server: "s", Op: "call x", Err: &goneError{cause: transport.NewError(
			fmt.Errorf("failed to send request: %w", &url.Error{Op: "Post", URL: "http://u:hunter2@h/mcp?k=hunter2", Err: io.EOF}))}},
			`server "s": went away during tool call "x": connection closed`},
		{"invalid configuration", &ServerError{Server: "s", Op: "config", Err: errors.New("env: empty variable name")},
			`server "s": invalid configuration: env: empty variable name`},
		{"connect timeout", &ServerError{Server: "x", Op: "initialize", Err: &timeoutError{d: DefaultConnectTimeout, connect: true}},
			`server "x": no answer within 1m0s while connecting (connect timeout)`},
		{"call timeout", &ServerError{Server: "x", Op: "call hang", Err: &timeoutError{d: 200e6}},
			`server "x": tool "hang": timed out after 200ms`},
		{"could not start", &ServerError{Server: "x", Op: "start", Err: errors.New("exec: \"nope\": executable file not found in $PATH")},
			`server "x": could not start: exec: "nope": executable file not found in $PATH`},
		{"initialize", &ServerError{Server: "x", Op: "initialize", Err: errors.New("unsupported protocol version")},
			`server "x": initialize failed: unsupported protocol version`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("Error() =\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}
