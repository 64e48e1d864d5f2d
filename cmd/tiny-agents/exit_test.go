package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/agent"
	"github.com/tiny-agents-go/tiny-agents/agents"
	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/internal/tokenfile"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

func TestClassifyIsTheExitTable(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("turn: %w", err) }
	tests := map[string]struct {
		err  error
		code int
		kind string
	}{
		"usage":              {&usageError{errors.New("bad flag")}, 2, kindConfig},
		"agent.json":         {&agent.ConfigError{Source: "a.json", Field: "model", Msg: "missing"}, 2, kindConfig},
		"no token":           {&configError{msg: "no token", kind: kindAuth}, 2, kindAuth},
		"unknown model":      {wrap(inference.ErrModelNotMapped), 2, kindConfig},
		"http":               {wrap(&inference.HTTPError{StatusCode: 500}), 1, kindHTTP},
		"unauthorized":       {wrap(&inference.HTTPError{StatusCode: 401}), 1, kindAuth},
		"idle timeout":       {wrap(fmt.Errorf("x: %w", inference.ErrIdleTimeout)), 1, kindTimeout},
		"deadline":           {wrap(inference.ErrTimeout), 1, kindTimeout},
		"connect timeout":    {&mcpclient.ServerError{Server: "s", Err: mcpclient.ErrConnectTimeout}, 1, kindTimeout},
		"stream event":       {wrap(&inference.StreamError{Message: "overloaded"}), 1, kindStream},
		"stream cut":         {wrap(io.ErrUnexpectedEOF), 1, kindStream},
		"malformed":          {wrap(inference.ErrMalformedStream), 1, kindStream},
		"server":             {&mcpclient.ServerError{Server: "s", Err: mcpclient.ErrServerGone}, 1, kindServer},
		"unreachable":        {wrap(&url.Error{Op: "Post", URL: "http://127.0.0.1:1", Err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}}), 1, kindHTTP},
		"server unreachable": {&mcpclient.ServerError{Server: "s", Err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}}, 1, kindServer},
		"sign-in failed":     {&mcpclient.ServerError{Server: "s", Err: &mcpclient.AuthError{Op: "token", Err: errors.New("invalid_grant")}}, 1, kindAuth},
		"sign-in needed": {&mcpclient.ServerError{Server: "s", Err: &mcpclient.AuthError{Op: "authorization",
			Err: fmt.Errorf("%w: no Authorizer", mcpclient.ErrAuthorizationRequired)}}, 1, kindAuth},
		"ctrl+c":        {wrap(errInterrupted), 130, kindInterrupted},
		"sigterm":       {errTerminated, 143, kindInterrupted},
		"sighup":        {errHungUp, 129, kindInterrupted},
		"anything else": {context.Canceled, 1, kindOther},
	}
	for name, tt := range tests {
		f := classify(tt.err)
		if f.code != tt.code || f.kind != tt.kind {
			t.Errorf("%s: code %d kind %q, want %d %q", name, f.code, f.kind, tt.code, tt.kind)
		}
	}
	if f := classify(&mcpclient.ServerError{Server: "s", Err: mcpclient.ErrConnectTimeout}); f.hint == "" {
		t.Error("a connect timeout names no flag")
	}
}

func TestSignInFailureHints(t *testing.T) {
	needed := &mcpclient.ServerError{Server: "notes", Op: "connect", Err: &mcpclient.AuthError{Op: "authorization",
		Err: fmt.Errorf("%w: the server needs a sign-in and no Authorizer was given", mcpclient.ErrAuthorizationRequired)}}
	opts := &agentOptions{Agent: "./my agent", MCPConfigs: []string{"~/.cursor/mcp.json"}}
	tests := map[string]struct {
		err            error
		msg, hint      string
		msgLacks, lack string
	}{
		"needed, wrapped": {err: &signInError{err: needed, login: loginCommand(opts), why: "serve asks nobody"},
			msg:  `server "notes" requires you to sign in, and nobody can be asked here: serve asks nobody`,
			hint: "`tiny-agents auth login './my agent' --mcp-config ~/.cursor/mcp.json`", msgLacks: "Authorizer"},
		"needed, bare": {err: needed, msg: `server "notes" requires you to sign in`, hint: "tiny-agents auth login AGENT"},
		"refused refresh": {err: &mcpclient.ServerError{Server: "notes", Err: &mcpclient.AuthError{Op: "token", Err: errors.New("invalid_grant")}},
			msg: "invalid_grant", hint: "sign in again at a terminal", lack: "auth list"},
		"discovery": {err: &mcpclient.AuthError{Op: "discovery", Err: errors.New("no metadata")}, msg: "no metadata", hint: `"headers"`},
		"token file": {err: &mcpclient.AuthError{Op: "token", Err: &tokenfile.PermissionError{Path: "/c/t.json", Mode: 0o644}},
			msg: "`chmod 600 /c/t.json`", hint: "tiny-agents auth list"},
	}
	for name, tt := range tests {
		f := classify(tt.err)
		if f.code != exitFailure || f.kind != kindAuth || !strings.Contains(f.msg, tt.msg) || !strings.Contains(f.hint, tt.hint) {
			t.Errorf("%s: %+v; want message with %q, hint with %q", name, f, tt.msg, tt.hint)
		}
		if tt.msgLacks != "" && strings.Contains(f.msg, tt.msgLacks) || tt.lack != "" && strings.Contains(f.hint, tt.lack) {
			t.Errorf("%s: %+v", name, f)
		}
	}
}

func TestPlainMessage(t *testing.T) {
	tests := map[string]string{
		"inference: POST http://127.0.0.1:1/v1: 400 Bad Request: no": "POST http://127.0.0.1:1/v1: 400 Bad Request: no",
		"mcpclient: server x: failed: failed: boom":                  "server x: failed: boom",
		"agent: \"x\" is not a file\nagent: second line":             "\"x\" is not a file\nsecond line",
		"a model called: agent":                                      "a model called: agent",
	}
	for in, want := range tests {
		if got := plainMessage(errors.New(in)); got != want {
			t.Errorf("plainMessage(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRunHelpNamesBuiltinAgents checks what the "agent not found" hint
// promises: run --help names every built-in agent, and all exit codes.
func TestRunHelpNamesBuiltinAgents(t *testing.T) {
	var out, errOut strings.Builder
	if code := Main([]string{"run", "--help"}, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, want := range append(agents.Names(), "129", "130", "143") {
		if !strings.Contains(out.String(), want) {
			t.Errorf("run --help does not name %q:\n%s", want, out.String())
		}
	}
}
