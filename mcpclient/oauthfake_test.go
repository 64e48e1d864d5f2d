package mcpclient_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mark3labs/mcp-go/server"

	"github.com/tiny-agents-go/tiny-agents/internal/mcptest"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// fakeAS is an OAuth authorization server for the tests: metadata,
// dynamic registration, an authorization endpoint that approves at once
// (a 302 to the redirect URI), and a token endpoint for the authorization
// code (PKCE checked), refresh token and client credentials grants. Every
// token, code and secret it makes is in issued, and an error it answers
// quotes the whole request, so that a leak of one shows.
type fakeAS struct {
	*httptest.Server
	t *testing.T

	// Set before the client runs:
	methods       []string         // token_endpoint_auth_methods_supported
	grants        []string         // grant_types_supported
	scopes        []string         // scopes_supported
	refuseRefresh bool             // refresh_token grants get invalid_grant
	refuseCode    bool             // authorization_code grants get invalid_grant
	clientKey     *ecdsa.PublicKey // verifies private_key_jwt assertions
	clientSecret  string           // of every client_credentials client

	mu        sync.Mutex
	authReqs  []url.Values
	tokenReqs []url.Values
	regs      int
	codes     map[string]url.Values // code -> its authorization request
	tokens    map[string]string     // access token -> scope
	refreshes map[string]string     // refresh token -> scope
	issued    []string
}

func newFakeAS(t *testing.T) *fakeAS {
	as := &fakeAS{t: t, codes: map[string]url.Values{}, tokens: map[string]string{}, refreshes: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/oauth-authorization-server", as.metadata)
	mux.HandleFunc("POST /register", as.register)
	mux.HandleFunc("GET /authorize", as.authorize)
	mux.HandleFunc("POST /token", as.token)
	as.Server = httptest.NewServer(mux)
	t.Cleanup(as.Close)
	return as
}

func (as *fakeAS) newSecret(prefix string) string {
	b := make([]byte, 12)
	rand.Read(b)
	s := prefix + "-" + base64.RawURLEncoding.EncodeToString(b)
	as.mu.Lock()
	as.issued = append(as.issued, s)
	as.mu.Unlock()
	return s
}

func (as *fakeAS) metadata(w http.ResponseWriter, _ *http.Request) {
	m := map[string]any{"issuer": as.URL, "authorization_endpoint": as.URL + "/authorize",
		"token_endpoint": as.URL + "/token", "registration_endpoint": as.URL + "/register",
		"response_types_supported": []string{"code"}, "code_challenge_methods_supported": []string{"S256"}}
	for k, v := range map[string][]string{"token_endpoint_auth_methods_supported": as.methods,
		"grant_types_supported": as.grants, "scopes_supported": as.scopes} {
		if v != nil {
			m[k] = v
		}
	}
	json.NewEncoder(w).Encode(m)
}

func (as *fakeAS) register(w http.ResponseWriter, r *http.Request) {
	var req map[string]any
	json.NewDecoder(r.Body).Decode(&req)
	method, _ := req["token_endpoint_auth_method"].(string)
	as.mu.Lock()
	as.regs++
	id := fmt.Sprintf("client-%d", as.regs) // public, unlike the secret
	as.mu.Unlock()
	out := map[string]any{"client_id": id, "token_endpoint_auth_method": method}
	if method != "none" {
		out["client_secret"] = as.newSecret("cs")
	}
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(out)
}

func (as *fakeAS) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	code := as.newSecret("code")
	as.mu.Lock()
	as.authReqs = append(as.authReqs, q)
	as.codes[code] = q
	as.mu.Unlock()
	back, _ := url.Parse(q.Get("redirect_uri"))
	bq := back.Query()
	bq.Set("code", code)
	bq.Set("state", q.Get("state"))
	back.RawQuery = bq.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// fail answers an OAuth error that quotes everything the request carried.
func (as *fakeAS) fail(w http.ResponseWriter, r *http.Request, code string) {
	w.WriteHeader(http.StatusBadRequest)
	json.NewEncoder(w).Encode(map[string]string{"error": code,
		"error_description": "request was " + r.PostForm.Encode() + " with " + r.Header.Get("Authorization")})
}

func (as *fakeAS) token(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	as.mu.Lock()
	as.tokenReqs = append(as.tokenReqs, r.PostForm)
	as.mu.Unlock()
	f := r.PostForm
	var scope string
	switch f.Get("grant_type") {
	case "authorization_code":
		as.mu.Lock()
		q, ok := as.codes[f.Get("code")]
		delete(as.codes, f.Get("code"))
		as.mu.Unlock()
		sum := sha256.Sum256([]byte(f.Get("code_verifier")))
		if as.refuseCode || !ok || base64.RawURLEncoding.EncodeToString(sum[:]) != q.Get("code_challenge") ||
			f.Get("redirect_uri") != q.Get("redirect_uri") || f.Get("resource") != q.Get("resource") {
			as.fail(w, r, "invalid_grant")
			return
		}
		scope = q.Get("scope")
	case "refresh_token":
		as.mu.Lock()
		s, ok := as.refreshes[f.Get("refresh_token")]
		as.mu.Unlock()
		if as.refuseRefresh || !ok {
			as.fail(w, r, "invalid_grant")
			return
		}
		scope = s
	case "client_credentials":
		if !as.clientAuthenticated(r) {
			as.fail(w, r, "invalid_client")
			return
		}
		scope = f.Get("scope")
	default:
		as.fail(w, r, "unsupported_grant_type")
		return
	}
	json.NewEncoder(w).Encode(as.issue(scope))
}

// issue makes an access token and a refresh token for scope.
func (as *fakeAS) issue(scope string) map[string]any {
	access, refresh := as.newSecret("at"), as.newSecret("rt")
	as.mu.Lock()
	defer as.mu.Unlock()
	as.tokens[access] = scope
	as.refreshes[refresh] = scope
	return map[string]any{"access_token": access, "token_type": "Bearer", "expires_in": 3600,
		"refresh_token": refresh, "scope": scope}
}

// clientAuthenticated checks a client_credentials client: its secret with
// HTTP Basic, or its ES256 assertion for this issuer, checked with
// crypto/ecdsa.
func (as *fakeAS) clientAuthenticated(r *http.Request) bool {
	if as.clientKey == nil {
		id, secret, ok := r.BasicAuth()
		return ok && id != "" && secret == as.clientSecret
	}
	parts := strings.Split(r.PostForm.Get("client_assertion"), ".")
	if r.PostForm.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" || len(parts) != 3 {
		return false
	}
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if len(sig) != 64 || !ecdsa.Verify(as.clientKey, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return false
	}
	var claims struct{ Iss, Sub, Aud string }
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	json.Unmarshal(payload, &claims)
	id := r.PostForm.Get("client_id")
	return claims.Iss == id && claims.Sub == id && claims.Aud == as.URL
}

