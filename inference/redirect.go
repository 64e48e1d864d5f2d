package inference

import (
	"errors"
	"net/http"
	"strings"

	"github.com/tiny-agents-go/tiny-agents/internal/urlredact"
)

// maxRedirects is how many redirects a request follows, as net/http's
// default policy.
const maxRedirects = 10

// redirectSafeHeaders are the only headers a request takes to another
// origin. Everything else may carry a credential: Authorization (the
// "Bearer" of the router, fal's "Key"), black-forest-labs' X-Key, the
// x-api-key and api-key of other APIs, Cookie, a key in a header the
// caller added, or a Referer whose query holds one. Keeping a short list
// of harmless headers, rather than dropping a list of dangerous ones,
// means that a provider added later with a header of its own is covered.
var redirectSafeHeaders = []string{"Accept", "Accept-Language", "Content-Type", "User-Agent"}

// CheckRedirect is the redirect policy of the client that [NewClient]
// builds, for callers who pass their own *http.Client with
// [WithHTTPClient] and want the same: set the client's CheckRedirect field
// to it. It follows up to 10 redirects. Once a redirect leaves the origin
// (scheme, host and port) of the first request, every later request of
// the chain carries only the Accept, Accept-Language, Content-Type and
// User-Agent headers: net/http by itself drops only Authorization and
// Cookie, and keeps them for the same host on another port and for
// subdomains. It returns an error after too many redirects; it is safe
// for concurrent use.
func CheckRedirect(req *http.Request, via []*http.Request) error {
	return checkRedirect(req, via, nil)
}

// redirectPolicy is [CheckRedirect] that also drops the headers the caller
// set with WithHeader, whatever their name.
func redirectPolicy(callerHeaders http.Header) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		return checkRedirect(req, via, callerHeaders)
	}
}

func checkRedirect(req *http.Request, via []*http.Request, callerHeaders http.Header) error {
	if len(via) >= maxRedirects {
		return errors.New("stopped after 10 redirects")
	}
	if len(via) == 0 || !leftOrigin(req, via) {
		return nil
	}
	// net/http copies the first request's headers onto each redirect, so
	// req.Header holds everything that request had.
	for k := range req.Header {
		_, byCaller := callerHeaders[http.CanonicalHeaderKey(k)]
		if byCaller || !isRedirectSafe(k) {
			delete(req.Header, k)
		}
	}
	return nil
}

// leftOrigin reports whether req or any hop before it is on another
// origin than the first request. A chain that comes back to the first
// origin after a detour stays stripped: the detour chose where it goes.
func leftOrigin(req *http.Request, via []*http.Request) bool {
	first := urlredact.Origin(via[0].URL)
	if urlredact.Origin(req.URL) != first {
		return true
	}
	for _, r := range via[1:] {
		if urlredact.Origin(r.URL) != first {
			return true
		}
	}
	return false
}

func isRedirectSafe(key string) bool {
	for _, h := range redirectSafeHeaders {
		if strings.EqualFold(key, h) {
			return true
		}
	}
	return false
}
