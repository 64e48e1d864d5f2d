// Package urlredact keeps credentials where they belong: it takes secrets
// out of URLs before they are shown, and names a URL's origin, the unit a
// credential may be sent to.
package urlredact

import (
	"net/url"
	"strings"
)

// URL returns u without the parts that may hold a secret: the
// userinfo ("user:password@"), the query (where some services take keys)
// and the fragment. Every URL the module puts in an error, an op string, a
// warning or a log line goes through it. A string that does not parse as a URL
// loses everything from '?' or '#' on and, after "://", everything up to
// the last '@'.
func URL(u string) string {
	if !strings.ContainsAny(u, "@?#") {
		return u // nothing to take out: spare the parse on every request
	}
	if p, err := url.Parse(u); err == nil {
		p.User = nil
		p.RawQuery, p.ForceQuery = "", false
		p.Fragment, p.RawFragment = "", ""
		return p.String()
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	if scheme, rest, ok := strings.Cut(u, "://"); ok {
		if i := strings.LastIndexByte(rest, '@'); i >= 0 {
			rest = rest[i+1:]
		}
		u = scheme + "://" + rest
	}
	return u
}

// Origin returns "scheme://host:port" of u, lower case, with the scheme's
// default port made explicit, so that http://h and http://h:80 are one
// origin.
func Origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		switch scheme {
		case "http":
			port = "80"
		case "https":
			port = "443"
		}
	}
	return scheme + "://" + strings.ToLower(u.Hostname()) + ":" + port
}
