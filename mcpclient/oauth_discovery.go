package mcpclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tiny-agents-go/tiny-agents/internal/urlredact"
)

// maxMetadataBytes caps a metadata document or a token endpoint answer.
const maxMetadataBytes = 1 << 20

// discovery is what the client learnt of a server's authorization.
type discovery struct {
	prmURL          string   // where the protected resource metadata was, "" if nowhere
	resource        string   // the RFC 8707 resource to ask tokens for, "" without PRM
	scopesSupported []string // the PRM's
	as              asMetadata
}

// prmDocument is protected resource metadata (RFC 9728 §2).
type prmDocument struct {
	Resource             string   `json:"resource"`
	AuthorizationServers []string `json:"authorization_servers"`
	ScopesSupported      []string `json:"scopes_supported"`
}

// asMetadata is authorization server metadata (RFC 8414 §2, OpenID
// Connect Discovery), the fields this client uses.
type asMetadata struct {
	Issuer                            string   `json:"issuer"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	TokenEndpoint                     string   `json:"token_endpoint"`
	RegistrationEndpoint              string   `json:"registration_endpoint"`
	ScopesSupported                   []string `json:"scopes_supported"`
	GrantTypesSupported               []string `json:"grant_types_supported"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
	CodeChallengeMethodsSupported     []string `json:"code_challenge_methods_supported"`
	ClientIDMetadataDocumentSupported bool     `json:"client_id_metadata_document_supported"`
}

// discover finds the server's protected resource metadata and its
// authorization server's metadata. The PRM comes from the challenge's
// resource_metadata, else the path-based well-known URL, else the root
// one; its resource must be the server's. Without PRM the server is taken
// for a 2025-03-26 one, whose authorization server sits at its origin.
func (a *authenticator) discover(ctx context.Context, ch *challenge) (*discovery, error) {
	prm, prmURL, err := a.findPRM(ctx, ch)
	if err != nil {
		return nil, err
	}
	d := &discovery{prmURL: prmURL}
	issuer, named := (&url.URL{Scheme: a.url.Scheme, Host: a.url.Host}).String(), false
	if prm != nil {
		if d.resource, err = a.resourceOf(prm); err != nil {
			return nil, err
		}
		d.scopesSupported = prm.ScopesSupported
		if len(prm.AuthorizationServers) > 0 {
			issuer, named = prm.AuthorizationServers[0], true
		}
	}
	as, err := a.findAS(ctx, issuer, named)
	if err != nil {
		return nil, err
	}
	d.as = *as
	return d, nil
}

// findPRM returns the protected resource metadata and where it was, nil
// if the server has none.
func (a *authenticator) findPRM(ctx context.Context, ch *challenge) (*prmDocument, string, error) {
	var candidates []string
	if ch != nil && ch.resourceMetadata != "" {
		candidates = append(candidates, ch.resourceMetadata)
	}
	root := url.URL{Scheme: a.url.Scheme, Host: a.url.Host, Path: "/.well-known/oauth-protected-resource"}
	if p := strings.TrimSuffix(a.url.EscapedPath(), "/"); p != "" {
		candidates = append(candidates, root.String()+p)
	}
	candidates = append(candidates, root.String())
	for _, u := range candidates {
		var prm prmDocument
		found, err := a.getJSON(ctx, u, &prm)
		if err != nil {
			return nil, "", &AuthError{Op: "discovery", Err: err}
		}
		if found {
			return &prm, u, nil
		}
	}
	return nil, "", nil
}

// resourceOf returns the resource the PRM names, once it is checked to be
// the server (RFC 9728 §3.3): same scheme and host, and a path that is the
// server's or a parent of it, so that a server may name its origin. A PRM
// without one names the server's URL.
func (a *authenticator) resourceOf(prm *prmDocument) (string, error) {
	if prm.Resource == "" {
		return canonicalResource(a.url), nil
	}
	r, err := url.Parse(prm.Resource)
	if err == nil && r.IsAbs() && strings.EqualFold(r.Scheme, a.url.Scheme) && strings.EqualFold(r.Host, a.url.Host) {
		rp := strings.TrimSuffix(r.EscapedPath(), "/")
		sp := strings.TrimSuffix(a.url.EscapedPath(), "/")
		if rp == sp || strings.HasPrefix(sp, rp+"/") {
			return canonicalResource(r), nil
		}
	}
	return "", &AuthError{Op: "discovery", Err: fmt.Errorf("resource mismatch: the server's protected resource metadata is for %q, not %q; not signing in",
		urlredact.URL(prm.Resource), urlredact.URL(a.url.String()))}
}

