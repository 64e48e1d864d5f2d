package mcpclient

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tiny-agents-go/tiny-agents/internal/urlredact"
)

// Client authentication methods at a token endpoint (RFC 7591 §2, RFC
// 7523 §2.2).
const (
	authNone          = "none"
	authSecretBasic   = "client_secret_basic"
	authSecretPost    = "client_secret_post"
	authPrivateKeyJWT = "private_key_jwt"
)

// clientCreds is who the client is at a token endpoint.
type clientCreds struct {
	id, secret, method string
	key                *ecdsa.PrivateKey // for private_key_jwt
	dynamic            bool              // registered by this client, so saved with the token
}

// tokenMethod chooses how a client with a secret or key authenticates at
// a token endpoint whose metadata lists supported (RFC 8414 §2: none
// listed means client_secret_basic).
func tokenMethod(hasSecret, hasKey bool, supported []string) string {
	switch {
	case hasKey:
		return authPrivateKeyJWT
	case !hasSecret:
		return authNone
	case len(supported) == 0 || slices.Contains(supported, authSecretBasic):
		return authSecretBasic
	case slices.Contains(supported, authSecretPost):
		return authSecretPost
	}
	return authSecretBasic
}

// tokenResponse is a token endpoint's answer (RFC 6749 §5.1, RFC 8693
// §2.2.1), or its error (§5.2).
type tokenResponse struct {
	AccessToken      string          `json:"access_token"`
	TokenType        string          `json:"token_type"`
	ExpiresIn        json.RawMessage `json:"expires_in"`
	RefreshToken     string          `json:"refresh_token"`
	Scope            string          `json:"scope"`
	IssuedTokenType  string          `json:"issued_token_type"`
	Error            string          `json:"error"`
	ErrorDescription string          `json:"error_description"`
}

// expiry is when the token expires, zero if the server did not say.
// Some servers send expires_in as a string.
func (r *tokenResponse) expiry(now time.Time) time.Time {
	s := strings.Trim(string(r.ExpiresIn), `"`)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}
	}
	return now.Add(time.Duration(n) * time.Second)
}

// oauthError is an error answer of an OAuth endpoint. Its message holds
// the error code and a description cleared of the secrets the request
// carried.
type oauthError struct {
	endpoint string // a public URL
	status   int
	code     string
	desc     string
}

func (e *oauthError) Error() string {
	msg := fmt.Sprintf("%s answered %d", e.endpoint, e.status)
	if e.code != "" {
		msg += ": " + e.code
	}
	if e.desc != "" {
		msg += ": " + e.desc
	}
	return msg
}

// postToken sends form to a token endpoint as client cl, whose assertion
// (for private_key_jwt) is for audience, and returns the answer. An
// error never holds what form or cl carry.
func (a *authenticator) postToken(ctx context.Context, endpoint string, form url.Values, cl clientCreds, audience string) (*tokenResponse, error) {
	secrets := secretsOf(form, cl)
	switch cl.method {
	case authSecretBasic:
	case authSecretPost:
		form.Set("client_id", cl.id)
		form.Set("client_secret", cl.secret)
	case authPrivateKeyJWT:
		if cl.key == nil {
			return nil, errors.New("private_key_jwt without a private key (auth.privateKeyPem)")
		}
		assertion, err := clientAssertion(cl.key, cl.id, audience, time.Now())
		if err != nil {
			return nil, fmt.Errorf("signing the client assertion: %w", err)
		}
		secrets = append(secrets, assertion)
		form.Set("client_id", cl.id)
		form.Set("client_assertion_type", clientAssertionType)
		form.Set("client_assertion", assertion)
	default:
		if cl.id != "" {
			form.Set("client_id", cl.id)
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("token endpoint %q: %w", urlredact.URL(endpoint), err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if cl.method == authSecretBasic {
		// RFC 6749 §2.3.1: form-encoded before they are joined.
		req.SetBasicAuth(url.QueryEscape(cl.id), url.QueryEscape(cl.secret))
		secrets = append(secrets, strings.TrimPrefix(req.Header.Get("Authorization"), "Basic "))
	}
	return a.doToken(req, secrets)
}

// exchange sends req to an authorization server's endpoint (what names it
// in messages: "token endpoint") and returns the status and the body, read
// up to maxMetadataBytes. Its errors show the endpoint without its query
// and none of secrets.
func (a *authenticator) exchange(req *http.Request, what string, secrets []string) (int, []byte, error) {
	endpoint := urlredact.URL(req.URL.String())
	resp, err := a.hc.Do(req)
	if err != nil {
		err = unwrapURLError(err)
		return 0, nil, &scrubbedError{msg: fmt.Sprintf("%s %s: %s", what, endpoint, scrub(err.Error(), secrets)), err: err}
	}
	defer discard(resp.Body)
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxMetadataBytes))
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: reading the answer: %w", what, endpoint, err)
	}
	return resp.StatusCode, body, nil
}

// scrubbedError is an error whose text had secrets taken out; it still
// matches what it wraps (a context's end, a timeout).
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

// doToken sends a token request and decodes the answer.
func (a *authenticator) doToken(req *http.Request, secrets []string) (*tokenResponse, error) {
	endpoint := urlredact.URL(req.URL.String())
	status, body, err := a.exchange(req, "token endpoint", secrets)
	if err != nil {
		return nil, err
	}
	var tr tokenResponse
	jsonErr := json.Unmarshal(body, &tr)
	if status/100 != 2 || tr.Error != "" {
		return nil, &oauthError{endpoint: endpoint, status: status,
			code: clip(scrub(tr.Error, secrets), 80), desc: clip(scrub(tr.ErrorDescription, secrets), 300)}
	}
	if jsonErr != nil {
		return nil, fmt.Errorf("token endpoint %s: the answer is not JSON: %w", endpoint, jsonErr)
	}
	if tr.AccessToken == "" {
		return nil, fmt.Errorf("token endpoint %s: the answer has no access_token", endpoint)
	}
	return &tr, nil
}

// secretsOf lists the values of a token request that no message may show.
func secretsOf(form url.Values, cl clientCreds) []string {
	var s []string
	for _, k := range []string{"code", "code_verifier", "refresh_token", "assertion", "subject_token", "client_secret"} {
		if v := form.Get(k); v != "" {
			s = append(s, v)
		}
	}
	if cl.secret != "" {
		s = append(s, cl.secret)
	}
	return s
}

// scrub replaces each secret in s. Clip after scrubbing, never before: a
// secret cut short would no longer be found.
func scrub(s string, secrets []string) string {
	for _, v := range secrets {
		if len(v) >= 4 {
			s = strings.ReplaceAll(s, v, "[redacted]")
		}
	}
	return s
}

// clip cuts s to n bytes, on a rune boundary, and drops control
// characters, for a server's text in a message.
func clip(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

// postJSON sends v to a registration endpoint and decodes the answer into
// out.
func (a *authenticator) postJSON(ctx context.Context, endpoint string, v, out any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("registration endpoint %q: %w", urlredact.URL(endpoint), err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	status, data, err := a.exchange(req, "registration endpoint", nil)
	if err != nil {
		return err
	}
	if status != http.StatusOK && status != http.StatusCreated {
		var e tokenResponse
		json.Unmarshal(data, &e)
		return &oauthError{endpoint: urlredact.URL(endpoint), status: status, code: clip(e.Error, 80), desc: clip(e.ErrorDescription, 300)}
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("registration endpoint %s: the answer is not JSON: %w", urlredact.URL(endpoint), err)
	}
	return nil
}