func (as *fakeAS) scopeOf(token string) (string, bool) {
	as.mu.Lock()
	defer as.mu.Unlock()
	s, ok := as.tokens[token]
	return s, ok
}

func (as *fakeAS) counts() (regs, auths, tokens int) {
	as.mu.Lock()
	defer as.mu.Unlock()
	return as.regs, len(as.authReqs), len(as.tokenReqs)
}

func (as *fakeAS) lastTokenRequest() url.Values {
	as.mu.Lock()
	defer as.mu.Unlock()
	if len(as.tokenReqs) == 0 {
		return nil
	}
	return as.tokenReqs[len(as.tokenReqs)-1]
}

// protectedServer is an MCP server (mcptest's tools, over streamable HTTP
// at /mcp and SSE at /sse) that takes the tokens of its fakeAS: it
// answers 401 without one, and 403 insufficient_scope to a tools/call
// whose token lacks callScope, or to everything with always403, asking
// for scope mcp:admin, whatever the token's scopes.
type protectedServer struct {
	*httptest.Server
	as          *fakeAS
	prmResource string   // the PRM's resource; default: the URL asked for
	prmScopes   []string // the PRM's scopes_supported
	callScope   string
	always403   bool

	mu   sync.Mutex
	seen []string // the bearer tokens requests carried
}

func newProtectedServer(t *testing.T, as *fakeAS) *protectedServer {
	p := &protectedServer{as: as}
	mux := http.NewServeMux()
	var sse http.Handler
	p.Server = httptest.NewServer(mux)
	t.Cleanup(p.Close)
	sse = server.NewSSEServer(mcptest.NewServer("sse"), server.WithBaseURL(p.URL))
	mux.Handle("/mcp", p.guard(server.NewStreamableHTTPServer(mcptest.NewServer("http"))))
	mux.Handle("/sse", p.guard(sse))
	mux.Handle("/message", p.guard(sse))
	mux.HandleFunc("GET /.well-known/oauth-protected-resource/mcp", func(w http.ResponseWriter, _ *http.Request) {
		p.prm(w, p.URL+"/mcp")
	})
	mux.HandleFunc("GET /.well-known/oauth-protected-resource", func(w http.ResponseWriter, _ *http.Request) {
		p.prm(w, p.URL)
	})
	return p
}

func (p *protectedServer) prm(w http.ResponseWriter, resource string) {
	if p.prmResource != "" {
		resource = p.prmResource
	}
	doc := map[string]any{"resource": resource, "authorization_servers": []string{p.as.URL}}
	if p.prmScopes != nil {
		doc["scopes_supported"] = p.prmScopes
	}
	json.NewEncoder(w).Encode(doc)
}

func (p *protectedServer) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var rpc struct{ Method string }
		if r.Method == http.MethodPost {
			body, _ := io.ReadAll(r.Body)
			json.Unmarshal(body, &rpc)
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		token, hasToken := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		p.mu.Lock()
		if hasToken {
			p.seen = append(p.seen, token)
		}
		p.mu.Unlock()
		prm := ""
		if strings.HasPrefix(r.URL.Path, "/mcp") {
			prm = fmt.Sprintf(`, resource_metadata="%s/.well-known/oauth-protected-resource/mcp"`, p.URL)
		}
		scope, ok := p.as.scopeOf(token)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`+prm)
			http.Error(w, `{"error":"invalid_token"}`, http.StatusUnauthorized)
			return
		}
		need := ""
		switch {
		case p.always403:
			need = "mcp:admin"
		case rpc.Method == "tools/call":
			need = p.callScope
		}
		if p.always403 || need != "" && !slices.Contains(strings.Fields(scope), need) {
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer error="insufficient_scope", scope=%q`, need)+prm)
			http.Error(w, `{"error":"insufficient_scope"}`, http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (p *protectedServer) tokensSeen() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.seen)
}

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
