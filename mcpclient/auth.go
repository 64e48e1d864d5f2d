package mcpclient

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/tiny-agents-go/tiny-agents/internal/urlredact"
)

// Values of [AuthConfig.Mode].
const (
	AuthModeOAuth = "oauth" // the default: sign in with OAuth when the server asks for it
	AuthModeNone  = "none"  // no OAuth: the server's Headers are all it gets
)

// Values of [AuthConfig.GrantType].
const (
	// GrantAuthorizationCode signs a user in through the [Authorizer]: the
	// authorization code grant with PKCE.
	GrantAuthorizationCode = "authorization_code"
	// GrantClientCredentials gets a token for the program itself, with
	// ClientID and ClientSecret or PrivateKeyPEM.
	GrantClientCredentials = "client_credentials"
	// GrantJWTBearer is cross-app access: the IDToken is exchanged at the
	// identity provider's IDPTokenURL for an identity assertion (ID-JAG),
	// which the authorization server takes in a JWT bearer grant.
	GrantJWTBearer = "jwt-bearer"
)

// AuthConfig is how an sse or http server's OAuth sign-in goes. A server
// without one signs in with OAuth, as a user, when it answers 401 with a
// Bearer challenge or with none, unless its Headers set Authorization. It
// is plain data, the "auth" object of a server in agent.json.
type AuthConfig struct {
	// Mode is "oauth" (the default when empty) or "none", which turns
	// OAuth off: the server's Headers are used as they are.
	Mode string `json:"mode,omitempty"`

	// ClientID and ClientSecret are credentials registered with the
	// authorization server beforehand. Without a ClientID the client uses
	// ClientMetadataURL when the authorization server accepts client ID
	// metadata documents, else registers itself dynamically.
	ClientID     string `json:"clientId,omitempty"`
	ClientSecret string `json:"clientSecret,omitempty"`

	// ClientMetadataURL is the https URL of a client ID metadata document
	// describing this program; it is the client ID at authorization servers
	// that say client_id_metadata_document_supported.
	ClientMetadataURL string `json:"clientMetadataUrl,omitempty"`

	// Scopes are asked for when the server's challenge names none; without
	// them the server's advertised scopes_supported are, and without those
	// no scope parameter is sent.
	Scopes []string `json:"scopes,omitempty"`

	// GrantType is GrantAuthorizationCode, GrantClientCredentials or
	// GrantJWTBearer. Empty chooses: jwt-bearer with an IDToken,
	// client_credentials when the authorization server offers it but not
	// authorization_code and a ClientID with a secret or key is set, else
	// authorization_code.
	GrantType string `json:"grantType,omitempty"`

	// PrivateKeyPEM is an EC P-256 private key (PKCS #8 or SEC 1 PEM). With
	// it the client authenticates at the token endpoint with an ES256 JWT
	// assertion (private_key_jwt) instead of a secret.
	PrivateKeyPEM string `json:"privateKeyPem,omitempty"`

	// For GrantJWTBearer: the identity provider's token endpoint, the ID
	// token to exchange there, and this program's client at the identity
	// provider (the secret, if any, is sent with HTTP Basic).
	IDPTokenURL     string `json:"idpTokenUrl,omitempty"`
	IDToken         string `json:"idToken,omitempty"`
	IDPClientID     string `json:"idpClientId,omitempty"`
	IDPClientSecret string `json:"idpClientSecret,omitempty"`
}

