package mcpclient_test

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/server"

	"github.com/tiny-agents-go/tiny-agents/internal/mcptest"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// headerLog records the headers of every request a test server gets.
type headerLog struct {
	mu   sync.Mutex
	seen []http.Header
}

func (l *headerLog) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.seen = append(l.seen, r.Header.Clone())
		l.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

func (l *headerLog) all() []http.Header {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]http.Header(nil), l.seen...)
}

// redirectedServer starts an MCP server of the given transport on one
// origin and, on another (same host, another port), a server that answers
// every request with a 307 to the same path on the first. It returns the
// config pointing at the redirecting one and the logs of both.
func redirectedServer(t *testing.T, transport string) (cfg mcpclient.ServerConfig, front, target *headerLog) {
	t.Helper()
	front, target = &headerLog{}, &headerLog{}
	var h http.Handler
	ts := httptest.NewUnstartedServer(target.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
	})))
	ts.Start()
	t.Cleanup(ts.Close)
	path := "/mcp"
	if transport == mcpclient.TransportSSE {
		// A relative endpoint: the client posts its messages to the
		// redirecting server too.
		h = server.NewSSEServer(mcptest.NewServer("sse"), server.WithBaseURL(ts.URL),
			server.WithUseFullURLForMessageEndpoint(false))
		path = "/sse"
	} else {
		h = server.NewStreamableHTTPServer(mcptest.NewServer("http"))
	}
	rs := httptest.NewServer(front.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, ts.URL+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	})))
	t.Cleanup(rs.Close)
	return mcpclient.ServerConfig{Type: transport, URL: rs.URL + path, ConnectTimeout: 5 * time.Second}, front, target
}

// connect adds cfg to c and calls its echo tool. Over sse this works
// through the redirect. Over http it may not: the Mcp-Session-Id header is
// not taken to another origin, so the server there loses the session after
// initialize; only what was sent matters then.
func connect(t *testing.T, c *mcpclient.Client, cfg mcpclient.ServerConfig) {
	t.Helper()
	err := c.AddServer(t.Context(), cfg)
	if err == nil {
		var out string
		if out, err = c.CallTool(t.Context(), "echo", map[string]any{"text": "hi"}); err == nil && out != "echo: hi" {
			t.Errorf("echo = %q", out)
		}
	}
	if err != nil && cfg.Type == mcpclient.TransportSSE {
		t.Fatal(err)
	}
	if err != nil {
		t.Logf("through a redirect to another origin: %v", err)
	}
}

// checkRedirected fails t unless front got the credentials and target,
// on another origin, got requests but none of the credentials.
func checkRedirected(t *testing.T, front, target *headerLog, creds map[string]string) {
	t.Helper()
	if len(target.all()) == 0 {
		t.Fatal("the redirect was not followed")
	}
	for k, v := range creds {
		if got := front.all()[0].Get(k); got != v {
			t.Errorf("the server configured got %s %q, want %q", k, got, v)
		}
		for i, h := range target.all() {
			if got := h.Get(k); got != "" {
				t.Errorf("request %d to the other origin carried %s %q", i, k, got)
			}
		}
	}
}

// TestRedirectDropsTokenAndHeaders: a server that redirects to another
// origin does not get the saved OAuth token, nor the configured headers,
// sent there.
func TestRedirectDropsTokenAndHeaders(t *testing.T) {
	for _, transport := range []string{mcpclient.TransportHTTP, mcpclient.TransportSSE} {
		t.Run(transport, func(t *testing.T) {
			cfg, front, target := redirectedServer(t, transport)
			cfg.Headers = map[string]string{"X-Api-Key": "key-1"}
			store := mcpclient.NewMemoryTokenStore()
			key, err := mcpclient.TokenKey(cfg.URL)
			if err != nil {
				t.Fatal(err)
			}
			if err := store.Save(t.Context(), key, &mcpclient.Token{AccessToken: "secret-token",
				Expiry: time.Now().Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			c := oauthClient(t, &userAgent{t: t, forbid: true}, store, nil)
			connect(t, c, cfg)
			checkRedirected(t, front, target, map[string]string{"Authorization": "Bearer secret-token", "X-Api-Key": "key-1"})
		})
	}
}

// TestRedirectDropsHeadersWithoutOAuth is TestRedirectDropsTokenAndHeaders
// for a server with OAuth off, whose Headers hold its credentials.
func TestRedirectDropsHeadersWithoutOAuth(t *testing.T) {
	for _, transport := range []string{mcpclient.TransportHTTP, mcpclient.TransportSSE} {
		t.Run(transport, func(t *testing.T) {
			cfg, front, target := redirectedServer(t, transport)
			cfg.Auth = &mcpclient.AuthConfig{Mode: mcpclient.AuthModeNone}
			cfg.Headers = map[string]string{"Authorization": "Bearer static", "X-Api-Key": "key-1"}
			c, err := mcpclient.New()
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			connect(t, c, cfg)
			checkRedirected(t, front, target, map[string]string{"Authorization": "Bearer static", "X-Api-Key": "key-1"})
		})
	}
}
