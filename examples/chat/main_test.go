package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

func TestOffline(t *testing.T) {
	var out strings.Builder
	if err := run(t.Context(), []string{"-offline", "Say", "hello"}, &out); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "(offline) You asked: Say hello\n"; got != want {
		t.Errorf("output = %q, want %q", got, want)
	}
}

func TestBaseURLAndErrors(t *testing.T) {
	srv := inferencetest.NewServer(t, inferencetest.Text("hi", " there"), inferencetest.HTTPError(401, `{"error":"Invalid credentials"}`))
	var out strings.Builder
	if err := run(t.Context(), []string{"-base-url", srv.URL, "hello"}, &out); err != nil {
		t.Fatal(err)
	}
	if out.String() != "hi there\n" {
		t.Errorf("output = %q", out.String())
	}
	err := run(t.Context(), []string{"-base-url", srv.URL, "hello"}, &out)
	var he *inference.HTTPError
	if !errors.As(err, &he) || he.StatusCode != 401 {
		t.Errorf("err = %v, want the 401", err)
	}
	if err := run(t.Context(), nil, &out); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Errorf("no prompt: err = %v", err)
	}
}
