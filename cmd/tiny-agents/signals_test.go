package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

func TestTurnInterruptTwiceEndsTheRun(t *testing.T) {
	ctx, sig := newSignalRouter(t.Context())
	defer sig.Stop()
	var stderr bytes.Buffer
	st := newStreams(&app{stdout: &bytes.Buffer{}, stderr: &stderr})
	turnCtx, cancelTurn := context.WithCancelCause(ctx)
	var presses atomic.Int32
	press := turnInterrupt(sig, st, cancelTurn, &presses)

	press()
	if !errors.Is(context.Cause(turnCtx), errInterrupted) || ctx.Err() != nil {
		t.Fatalf("first press: turn %v, run %v; want only the turn cancelled", context.Cause(turnCtx), ctx.Err())
	}
	if !bytes.Contains(stderr.Bytes(), []byte("Ctrl+C a second time to exit")) {
		t.Errorf("no notice: %q", stderr.String())
	}
	press()
	if !errors.Is(context.Cause(ctx), errInterrupted) {
		t.Errorf("second press: run %v, want it ended by the interrupt", context.Cause(ctx))
	}
}

func TestSignalRouterDropsInterruptWithoutHandler(t *testing.T) {
	ctx, sig := newSignalRouter(t.Context())
	defer sig.Stop()
	sig.onInterrupt(nil)
	sig.dispatch(syscall.SIGINT) // between two turns: dropped
	if ctx.Err() != nil {
		t.Fatalf("the run was cancelled: %v", context.Cause(ctx))
	}
	handled := make(chan struct{})
	var once atomic.Bool
	sig.onInterrupt(func() {
		if once.CompareAndSwap(false, true) {
			close(handled)
		}
	})
	syscall.Kill(syscall.Getpid(), syscall.SIGINT)
	select {
	case <-handled:
	case <-time.After(5 * time.Second):
		t.Fatal("a SIGINT never reached its handler")
	}
	if ctx.Err() != nil {
		t.Errorf("the run was cancelled: %v", context.Cause(ctx))
	}
}

func TestSignalRouterTerminates(t *testing.T) {
	for sig, want := range map[syscall.Signal]int{syscall.SIGTERM: 143, syscall.SIGHUP: 129} {
		ctx, r := newSignalRouter(t.Context())
		r.onInterrupt(nil)
		syscall.Kill(syscall.Getpid(), sig)
		select {
		case <-ctx.Done():
		case <-time.After(5 * time.Second):
			t.Fatalf("%s did not cancel the run", sig)
		}
		var se *signalError
		if !errors.As(context.Cause(ctx), &se) || se.exitCode() != want {
			t.Errorf("%s: cause %v, want exit %d", sig, context.Cause(ctx), want)
		}
		r.Stop()
	}
}

// A signal is one line without the "error:" label, wherever it is printed,
// and an error that a signal caused is reported as the signal.
func TestSignalIsOneLine(t *testing.T) {
	for _, tt := range []struct {
		err  *signalError
		line string
	}{
		{errInterrupted, "tiny-agents: interrupted (SIGINT)\n"},
		{errTerminated, "tiny-agents: terminated (SIGTERM)\n"},
		{errHungUp, "tiny-agents: hung up (SIGHUP)\n"},
	} {
		var stderr bytes.Buffer
		if code := exitStatus(&stderr, tt.err); code != tt.err.exitCode() || stderr.String() != tt.line {
			t.Errorf("exitStatus(%v) = %d, printed %q; want %d, %q", tt.err, code, stderr.String(), tt.err.exitCode(), tt.line)
		}

		ctx, r := newSignalRouter(t.Context())
		r.onInterrupt(nil)
		r.cancel(tt.err)
		stderr.Reset()
		a := &app{stdout: &bytes.Buffer{}, stderr: &stderr, signals: r}
		cancelled := errors.New(`server "s": cancelled during start-up`)
		err := report(newStreams(a), nil, fmt.Errorf("%w (%w)", cancelled, ctx.Err()))
		var done *reportedError
		if !errors.As(err, &done) || done.code != tt.err.exitCode() || done.kind != kindInterrupted || stderr.String() != tt.line {
			t.Errorf("report after %v: %v, printed %q; want exit %d, %q", tt.err, err, stderr.String(), tt.err.exitCode(), tt.line)
		}
		if code := exitStatus(&stderr, err); code != tt.err.exitCode() || stderr.String() != tt.line {
			t.Errorf("exitStatus printed again: %q", stderr.String())
		}
		r.Stop()
	}
}
