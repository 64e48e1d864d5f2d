package inference

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tiny-agents-go/tiny-agents/internal/urlredact"
)

// HTTPDoer sends one HTTP request. *http.Client satisfies it; tests and
// embedders may pass their own (a recorder, a rate limiter, a tracer).
type HTTPDoer interface {
	Do(*http.Request) (*http.Response, error)
}

// Option configures a [Client]. Options are applied in order by [NewClient],
// which returns the first option error.
type Option func(*config) error

type config struct {
	model      string
	baseURL    string
	provider   string
	token      string
	apiKey     string
	hubURL     string
	routerURL  string
	timeout    time.Duration
	idle       time.Duration
	headers    http.Header
	cookies    []*http.Cookie
	proxy      *url.URL
	billTo     string
	httpClient HTTPDoer
	userAgent  string
	maxRetries int
	retryBase  time.Duration
	retryMax   time.Duration
	logger     *slog.Logger
	pollEvery  time.Duration
	retryHook  func(RetryInfo)
	maxJSON    int64
	maxMedia   int64
}

// WithModel returns an Option that sets the default model: a Hub model id
// ("meta-llama/Llama-3.1-8B-Instruct", with an optional ":provider",
// ":fastest" or ":cheapest" suffix for the router) or the URL of an
// endpoint. A URL is used as is and never goes through provider routing.
// A per-call Model in the input overrides a Hub id.
func WithModel(model string) Option {
	return func(c *config) error { c.model = strings.TrimSpace(model); return nil }
}

// WithBaseURL returns an Option that sends requests to an OpenAI-compatible
// endpoint. It is the OpenAI-client spelling of a URL model: chat requests go
// to the URL with "/v1/chat/completions" or "/chat/completions" appended as
// needed. It cannot be combined with [WithModel].
func WithBaseURL(baseURL string) Option {
	return func(c *config) error {
		if !isURL(baseURL) {
			return fmt.Errorf("%w: base URL %q must start with http:// or https://", ErrInvalidOption, urlredact.URL(baseURL))
		}
		c.baseURL = baseURL
		return nil
	}
}

// WithProvider returns an Option that selects the inference provider: "auto"
// (the default: the Hugging Face router chooses) or one of [Providers].
// NewClient returns an error wrapping [ErrUnknownProvider] for other names.
func WithProvider(provider string) Option {
	return func(c *config) error { c.provider = strings.TrimSpace(provider); return nil }
}

// WithToken returns an Option that sets the credential: a Hugging Face token
// ("hf_...", requests go through the router) or a provider's own key
// (requests go straight to the provider). Without it the client uses
// HF_TOKEN, HUGGING_FACE_HUB_TOKEN or the token file, in that order.
func WithToken(token string) Option {
	return func(c *config) error { c.token = strings.TrimSpace(token); return nil }
}

// WithAPIKey returns an Option that is the OpenAI-client spelling of
// [WithToken]. Giving both with different values is an error.
func WithAPIKey(key string) Option {
	return func(c *config) error { c.apiKey = strings.TrimSpace(key); return nil }
}

// WithHubURL returns an Option that sets the Hub used for model mappings
// (default $HF_ENDPOINT, else https://huggingface.co).
func WithHubURL(hubURL string) Option {
	return func(c *config) error {
		if !isURL(hubURL) {
			return fmt.Errorf("%w: hub URL %q must start with http:// or https://", ErrInvalidOption, urlredact.URL(hubURL))
		}
		c.hubURL = strings.TrimRight(hubURL, "/")
		return nil
	}
}

// WithRouterURL returns an Option that sets the Hugging Face router (default
// $HF_ROUTER_URL, else https://router.huggingface.co).
func WithRouterURL(routerURL string) Option {
	return func(c *config) error {
		if !isURL(routerURL) {
			return fmt.Errorf("%w: router URL %q must start with http:// or https://", ErrInvalidOption, urlredact.URL(routerURL))
		}
		c.routerURL = strings.TrimRight(routerURL, "/")
		return nil
	}
}

// WithTimeout returns an Option that bounds each HTTP attempt, the reading of
// a streamed body included. Zero, the default, means no bound besides the
// caller's context. A timeout error matches [ErrTimeout].
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("%w: negative timeout %s", ErrInvalidOption, d)
		}
		c.timeout = d
		return nil
	}
}

// WithIdleTimeout returns an Option that ends an HTTP attempt when the
// server sends nothing for d: no status line and headers, or no byte of the
// body, streamed or not. Every byte received (and every part of the request
// body sent) restarts the count, so a long answer that keeps coming is
// never cut, however slow. Zero, the default, disables it. The error
// matches [ErrIdleTimeout] and [ErrTimeout]; like other timeouts it is not
// retried. NewClient returns an error wrapping [ErrInvalidOption] for a
// negative d.
func WithIdleTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("%w: negative idle timeout %s", ErrInvalidOption, d)
		}
		c.idle = d
		return nil
	}
}

