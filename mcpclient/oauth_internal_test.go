package mcpclient

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

func TestChooseScopes(t *testing.T) {
	for _, tc := range []struct {
		name        string
		ch          challenge
		had, config []string
		prm, as     []string
		interactive bool
		want        []string
	}{
		{name: "challenge first", ch: challenge{status: 401, scope: []string{"mcp:basic"}},
			config: []string{"mine"}, prm: []string{"a", "b"}, interactive: true, want: []string{"mcp:basic"}},
		{name: "configured before scopes_supported", ch: challenge{status: 401}, config: []string{"mine"},
			prm: []string{"a", "b"}, want: []string{"mine"}},
		{name: "scopes_supported", ch: challenge{status: 401}, prm: []string{"a", "b", "c"}, want: []string{"a", "b", "c"}},
		{name: "nothing: no scope", ch: challenge{status: 401}, interactive: true, want: nil},
		{name: "offline_access when offered", ch: challenge{status: 401}, prm: []string{"mcp:basic"},
			as: []string{"mcp:basic", "offline_access"}, interactive: true, want: []string{"mcp:basic", "offline_access"}},
		{name: "no offline_access unless offered", ch: challenge{status: 401}, prm: []string{"mcp:basic"},
			as: []string{"mcp:basic", "mcp:read"}, interactive: true, want: []string{"mcp:basic"}},
		{name: "no offline_access for a machine", ch: challenge{status: 401}, prm: []string{"mcp:basic"},
			as: []string{"offline_access"}, want: []string{"mcp:basic"}},
		{name: "step-up adds to what the token had",
			ch:  challenge{status: 403, err: "insufficient_scope", scope: []string{"mcp:basic", "mcp:write"}},
			had: []string{"mcp:basic", "other"}, prm: []string{"x"}, want: []string{"mcp:basic", "other", "mcp:write"}},
		{name: "401 ignores what the token had", ch: challenge{status: 401, scope: []string{"b"}},
			had: []string{"a"}, want: []string{"b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := chooseScopes(&tc.ch, tc.had, tc.config, tc.prm, tc.as, tc.interactive)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("scopes = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestChallengeOf(t *testing.T) {
	for name, tc := range map[string]struct {
		status int
		header []string
		want   *challenge
	}{
		"full": {401, []string{`Bearer error="invalid_token", error_description="Missing \"Authorization\" header", scope="mcp:basic mcp:read", resource_metadata="https://a.example/.well-known/oauth-protected-resource/mcp"`},
			&challenge{status: 401, err: "invalid_token", scope: []string{"mcp:basic", "mcp:read"},
				resourceMetadata: "https://a.example/.well-known/oauth-protected-resource/mcp"}},
		"bearer after basic": {401, []string{`Basic realm="x", Bearer scope=read`},
			&challenge{status: 401, scope: []string{"read"}}},
		"two header lines": {401, []string{`Basic realm="x"`, `bearer resource_metadata="u"`},
			&challenge{status: 401, resourceMetadata: "u"}},
		"no header":            {401, nil, &challenge{status: 401}},
		"basic only":           {401, []string{`Basic realm="x"`}, nil},
		"403 insufficient":     {403, []string{`Bearer error="insufficient_scope", scope="a b"`}, &challenge{status: 403, err: "insufficient_scope", scope: []string{"a", "b"}}},
		"403 other":            {403, []string{`Bearer error="invalid_token"`}, nil},
		"403 without header":   {403, nil, nil},
		"200":                  {200, []string{`Bearer scope="a"`}, nil},
		"token68 and junk":     {401, []string{`Negotiate abc==, "Bearer", Bearer realm=x`}, &challenge{status: 401}},
		"unterminated quote":   {401, []string{`Bearer scope="a b`}, &challenge{status: 401, scope: []string{"a", "b"}}},
		"empty scope is none":  {401, []string{`Bearer scope=""`}, &challenge{status: 401}},
		"unquoted URL, spaces": {401, []string{`Bearer  resource_metadata = https://x/y , scope=a`}, &challenge{status: 401, scope: []string{"a"}, resourceMetadata: "https://x/y"}},
	} {
		t.Run(name, func(t *testing.T) {
			resp := &http.Response{StatusCode: tc.status, Header: http.Header{}}
			for _, h := range tc.header {
				resp.Header.Add("WWW-Authenticate", h)
			}
			got, ok := challengeOf(resp)
			if ok != (tc.want != nil) || ok && !reflect.DeepEqual(got, tc.want) {
				t.Errorf("challengeOf = %+v, %v; want %+v", got, ok, tc.want)
			}
		})
	}
}

func FuzzParseChallenges(f *testing.F) {
	f.Add(`Bearer error="invalid_token", scope="a b", resource_metadata="https://x"`)
	f.Add(`Basic realm="x", Bearer scope=read, Negotiate abc==`)
	f.Add(`Bearer "`)
	f.Fuzz(func(t *testing.T, s string) {
		parseChallenges([]string{s}) // must end, and not panic
	})
}

// verifyES256 checks a compact JWS the way an authorization server would,
// with crypto/ecdsa alone, and returns its header and claims.
func verifyES256(t *testing.T, jws string, pub *ecdsa.PublicKey) (header, claims map[string]any) {
	t.Helper()
	parts := strings.Split(jws, ".")
	if len(parts) != 3 {
		t.Fatalf("a JWS has 3 parts, this one %d", len(parts))
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		t.Fatalf("signature: %d bytes, %v", len(sig), err)
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
	if !ecdsa.Verify(pub, digest[:], r, s) {
		t.Fatal("the ES256 signature does not verify")
	}
	for i, out := range []*map[string]any{&header, &claims} {
		raw, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatal(err)
		}
	}
	return header, claims
}

func TestClientAssertionVerifies(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	sec1, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string]*pem.Block{"pkcs8": {Type: "PRIVATE KEY", Bytes: der}, "sec1": {Type: "EC PRIVATE KEY", Bytes: sec1}} {
		t.Run(name, func(t *testing.T) {
			parsed, err := parseECKey(string(pem.EncodeToMemory(p)))
			if err != nil {
				t.Fatal(err)
			}
			now := time.Unix(1_800_000_000, 0)
			jws, err := clientAssertion(parsed, "client-1", "https://as.example/tenant", now)
			if err != nil {
				t.Fatal(err)
			}
			header, claims := verifyES256(t, jws, &key.PublicKey)
			if header["alg"] != "ES256" || header["typ"] != "JWT" {
				t.Errorf("header = %v", header)
			}
			want := map[string]any{"iss": "client-1", "sub": "client-1", "aud": "https://as.example/tenant",
				"iat": float64(now.Unix()), "exp": float64(now.Add(5 * time.Minute).Unix())}
			for k, v := range want {
				if claims[k] != v {
					t.Errorf("claim %s = %v, want %v", k, claims[k], v)
				}
			}
			if jti, _ := claims["jti"].(string); len(jti) < 16 {
				t.Errorf("jti = %q", jti)
			}
		})
	}
}

func TestParseECKeyRefuses(t *testing.T) {
	rsaLike := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("not a key")})
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(p384)
	for name, in := range map[string]string{"not PEM": "hello", "garbage DER": string(rsaLike),
		"P-384": string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))} {
		if _, err := parseECKey(in); err == nil {
			t.Errorf("%s: parsed", name)
		} else if strings.Contains(err.Error(), "PRIVATE KEY") || strings.Contains(err.Error(), in) {
			t.Errorf("%s: the error quotes the key: %v", name, err)
		}
	}
}

func TestPausableTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		outer, cancelOuter := withPausableTimeout(t.Context(), 3*time.Second)
		defer cancelOuter()
		ctx, cancel := withPausableTimeout(outer, time.Second)
		defer cancel()
		time.Sleep(500 * time.Millisecond)
		resume := pauseDeadlines(ctx)
		time.Sleep(time.Hour) // a user signing in
		if ctx.Err() != nil || outer.Err() != nil {
			t.Fatal("a paused deadline fired")
		}
		resume()
		time.Sleep(499 * time.Millisecond)
		if ctx.Err() != nil {
			t.Fatal("the deadline fired early")
		}
		time.Sleep(2 * time.Millisecond)
		if !errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
			t.Fatalf("after the deadline: %v", context.Cause(ctx))
		}
		if outer.Err() != nil {
			t.Fatal("the outer deadline fired early")
		}
		time.Sleep(2 * time.Second)
		if !errors.Is(context.Cause(outer), context.DeadlineExceeded) {
			t.Fatalf("outer after its deadline: %v", context.Cause(outer))
		}
	})
}
