package mcpclient

import (
	"context"
	"sync"
	"time"
)

// A connect timeout bounds the network, not the user: while a user signs
// in to a server in a browser, its clock stops. So connect and tool-call
// timeouts are pausable deadlines, which the OAuth layer pauses around
// the Authorizer's call.

// pausable is a timer that cancels a context when it fires, and that can
// be paused.
type pausable struct {
	parent *pausable // an enclosing pausable deadline, paused along
	cancel context.CancelCauseFunc

	mu        sync.Mutex
	timer     *time.Timer
	deadline  time.Time
	remaining time.Duration // while paused
	paused    int
	done      bool
}

type pausableKey struct{}

// withPausableTimeout is context.WithTimeout whose clock [pauseDeadlines]
// stops. When it fires, the context's Err is context.Canceled and its
// cause context.DeadlineExceeded.
func withPausableTimeout(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(parent)
	p := &pausable{cancel: cancel, deadline: time.Now().Add(d)}
	p.parent, _ = parent.Value(pausableKey{}).(*pausable)
	p.timer = time.AfterFunc(d, p.fire)
	return context.WithValue(ctx, pausableKey{}, p), func() {
		p.mu.Lock()
		p.done = true
		p.timer.Stop()
		p.mu.Unlock()
		cancel(context.Canceled)
	}
}

func (p *pausable) fire() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.paused == 0 && !p.done {
		p.done = true
		p.cancel(context.DeadlineExceeded)
	}
}

// withPausable makes ctx carry the pausable deadline of from, so that a
// context that outlives it (a transport's) pauses it too.
func withPausable(ctx, from context.Context) context.Context {
	if p, ok := from.Value(pausableKey{}).(*pausable); ok {
		return context.WithValue(ctx, pausableKey{}, p)
	}
	return ctx
}

// pauseDeadlines stops the clocks of the pausable deadlines of ctx until
// the function it returns is called.
func pauseDeadlines(ctx context.Context) (resume func()) {
	p, _ := ctx.Value(pausableKey{}).(*pausable)
	var paused []*pausable
	for ; p != nil; p = p.parent {
		p.pause()
		paused = append(paused, p)
	}
	return func() {
		for _, p := range paused {
			p.resume()
		}
	}
}

func (p *pausable) pause() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.paused++
	if p.paused == 1 && !p.done {
		p.timer.Stop()
		p.remaining = time.Until(p.deadline)
	}
}

func (p *pausable) resume() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.paused--
	if p.paused == 0 && !p.done {
		p.deadline = time.Now().Add(p.remaining)
		p.timer.Reset(max(p.remaining, 0))
	}
}