// WithHeader returns an Option that adds a header to every request. It may be
// given several times; later values for the same key replace earlier ones.
// The package's own HTTP client does not send it on when a server
// redirects to another origin (see [CheckRedirect]).
func WithHeader(key, value string) Option {
	return func(c *config) error {
		if c.headers == nil {
			c.headers = http.Header{}
		}
		c.headers.Set(key, value)
		return nil
	}
}

// WithHeaders returns an Option that adds every header of h to every request.
func WithHeaders(h map[string]string) Option {
	return func(c *config) error {
		for k, v := range h {
			if err := WithHeader(k, v)(c); err != nil {
				return err
			}
		}
		return nil
	}
}

// WithCookies returns an Option that sends the cookies with every request.
func WithCookies(cookies ...*http.Cookie) Option {
	return func(c *config) error { c.cookies = append(c.cookies, cookies...); return nil }
}

// WithProxy returns an Option that sends requests through an HTTP(S) proxy.
// It cannot be combined with [WithHTTPClient], whose transport is the
// caller's.
func WithProxy(proxyURL string) Option {
	return func(c *config) error {
		u, err := url.Parse(proxyURL)
		if err != nil || u.Host == "" {
			return fmt.Errorf("%w: proxy URL %q is not a URL", ErrInvalidOption, urlredact.URL(proxyURL))
		}
		c.proxy = u
		return nil
	}
}

// WithBillTo returns an Option that bills requests to a Hugging Face
// organisation (header X-HF-Bill-To). It has effect only with a Hugging Face
// token: a provider's own key is billed by the provider.
func WithBillTo(org string) Option {
	return func(c *config) error { c.billTo = strings.TrimSpace(org); return nil }
}

// WithHTTPClient returns an Option that sends every request through doer
// instead of a client of the package's own.
//
// The redirect policy is then doer's. The package's own client follows a
// redirect to another scheme, host or port with none of the headers that
// may carry a credential (see [CheckRedirect]); a plain *http.Client keeps
// Authorization for the same host on any port and for its subdomains, and
// sends every other header (X-Key, x-api-key, those of [WithHeader]) to
// any host. Set the client's CheckRedirect field to [CheckRedirect] to get
// the package's policy.
func WithHTTPClient(doer HTTPDoer) Option {
	return func(c *config) error {
		if doer == nil {
			return fmt.Errorf("%w: nil HTTP client", ErrInvalidOption)
		}
		c.httpClient = doer
		return nil
	}
}

// WithUserAgent returns an Option that replaces the User-Agent header
// (default "tiny-agents-go/VERSION; go/GOVERSION").
func WithUserAgent(ua string) Option {
	return func(c *config) error { c.userAgent = ua; return nil }
}

// WithMaxRetries returns an Option that sets how many times a request that
// failed with 408, 429, a 5xx status or a connection error before any
// response is retried (default 3; 0 disables retries). A stream that has
// started is never retried, nor an asynchronous job that the provider has
// acknowledged: only its polls are (see the package documentation's
// Retries section).
func WithMaxRetries(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("%w: negative retry count %d", ErrInvalidOption, n)
		}
		c.maxRetries = n
		return nil
	}
}

// WithRetryBackoff returns an Option that sets the first retry delay and the
// largest one (defaults 500ms and 8s). Delays double per attempt with full
// jitter. A Retry-After header from the server takes precedence, up to one
// minute; a server that asks for more gets its error returned at once.
func WithRetryBackoff(base, max time.Duration) Option {
	return func(c *config) error {
		if base <= 0 || max < base {
			return fmt.Errorf("%w: retry backoff needs 0 < base <= max, got %s and %s", ErrInvalidOption, base, max)
		}
		c.retryBase, c.retryMax = base, max
		return nil
	}
}

// WithRetryHook returns an Option that calls f before each wait for a
// retry, on the goroutine of the call, with what failed and how long the
// client will wait: a command-line tool can tell its user why nothing
// happens. f must not block for long, as the wait starts when it returns;
// with concurrent calls it may be called concurrently. A nil f removes the
// hook.
func WithRetryHook(f func(RetryInfo)) Option {
	return func(c *config) error { c.retryHook = f; return nil }
}

// WithLogger returns an Option that receives the client's warnings (a
// staging model mapping, a retry). The default discards them.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error { c.logger = l; return nil }
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// WithPollInterval sets how often the client asks an asynchronous provider
// (fal-ai's queue, replicate, wavespeed, black-forest-labs...) whether a
// job is done; 500 ms by default. The call's context bounds the wait.
func WithPollInterval(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("%w: poll interval %v must be positive", ErrInvalidOption, d)
		}
		c.pollEvery = d
		return nil
	}
}
