package inference

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/tiny-agents-go/tiny-agents/internal/urlredact"
)

// This file holds what the asynchronous providers share: polling a job,
// rebuilding the job URL a provider returns, reporting a failed job, and
// fetching a result.

// ErrJobFailed matches the failure of an asynchronous provider's job: the
// provider reported it failed, was cancelled, or ended without a result.
var ErrJobFailed = errors.New("inference: job failed")

// jobState is what one poll of an asynchronous job says.
type jobState int

const (
	jobPending jobState = iota // not finished: poll again
	jobDone                    // finished: the poll's answer is the result
)

// poll GETs url with the call's credentials every poll interval until
// check reports the job done, and returns that answer. check returns an
// error wrapping [ErrJobFailed] for a failed job; the context's end stops
// the wait with an error naming the task and the job URL.
func (tc *taskCall) poll(ctx context.Context, url string, check func(*rawResponse) (jobState, error)) (*rawResponse, error) {
	return tc.pollWith(ctx, url, tc.get, check)
}

// pollWith is poll with the GET of each poll given: tc.get, or
// tc.fetchPublic for a job URL on a host that must not see the
// credentials.
func (tc *taskCall) pollWith(ctx context.Context, url string, get func(context.Context, string) (*rawResponse, error),
	check func(*rawResponse) (jobState, error)) (*rawResponse, error) {
	t := time.NewTimer(0)
	defer t.Stop()
	for first := true; ; first = false {
		if !first {
			t.Reset(tc.c.pollEvery)
		}
		select {
		case <-ctx.Done():
			return nil, classifyErr(ctx, tc.describe()+": waiting for job "+urlredact.URL(url), ctx.Err())
		case <-t.C:
		}
		r, err := get(ctx, url)
		if err != nil {
			// The GET was retried already; the job, acknowledged, is
			// never submitted again.
			return nil, withOp(tc.describe()+": polling job "+urlredact.URL(url), err)
		}
		state, err := check(r)
		var re *ResponseError
		switch {
		case errors.As(err, &re):
			return nil, err // it names the task and the provider already
		case err != nil:
			return nil, &opError{op: tc.describe(), err: err}
		}
		if state == jobDone {
			return r, nil
		}
	}
}

// fetchPublic GETs url without the client's credentials, which are not
// the business of a host a provider named.
func (tc *taskCall) fetchPublic(ctx context.Context, url string) (*rawResponse, error) {
	return tc.c.roundTrip(ctx, tc.publicRequest(url, tc.mediaAnswer))
}

func (tc *taskCall) publicRequest(url string, media bool) *request {
	return &request{method: "GET", url: url, header: map[string][]string{"User-Agent": {tc.c.userAgent}},
		op: tc.describe() + ": fetching " + urlredact.URL(url), provider: tc.target.provider, media: media}
}

// download fetches a result URL the provider returned, without
// credentials, under the media limit: a result file may be a video.
func (tc *taskCall) download(ctx context.Context, url string) (*rawResponse, error) {
	r, err := tc.c.roundTrip(ctx, tc.publicRequest(url, true))
	if err != nil {
		return nil, withOp(tc.describe()+": downloading the result", err)
	}
	return r, nil
}

// fetchResult returns the content of a result link a provider returned:
// decoded in place for a data URL, downloaded (without credentials) for an
// http(s) one; anything else is an unexpected answer.
func (tc *taskCall) fetchResult(ctx context.Context, link string) (*rawResponse, error) {
	if strings.HasPrefix(link, "data:") {
		var d mediaData
		if err := d.fromDataURL(link); err != nil {
			return nil, &ResponseError{Task: tc.task, Provider: tc.target.name(), Body: truncate([]byte(link), 200), Err: err}
		}
		if d.contentType == "" {
			d.contentType = sniff(d.data)
		}
		return &rawResponse{data: d.data, contentType: d.contentType}, nil
	}
	if !isURL(link) {
		return nil, tc.unexpected(&rawResponse{data: []byte(link)}, "result is not an http(s) or data URL")
	}
	return tc.download(ctx, link)
}

// jobURL rebuilds a job URL a provider returned on the base the call was
// sent to: the provider's prefix on the router for a routed call, the
// scheme and host of the call's URL for a direct one. Only the path of the
// returned URL is kept, so that credentials never go to another host.
func (tc *taskCall) jobURL(returned string) (string, error) {
	u, err := url.Parse(returned)
	if err != nil || u.Path == "" {
		return "", fmt.Errorf("job URL %q has no path", urlredact.URL(returned))
	}
	base := tc.target.base
	if tc.target.direct {
		t, err := url.Parse(tc.target.url)
		if err != nil {
			return "", fmt.Errorf("call URL %q does not parse", urlredact.URL(tc.target.url))
		}
		base = t.Scheme + "://" + t.Host
	}
	return strings.TrimRight(base, "/") + u.EscapedPath(), nil
}

// jobFailed is the error of a job the provider reports failed.
func jobFailed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrJobFailed, fmt.Sprintf(format, args...))
}

// jobStatusFailed is jobFailed naming the job's status and the provider's
// message.
func jobStatusFailed(status, message string) error {
	if message == "" {
		message = "no reason given"
	}
	return jobFailed("status %s: %s", status, message)
}
