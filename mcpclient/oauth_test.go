package mcpclient_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/internal/mcptest"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// oauthClient builds a client with the given Authorizer (nil for none) and
// token store, logging at debug level into log.
func oauthClient(t *testing.T, ua mcpclient.Authorizer, store mcpclient.TokenStore, log *mcptest.SyncBuffer) *mcpclient.Client {
	t.Helper()
	opts := []mcpclient.Option{mcpclient.WithTokenStore(store)}
	if ua != nil {
		opts = append(opts, mcpclient.WithAuthorizer(ua))
	}
	if log != nil {
		opts = append(opts, mcpclient.WithLogger(slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	c, err := mcpclient.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func httpServer(p *mcptest.ProtectedServer) mcpclient.ServerConfig {
	return mcpclient.ServerConfig{Type: mcpclient.TransportHTTP, URL: p.URL + "/mcp", ConnectTimeout: 20 * time.Second}
}

func TestOAuthSignInOverHTTPAndSSE(t *testing.T) {
	for _, transport := range []string{mcpclient.TransportHTTP, mcpclient.TransportSSE} {
		t.Run(transport, func(t *testing.T) {
			as := mcptest.NewAuthServer(t)
			p := mcptest.NewProtectedServer(t, as)
			p.PRMScopes = []string{"mcp:basic"}
			cfg := httpServer(p)
			resource := p.URL + "/mcp"
			if transport == mcpclient.TransportSSE {
				// No resource_metadata in its challenges: the root PRM,
				// which names the origin, is found.
				cfg = mcpclient.ServerConfig{Type: transport, URL: p.URL + "/sse"}
				resource = p.URL
			}
			ua := &userAgent{t: t}
			store := mcpclient.NewMemoryTokenStore()
			c := oauthClient(t, ua, store, nil)
			if err := c.AddServer(t.Context(), cfg); err != nil {
				t.Fatal(err)
			}
			if out, err := c.CallTool(t.Context(), "echo", map[string]any{"text": "hi"}); err != nil || out != "echo: hi" {
				t.Fatalf("echo = %q, %v", out, err)
			}
			regs, auths, _ := as.Counts()
			if regs != 1 || auths != 1 || len(ua.asked()) != 1 {
				t.Fatalf("registrations %d, authorization requests %d, user asked %d times; want 1 each", regs, auths, len(ua.asked()))
			}
			q := as.AuthRequests()[0]
			for k, want := range map[string]string{"resource": resource, "scope": "mcp:basic",
				"code_challenge_method": "S256", "redirect_uri": "http://127.0.0.1:1/callback"} {
				if q.Get(k) != want {
					t.Errorf("authorization request %s = %q, want %q", k, q.Get(k), want)
				}
			}
			if tr := as.LastTokenRequest(); tr.Get("resource") != resource || tr.Get("code_verifier") == "" {
				t.Errorf("token request: resource %q, code_verifier %q", tr.Get("resource"), tr.Get("code_verifier"))
			}
			if r := ua.asked()[0]; r.Reason == "" || r.Server == "" || !slices.Equal(r.Scopes, []string{"mcp:basic"}) {
				t.Errorf("authorization request to the user: %+v", r)
			}

			// Another client with the same store signs in without the user.
			c2 := oauthClient(t, &userAgent{t: t, forbid: true}, store, nil)
			if err := c2.AddServer(t.Context(), cfg); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// savedToken stores, under cfg's key, a token of as that has expired and
// can be refreshed.
func savedToken(t *testing.T, as *mcptest.AuthServer, cfg mcpclient.ServerConfig, store mcpclient.TokenStore) *mcpclient.Token {
	t.Helper()
	issued := as.Issue("mcp:basic")
	tok := &mcpclient.Token{AccessToken: issued.AccessToken, RefreshToken: issued.RefreshToken,
		Expiry: time.Now().Add(-time.Minute), Scope: "mcp:basic", ClientID: "client-1", AuthMethod: "none",
		Issuer: as.URL, TokenURL: as.URL + "/token", Resource: cfg.URL, RedirectURI: "http://127.0.0.1:1/callback"}
	key, err := mcpclient.TokenKey(cfg.URL)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Save(t.Context(), key, tok); err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestOAuthRefreshesExpiredTokenWithoutTheUser(t *testing.T) {
	as := mcptest.NewAuthServer(t)
	p := mcptest.NewProtectedServer(t, as)
	cfg := httpServer(p)
	store := mcpclient.NewMemoryTokenStore()
	old := savedToken(t, as, cfg, store)
	c := oauthClient(t, &userAgent{t: t, forbid: true}, store, nil)
	if err := c.AddServer(t.Context(), cfg); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(p.TokensSeen(), old.AccessToken) {
		t.Error("the expired token was sent")
	}
	tr := as.LastTokenRequest()
	if tr.Get("grant_type") != "refresh_token" || tr.Get("refresh_token") != old.RefreshToken || tr.Get("resource") != cfg.URL {
		t.Errorf("token request = %v", tr)
	}
	key, _ := mcpclient.TokenKey(cfg.URL)
	got, _ := store.Load(t.Context(), key)
	if got == nil || got.AccessToken == old.AccessToken || !got.Expiry.After(time.Now()) || got.ClientID != "client-1" {
		t.Errorf("saved token after refresh: %+v", got)
	}
}

func TestOAuthRefreshRefusedAsksTheUserAgain(t *testing.T) {
	as := mcptest.NewAuthServer(t)
	as.RefuseRefresh = true
	p := mcptest.NewProtectedServer(t, as)
	cfg := httpServer(p)
	store := mcpclient.NewMemoryTokenStore()
	old := savedToken(t, as, cfg, store)
	ua := &userAgent{t: t}
	c := oauthClient(t, ua, store, nil)
	if err := c.AddServer(t.Context(), cfg); err != nil {
		t.Fatal(err)
	}
	asked := ua.asked()
	if len(asked) != 1 {
		t.Fatalf("the user was asked %d times, want 1", len(asked))
	}
	reason := asked[0].Reason
	if !strings.Contains(reason, "refresh refused") || !strings.Contains(reason, "invalid_grant") {
		t.Errorf("reason = %q, want it to say the refresh was refused and why", reason)
	}
	if strings.Contains(reason, old.RefreshToken) {
		t.Errorf("the reason quotes the refresh token: %q", reason)
	}
}

func TestOAuthStateMismatchRejected(t *testing.T) {
	as := mcptest.NewAuthServer(t)
	p := mcptest.NewProtectedServer(t, as)
	ua := &userAgent{t: t, tamper: func(u *url.URL) {
		q := u.Query()
		q.Set("state", "forged")
		u.RawQuery = q.Encode()
	}}
	err := oauthClient(t, ua, mcpclient.NewMemoryTokenStore(), nil).AddServer(t.Context(), httpServer(p))
	var ae *mcpclient.AuthError
	if !errors.As(err, &ae) || ae.Op != "authorization" || !strings.Contains(err.Error(), "state mismatch") {
		t.Fatalf("err = %v, want a state mismatch", err)
	}
	if _, _, tokens := as.Counts(); tokens != 0 {
		t.Errorf("%d token requests after a state mismatch", tokens)
	}
}

func TestOAuthRefusesNonLoopbackRedirect(t *testing.T) {
	for name, ua := range map[string]*userAgent{
		"https redirect URI":       {redirect: "https://app.example.com/callback"},
		"LAN redirect URI":         {redirect: "http://192.0.2.7:8080/callback"},
		"sent back elsewhere":      {tamper: func(u *url.URL) { u.Host = "evil.example.com" }},
		"sent back to other port":  {tamper: func(u *url.URL) { u.Host = "127.0.0.1:2" }},
		"sent back to other path":  {tamper: func(u *url.URL) { u.Path = "/other" }},
		"redirect URI with a user": {redirect: "http://evil.example.com@127.0.0.1.evil.example/cb"},
	} {
		t.Run(name, func(t *testing.T) {
			ua.t = t
			as := mcptest.NewAuthServer(t)
			p := mcptest.NewProtectedServer(t, as)
			err := oauthClient(t, ua, mcpclient.NewMemoryTokenStore(), nil).AddServer(t.Context(), httpServer(p))
			if !errors.As(err, new(*mcpclient.AuthError)) {
				t.Fatalf("err = %v, want an *AuthError", err)
			}
			regs, auths, tokens := as.Counts()
			if ua.redirect != "" && (regs != 0 || auths != 0) {
				t.Errorf("%d registrations, %d authorization requests with a bad redirect URI", regs, auths)
			}
			if tokens != 0 {
				t.Errorf("%d token requests", tokens)
			}
		})
	}
}

func TestOAuthStepUp(t *testing.T) {
	as := mcptest.NewAuthServer(t)
	p := mcptest.NewProtectedServer(t, as)
	p.PRMScopes = []string{"mcp:basic"}
	p.CallScope = "mcp:write"
	ua := &userAgent{t: t}
	c := oauthClient(t, ua, mcpclient.NewMemoryTokenStore(), nil)
	if err := c.AddServer(t.Context(), httpServer(p)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CallTool(t.Context(), "echo", map[string]any{"text": "x"}); err != nil {
		t.Fatal(err)
	}
	asked := ua.asked()
	if len(asked) != 2 {
		t.Fatalf("the user was asked %d times, want 2", len(asked))
	}
	if got := asked[1].Scopes; !slices.Equal(got, []string{"mcp:basic", "mcp:write"}) {
		t.Errorf("step-up scopes = %q", got)
	}
	if !strings.Contains(asked[1].Reason, "mcp:write") {
		t.Errorf("step-up reason = %q", asked[1].Reason)
	}
	if regs, _, _ := as.Counts(); regs != 1 {
		t.Errorf("%d registrations, want the client reused", regs)
	}
}

func TestOAuthStepUpGivesUpAfterThree(t *testing.T) {
	as := mcptest.NewAuthServer(t)
	p := mcptest.NewProtectedServer(t, as)
	p.Always403 = true
	ua := &userAgent{t: t}
	err := oauthClient(t, ua, mcpclient.NewMemoryTokenStore(), nil).AddServer(t.Context(), httpServer(p))
	var ae *mcpclient.AuthError
	if !errors.As(err, &ae) || ae.Op != "step-up" || ae.Scope != "mcp:admin" || !strings.Contains(err.Error(), `"mcp:admin"`) {
		t.Fatalf("err = %v, want a step-up failure naming the scope", err)
	}
	if _, auths, _ := as.Counts(); auths != 3 || len(ua.asked()) != 3 {
		t.Errorf("%d authorization requests, user asked %d times; want 3", auths, len(ua.asked()))
	}
}

func TestOAuthResourceMismatchRefused(t *testing.T) {
	as := mcptest.NewAuthServer(t)
	p := mcptest.NewProtectedServer(t, as)
	p.PRMResource = "https://evil.example.com/mcp"
	ua := &userAgent{t: t, forbid: true}
	err := oauthClient(t, ua, mcpclient.NewMemoryTokenStore(), nil).AddServer(t.Context(), httpServer(p))
	if !errors.As(err, new(*mcpclient.AuthError)) || !strings.Contains(err.Error(), "resource mismatch") ||
		!strings.Contains(err.Error(), "https://evil.example.com/mcp") {
		t.Fatalf("err = %v, want a resource mismatch", err)
	}
	if regs, auths, tokens := as.Counts(); regs+auths+tokens != 0 {
		t.Errorf("the authorization server was used: %d registrations, %d authorizations, %d token requests", regs, auths, tokens)
	}
}

func TestOAuthWithoutAuthorizer(t *testing.T) {
	as := mcptest.NewAuthServer(t)
	p := mcptest.NewProtectedServer(t, as)
	err := oauthClient(t, nil, mcpclient.NewMemoryTokenStore(), nil).AddServer(t.Context(), httpServer(p))
	if !errors.Is(err, mcpclient.ErrAuthorizationRequired) {
		t.Fatalf("err = %v, want ErrAuthorizationRequired", err)
	}
}

func TestOAuthModeNone(t *testing.T) {
	as := mcptest.NewAuthServer(t)
	p := mcptest.NewProtectedServer(t, as)
	cfg := httpServer(p)
	cfg.Auth = &mcpclient.AuthConfig{Mode: mcpclient.AuthModeNone}
	err := oauthClient(t, &userAgent{t: t, forbid: true}, mcpclient.NewMemoryTokenStore(), nil).AddServer(t.Context(), cfg)
	if err == nil || errors.As(err, new(*mcpclient.AuthError)) {
		t.Fatalf("err = %v, want the server's refusal", err)
	}
	if regs, auths, tokens := as.Counts(); regs+auths+tokens != 0 {
		t.Error("the authorization server was used")
	}
}

func newP256PEM(t *testing.T) (*ecdsa.PrivateKey, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return key, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

func TestOAuthClientCredentials(t *testing.T) {
	key, keyPEM := newP256PEM(t)
	for name, tc := range map[string]struct {
		auth    mcpclient.AuthConfig
		key     *ecdsa.PublicKey
		methods []string
	}{
		"client_secret_basic": {auth: mcpclient.AuthConfig{ClientID: "machine", ClientSecret: "s3cret-value"},
			methods: []string{"client_secret_basic"}},
		"ES256 assertion": {auth: mcpclient.AuthConfig{ClientID: "machine", PrivateKeyPEM: keyPEM},
			key: &key.PublicKey, methods: []string{"private_key_jwt"}},
	} {
		t.Run(name, func(t *testing.T) {
			as := mcptest.NewAuthServer(t)
			as.Grants, as.Methods, as.ClientKey, as.ClientSecret = []string{"client_credentials"}, tc.methods, tc.key, "s3cret-value"
			p := mcptest.NewProtectedServer(t, as)
			cfg := httpServer(p)
			cfg.Auth = &tc.auth
			c := oauthClient(t, nil, mcpclient.NewMemoryTokenStore(), nil)
			if err := c.AddServer(t.Context(), cfg); err != nil {
				t.Fatal(err)
			}
			if tr := as.LastTokenRequest(); tr.Get("grant_type") != "client_credentials" || tr.Get("resource") != cfg.URL {
				t.Errorf("token request = %v", tr)
			}
			if regs, auths, _ := as.Counts(); regs+auths != 0 {
				t.Errorf("%d registrations, %d authorization requests for a machine client", regs, auths)
			}
		})
	}
}

func TestAuthConfigValidate(t *testing.T) {
	_, keyPEM := newP256PEM(t)
	http := func(a *mcpclient.AuthConfig) mcpclient.ServerConfig {
		return mcpclient.ServerConfig{Type: "http", URL: "https://mcp.example/mcp", Auth: a}
	}
	for name, tc := range map[string]struct {
		cfg  mcpclient.ServerConfig
		want string // "" for valid
	}{
		"none on stdio":   {mcpclient.ServerConfig{Type: "stdio", Command: "x", Auth: &mcpclient.AuthConfig{Mode: "none"}}, ""},
		"oauth on stdio":  {mcpclient.ServerConfig{Type: "stdio", Command: "x", Auth: &mcpclient.AuthConfig{}}, "only sse and http"},
		"bad mode":        {http(&mcpclient.AuthConfig{Mode: "basic"}), "auth.mode"},
		"bad grant":       {http(&mcpclient.AuthConfig{GrantType: "password"}), "auth.grantType"},
		"cc without":      {http(&mcpclient.AuthConfig{GrantType: "client_credentials", ClientID: "a"}), "clientSecret or privateKeyPem"},
		"cc with key":     {http(&mcpclient.AuthConfig{GrantType: "client_credentials", ClientID: "a", PrivateKeyPEM: keyPEM}), ""},
		"jwt-bearer":      {http(&mcpclient.AuthConfig{GrantType: "jwt-bearer", ClientID: "a"}), "idToken"},
		"bad key":         {http(&mcpclient.AuthConfig{PrivateKeyPEM: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}), "privateKeyPem"},
		"http CIMD":       {http(&mcpclient.AuthConfig{ClientMetadataURL: "http://app.example/client.json"}), "clientMetadataUrl"},
		"header and auth": {mcpclient.ServerConfig{Type: "http", URL: "https://a/mcp", Headers: map[string]string{"authorization": "Bearer x"}, Auth: &mcpclient.AuthConfig{}}, "Authorization"},
		"header, no auth": {mcpclient.ServerConfig{Type: "http", URL: "https://a/mcp", Headers: map[string]string{"Authorization": "Bearer x"}}, ""},
	} {
		t.Run(name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("Validate() = %v, want %q", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "AAAA") {
				t.Errorf("the error quotes the key: %v", err)
			}
		})
	}
}

// TestOAuthNoSecretInErrorsOrLogs runs failing sign-ins against an
// authorization server whose error answers quote every request in full,
// and greps the errors and the debug log for every token, code and
// secret involved.
func TestOAuthNoSecretInErrorsOrLogs(t *testing.T) {
	var log mcptest.SyncBuffer
	var errs []error
	var secrets []string
	_, keyPEM := newP256PEM(t)
	run := func(setup func(as *mcptest.AuthServer, p *mcptest.ProtectedServer, cfg *mcpclient.ServerConfig, ua *userAgent, store mcpclient.TokenStore)) {
		as := mcptest.NewAuthServer(t)
		p := mcptest.NewProtectedServer(t, as)
		cfg := httpServer(p)
		ua := &userAgent{t: t}
		store := mcpclient.NewMemoryTokenStore()
		setup(as, p, &cfg, ua, store)
		c := oauthClient(t, ua, store, &log)
		err := c.AddServer(t.Context(), cfg)
		if err == nil {
			_, err = c.CallTool(t.Context(), "echo", map[string]any{"text": "x"})
		}
		errs = append(errs, err)
		c.Close()
		secrets = append(secrets, as.Issued()...)
		for _, r := range as.TokenRequests() {
			secrets = append(secrets, r.Get("code_verifier"), r.Get("client_assertion"))
		}
	}
	run(func(as *mcptest.AuthServer, _ *mcptest.ProtectedServer, cfg *mcpclient.ServerConfig, _ *userAgent, store mcpclient.TokenStore) {
		as.RefuseRefresh, as.RefuseCode = true, true
		savedToken(t, as, *cfg, store)
	})
	run(func(as *mcptest.AuthServer, _ *mcptest.ProtectedServer, _ *mcpclient.ServerConfig, _ *userAgent, _ mcpclient.TokenStore) {
		as.Methods, as.RefuseCode = []string{"client_secret_post"}, true
	})
	run(func(as *mcptest.AuthServer, _ *mcptest.ProtectedServer, _ *mcpclient.ServerConfig, _ *userAgent, _ mcpclient.TokenStore) {
		as.Methods, as.RefuseCode = []string{"client_secret_basic"}, true
	})
	run(func(_ *mcptest.AuthServer, p *mcptest.ProtectedServer, _ *mcpclient.ServerConfig, _ *userAgent, _ mcpclient.TokenStore) {
		p.CallScope = "mcp:write"
		p.Always403 = true
	})
	run(func(as *mcptest.AuthServer, _ *mcptest.ProtectedServer, cfg *mcpclient.ServerConfig, _ *userAgent, _ mcpclient.TokenStore) {
		as.Grants, as.ClientSecret = []string{"client_credentials"}, "the-right-secret"
		cfg.Auth = &mcpclient.AuthConfig{ClientID: "machine", ClientSecret: "a-wrong-secret-value"}
	})
	run(func(as *mcptest.AuthServer, _ *mcptest.ProtectedServer, cfg *mcpclient.ServerConfig, _ *userAgent, _ mcpclient.TokenStore) {
		k, _ := newP256PEM(t)
		as.Grants, as.Methods, as.ClientKey = []string{"client_credentials"}, []string{"private_key_jwt"}, &k.PublicKey
		cfg.Auth = &mcpclient.AuthConfig{ClientID: "machine", PrivateKeyPEM: keyPEM}
	})
	secrets = append(secrets, "a-wrong-secret-value", keyPEM, base64.StdEncoding.EncodeToString([]byte("machine:a-wrong-secret-value")))
	var text strings.Builder
	for i, err := range errs {
		if err == nil {
			t.Errorf("run %d: no error", i)
			continue
		}
		text.WriteString(err.Error() + "\n")
	}
	text.WriteString(log.String())
	if !strings.Contains(text.String(), "invalid_grant") || !strings.Contains(text.String(), "invalid_client") {
		t.Fatalf("the failures did not happen as planned:\n%s", text.String())
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(text.String(), s) {
			t.Errorf("a secret (%.8s...) appears in an error or the log:\n%s", s, text.String())
		}
	}
}
