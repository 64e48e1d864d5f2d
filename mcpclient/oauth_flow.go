package mcpclient

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/client/transport"

	"github.com/tiny-agents-go/tiny-agents/internal/urlredact"
)

// clientName is the name this client registers under.
const clientName = "tiny-agents"

// Grant types this client sends (RFC 8693 §2.1, RFC 7523 §2.1) and the
// token types of cross-app access.
const (
	grantTokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange"
	grantJWTBearerURN  = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	tokenTypeIDJAG     = "urn:ietf:params:oauth:token-type:id-jag"
	tokenTypeIDToken   = "urn:ietf:params:oauth:token-type:id_token"
)

// signIn gets a new token for a challenge: it discovers the authorization
// server and runs the grant the configuration calls for. Held: a.sem.
func (a *authenticator) signIn(ctx context.Context, ch *challenge, had *Token) (*Token, error) {
	d := a.disc
	if d == nil || ch.resourceMetadata != "" && ch.resourceMetadata != d.prmURL {
		var err error
		if d, err = a.discover(ctx, ch); err != nil {
			return nil, err
		}
		a.disc = d
	}
	var hadScopes []string
	if had != nil {
		hadScopes = strings.Fields(had.Scope)
	}
	grant := a.grantType(&d.as)
	scopes := chooseScopes(ch, hadScopes, a.cfg.Scopes, d.scopesSupported, d.as.ScopesSupported, grant == GrantAuthorizationCode)
	switch grant {
	case GrantClientCredentials:
		return a.clientCredentials(ctx, d, scopes)
	case GrantJWTBearer:
		return a.crossApp(ctx, d, scopes)
	}
	return a.authorizationCode(ctx, d, ch, scopes)
}

// grantType is the configured grant, or the one the configuration and the
// authorization server's metadata call for.
func (a *authenticator) grantType(as *asMetadata) string {
	c := &a.cfg
	switch {
	case c.GrantType != "":
		return c.GrantType
	case c.IDToken != "":
		return GrantJWTBearer
	case c.ClientID != "" && (c.ClientSecret != "" || a.signer != nil) && len(as.GrantTypesSupported) > 0 &&
		!slices.Contains(as.GrantTypesSupported, GrantAuthorizationCode) &&
		slices.Contains(as.GrantTypesSupported, GrantClientCredentials):
		return GrantClientCredentials
	}
	return GrantAuthorizationCode
}

