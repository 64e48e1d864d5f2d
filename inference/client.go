package inference

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/tiny-agents-go/tiny-agents/internal/hfhome"
	"github.com/tiny-agents-go/tiny-agents/internal/version"

	"github.com/tiny-agents-go/tiny-agents/internal/urlredact"
)

// Default endpoints, overridden by HF_ENDPOINT and HF_ROUTER_URL or by
// [WithHubURL] and [WithRouterURL].
const (
	DefaultHubURL    = "https://huggingface.co"
	DefaultRouterURL = "https://router.huggingface.co"
)

// ProviderAuto lets the Hugging Face router pick the provider for chat, and
// picks the first provider of the model's mapping for other tasks.
const ProviderAuto = "auto"

// Client calls models on the Hugging Face router, on an inference provider
// directly, or on any OpenAI-compatible endpoint. Build it with [NewClient].
// A Client is safe for concurrent use; it caches model mappings for its
// lifetime, so keep one per process and configuration.
type Client struct {
	// Chat is the OpenAI-style spelling of the chat methods:
	// client.Chat.Completions.Create(ctx, in).
	Chat *ChatService

	model       string // Hub id or URL; "" if the caller gives one per call
	modelIsURL  bool
	provider    string
	token       string
	hubURL      string
	routerURL   string
	timeout     time.Duration
	idleTimeout time.Duration
	headers     http.Header
	cookies     []*http.Cookie
	billTo      string
	userAgent   string
	http        HTTPDoer
	// ownHTTP is the client NewClient built when the caller gave none, nil
	// otherwise; CloseIdleConnections closes its idle connections.
	ownHTTP     *http.Client
	retry       retryPolicy
	retryHook   func(RetryInfo)
	log         *slog.Logger
	mappings    mappingCache
	recommended recommendedCache
	// unusedParams remembers the generation parameters a server that is
	// not TGI refused, per model.
	unusedParams unusedParams
	pollEvery    time.Duration
	maxJSON      int64 // bounds of a non-streaming answer, see WithMaxResponseBytes
	maxMedia     int64
}

