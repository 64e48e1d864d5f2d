package mcpclient

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tiny-agents-go/tiny-agents/inference"

	"github.com/tiny-agents-go/tiny-agents/internal/urlredact"
)

// maxAuthorizations bounds the sign-ins one request may cause: a server
// that still refuses after that many will not be satisfied by another.
const maxAuthorizations = 3

// An http or sse server's requests go through an authTransport, an
// http.RoundTripper: it sends the token held, if any; on a 401 challenge,
// or a 403 insufficient_scope one, it gets a new token (refreshing, or
// signing in again for the scopes the server asks for) and sends the
// request again. mcp-go's transports never see the challenge, so step-up
// and refresh work the same for every request, the standalone GET stream
// included, and mcp-go's own OAuth handler is not used.

// authenticator holds the OAuth state of one server.
type authenticator struct {
	server string   // display name
	url    *url.URL // the server's URL
	key    string   // its TokenStore key
	cfg    AuthConfig
	signer *ecdsa.PrivateKey // from cfg.PrivateKeyPEM
	authz  Authorizer
	store  TokenStore
	hc     *http.Client // for metadata, registration and token requests
	log    *slog.Logger // the server's transport log, at debug level
	warn   *slog.Logger // the Client's log, for warnings

	// sem is held while the token is read or changed, and for a whole
	// sign-in: requests that need a new token wait for the one under way.
	sem chan struct{}
	// Guarded by sem:
	loaded bool
	tok    *Token // nil, or one without an AccessToken once dropped
	disc   *discovery
	reason string           // why the next sign-in happens, if not the obvious
	failed map[string]error // sign-ins that failed for a challenge, while tok stays
}