// chooseScopes picks the scopes to ask for (MCP's scope selection
// strategy): for a step-up, those of the token held and those the server
// now asks for; else the challenge's, else the configured ones, else the
// PRM's scopes_supported, else none. offline_access is added for a user's
// sign-in when the authorization server offers it, for a refresh token.
func chooseScopes(ch *challenge, had, configured, prmScopes, asScopes []string, interactive bool) []string {
	var s []string
	switch {
	case ch.stepUp():
		s = append(slices.Clone(had), ch.scope...)
	case len(ch.scope) > 0:
		s = slices.Clone(ch.scope)
	case len(configured) > 0:
		s = slices.Clone(configured)
	default:
		s = slices.Clone(prmScopes)
	}
	if interactive && slices.Contains(asScopes, "offline_access") {
		s = append(s, "offline_access")
	}
	var out []string
	for _, v := range s {
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// configClient is the client the configuration names.
func (a *authenticator) configClient(as *asMetadata) clientCreds {
	return clientCreds{id: a.cfg.ClientID, secret: a.cfg.ClientSecret, key: a.signer,
		method: tokenMethod(a.cfg.ClientSecret != "", a.signer != nil, as.TokenEndpointAuthMethodsSupported)}
}

// authorizationCode signs the user in through the Authorizer: the
// authorization code grant with PKCE (S256), state and the RFC 8707
// resource in both requests.
func (a *authenticator) authorizationCode(ctx context.Context, d *discovery, ch *challenge, scopes []string) (*Token, error) {
	if a.authz == nil {
		return nil, &AuthError{Op: "authorization", Scope: strings.Join(scopes, " "),
			Err: fmt.Errorf("%w: the server needs a sign-in and no Authorizer was given", ErrAuthorizationRequired)}
	}
	redirect, err := a.authz.RedirectURI(ctx)
	if err != nil {
		return nil, &AuthError{Op: "authorization", Err: fmt.Errorf("redirect URI: %w", err)}
	}
	if err := checkRedirectURI(redirect); err != nil {
		return nil, &AuthError{Op: "authorization", Err: err}
	}
	cl, err := a.clientFor(ctx, d, redirect, scopes)
	if err != nil {
		return nil, err
	}
	verifier, err := transport.GenerateCodeVerifier()
	if err != nil {
		return nil, err
	}
	state, err := transport.GenerateState()
	if err != nil {
		return nil, err
	}
	req := &AuthorizationRequest{Server: a.server, ServerURL: urlredact.URL(a.url.String()),
		URL: authorizationURL(d, cl.id, redirect, state, verifier, scopes), Scopes: scopes, Reason: a.reasonFor(ch)}
	a.log.Debug("asking the user to sign in", "reason", req.Reason)
	resume := pauseDeadlines(ctx)
	back, err := a.authz.Authorize(ctx, req)
	resume()
	if err != nil {
		return nil, &AuthError{Op: "authorization", Scope: strings.Join(scopes, " "), Err: err}
	}
	code, err := readCallback(back, redirect, state, d.as.Issuer)
	if err != nil {
		return nil, &AuthError{Op: "authorization", Err: err}
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}, "code_verifier": {verifier}}
	addScopeResource(form, nil, d.resource)
	tok, err := a.grant(ctx, d, form, cl, scopes)
	if err != nil {
		return nil, err
	}
	tok.RedirectURI = redirect
	return tok, nil
}

// grant asks the authorization server's token endpoint for a token with
// form, as client cl, and returns it; an *AuthError (Op "token") if the
// endpoint refuses or cannot be reached.
func (a *authenticator) grant(ctx context.Context, d *discovery, form url.Values, cl clientCreds, scopes []string) (*Token, error) {
	tr, err := a.postToken(ctx, d.as.TokenEndpoint, form, cl, d.as.Issuer)
	if err != nil {
		return nil, &AuthError{Op: "token", Err: err}
	}
	return a.tokenFrom(tr, scopes, cl, d), nil
}

// authorizationURL is the authorization request (RFC 6749 §4.1.1) with
// PKCE (RFC 7636), and the scope and resource parameters when there are
// any, added to the endpoint's own query.
func authorizationURL(d *discovery, clientID, redirect, state, verifier string, scopes []string) string {
	q := url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {redirect}, "state": {state},
		"code_challenge": {transport.GenerateCodeChallenge(verifier)}, "code_challenge_method": {"S256"}}
	addScopeResource(q, scopes, d.resource)
	u, _ := url.Parse(d.as.AuthorizationEndpoint) // checked by asMetadata.check
	for k, v := range u.Query() {
		if !q.Has(k) {
			q[k] = v
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// reasonFor says why the user is asked to sign in.
func (a *authenticator) reasonFor(ch *challenge) string {
	switch {
	case ch.stepUp():
		return fmt.Sprintf("the server needs more access (scope %q)", strings.Join(ch.scope, " "))
	case a.reason != "":
		return a.reason
	}
	return "the server requires sign-in"
}

// checkRedirectURI refuses a redirect URI the code must not go to: only
// http on a loopback address will do for a program on the user's machine.
func checkRedirectURI(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || !isLoopbackHost(u.Hostname()) || u.Fragment != "" {
		return fmt.Errorf("redirect URI %q is not an http URL on a loopback address; not signing in", urlredact.URL(raw))
	}
	return nil
}

// readCallback checks the URL the browser was sent back to and returns
// its code: it must be at the redirect URI, answer this sign-in (state)
// and come from this issuer, if it says (RFC 9207).
func readCallback(raw, redirect, state, issuer string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", errors.New("the Authorizer returned a URL that does not parse")
	}
	if u.Scheme != "" || u.Host != "" {
		r, _ := url.Parse(redirect)
		if !strings.EqualFold(u.Scheme, r.Scheme) || !strings.EqualFold(u.Host, r.Host) || u.Path != r.Path {
			return "", fmt.Errorf("the browser was sent to %s, not to the redirect URI %s", urlredact.URL(raw), urlredact.URL(redirect))
		}
	}
	q := u.Query()
	if e := q.Get("error"); e != "" {
		msg := "the authorization server refused: " + clip(e, 80)
		if d := q.Get("error_description"); d != "" {
			msg += ": " + clip(d, 300)
		}
		return "", errors.New(msg)
	}
	if q.Get("state") != state {
		return "", errors.New("state mismatch: the answer is not for this sign-in request")
	}
	if iss := q.Get("iss"); iss != "" && issuer != "" && strings.TrimSuffix(iss, "/") != strings.TrimSuffix(issuer, "/") {
		return "", fmt.Errorf("the answer comes from issuer %q, not %q", urlredact.URL(iss), urlredact.URL(issuer))
	}
	code := q.Get("code")
	if code == "" {
		return "", errors.New("the answer has no authorization code")
	}
	return code, nil
}

// clientFor is the client to sign in as: the configured one, a client ID
// metadata document where the authorization server takes them, the one
// registered before, or a new dynamic registration (RFC 7591).
func (a *authenticator) clientFor(ctx context.Context, d *discovery, redirect string, scopes []string) (clientCreds, error) {
	switch t := a.tok; {
	case a.cfg.ClientID != "":
		return a.configClient(&d.as), nil
	case d.as.ClientIDMetadataDocumentSupported && a.cfg.ClientMetadataURL != "":
		return clientCreds{id: a.cfg.ClientMetadataURL, method: authNone}, nil
	case t != nil && t.ClientID != "" && t.Issuer == d.as.Issuer && t.RedirectURI == redirect:
		return clientCreds{id: t.ClientID, secret: t.ClientSecret, method: t.AuthMethod, dynamic: true}, nil
	case d.as.RegistrationEndpoint == "":
		return clientCreds{}, &AuthError{Op: "registration",
			Err: errors.New("the authorization server has no registration endpoint: configure a client ID (auth.clientId)")}
	}
	method := authNone
	if m := d.as.TokenEndpointAuthMethodsSupported; len(m) > 0 && !slices.Contains(m, authNone) {
		method = tokenMethod(true, false, m)
	}
	reg := map[string]any{"client_name": clientName, "redirect_uris": []string{redirect},
		"grant_types": []string{GrantAuthorizationCode, "refresh_token"}, "response_types": []string{"code"},
		"token_endpoint_auth_method": method}
	if len(scopes) > 0 {
		reg["scope"] = strings.Join(scopes, " ")
	}
	var out struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
		Method       string `json:"token_endpoint_auth_method"`
	}
	if err := a.postJSON(ctx, d.as.RegistrationEndpoint, reg, &out); err != nil {
		return clientCreds{}, &AuthError{Op: "registration", Err: err}
	}
	if out.ClientID == "" {
		return clientCreds{}, &AuthError{Op: "registration", Err: errors.New("the registration answer has no client_id")}
	}
	if out.Method != "" {
		method = out.Method
	}
	a.log.Debug("registered as an OAuth client", "token_endpoint_auth_method", method)
	return clientCreds{id: out.ClientID, secret: out.ClientSecret, method: method, dynamic: true}, nil
}

// clientCredentials gets a token for the program itself (RFC 6749 §4.4).
func (a *authenticator) clientCredentials(ctx context.Context, d *discovery, scopes []string) (*Token, error) {
	form := url.Values{"grant_type": {GrantClientCredentials}}
	addScopeResource(form, scopes, d.resource)
	return a.grant(ctx, d, form, a.configClient(&d.as), scopes)
}

// crossApp is cross-app access (MCP's enterprise-managed authorization):
// the ID token is exchanged at the identity provider for an identity
// assertion for this authorization server and resource (RFC 8693), which
// the authorization server takes as a JWT bearer grant (RFC 7523).
func (a *authenticator) crossApp(ctx context.Context, d *discovery, scopes []string) (*Token, error) {
	c := &a.cfg
	if u, err := url.Parse(c.IDPTokenURL); err != nil || u.Scheme != "https" && (u.Scheme != "http" || !isLoopbackHost(u.Hostname())) {
		return nil, &AuthError{Op: "token exchange", Err: fmt.Errorf("idpTokenUrl %q is not https", urlredact.URL(c.IDPTokenURL))}
	}
	resource := d.resource
	if resource == "" {
		resource = canonicalResource(a.url)
	}
	form := url.Values{"grant_type": {grantTokenExchange}, "requested_token_type": {tokenTypeIDJAG},
		"subject_token": {c.IDToken}, "subject_token_type": {tokenTypeIDToken}, "audience": {d.as.Issuer}}
	addScopeResource(form, scopes, resource)
	idp := clientCreds{id: c.IDPClientID, secret: c.IDPClientSecret, method: tokenMethod(c.IDPClientSecret != "", false, nil)}
	jag, err := a.postToken(ctx, c.IDPTokenURL, form, idp, "")
	if err != nil {
		return nil, &AuthError{Op: "token exchange", Err: err}
	}
	if jag.IssuedTokenType != "" && jag.IssuedTokenType != tokenTypeIDJAG {
		return nil, &AuthError{Op: "token exchange", Err: fmt.Errorf("the identity provider issued a %q, not an ID-JAG", clip(jag.IssuedTokenType, 80))}
	}
	form = url.Values{"grant_type": {grantJWTBearerURN}, "assertion": {jag.AccessToken}}
	addScopeResource(form, scopes, d.resource)
	return a.grant(ctx, d, form, a.configClient(&d.as), scopes)
}

func addScopeResource(form url.Values, scopes []string, resource string) {
	if len(scopes) > 0 {
		form.Set("scope", strings.Join(scopes, " "))
	}
	if resource != "" {
		form.Set("resource", resource)
	}
}

// tokenFrom is the token to keep from a token endpoint's answer.
func (a *authenticator) tokenFrom(tr *tokenResponse, scopes []string, cl clientCreds, d *discovery) *Token {
	tok := &Token{AccessToken: tr.AccessToken, TokenType: tr.TokenType, RefreshToken: tr.RefreshToken,
		Expiry: tr.expiry(time.Now()), Scope: tr.Scope, ClientID: cl.id, AuthMethod: cl.method,
		Issuer: d.as.Issuer, TokenURL: d.as.TokenEndpoint, Resource: d.resource}
	if tok.Scope == "" {
		tok.Scope = strings.Join(scopes, " ")
	}
	if cl.dynamic {
		tok.ClientSecret = cl.secret
	}
	return tok
}

// refresh renews old with its refresh token (RFC 6749 §6), as the client
// it was issued to. Held: a.sem.
func (a *authenticator) refresh(ctx context.Context, old *Token) (*Token, error) {
	cl := clientCreds{id: old.ClientID, secret: old.ClientSecret, method: old.AuthMethod, dynamic: old.ClientSecret != ""}
	if a.cfg.ClientID != "" && a.cfg.ClientID == old.ClientID {
		cl.secret, cl.key, cl.dynamic = a.cfg.ClientSecret, a.signer, false
	}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {old.RefreshToken}}
	if old.Resource != "" {
		form.Set("resource", old.Resource)
	}
	tr, err := a.postToken(ctx, old.TokenURL, form, cl, old.Issuer)
	if err != nil {
		return nil, err
	}
	tok := *old
	tok.AccessToken, tok.TokenType, tok.Expiry = tr.AccessToken, tr.TokenType, tr.expiry(time.Now())
	if tr.RefreshToken != "" {
		tok.RefreshToken = tr.RefreshToken
	}
	if tr.Scope != "" {
		tok.Scope = tr.Scope
	}
	a.log.Debug("access token refreshed")
	return &tok, nil
}
