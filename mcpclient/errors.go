package mcpclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/mark3labs/mcp-go/client/transport"
)

// ErrClosed is the error of a turn on a client that has been closed: the
// model is not called.
var ErrClosed = errors.New("mcpclient: closed")

// ErrServerGone is wrapped by a [ServerError] whose server went away: its
// process exited or its connection closed.
var ErrServerGone = errors.New("mcpclient: server gone")

// ErrConnectTimeout is wrapped by a [ServerError] whose server did not
// finish connecting within its [ServerConfig.ConnectTimeout]. Such an error
// also matches context.DeadlineExceeded.
var ErrConnectTimeout = errors.New("mcpclient: connect timeout")

// ServerError is a failure of one MCP server: it did not start, did not
// answer, or went away. Its message names the server, says what happened
// and, when the server wrote to its standard error, ends with the last
// lines it wrote there.
type ServerError struct {
	Server string // display name, see [ServerNames]
	Op     string // "config", "start", "connect", "initialize", "list tools", "call TOOL" or "close"
	Err    error  // the cause
	Stderr string // the tail of the server's stderr, "" if none
	Exit   string // how the child ended ("exit status 1", "killed by signal 9"), "" if unknown or still running
}

// Error reads like `server "github": exited during start-up (exit status 1)`,
// followed by the tail of the server's stderr, indented, when there is one.
func (e *ServerError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "server %q: %s", e.Server, e.summary())
	if e.Stderr != "" {
		b.WriteString("\n  its stderr ends with:")
		for line := range strings.SplitSeq(e.Stderr, "\n") {
			b.WriteString("\n    " + line)
		}
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *ServerError) Unwrap() error { return e.Err }

// summary is the one-line message after the server's name.
func (e *ServerError) summary() string {
	phase := "during start-up"
	tool, isCall := strings.CutPrefix(e.Op, "call ")
	if isCall {
		phase = fmt.Sprintf("during tool call %q", tool)
	}
	var gone *goneError
	if errors.As(e.Err, &gone) && gone.earlier {
		phase = "earlier"
	}
	switch {
	case errors.Is(e.Err, ErrServerGone) && e.Exit != "":
		return fmt.Sprintf("exited %s (%s)", phase, e.Exit)
	case errors.Is(e.Err, ErrServerGone):
		return fmt.Sprintf("went away %s: %s", phase, cleanText(e.Err))
	case errors.Is(e.Err, ErrConnectTimeout):
		return cleanText(e.Err)
	case errors.Is(e.Err, context.Canceled):
		return "cancelled " + phase
	case e.Op == "close" && e.Exit != "" && errors.As(e.Err, new(*exec.ExitError)):
		return fmt.Sprintf("did not close cleanly (%s)", e.Exit)
	}
	msg := cleanText(e.Err)
	switch {
	case isCall:
		msg = fmt.Sprintf("tool %q: %s", tool, msg)
	case e.Op == "start" || e.Op == "connect":
		msg = "could not " + e.Op + ": " + msg
	case e.Op == "config":
		msg = "invalid configuration: " + msg
	case e.Op == "list tools":
		msg = "could not list tools: " + msg
	case e.Op != "":
		msg = e.Op + " failed: " + msg
	}
	if e.Exit != "" {
		msg += " (" + e.Exit + ")"
	}
	return msg
}

// firstLine is the message without the stderr tail, for the model.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// goneError is the cause of a [ServerError] whose server went away; earlier
// is set when it had gone before the operation began.
type goneError struct {
	cause   error
	earlier bool
}

func (e *goneError) Error() string {
	if e.cause == nil || e.cause == io.EOF || e.cause == io.ErrUnexpectedEOF {
		return "connection closed"
	}
	if ue := (*url.Error)(nil); errors.As(e.cause, &ue) && (ue.Err == io.EOF || ue.Err == io.ErrUnexpectedEOF) {
		return "connection closed"
	}
	return cleanText(e.cause)
}
func (e *goneError) Is(target error) bool { return target == ErrServerGone }
func (e *goneError) Unwrap() error        { return e.cause }

// timeoutError is a connect or tool-call timeout; it matches
// context.DeadlineExceeded, and ErrConnectTimeout when connecting.
type timeoutError struct {
	d       time.Duration
	connect bool
}

func (e *timeoutError) Error() string {
	if e.connect {
		return fmt.Sprintf("no answer within %s while connecting (connect timeout)", e.d)
	}
	return fmt.Sprintf("timed out after %s", e.d)
}
func (e *timeoutError) Is(target error) bool { return e.connect && target == ErrConnectTimeout }
func (e *timeoutError) Unwrap() error        { return context.DeadlineExceeded }

// rpcError is a server's error answer to a tool call (a JSON-RPC error,
// as opposed to a tool result that reports an error).
type rpcError struct {
	tool string
	err  error
}

func (e *rpcError) Error() string { return fmt.Sprintf("tool %q: %s", e.tool, cleanText(e.err)) }
func (e *rpcError) Unwrap() error { return e.err }

// wrappers are the segments mcp-go puts in front of a cause, sometimes
// twice; they say nothing to a user.
var wrappers = map[string]bool{
	"transport error":                 true,
	"failed to send request":          true,
	"failed to write request":         true,
	"failed to start command":         true,
	"failed to connect to SSE stream": true,
	"mcpclient":                       true,
}

// cleanText is err's message without mcp-go's wrapper prefixes, without a
// segment repeated twice in a row, and without the URL an HTTP error
// quotes (its query can hold a secret).
func cleanText(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	if ue := (*url.Error)(nil); errors.As(err, &ue) && ue.Err != nil {
		s = strings.Replace(s, ue.Error(), ue.Err.Error(), 1)
	}
	parts := strings.Split(s, ": ")
	kept := parts[:0]
	for _, p := range parts {
		if p == transport.ErrTransportClosed.Error() {
			p = "connection closed"
		}
		if wrappers[p] || len(kept) > 0 && kept[len(kept)-1] == p {
			continue
		}
		kept = append(kept, p)
	}
	if len(kept) == 0 {
		return s
	}
	return strings.Join(kept, ": ")
}

// isClosed reports whether err says the connection to a server is closed.
func isClosed(err error) bool {
	return errors.Is(err, transport.ErrTransportClosed) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, fs.ErrClosed)
}

// isDial reports whether err is a failure to open a network connection.
func isDial(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// exitText says how a process ended.
func exitText(ps *os.ProcessState) string {
	if ps == nil {
		return ""
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return fmt.Sprintf("killed by signal %d", int(ws.Signal()))
	}
	return fmt.Sprintf("exit status %d", ps.ExitCode())
}