// newAuthenticator returns the authenticator of server cfg, nil when OAuth
// is off for it: an explicit auth mode none, or an Authorization header of
// its own.
func (c *Client) newAuthenticator(cfg ServerConfig, name string) (*authenticator, error) {
	if !cfg.UsesOAuth() {
		return nil, nil
	}
	var ac AuthConfig
	if cfg.Auth != nil {
		ac = *cfg.Auth
	}
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return nil, err
	}
	key, err := TokenKey(cfg.URL)
	if err != nil {
		return nil, err
	}
	a := &authenticator{server: name, url: u, key: key, cfg: ac, authz: c.authorizer, store: c.tokens,
		log: c.transportLogger(name), warn: c.log, sem: make(chan struct{}, 1), failed: map[string]error{},
		hc: &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // a token request is not to be sent elsewhere
		}}}
	if ac.PrivateKeyPEM != "" {
		if a.signer, err = parseECKey(ac.PrivateKeyPEM); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// lock takes a.sem, unless ctx ends first.
func (a *authenticator) lock(ctx context.Context) error {
	select {
	case a.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (a *authenticator) unlock() { <-a.sem }

// usable is the token to send, nil if none.
func (a *authenticator) usable() *Token {
	if a.tok == nil || a.tok.AccessToken == "" {
		return nil
	}
	return a.tok
}

// current returns the token to send, loading it from the store the first
// time and refreshing it, without asking the user, once it has expired.
// It returns nil when there is none: the request goes without one, and
// the server's challenge says what to do.
func (a *authenticator) current(ctx context.Context) (*Token, error) {
	if err := a.lock(ctx); err != nil {
		return nil, err
	}
	defer a.unlock()
	if !a.loaded {
		tok, err := a.store.Load(ctx, a.key)
		if err != nil {
			return nil, &AuthError{Op: "token", Err: fmt.Errorf("loading the saved token: %w", err)}
		}
		a.tok, a.loaded = tok, true
	}
	if t := a.usable(); t != nil && t.expired(time.Now()) {
		if err := a.renew(ctx, t, "the saved sign-in has expired"); err != nil {
			return nil, err
		}
	}
	return a.usable(), nil
}

// renew replaces t, which expired or which the server no longer takes:
// with a refreshed token if it has a refresh token; otherwise, or if the
// refresh is refused, it is dropped, keeping the client it was issued to,
// and the reason is kept for the sign-in to come. It fails only when ctx
// ends.
func (a *authenticator) renew(ctx context.Context, t *Token, why string) error {
	if t.RefreshToken != "" && t.TokenURL != "" {
		tok, err := a.refresh(ctx, t)
		if err == nil {
			a.set(ctx, tok)
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		a.log.Debug("token refresh refused", "err", err)
		why = "the saved sign-in could not be renewed (refresh refused: " + err.Error() + ")"
	}
	a.drop(ctx, t, why)
	return nil
}

// drop forgets t's tokens, keeping the client they were issued to, and
// says why the next sign-in happens.
func (a *authenticator) drop(ctx context.Context, t *Token, why string) {
	dropped := *t
	dropped.AccessToken, dropped.RefreshToken, dropped.Expiry = "", "", time.Time{}
	a.set(ctx, &dropped)
	a.reason = why
}

// set makes tok the token, and saves it. A store that fails to save is
// logged: the session goes on with the token.
func (a *authenticator) set(ctx context.Context, tok *Token) {
	a.tok = tok
	clear(a.failed)
	if tok.AccessToken != "" {
		a.reason = ""
	}
	if err := a.store.Save(ctx, a.key, tok); err != nil {
		a.warn.Warn(fmt.Sprintf("server %q: could not save its OAuth token: %s", a.server, cleanText(err)), "server", a.server)
	}
}

// onChallenge returns the token to send again after the server answered
// ch to a request sent with sent (nil for none): the token another
// request got meanwhile, a refreshed one (on a request's first 401 only),
// or a new sign-in's.
func (a *authenticator) onChallenge(ctx context.Context, ch *challenge, sent *Token, first bool) (*Token, error) {
	if err := a.lock(ctx); err != nil {
		return nil, err
	}
	defer a.unlock()
	if t := a.usable(); t != nil && t != sent {
		return t, nil
	}
	key := fmt.Sprint(ch.status, " ", ch.err, " ", ch.scope)
	if err := a.failed[key]; err != nil {
		return nil, err
	}
	switch {
	case sent == nil || ch.stepUp():
	case first:
		if err := a.renew(ctx, sent, "the server no longer accepts the saved sign-in"); err != nil {
			return nil, err
		}
		if t := a.usable(); t != nil {
			return t, nil
		}
	default:
		a.drop(ctx, sent, "the server refused the new token")
	}
	tok, err := a.signIn(ctx, ch, sent)
	if err != nil {
		if ctx.Err() == nil {
			a.failed[key] = err
		}
		return nil, err
	}
	a.set(ctx, tok)
	a.log.Debug("signed in", "scope", tok.Scope)
	return tok, nil
}

// gaveUp is the error of a request the server still refuses after
// maxAuthorizations sign-ins.
func gaveUp(ch *challenge) error {
	scope := strings.Join(ch.scope, " ")
	if ch.stepUp() {
		return &AuthError{Op: "step-up", Scope: scope, Err: fmt.Errorf(
			"the server still answers insufficient_scope for scope %q after %d authorizations; giving up", scope, maxAuthorizations)}
	}
	return &AuthError{Op: "authorization", Scope: scope, Err: fmt.Errorf(
		"the server still refuses the token (%d) after %d authorizations; giving up", ch.status, maxAuthorizations)}
}

// authTransport adds the server's token to requests and answers its
// challenges; see authenticator. A request to another origin than the
// server's, where a redirect leads, goes out as it is: without the token,
// and its challenges are not answered.
type authTransport struct {
	base http.RoundTripper
	a    *authenticator
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if urlredact.Origin(req.URL) != urlredact.Origin(t.a.url) {
		return t.base.RoundTrip(req)
	}
	ctx := req.Context()
	tok, err := t.a.current(ctx)
	if err != nil {
		closeBody(req)
		return nil, err
	}
	// A DELETE ends a session: no sign-in for that. A body that cannot be
	// sent again cannot be retried.
	retry := (req.Method == http.MethodGet || req.Method == http.MethodPost) &&
		(req.Body == nil || req.Body == http.NoBody || req.GetBody != nil)
	for n := 0; ; n++ {
		r := req.Clone(ctx)
		if n > 0 && r.Body != nil && r.Body != http.NoBody {
			if r.Body, err = req.GetBody(); err != nil {
				return nil, err
			}
		}
		if tok != nil {
			r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		}
		resp, err := t.base.RoundTrip(r)
		if err != nil || !retry {
			return resp, err
		}
		ch, ok := challengeOf(resp)
		if !ok {
			return resp, nil
		}
		discard(resp.Body)
		if n == maxAuthorizations {
			return nil, gaveUp(ch)
		}
		if tok, err = t.a.onChallenge(ctx, ch, tok, n == 0); err != nil {
			return nil, err
		}
	}
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

// oauthClient returns the HTTP client of an sse or http server: base, and
// the server's OAuth unless it is off. It follows redirects with
// inference.CheckRedirect: a redirect to another origin takes none of the
// server's headers but a few harmless ones. It returns an error when the
// server's auth settings or URL are not usable.
func (c *Client) oauthClient(cfg ServerConfig, name string, base http.RoundTripper) (*http.Client, error) {
	a, err := c.newAuthenticator(cfg, name)
	if err != nil {
		return nil, err
	}
	hc := &http.Client{Transport: base, CheckRedirect: inference.CheckRedirect}
	if a != nil {
		hc.Transport = &authTransport{base: base, a: a}
	}
	return hc, nil
}
