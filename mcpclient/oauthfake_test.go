package mcpclient_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// The authorization server and the server it protects are
// mcptest.AuthServer and mcptest.ProtectedServer.

// userAgent is the tests' Authorizer: it plays the browser (a GET that
// does not follow the authorization server's redirect), and may tamper
// with where it was sent back to.
type userAgent struct {
	t        *testing.T
	redirect string         // default http://127.0.0.1:1/callback
	tamper   func(*url.URL) // changes the URL returned
	forbid   bool           // the user must not be asked

	mu   sync.Mutex
	reqs []mcpclient.AuthorizationRequest
}

func (ua *userAgent) RedirectURI(context.Context) (string, error) {
	if ua.redirect != "" {
		return ua.redirect, nil
	}
	return "http://127.0.0.1:1/callback", nil
}

func (ua *userAgent) Authorize(ctx context.Context, req *mcpclient.AuthorizationRequest) (string, error) {
	ua.mu.Lock()
	ua.reqs = append(ua.reqs, *req)
	ua.mu.Unlock()
	if ua.forbid {
		ua.t.Errorf("the user was asked to sign in: %s", req.Reason)
		return "", fmt.Errorf("no user here")
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodGet, req.URL, nil)
	if err != nil {
		return "", err
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Do(r)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	loc, err := resp.Location()
	if err != nil {
		return "", err
	}
	if ua.tamper != nil {
		ua.tamper(loc)
	}
	return loc.String(), nil
}

func (ua *userAgent) asked() []mcpclient.AuthorizationRequest {
	ua.mu.Lock()
	defer ua.mu.Unlock()
	return slices.Clone(ua.reqs)
}
