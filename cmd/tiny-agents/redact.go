package main

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// redactedMark replaces a secret in printed text.
const redactedMark = "[redacted]"

// minSecretLen keeps very short values (a one-letter input) from turning
// every printed line into marks.
const minSecretLen = 4

// redactor knows the run's secrets (the token, the API key, password
// inputs) and scrubs them from anything printed. The zero value scrubs
// nothing. It is not safe for concurrent use by itself; the views that hold
// one serialise their calls.
type redactor struct {
	secrets  []string // longest first, so that a secret holding another is replaced whole
	replacer *strings.Replacer
	maxLen   int
}

func newRedactor(secrets ...string) *redactor {
	r := &redactor{}
	for _, s := range secrets {
		if len(s) >= minSecretLen && !slices.Contains(r.secrets, s) {
			r.secrets = append(r.secrets, s)
		}
	}
	slices.SortFunc(r.secrets, func(a, b string) int { return len(b) - len(a) })
	if len(r.secrets) == 0 {
		return r
	}
	pairs := make([]string, 0, 2*len(r.secrets))
	for _, s := range r.secrets {
		pairs = append(pairs, s, redactedMark)
		r.maxLen = max(r.maxLen, len(s))
	}
	r.replacer = strings.NewReplacer(pairs...)
	return r
}

// String returns s with every secret replaced.
func (r *redactor) String(s string) string {
	if r == nil || r.replacer == nil {
		return s
	}
	// Most text holds no secret: finding none costs no copy (a Replacer
	// of several strings copies s even when it replaces nothing).
	if !slices.ContainsFunc(r.secrets, func(secret string) bool { return strings.Contains(s, secret) }) {
		return s
	}
	return r.replacer.Replace(s)
}

// streamRedactor scrubs a text that arrives in pieces, where a secret may be
// split between two pieces: it holds back the end of what it has seen when
// that end could begin a secret, until the next piece (or Flush) decides.
type streamRedactor struct {
	r       *redactor
	pending string
}

// Write takes the next piece and returns what can be printed now.
func (s *streamRedactor) Write(piece string) string {
	if s.r == nil || s.r.replacer == nil {
		return piece
	}
	text := s.pending + piece
	keep := s.heldBack(text)
	s.pending = text[len(text)-keep:]
	return s.r.String(text[:len(text)-keep])
}

// Flush returns what is held back.
func (s *streamRedactor) Flush() string {
	out := s.r.String(s.pending)
	s.pending = ""
	return out
}

// heldBack is the length of the longest end of text that is a proper
// prefix of a secret, or 0.
func (s *streamRedactor) heldBack(text string) int {
	longest := 0
	for _, secret := range s.r.secrets {
		for i := max(0, len(text)-len(secret)+1); i < len(text)-longest; i++ {
			if text[i] == secret[0] && strings.HasPrefix(secret, text[i:]) {
				longest = len(text) - i
				break
			}
		}
	}
	return longest
}

// urlPattern finds URLs in free text: a scheme, then anything up to a
// space or a quote.
var urlPattern = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*://[^\s"'<>]+`)

// Diag returns s scrubbed for a diagnostic: secrets replaced, and every URL
// without its userinfo password and its query values, which is where
// services carry keys.
func (r *redactor) Diag(s string) string {
	return urlPattern.ReplaceAllStringFunc(r.String(s), scrubURL)
}

// scrubURL replaces the password and the query values of one URL; text
// that does not parse is left alone.
func scrubURL(raw string) string {
	trail := ""
	for strings.HasSuffix(raw, ".") || strings.HasSuffix(raw, ",") || strings.HasSuffix(raw, ")") || strings.HasSuffix(raw, ":") {
		raw, trail = raw[:len(raw)-1], raw[len(raw)-1:]+trail
	}
	u, err := url.Parse(raw)
	if err != nil {
		return raw + trail
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), redactedMark)
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			q[k] = []string{redactedMark}
		}
		u.RawQuery = q.Encode()
	}
	out := u.String()
	// Encode escapes the marks; they read better as they are.
	out = strings.ReplaceAll(out, url.QueryEscape(redactedMark), redactedMark)
	out = strings.ReplaceAll(out, url.PathEscape(redactedMark), redactedMark)
	return out + trail
}