// validate checks what can be checked of a without the network. Its
// messages name fields, never their secret values.
func (a *AuthConfig) validate() error {
	switch a.Mode {
	case "", AuthModeOAuth, AuthModeNone:
	default:
		return fmt.Errorf("auth.mode: %q (want oauth or none)", a.Mode)
	}
	switch a.GrantType {
	case "", GrantAuthorizationCode:
	case GrantClientCredentials:
		if a.ClientID == "" || a.ClientSecret == "" && a.PrivateKeyPEM == "" {
			return errors.New("auth: grantType client_credentials needs clientId and clientSecret or privateKeyPem")
		}
	case GrantJWTBearer:
		if a.ClientID == "" || a.IDToken == "" || a.IDPTokenURL == "" {
			return errors.New("auth: grantType jwt-bearer needs clientId, idToken and idpTokenUrl")
		}
	default:
		return fmt.Errorf("auth.grantType: %q (want authorization_code, client_credentials or jwt-bearer)", a.GrantType)
	}
	if a.PrivateKeyPEM != "" {
		if _, err := parseECKey(a.PrivateKeyPEM); err != nil {
			return fmt.Errorf("auth.privateKeyPem: %w", err)
		}
	}
	if a.ClientMetadataURL != "" {
		u, err := url.Parse(a.ClientMetadataURL)
		if err != nil || u.Scheme != "https" || u.Host == "" || strings.Trim(u.Path, "/") == "" {
			return errors.New("auth.clientMetadataUrl: want an https URL with a path")
		}
	}
	return nil
}

// Authorizer is the user's part of an OAuth sign-in, which an embedder
// provides with [WithAuthorizer]: a CLI opens a browser and listens on a
// loopback port for the redirect. Its methods may be called from several
// goroutines, though for one server at a time.
type Authorizer interface {
	// RedirectURI returns the redirect URI to register and send: an http
	// URL on a loopback address (127.0.0.1, [::1] or localhost), on which
	// the Authorizer will receive the browser. Returning the same one every
	// time lets a dynamically registered client be reused.
	RedirectURI(ctx context.Context) (string, error)

	// Authorize has the user visit req.URL and returns the URL the
	// authorization server sent the browser back to: the redirect URI with
	// code and state (or error) in its query. A URL of the query alone is
	// accepted too. It should return when ctx ends.
	Authorize(ctx context.Context, req *AuthorizationRequest) (string, error)
}

// AuthorizationRequest is one sign-in an [Authorizer] is asked for.
type AuthorizationRequest struct {
	Server    string   // the server's display name (see [ServerNames])
	ServerURL string   // the MCP server's URL, without its query
	URL       string   // the authorization URL to open
	Scopes    []string // the scopes asked for, none if empty
	// Reason says why the user is asked now: a first sign-in, a server
	// that needs more scopes, or a saved sign-in that could not be renewed.
	Reason string
}

