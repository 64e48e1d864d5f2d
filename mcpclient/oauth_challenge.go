package mcpclient

import (
	"io"
	"net/http"
	"strings"
)

// challenge is what a 401 or 403 answer of an MCP server says about
// authorization: its Bearer challenge (RFC 6750 §3, RFC 9728 §5.1).
type challenge struct {
	status           int
	err              string // error=, e.g. "invalid_token", "insufficient_scope"
	scope            []string
	resourceMetadata string
}

// stepUp reports whether the server wants a token with more scopes.
func (c *challenge) stepUp() bool {
	return c.status == http.StatusForbidden && c.err == "insufficient_scope"
}

// challengeOf reads the authorization challenge of resp: a 401 with a
// Bearer challenge or none at all (a 2025-03-26 server may send none), or
// a 403 whose Bearer challenge says insufficient_scope. Any other answer
// is not one.
func challengeOf(resp *http.Response) (*challenge, bool) {
	if resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden {
		return nil, false
	}
	values := resp.Header.Values("WWW-Authenticate")
	for _, c := range parseChallenges(values) {
		if c.scheme != "bearer" {
			continue
		}
		ch := &challenge{status: resp.StatusCode, err: c.params["error"], resourceMetadata: c.params["resource_metadata"]}
		if s := strings.Fields(c.params["scope"]); len(s) > 0 {
			ch.scope = s
		}
		if resp.StatusCode == http.StatusForbidden && !ch.stepUp() {
			return nil, false
		}
		return ch, true
	}
	if resp.StatusCode == http.StatusUnauthorized && len(values) == 0 {
		return &challenge{status: resp.StatusCode}, true
	}
	return nil, false
}

// discard reads a little of body, so that the connection can be reused,
// and closes it.
func discard(body io.ReadCloser) {
	io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	body.Close()
}

type authChallenge struct {
	scheme string // lower case
	params map[string]string
}

// parseChallenges parses WWW-Authenticate header values (RFC 9110 §11.6.1):
// comma-separated challenges, each a scheme and auth-params whose values
// are tokens or quoted strings. It is lenient: an unquoted value runs to
// the next comma, and a token68 is skipped.
func parseChallenges(values []string) []authChallenge {
	var out []authChallenge
	for _, v := range values {
		p := &headerParser{s: v}
		for {
			p.skip(" \t,")
			scheme := p.token()
			if scheme == "" {
				break
			}
			c := authChallenge{scheme: strings.ToLower(scheme), params: map[string]string{}}
			for {
				p.skip(" \t,")
				save := p.i
				name := p.token()
				p.skip(" \t")
				if name == "" || !p.consume('=') {
					p.i = save // the next challenge's scheme
					if name == "" {
						p.skipValue() // a token68 or junk
					}
					break
				}
				p.skip(" \t")
				c.params[strings.ToLower(name)] = p.value()
			}
			out = append(out, c)
			if p.done() {
				break
			}
		}
	}
	return out
}

type headerParser struct {
	s string
	i int
}

func (p *headerParser) done() bool { return p.i >= len(p.s) }

func (p *headerParser) skip(chars string) {
	for p.i < len(p.s) && strings.IndexByte(chars, p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *headerParser) consume(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func isTokenChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func (p *headerParser) token() string {
	start := p.i
	for p.i < len(p.s) && isTokenChar(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i]
}

// value reads a quoted string, unescaping it, or an unquoted value up to
// the next comma.
func (p *headerParser) value() string {
	if !p.consume('"') {
		start := p.i
		for p.i < len(p.s) && p.s[p.i] != ',' {
			p.i++
		}
		return strings.TrimSpace(p.s[start:p.i])
	}
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		p.i++
		switch {
		case c == '"':
			return b.String()
		case c == '\\' && p.i < len(p.s):
			b.WriteByte(p.s[p.i])
			p.i++
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// skipValue skips to the next comma, so that parsing always advances.
func (p *headerParser) skipValue() {
	if p.i < len(p.s) && p.s[p.i] != ',' {
		p.i++
	}
	for p.i < len(p.s) && p.s[p.i] != ',' {
		p.i++
	}
}
