package mcptest

import (
	"bytes"
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
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mark3labs/mcp-go/server"
)

// AuthServer is an OAuth authorization server for the tests: metadata,
// dynamic registration, an authorization endpoint that approves at once
// (a 302 to the redirect URI), and a token endpoint for the authorization
// code (PKCE checked), refresh token and client credentials grants. Every
// token, code and secret it makes is in [AuthServer.Issued], and an error
// it answers quotes the whole request, so that a leak of one shows.
//
// Set its exported fields before a client uses it; its methods are safe
// for concurrent use.
type AuthServer struct {
	*httptest.Server

	Methods       []string         // token_endpoint_auth_methods_supported
	Grants        []string         // grant_types_supported
	Scopes        []string         // scopes_supported
	RefuseRefresh bool             // refresh_token grants get invalid_grant
	RefuseCode    bool             // authorization_code grants get invalid_grant
	ClientKey     *ecdsa.PublicKey // verifies private_key_jwt assertions
	ClientSecret  string           // of every client_credentials client

	mu        sync.Mutex
	authReqs  []url.Values
	tokenReqs []url.Values
	regs      int
	codes     map[string]url.Values // code -> its authorization request
	tokens    map[string]string     // access token -> scope
	refreshes map[string]string     // refresh token -> scope
	issued    []string
}