// canonicalResource is u without fragment, as RFC 8707 wants.
func canonicalResource(u *url.URL) string {
	c := *u
	c.Fragment, c.RawFragment = "", ""
	return c.String()
}

// findAS fetches the metadata of the authorization server issuer: RFC
// 8414 with the well-known segment inserted before the issuer's path, then
// OpenID Connect discovery both ways; without any, the default endpoints
// /authorize, /token and /register at the issuer's origin. named says the
// issuer came from PRM, whose metadata must then declare that issuer.
func (a *authenticator) findAS(ctx context.Context, issuer string, named bool) (*asMetadata, error) {
	u, err := url.Parse(issuer)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, &AuthError{Op: "discovery", Err: fmt.Errorf("authorization server %q is not an absolute URL", urlredact.URL(issuer))}
	}
	origin := u.Scheme + "://" + u.Host
	p := strings.Trim(u.EscapedPath(), "/")
	candidates := []string{origin + "/.well-known/oauth-authorization-server", origin + "/.well-known/openid-configuration"}
	if p != "" {
		candidates = []string{origin + "/.well-known/oauth-authorization-server/" + p,
			origin + "/.well-known/openid-configuration/" + p, origin + "/" + p + "/.well-known/openid-configuration"}
	}
	for _, c := range candidates {
		var m asMetadata
		found, err := a.getJSON(ctx, c, &m)
		if err != nil {
			return nil, &AuthError{Op: "discovery", Err: err}
		}
		if !found {
			continue
		}
		if named && strings.TrimSuffix(m.Issuer, "/") != strings.TrimSuffix(issuer, "/") {
			return nil, &AuthError{Op: "discovery", Err: fmt.Errorf("the metadata at %s is for issuer %q, not %q",
				urlredact.URL(c), urlredact.URL(m.Issuer), urlredact.URL(issuer))}
		}
		if m.Issuer == "" {
			m.Issuer = issuer
		}
		if err := m.check(); err != nil {
			return nil, &AuthError{Op: "discovery", Err: err}
		}
		return &m, nil
	}
	m := &asMetadata{Issuer: issuer, AuthorizationEndpoint: origin + "/authorize",
		TokenEndpoint: origin + "/token", RegistrationEndpoint: origin + "/register"}
	if err := m.check(); err != nil {
		return nil, &AuthError{Op: "discovery", Err: err}
	}
	return m, nil
}

// check refuses endpoints a token or a code must not go to: not http(s),
// or plain http to a host that is not a loopback one.
func (m *asMetadata) check() error {
	for _, e := range []struct{ name, value string }{{"authorization_endpoint", m.AuthorizationEndpoint},
		{"token_endpoint", m.TokenEndpoint}, {"registration_endpoint", m.RegistrationEndpoint}} {
		if e.value == "" {
			if e.name == "token_endpoint" {
				return errors.New("the authorization server's metadata has no token_endpoint")
			}
			continue
		}
		u, err := url.Parse(e.value)
		if err != nil || u.Host == "" || u.Scheme != "https" && (u.Scheme != "http" || !isLoopbackHost(u.Hostname())) {
			return fmt.Errorf("the authorization server's %s %q is not https", e.name, urlredact.URL(e.value))
		}
	}
	if len(m.CodeChallengeMethodsSupported) > 0 && !slices.Contains(m.CodeChallengeMethodsSupported, "S256") {
		return errors.New("the authorization server does not support PKCE with S256")
	}
	return nil
}

// isLoopbackHost reports whether host is localhost or a loopback address.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// getJSON fetches a metadata document into v. It reports false, with no
// error, when the server answers anything but 200: the document is not
// there.
func (a *authenticator) getJSON(ctx context.Context, u string, v any) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return false, fmt.Errorf("metadata URL %q: %w", urlredact.URL(u), err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("MCP-Protocol-Version", mcp.LATEST_LEGACY_PROTOCOL_VERSION)
	resp, err := a.hc.Do(req)
	if err != nil {
		return false, fmt.Errorf("fetching %s: %w", urlredact.URL(u), unwrapURLError(err))
	}
	defer discard(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return false, nil
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxMetadataBytes)).Decode(v); err != nil {
		return false, fmt.Errorf("metadata at %s: %w", urlredact.URL(u), err)
	}
	a.log.Debug(fmt.Sprintf("found OAuth metadata at %s", urlredact.URL(u)))
	return true, nil
}

// unwrapURLError drops the *url.Error around err, whose URL may carry a
// query.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err
	}
	return err
}
