package main

import (
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"

	"github.com/tiny-agents-go/tiny-agents/agent"
	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// Exit codes: the one table of README.md's "Exit status".
const (
	exitOK      = 0   // success
	exitFailure = 1   // a runtime failure: HTTP error, stream error, a server that failed or went away, a sign-in's failure
	exitUsage   = 2   // usage or configuration: bad flag, bad agent.json, no token
	exitHangup  = 129 // SIGHUP
	exitCtrlC   = 130 // Ctrl+C (SIGINT)
	exitTerm    = 143 // SIGTERM
)

// Error kinds of --output json "error" events: a stable set.
const (
	kindConfig      = "config"
	kindAuth        = "auth"
	kindHTTP        = "http"
	kindTimeout     = "timeout"
	kindStream      = "stream"
	kindServer      = "server"
	kindInterrupted = "interrupted"
	kindOther       = "other"
)

// usageError is a bad command line: exit 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// configError is a configuration problem found by the CLI itself (no
// token, an agent that does not exist): exit 2, with a hint.
type configError struct {
	msg, hint string
	kind      string // kindConfig or kindAuth
}

func (e *configError) Error() string { return e.msg }

// failure is what the CLI reports for an error: exit code, kind, message
// and an optional hint, all ready to print.
type failure struct {
	code       int
	kind       string
	msg, hint  string
	statusCode int // the HTTP status, for "http" and "auth" kinds
}

// classify maps an error to its failure: the single place where errors
// become exit codes.
func classify(err error) failure {
	var (
		sig     *signalError
		usage   *usageError
		cfgErr  *agent.ConfigError
		cliCfg  *configError
		httpErr *inference.HTTPError
		strErr  *inference.StreamError
		srvErr  *mcpclient.ServerError
		authErr *mcpclient.AuthError
		netErr  *net.OpError
	)
	f := failure{code: exitFailure, kind: kindOther, msg: plainMessage(err)}
	switch {
	case errors.As(err, &sig):
		return failure{code: sig.exitCode(), kind: kindInterrupted, msg: sig.Error()}
	case errors.As(err, &usage):
		f.code, f.kind, f.hint = exitUsage, kindConfig, "see 'tiny-agents --help'"
	case errors.As(err, &cfgErr):
		f.code, f.kind = exitUsage, kindConfig
	case errors.As(err, &cliCfg):
		f.code, f.kind, f.hint = exitUsage, cliCfg.kind, cliCfg.hint
	case errors.Is(err, inference.ErrNoToken):
		f.code, f.kind, f.hint = exitUsage, kindAuth, noTokenHint
	case errors.Is(err, inference.ErrInvalidOption), errors.Is(err, inference.ErrUnknownProvider),
		errors.Is(err, inference.ErrModelNotMapped), errors.Is(err, inference.ErrTaskNotSupported):
		f.code, f.kind = exitUsage, kindConfig
	case errors.Is(err, inference.ErrTimeout), errors.Is(err, inference.ErrIdleTimeout), errors.Is(err, mcpclient.ErrConnectTimeout):
		f.kind = kindTimeout
		f.hint = timeoutHint(err)
	case errors.Is(err, mcpclient.ErrAuthorizationRequired), errors.As(err, &authErr):
		f.kind = kindAuth
		f.msg, f.hint = signInFailure(err, f.msg)
	case errors.As(err, &httpErr):
		f.kind, f.statusCode = kindHTTP, httpErr.StatusCode
		if httpErr.StatusCode == http.StatusUnauthorized || httpErr.StatusCode == http.StatusForbidden {
			f.kind = kindAuth
			f.hint = "the token was refused: check HF_TOKEN (or `hf auth login`), or apiKey in the agent.json"
		}
	case errors.As(err, &strErr), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, inference.ErrMalformedStream):
		f.kind = kindStream
	case errors.As(err, &srvErr):
		f.kind = kindServer
	case errors.As(err, &netErr): // the model's endpoint could not be reached
		f.kind = kindHTTP
	}
	return f
}

// timeoutHint names the flag and field that set the timeout err hit.
func timeoutHint(err error) string {
	switch {
	case errors.Is(err, mcpclient.ErrConnectTimeout):
		return "raise it with --connect-timeout, or connectTimeout in the agent.json"
	case errors.Is(err, inference.ErrIdleTimeout):
		return "raise it with --idle-timeout, or idleTimeout in the agent.json"
	}
	return ""
}

// noTokenHint says, in CLI terms, how to give the CLI a token.
const noTokenHint = `set HF_TOKEN=hf_..., or log in with "hf auth login", or give "apiKey" in the agent.json.
To try tiny-agents without a token, run the offline demo of the README:
  go run ./examples/echo-llm &
  HF_TOKEN=hf_offline HF_ROUTER_URL=http://127.0.0.1:8088 tiny-agents run`

// packageNames are the Go packages whose names library errors start with;
// the CLI speaks for itself.
var packageNames = []string{"inference", "mcpclient", "agent"}

// plainMessage is err's message without package names as segments and
// without a segment repeated twice in a row ("a: a: b" reads "a: b").
func plainMessage(err error) string {
	lines := strings.Split(err.Error(), "\n")
	for i, line := range lines {
		parts := strings.Split(line, ": ")
		kept := parts[:0]
		for j, p := range parts {
			if j < len(parts)-1 && slices.Contains(packageNames, p) {
				continue
			}
			if len(kept) > 0 && kept[len(kept)-1] == p {
				continue
			}
			kept = append(kept, p)
		}
		lines[i] = strings.Join(kept, ": ")
	}
	return strings.Join(lines, "\n")
}
