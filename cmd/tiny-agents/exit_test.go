package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/agent"
	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

func TestClassifyIsTheExitTable(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("turn: %w", err) }
	tests := map[string]struct {
		err  error
		code int
		kind string
	}{
		"usage":           {&usageError{errors.New("bad flag")}, 2, kindConfig},
		"agent.json":      {&agent.ConfigError{Source: "a.json", Field: "model", Msg: "missing"}, 2, kindConfig},
		"no token":        {&configError{msg: "no token", kind: kindAuth}, 2, kindAuth},
		"unknown model":   {wrap(inference.ErrModelNotMapped), 2, kindConfig},
		"http":            {wrap(&inference.HTTPError{StatusCode: 500}), 1, kindHTTP},
		"unauthorized":    {wrap(&inference.HTTPError{StatusCode: 401}), 1, kindAuth},
		"idle timeout":    {wrap(fmt.Errorf("x: %w", inference.ErrIdleTimeout)), 1, kindTimeout},
		"deadline":        {wrap(inference.ErrTimeout), 1, kindTimeout},
		"connect timeout": {&mcpclient.ServerError{Server: "s", Err: mcpclient.ErrConnectTimeout}, 1, kindTimeout},
		"stream event":    {wrap(&inference.StreamError{Message: "overloaded"}), 1, kindStream},
		"stream cut":      {wrap(io.ErrUnexpectedEOF), 1, kindStream},
		"malformed":       {wrap(inference.ErrMalformedStream), 1, kindStream},
		"server":          {&mcpclient.ServerError{Server: "s", Err: mcpclient.ErrServerGone}, 1, kindServer},
		"ctrl+c":          {wrap(errInterrupted), 130, kindInterrupted},
		"sigterm":         {errTerminated, 143, kindInterrupted},
		"sighup":          {errHungUp, 129, kindInterrupted},
		"anything else":   {context.Canceled, 1, kindOther},
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
