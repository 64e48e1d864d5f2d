package inference

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"
)

// request is one HTTP call, kept as bytes so that it can be re-sent.
type request struct {
	method string
	url    string
	header http.Header
	body   []byte
	op     string // what the call does, for error messages
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

// send performs r with retries on 429, 5xx and connection failures before
// any response. On success it returns the response and a cancel func that
// ends the attempt's timeout; the caller closes the body and calls cancel.
// A non-2xx response is returned as an *HTTPError.
func (c *Client) send(ctx context.Context, r *request) (*http.Response, context.CancelFunc, error) {
	for attempt := 0; ; attempt++ {
		resp, cancel, err := c.sendOnce(ctx, r)
		if err == nil && resp.StatusCode/100 == 2 {
			return resp, cancel, nil
		}
		var wait time.Duration
		if err == nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
			resp.Body.Close()
			cancel()
			err = newHTTPError(resp, body)
			wait = retryAfter(resp.Header.Get("Retry-After"))
			if !retryableStatus(resp.StatusCode) || wait > maxRetryAfter {
				return nil, nil, err
			}
		} else {
			retryable := retryableTransport(ctx, err)
			err = classifyErr(ctx, r.op, err)
			if !retryable {
				return nil, nil, err
			}
		}
		if attempt >= c.retry.max {
			return nil, nil, err
		}
		if wait == 0 {
			wait = c.retry.backoff(attempt)
		}
		c.log.Warn("retrying request", "op", r.op, "attempt", attempt+1, "wait", wait, "error", err)
		if err := sleep(ctx, wait); err != nil {
			return nil, nil, classifyErr(ctx, r.op, err)
		}
	}
}

func (c *Client) sendOnce(ctx context.Context, r *request) (*http.Response, context.CancelFunc, error) {
	var actx context.Context
	var cancel context.CancelFunc
	if c.timeout > 0 {
		actx, cancel = context.WithTimeout(ctx, c.timeout)
	} else {
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
	resp, err := c.http.Do(req)
	if err != nil {
		cancel()
		return nil, nil, err
	}
	return resp, cancel, nil
}

func retryableStatus(code int) bool {
	return code == http.StatusTooManyRequests || code >= 500
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

// retryAfter parses a Retry-After header in seconds or as an HTTP date; it
// returns 0 when absent or unreadable.
func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
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