// NewClient returns a client configured by opts. It returns the first option
// error, and an error wrapping [ErrInvalidOption] or [ErrUnknownProvider] for
// an invalid combination: a model and a base URL, a URL model with a named
// provider, a token and an API key that differ, a proxy with a custom HTTP
// client, or a provider that does not exist.
func NewClient(opts ...Option) (*Client, error) {
	cfg := config{maxRetries: 3, retryBase: 500 * time.Millisecond, retryMax: 8 * time.Second,
		maxJSON: DefaultMaxJSONResponseBytes, maxMedia: DefaultMaxMediaResponseBytes}
	for _, opt := range opts {
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	c := &Client{
		model:       cfg.model,
		provider:    cfg.provider,
		token:       cfg.token,
		hubURL:      firstNonEmpty(cfg.hubURL, envURL("HF_ENDPOINT"), DefaultHubURL),
		routerURL:   firstNonEmpty(cfg.routerURL, envURL("HF_ROUTER_URL"), DefaultRouterURL),
		timeout:     cfg.timeout,
		idleTimeout: cfg.idle,
		headers:     cfg.headers,
		cookies:     cfg.cookies,
		billTo:      cfg.billTo,
		userAgent:   cfg.userAgent,
		http:        cfg.httpClient,
		retry:       retryPolicy{max: cfg.maxRetries, base: cfg.retryBase, cap: cfg.retryMax},
		retryHook:   cfg.retryHook,
		log:         cfg.logger,
		pollEvery:   cfg.pollEvery,
		maxJSON:     cfg.maxJSON,
		maxMedia:    cfg.maxMedia,
	}
	if c.pollEvery == 0 {
		c.pollEvery = 500 * time.Millisecond
	}
	if cfg.baseURL != "" {
		c.model = cfg.baseURL
	}
	c.modelIsURL = isURL(c.model)
	if c.provider == "" {
		c.provider = ProviderAuto
	}
	if c.token == "" {
		c.token = cfg.apiKey
	}
	if c.log == nil {
		c.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if c.token == "" {
		var warning string
		c.token, warning = hfhome.Load()
		if warning != "" {
			c.log.Warn(warning)
		}
	}
	if c.userAgent == "" {
		c.userAgent = "tiny-agents-go/" + version.Version + "; go/" + strings.TrimPrefix(runtime.Version(), "go")
	}
	if c.http == nil {
		c.ownHTTP = newHTTPClient(cfg.proxy, cfg.headers)
		c.http = c.ownHTTP
	}
	c.Chat = &ChatService{Completions: &ChatCompletionsService{client: c}}
	return c, nil
}

func (cfg *config) validate() error {
	if cfg.model != "" && cfg.baseURL != "" {
		return fmt.Errorf("%w: model %q and base URL %q given together; the base URL is an alias of a URL model, give one of them",
			ErrInvalidOption, urlredact.URL(cfg.model), urlredact.URL(cfg.baseURL))
	}
	if cfg.token != "" && cfg.apiKey != "" && cfg.token != cfg.apiKey {
		return fmt.Errorf("%w: token and API key given with different values; the API key is an alias of the token, give one of them", ErrInvalidOption)
	}
	if cfg.proxy != nil && cfg.httpClient != nil {
		return fmt.Errorf("%w: a proxy and a custom HTTP client given together; configure the proxy in the client's transport", ErrInvalidOption)
	}
	target := cfg.model
	if cfg.baseURL != "" {
		target = cfg.baseURL
	}
	p := cfg.provider
	if p != "" && p != ProviderAuto && !isURL(target) {
		if _, ok := providers[p]; !ok {
			return fmt.Errorf("%w: %q (known: auto, %s)", ErrUnknownProvider, p, strings.Join(Providers(), ", "))
		}
	}
	if isURL(target) && p != "" && p != ProviderAuto && p != "hf-inference" {
		return fmt.Errorf("%w: URL model %q given with provider %q; a URL is called directly, drop the provider or pass a Hub model id",
			ErrInvalidOption, urlredact.URL(target), p)
	}
	return nil
}

// Model returns the default model: a Hub id, a URL, or "" when each call
// names its own.
func (c *Client) Model() string { return c.model }

// Provider returns the configured provider, "auto" by default.
func (c *Client) Provider() string { return c.provider }

// maxIdlePerHost is how many idle connections to one host the default
// client keeps: an agent served to many users talks to one model endpoint
// from as many requests at once, and a smaller pool re-dials under load.
const maxIdlePerHost = 256

// writeBufferSize is the default client's write buffer per connection, in
// place of net/http's 4 KiB: a request of up to about 16 KiB (headers and a
// conversation of a few dozen messages) leaves in one write, one segment on
// the wire. The read buffer keeps net/http's size: 64 KiB made no
// measurable difference to reading a 100,000-chunk stream, and with GOGC at
// 400 under `serve` every connection's larger buffers nearly doubled peak
// RSS at 64 concurrent clients (40 -> 76 MB).
const writeBufferSize = 16 << 10

// newHTTPClient returns the client used when the caller gives none: the
// default transport with more idle connections per host, and a redirect
// policy that keeps credentials and the caller's headers on their origin.
func newHTTPClient(proxy *url.URL, callerHeaders http.Header) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = maxIdlePerHost
	t.MaxIdleConns = max(t.MaxIdleConns, maxIdlePerHost)
	t.WriteBufferSize = writeBufferSize
	if proxy != nil {
		t.Proxy = http.ProxyURL(proxy)
	}
	return &http.Client{Transport: t, CheckRedirect: redirectPolicy(callerHeaders)}
}

// CloseIdleConnections closes the idle connections of the HTTP client that
// [NewClient] built, and with them the goroutines that read them. Call it
// when the client is no longer needed; the client stays usable and dials
// again for its next request. Connections carrying a request are left
// alone. It does nothing for an HTTP client given with [WithHTTPClient]:
// that one is the caller's, perhaps shared with other clients, and the
// caller closes its connections (http.Client.CloseIdleConnections).
func (c *Client) CloseIdleConnections() {
	if c.ownHTTP != nil {
		c.ownHTTP.CloseIdleConnections()
	}
}

func envURL(name string) string {
	v := strings.TrimRight(strings.TrimSpace(os.Getenv(name)), "/")
	if !isURL(v) {
		return ""
	}
	return v
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
