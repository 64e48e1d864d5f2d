package inference

import (
	"context"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// watchdog ends one HTTP attempt when the server sends nothing for idle:
// a timer, restarted by every read that returns data, cancels the
// attempt's context. Its stop method is the attempt's cancel func; after
// it the timer stays stopped, even if the transport still reads the
// request body, so that nothing of the attempt outlives it.
type watchdog struct {
	idle          time.Duration
	method, url   string
	timer         *time.Timer
	fired         atomic.Bool
	cancel        context.CancelCauseFunc
	cancelTimeout context.CancelFunc // the WithTimeout bound, or nil

	mu      sync.Mutex // orders kick and stop
	stopped bool
}

// startWatchdog returns the context of an attempt of r bounded by timeout
// (if > 0) and by the idle watchdog, which starts counting now.
func startWatchdog(ctx context.Context, timeout, idle time.Duration, r *request) (context.Context, *watchdog) {
	w := &watchdog{idle: idle, method: r.method, url: r.url}
	if timeout > 0 {
		ctx, w.cancelTimeout = context.WithTimeout(ctx, timeout)
	}
	ctx, w.cancel = context.WithCancelCause(ctx)
	w.timer = time.AfterFunc(idle, w.expire)
	return ctx, w
}

func (w *watchdog) expire() {
	w.fired.Store(true)
	w.cancel(w.err())
}

// kick restarts the count: something moved.
func (w *watchdog) kick() {
	w.mu.Lock()
	if !w.stopped {
		w.timer.Reset(w.idle)
	}
	w.mu.Unlock()
}

// stop ends the attempt: the timer, then the contexts.
func (w *watchdog) stop() {
	w.mu.Lock()
	w.stopped = true
	w.timer.Stop()
	w.mu.Unlock()
	w.cancel(nil)
	if w.cancelTimeout != nil {
		w.cancelTimeout()
	}
}

func (w *watchdog) err() error {
	return &idleTimeoutError{method: w.method, url: w.url, idle: w.idle}
}

// uploadWatchMin is the smallest request body whose sending the watchdog
// watches: the default transport's write buffer. A smaller body leaves in
// the same write as the headers; wrapping it would make net/http, which
// flushes the headers first for any body it does not know to be in memory,
// send every request in two writes. Even a slow link sends 16 KiB well
// within any sensible idle timeout.
const uploadWatchMin = writeBufferSize

// watchUpload makes the sending of req's body count as activity, so that
// a large upload on a slow link is not taken for a silent server. Bodies
// under uploadWatchMin are left alone.
func (w *watchdog) watchUpload(req *http.Request) {
	if req.Body == nil || req.Body == http.NoBody || (req.ContentLength >= 0 && req.ContentLength < uploadWatchMin) {
		return
	}
	req.Body = &watchedBody{ReadCloser: req.Body, w: w}
	if get := req.GetBody; get != nil {
		req.GetBody = func() (io.ReadCloser, error) {
			b, err := get()
			if err != nil {
				return nil, err
			}
			return &watchedBody{ReadCloser: b, w: w}, nil
		}
	}
}

// watchedBody restarts its watchdog on every read that returns data, and
// reports a read that failed because the watchdog fired as an idle
// timeout. It allocates nothing per read.
type watchedBody struct {
	io.ReadCloser
	w *watchdog
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.w.kick()
	}
	if err != nil && err != io.EOF && b.w.fired.Load() {
		err = b.w.err()
	}
	return n, err
}
