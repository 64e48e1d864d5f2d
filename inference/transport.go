package inference

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// request is one HTTP call, kept as bytes so that it can be re-sent.
type request struct {
	method   string
	url      string
	header   http.Header
	body     []byte
	op       string // what the call does, for error messages
	provider string // who answers, for [RetryInfo]: a provider, "auto", or ""
	media    bool   // the answer is bounded by the media limit, not the JSON one
	noRetry  bool   // one attempt only, whatever the failure (a health check)
}

// retryPolicy bounds retries: max attempts after the first, delays from base
// doubling up to cap, with full jitter.
type retryPolicy struct {
	max       int
	base, cap time.Duration
}

// maxRetryAfter is the longest Retry-After the client waits for; a server
// asking for more gets its error returned instead.
const maxRetryAfter = time.Minute

// RetryInfo describes a retry the client is about to wait for. It is what
// the hook of [WithRetryHook] receives.
type RetryInfo struct {
	// Op is what the call does, as error messages say it: "chat completion
	// from provider groq", "text-to-image from http://127.0.0.1:8080", ...
	Op string
	// Provider is the provider's name, "auto" for the router, "" for a URL
	// endpoint or the Hub.
	Provider string
	// StatusCode is the HTTP status that caused the retry, 0 for a
	// connection failure.
	StatusCode int
	// Err is the error of the failed attempt: an *HTTPError, or the
	// connection error.
	Err error
	// Wait is how long the client will wait before the next attempt: the
	// server's Retry-After, or the backoff delay.
	Wait time.Duration
	// Attempt is the number of the attempt about to be made, 2 for the
	// first retry.
	Attempt int
	// MaxAttempts is 1 + the retries allowed ([WithMaxRetries]).
	MaxAttempts int
}

// send performs r with retries on 408, 429, 5xx and connection failures
// before any response. On success it returns the response and a cancel func that
// ends the attempt's timeouts; the caller closes the body and calls cancel.
// A non-2xx response is returned as an *HTTPError.
func (c *Client) send(ctx context.Context, r *request) (*http.Response, context.CancelFunc, error) {
	for attempt := 1; ; attempt++ {
		resp, cancel, err := c.sendOnce(ctx, r)
		if err == nil && resp.StatusCode/100 == 2 {
			return resp, cancel, nil
		}
		info := RetryInfo{Op: r.op, Provider: r.provider, Attempt: attempt + 1, MaxAttempts: c.retry.max + 1}
		if err == nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
			resp.Body.Close()
			cancel()
			err = newHTTPError(resp, body)
			info.StatusCode = resp.StatusCode
			info.Wait = retryAfter(resp.Header.Get("Retry-After"))
			if !retryableStatus(resp.StatusCode) {
				return nil, nil, err
			}
			if info.Wait > maxRetryAfter {
				return nil, nil, fmt.Errorf("%w (the server asked to retry after %.0fs, more than the %.0fs the client waits)",
					err, info.Wait.Seconds(), maxRetryAfter.Seconds())
			}
		} else {
			retryable := retryableTransport(ctx, err)
			err = classifyErr(ctx, r.op, err)
			if !retryable {
				return nil, nil, err
			}
		}
		if attempt > c.retry.max || r.noRetry {
			return nil, nil, err
		}
		if info.Wait == 0 {
			info.Wait = c.retry.backoff(attempt - 1)
		}
		info.Err = err
		c.log.Warn("retrying request", "op", r.op, "attempt", attempt, "wait", info.Wait, "error", err)
		if c.retryHook != nil {
			c.retryHook(info)
		}
		if err := sleep(ctx, info.Wait); err != nil {
			return nil, nil, classifyErr(ctx, r.op, err)
		}
	}
}

// sendOnce makes one attempt. The returned cancel func ends the attempt's
// context and its timers.
func (c *Client) sendOnce(ctx context.Context, r *request) (*http.Response, context.CancelFunc, error) {
	var actx context.Context
	var cancel context.CancelFunc
	var wd *watchdog
	switch {
	case c.idleTimeout > 0:
		actx, wd = startWatchdog(ctx, c.timeout, c.idleTimeout, r)
		cancel = wd.stop
	case c.timeout > 0:
		actx, cancel = context.WithTimeout(ctx, c.timeout)
	default:
		actx, cancel = context.WithCancel(ctx)
	}
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(actx, r.method, r.url, body)
	if err != nil {
		cancel()
		return nil, nil, err
	}
	req.Header = r.header.Clone()
	for _, ck := range c.cookies {
		req.AddCookie(ck)
	}
	if wd != nil {
		wd.watchUpload(req)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		cancel()
		if wd != nil && wd.fired.Load() {
			return nil, nil, wd.err()
		}
		return nil, nil, err
	}
	if wd != nil {
		wd.kick()
		resp.Body = &watchedBody{ReadCloser: resp.Body, w: wd}
	}
	decodeBody(resp)
	return resp, cancel, nil
}

// retryableStatus reports the statuses a request is retried on: 408 (the
// server gave up waiting for the request, so it did nothing with it), 429
// and 5xx. The OpenAI SDKs also retry 409, which on their API means a lock
// timeout; elsewhere a conflict is no transient failure, so it is not.
func retryableStatus(code int) bool {
	return code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500
}

// retryableTransport reports whether err is a connection failure that
// happened before any response: refused, reset, or closed by the server.
// Timeouts and cancellations are not retried.
func retryableTransport(ctx context.Context, err error) bool {
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return false
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.EPIPE)
}

// retryAfterCap is the largest wait retryAfter returns. Anything above
// maxRetryAfter is refused anyway; the cap keeps a huge value from
// overflowing a Duration into a negative one.
const retryAfterCap = 24 * time.Hour

// retryAfter parses a Retry-After header in seconds (a fraction is
// accepted) or as an HTTP date. It returns 0 when absent or unreadable and
// never more than retryAfterCap.
func retryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		// NaN fails both comparisons; Inf, 1e300 and 1e400 (out of
		// range: +Inf) are capped before the conversion, whose overflow
		// Go leaves undefined.
		if !(s >= 0) {
			return 0
		}
		if s >= retryAfterCap.Seconds() {
			return retryAfterCap
		}
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return min(d, retryAfterCap)
		}
	}
	return 0
}

// backoff returns a random delay in [d/2, d] for d = min(cap, base*2^attempt),
// so that clients that failed together do not retry together.
func (p retryPolicy) backoff(attempt int) time.Duration {
	d := p.base << min(attempt, 30)
	if d <= 0 || d > p.cap {
		d = p.cap
	}
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(d-half)+1))
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
