package inference

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrJobFailed matches the failure of an asynchronous provider's job: the
// provider reported it failed, was cancelled, or ended without a result.
var ErrJobFailed = errors.New("inference: job failed")

// jobState is what one poll of an asynchronous job says.
type jobState int

const (
	jobPending jobState = iota // not finished: poll again
	jobDone                    // finished: the poll's answer is the result
)

// poll GETs url every poll interval until check reports the job done, and
// returns that answer. check returns an error wrapping [ErrJobFailed] for
// a failed job; the context's end stops the wait with an error naming the
// task and the job URL.
func (tc *taskCall) poll(ctx context.Context, url string, check func(*rawResponse) (jobState, error)) (*rawResponse, error) {
	t := time.NewTimer(0)
	defer t.Stop()
	for first := true; ; first = false {
		if !first {
			t.Reset(tc.c.pollEvery)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("inference: %s: waiting for job %s: %w", tc.describe(), redactURL(url), classifyErr(ctx, "polling "+redactURL(url), ctx.Err()))
		case <-t.C:
		}
		r, err := tc.get(ctx, url)
		if err != nil {
			return nil, err
		}
		state, err := check(r)
		if err != nil {
			return nil, fmt.Errorf("inference: %s: %w", tc.describe(), err)
		}
		if state == jobDone {
			return r, nil
		}
	}
}

// download fetches a result URL the provider returned. It goes without
// the client's credentials, which are not the result host's business.
func (tc *taskCall) download(ctx context.Context, url string) (*rawResponse, error) {
	req := &request{method: "GET", url: url, header: map[string][]string{"User-Agent": {tc.c.userAgent}}, op: tc.describe() + ": downloading the result"}
	r, err := tc.c.roundTrip(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("inference: %s: downloading %s: %w", tc.describe(), redactURL(url), err)
	}
	return r, nil
}