// NewAuthServer starts an AuthServer, closed when the test ends.
func NewAuthServer(t testing.TB) *AuthServer {
	as := &AuthServer{codes: map[string]url.Values{}, tokens: map[string]string{}, refreshes: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/oauth-authorization-server", as.metadata)
	mux.HandleFunc("POST /register", as.register)
	mux.HandleFunc("GET /authorize", as.authorize)
	mux.HandleFunc("POST /token", as.token)
	as.Server = httptest.NewServer(mux)
	t.Cleanup(as.Close)
	return as
}

func (as *AuthServer) newSecret(prefix string) string {
	b := make([]byte, 12)
	rand.Read(b)
	s := prefix + "-" + base64.RawURLEncoding.EncodeToString(b)
	as.mu.Lock()
	as.issued = append(as.issued, s)
	as.mu.Unlock()
	return s
}

func (as *AuthServer) metadata(w http.ResponseWriter, _ *http.Request) {
	m := map[string]any{"issuer": as.URL, "authorization_endpoint": as.URL + "/authorize",
		"token_endpoint": as.URL + "/token", "registration_endpoint": as.URL + "/register",
		"response_types_supported": []string{"code"}, "code_challenge_methods_supported": []string{"S256"}}
	for k, v := range map[string][]string{"token_endpoint_auth_methods_supported": as.Methods,
		"grant_types_supported": as.Grants, "scopes_supported": as.Scopes} {
		if v != nil {
			m[k] = v
		}
	}
	json.NewEncoder(w).Encode(m)
}

func (as *AuthServer) register(w http.ResponseWriter, r *http.Request) {
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

func (as *AuthServer) authorize(w http.ResponseWriter, r *http.Request) {
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
func (as *AuthServer) fail(w http.ResponseWriter, r *http.Request, code string) {
	w.WriteHeader(http.StatusBadRequest)
	json.NewEncoder(w).Encode(map[string]string{"error": code,
		"error_description": "request was " + r.PostForm.Encode() + " with " + r.Header.Get("Authorization")})
}

func (as *AuthServer) token(w http.ResponseWriter, r *http.Request) {
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
		if as.RefuseCode || !ok || base64.RawURLEncoding.EncodeToString(sum[:]) != q.Get("code_challenge") ||
			f.Get("redirect_uri") != q.Get("redirect_uri") || f.Get("resource") != q.Get("resource") {
			as.fail(w, r, "invalid_grant")
			return
		}
		scope = q.Get("scope")
	case "refresh_token":
		as.mu.Lock()
		s, ok := as.refreshes[f.Get("refresh_token")]
		as.mu.Unlock()
		if as.RefuseRefresh || !ok {
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
	json.NewEncoder(w).Encode(as.Issue(scope))
}

// IssuedToken is what the token endpoint answers.
type IssuedToken struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
}

// Issue makes an access token and a refresh token for scope, valid for an
// hour, as the token endpoint does.
func (as *AuthServer) Issue(scope string) IssuedToken {
	access, refresh := as.newSecret("at"), as.newSecret("rt")
	as.mu.Lock()
	defer as.mu.Unlock()
	as.tokens[access] = scope
	as.refreshes[refresh] = scope
	return IssuedToken{AccessToken: access, TokenType: "Bearer", ExpiresIn: 3600, RefreshToken: refresh, Scope: scope}
}

// clientAuthenticated checks a client_credentials client: its secret with
// HTTP Basic, or its ES256 assertion for this issuer, checked with
// crypto/ecdsa.
func (as *AuthServer) clientAuthenticated(r *http.Request) bool {
	if as.ClientKey == nil {
		id, secret, ok := r.BasicAuth()
		return ok && id != "" && secret == as.ClientSecret
	}
	parts := strings.Split(r.PostForm.Get("client_assertion"), ".")
	if r.PostForm.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" || len(parts) != 3 {
		return false
	}
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if len(sig) != 64 || !ecdsa.Verify(as.ClientKey, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return false
	}
	var claims struct{ Iss, Sub, Aud string }
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	json.Unmarshal(payload, &claims)
	id := r.PostForm.Get("client_id")
	return claims.Iss == id && claims.Sub == id && claims.Aud == as.URL
}

// ScopeOf returns the scope of an access token it issued; ok is false for
// a token it did not issue.
func (as *AuthServer) ScopeOf(token string) (scope string, ok bool) {
	as.mu.Lock()
	defer as.mu.Unlock()
	s, ok := as.tokens[token]
	return s, ok
}

// Counts returns how many clients registered, how many authorization
// requests and how many token requests arrived.
func (as *AuthServer) Counts() (regs, auths, tokens int) {
	as.mu.Lock()
	defer as.mu.Unlock()
	return as.regs, len(as.authReqs), len(as.tokenReqs)
}

// AuthRequests returns the query of each authorization request, in order.
func (as *AuthServer) AuthRequests() []url.Values {
	as.mu.Lock()
	defer as.mu.Unlock()
	return slices.Clone(as.authReqs)
}

// TokenRequests returns the form of each token request, in order.
func (as *AuthServer) TokenRequests() []url.Values {
	as.mu.Lock()
	defer as.mu.Unlock()
	return slices.Clone(as.tokenReqs)
}

// LastTokenRequest returns the form of the last token request, nil if
// none arrived.
func (as *AuthServer) LastTokenRequest() url.Values {
	as.mu.Lock()
	defer as.mu.Unlock()
	if len(as.tokenReqs) == 0 {
		return nil
	}
	return as.tokenReqs[len(as.tokenReqs)-1]
}

// Issued returns every code, token and client secret it made.
func (as *AuthServer) Issued() []string {
	as.mu.Lock()
	defer as.mu.Unlock()
	return slices.Clone(as.issued)
}

// ProtectedServer is an MCP server ([NewServer]'s tools, over streamable
// HTTP at /mcp and SSE at /sse) that takes the tokens of its AuthServer:
// it answers 401 without one, and 403 insufficient_scope to a tools/call
// whose token lacks CallScope, or to everything with Always403, asking for
// scope mcp:admin, whatever the token's scopes. Its protected resource
// metadata is served at /.well-known/oauth-protected-resource (for the
// origin) and /.well-known/oauth-protected-resource/mcp, which the 401s of
// /mcp point to.
//
// Set its exported fields before a client uses it; its methods are safe
// for concurrent use.
type ProtectedServer struct {
	*httptest.Server
	AS          *AuthServer
	PRMResource string   // the PRM's resource; default: the URL asked for
	PRMScopes   []string // the PRM's scopes_supported
	CallScope   string
	Always403   bool

	mu   sync.Mutex
	seen []string // the bearer tokens requests carried
}

// NewProtectedServer starts a ProtectedServer that takes the tokens of as,
// closed when the test ends.
func NewProtectedServer(t testing.TB, as *AuthServer) *ProtectedServer {
	p := &ProtectedServer{AS: as}
	mux := http.NewServeMux()
	p.Server = httptest.NewServer(mux)
	t.Cleanup(p.Close)
	sse := server.NewSSEServer(NewServer("sse"), server.WithBaseURL(p.URL))
	mux.Handle("/mcp", p.guard(server.NewStreamableHTTPServer(NewServer("http"))))
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

func (p *ProtectedServer) prm(w http.ResponseWriter, resource string) {
	if p.PRMResource != "" {
		resource = p.PRMResource
	}
	doc := map[string]any{"resource": resource, "authorization_servers": []string{p.AS.URL}}
	if p.PRMScopes != nil {
		doc["scopes_supported"] = p.PRMScopes
	}
	json.NewEncoder(w).Encode(doc)
}

func (p *ProtectedServer) guard(next http.Handler) http.Handler {
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
		scope, ok := p.AS.ScopeOf(token)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`+prm)
			http.Error(w, `{"error":"invalid_token"}`, http.StatusUnauthorized)
			return
		}
		need := ""
		switch {
		case p.Always403:
			need = "mcp:admin"
		case rpc.Method == "tools/call":
			need = p.CallScope
		}
		if p.Always403 || need != "" && !slices.Contains(strings.Fields(scope), need) {
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer error="insufficient_scope", scope=%q`, need)+prm)
			http.Error(w, `{"error":"insufficient_scope"}`, http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// TokensSeen returns the bearer tokens its requests carried, in order.
func (p *ProtectedServer) TokensSeen() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.seen)
}

// EnvBrowser, set to "1" in a test binary's environment, makes
// [BrowseIfChild] play a browser instead of running the tests.
const EnvBrowser = "TINY_AGENTS_TEST_BROWSER"

// BrowseIfChild plays a user's browser and exits when the process was
// started as one (EnvBrowser=1), as a program does with $BROWSER URL: it
// GETs its last argument, following redirects as a browser follows the
// authorization server's back to the program's loopback callback, and
// exits with status 0 when the last answer is 200 OK, else 1 with the
// reason on stderr. It returns otherwise. Call it first in TestMain.
func BrowseIfChild() {
	if os.Getenv(EnvBrowser) != "1" {
		return
	}
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "browser: no URL")
		os.Exit(1)
	}
	resp, err := http.Get(os.Args[len(os.Args)-1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "browser:", err)
		os.Exit(1)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "browser:", resp.Status)
		os.Exit(1)
	}
	os.Exit(0)
}
