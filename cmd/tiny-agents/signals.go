package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// signalError is the cause of a run cancelled by a signal; its exit code is
// 128 + the signal number, as a shell reports it. Its message, the one line
// a run ended by a signal prints, says what happened and names the signal.
type signalError struct{ sig syscall.Signal }

func (e *signalError) Error() string {
	switch e.sig {
	case syscall.SIGINT:
		return "interrupted (SIGINT)"
	case syscall.SIGTERM:
		return "terminated (SIGTERM)"
	case syscall.SIGHUP:
		return "hung up (SIGHUP)"
	default:
		return fmt.Sprintf("terminated (signal %d)", int(e.sig))
	}
}

func (e *signalError) exitCode() int { return 128 + int(e.sig) }

var (
	errInterrupted = &signalError{sig: syscall.SIGINT}
	errTerminated  = &signalError{sig: syscall.SIGTERM}
	errHungUp      = &signalError{sig: syscall.SIGHUP}
)

// signalRouter turns SIGINT, SIGTERM and SIGHUP into cancellations.
// SIGTERM and SIGHUP always cancel the whole run. SIGINT goes to the handler
// of the current phase (connecting, a turn, a prompt); with no handler it is
// dropped, so that a Ctrl+C that arrives between two turns cancels neither.
// Stop ends its goroutine.
type signalRouter struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	ch     chan os.Signal
	done   chan struct{}
	wg     sync.WaitGroup

	mu        sync.Mutex
	interrupt func()
}

// newSignalRouter returns a context that the run's terminating signals
// cancel (with a *signalError cause) and the router that owns it. Until a
// phase sets its own handler, SIGINT cancels the run too.
func newSignalRouter(parent context.Context) (context.Context, *signalRouter) {
	ctx, cancel := context.WithCancelCause(parent)
	r := &signalRouter{ctx: ctx, cancel: cancel, ch: make(chan os.Signal, 4), done: make(chan struct{})}
	r.interrupt = r.exitOnInterrupt
	signal.Notify(r.ch, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	r.wg.Go(r.loop)
	return ctx, r
}

func (r *signalRouter) loop() {
	for {
		select {
		case s := <-r.ch:
			r.dispatch(s)
		case <-r.done:
			return
		}
	}
}

func (r *signalRouter) dispatch(s os.Signal) {
	switch s {
	case syscall.SIGTERM:
		r.cancel(errTerminated)
	case syscall.SIGHUP:
		r.cancel(errHungUp)
	case syscall.SIGINT:
		r.mu.Lock()
		h := r.interrupt
		r.mu.Unlock()
		if h != nil {
			h()
		}
	}
}

// exitOnInterrupt is the SIGINT handler outside turns: the run ends with 130.
func (r *signalRouter) exitOnInterrupt() { r.cancel(errInterrupted) }

// caught returns the signal that cancelled the run, or nil. Safe on a nil
// router (a command run without one, in tests).
func (r *signalRouter) caught() *signalError {
	var sig *signalError
	if r == nil || !errors.As(context.Cause(r.ctx), &sig) {
		return nil
	}
	return sig
}

// onInterrupt makes h the SIGINT handler; nil drops SIGINT.
func (r *signalRouter) onInterrupt(h func()) {
	r.mu.Lock()
	r.interrupt = h
	r.mu.Unlock()
}

// Stop restores the default signal handling and waits for the goroutine.
func (r *signalRouter) Stop() {
	signal.Stop(r.ch)
	close(r.done)
	r.wg.Wait()
	r.cancel(nil)
}