// Token is what a [TokenStore] keeps for one server: the tokens, and the
// client and token endpoint they came from, so that a later run can
// refresh them without asking the user. It holds secrets: store it as a
// password is stored.
type Token struct {
	AccessToken  string    `json:"access_token"`
	TokenType    string    `json:"token_type,omitempty"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	Expiry       time.Time `json:"expiry,omitzero"`
	Scope        string    `json:"scope,omitempty"` // space-separated, as granted or else as asked for

	ClientID     string `json:"client_id,omitempty"`
	ClientSecret string `json:"client_secret,omitempty"` // a dynamically registered client's only
	AuthMethod   string `json:"token_endpoint_auth_method,omitempty"`
	RedirectURI  string `json:"redirect_uri,omitempty"` // what the client was registered with
	Issuer       string `json:"issuer,omitempty"`
	TokenURL     string `json:"token_endpoint,omitempty"`
	Resource     string `json:"resource,omitempty"` // the RFC 8707 resource the token is for
}

// expired reports whether the access token has expired, or will within a
// few seconds.
func (t *Token) expired(now time.Time) bool {
	return !t.Expiry.IsZero() && !now.Before(t.Expiry.Add(-10*time.Second))
}

// TokenStore keeps the [Token] of each server between runs, under the key
// [TokenKey] gives. An embedder provides one with [WithTokenStore]; a CLI
// keeps them in files only the user can read. Implementations must be safe
// for concurrent use.
type TokenStore interface {
	// Load returns the token saved under key, or nil and no error if there
	// is none.
	Load(ctx context.Context, key string) (*Token, error)
	// Save saves tok under key, replacing what was there.
	Save(ctx context.Context, key string, tok *Token) error
}

// MemoryTokenStore is a [TokenStore] that forgets everything when the
// program ends, the default of a [Client]. It is safe for concurrent use.
type MemoryTokenStore struct {
	mu     sync.Mutex
	tokens map[string]Token
}

// NewMemoryTokenStore returns an empty MemoryTokenStore.
func NewMemoryTokenStore() *MemoryTokenStore { return &MemoryTokenStore{tokens: map[string]Token{}} }

// Load returns a copy of the token saved under key, nil if none.
func (s *MemoryTokenStore) Load(_ context.Context, key string) (*Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[key]
	if !ok {
		return nil, nil
	}
	return &t, nil
}

// Save saves a copy of tok under key; a nil tok deletes the entry.
func (s *MemoryTokenStore) Save(_ context.Context, key string, tok *Token) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if tok == nil {
		delete(s.tokens, key)
	} else {
		s.tokens[key] = *tok
	}
	return nil
}

// TokenKey returns the key a server's token is kept under in a
// [TokenStore]: its URL with scheme and host in lower case and without
// user info, query or fragment. It returns an error for a URL that is not
// absolute.
func TokenKey(serverURL string) (string, error) {
	u, err := url.Parse(serverURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("mcpclient: not an absolute URL: %q", urlredact.URL(serverURL))
	}
	k := url.URL{Scheme: strings.ToLower(u.Scheme), Host: strings.ToLower(u.Host), Path: u.Path, RawPath: u.RawPath}
	return k.String(), nil
}

// WithAuthorizer returns an Option that signs users in to the sse and http
// servers that ask for it through a. Without one such a server fails to
// connect with an error that wraps [ErrAuthorizationRequired], unless its
// [AuthConfig] sets up a grant that needs no user.
func WithAuthorizer(a Authorizer) Option {
	return func(o *options) error { o.authorizer = a; return nil }
}

// WithTokenStore returns an Option that keeps OAuth tokens in s, so that
// they outlive the Client. The default is a [MemoryTokenStore].
func WithTokenStore(s TokenStore) Option {
	return func(o *options) error { o.tokens = s; return nil }
}

// ErrAuthorizationRequired is wrapped by the error of a server that asks
// the user to sign in when no [Authorizer] was given.
var ErrAuthorizationRequired = errors.New("mcpclient: authorization required")

// AuthError is a failed OAuth sign-in or token renewal of a server; the
// *[ServerError] of the server wraps it. Its message never holds a token
// or a secret.
type AuthError struct {
	// Op is the step that failed: "discovery", "registration",
	// "authorization", "token", "token exchange" or "step-up".
	Op string
	// Scope is the scope the server asked for, if it said.
	Scope string
	Err   error
}

// Error reads like "authorization failed: step-up: ...".
func (e *AuthError) Error() string {
	return "authorization failed: " + e.Op + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *AuthError) Unwrap() error { return e.Err }

// checkAuth checks the Auth of an sse or http server.
func (c ServerConfig) checkAuth() error {
	if err := c.Auth.validate(); err != nil {
		return err
	}
	if _, err := TokenKey(c.URL); err != nil {
		return fmt.Errorf("url: %w", err)
	}
	if c.Auth.Mode != AuthModeNone && c.hasAuthorizationHeader() {
		return errors.New("auth: headers set Authorization too; remove it, or set auth.mode to none")
	}
	return nil
}

// Remote reports whether the server is reached over HTTP (sse or http),
// the servers that may ask the client to sign in.
func (c ServerConfig) Remote() bool {
	return c.Type == TransportSSE || c.Type == TransportHTTP
}

// UsesOAuth reports whether the client signs in to the server when the
// server asks: a remote server whose auth mode is not none and whose
// headers carry no Authorization of their own.
func (c ServerConfig) UsesOAuth() bool {
	return c.Remote() && (c.Auth == nil || c.Auth.Mode != AuthModeNone) && !c.hasAuthorizationHeader()
}

// hasAuthorizationHeader reports whether the server's headers set
// Authorization, in any case.
func (c ServerConfig) hasAuthorizationHeader() bool {
	for k := range c.Headers {
		if strings.EqualFold(k, "Authorization") {
			return true
		}
	}
	return false
}
