package main

import (
	"bytes"
	"context"
	"errors"
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
