package agent

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// EnvName is the environment variable that supplies input id when the user
// gives nothing: the id upper-cased, dashes as underscores.
func EnvName(id string) string { return strings.ToUpper(strings.ReplaceAll(id, "-", "_")) }

// ResolveInputs replaces ${input:ID} in server commands, args, env values,
// headers, URLs and the credentials of auth (clientId, clientSecret,
// privateKeyPem, idToken, idpClientId, idpClientSecret), and in the API
// key. For each declared input that is used,
// ask (if not nil) is called first, as in the references; an empty answer
// falls back to the environment variable [EnvName](ID). Unused inputs are
// not asked for. Pass a nil ask when nobody can answer (stdin is not a
// terminal): values then come only from the environment.
//
// It returns a warning for each used input left without a value, which is
// replaced by "". It stops at the first error of ask, or when ctx is done,
// and returns that error.
func (c *Config) ResolveInputs(ctx context.Context, ask func(Input) (string, error)) (warnings []string, err error) {
	for _, in := range c.Inputs {
		if err := ctx.Err(); err != nil {
			return warnings, err
		}
		ref := "${input:" + in.ID + "}"
		if !c.uses(ref) {
			continue
		}
		value := ""
		if ask != nil {
			if value, err = ask(in); err != nil {
				return warnings, err
			}
		}
		if value == "" {
			name := EnvName(in.ID)
			v, set := os.LookupEnv(name)
			value = v
			if value == "" {
				state := "not set"
				if set {
					state = "empty"
				}
				warnings = append(warnings, fmt.Sprintf("input %q has no value: %s is %s; %s is replaced by \"\"", in.ID, name, state, ref))
			}
		}
		if in.Password && value != "" {
			c.secrets = append(c.secrets, value)
		}
		c.replace(ref, value)
	}
	return warnings, nil
}

// Secrets returns the values that must never be printed: the resolved
// values of password inputs, the API key, every header value of a server
// (the credential after a scheme word such as "Bearer"), the values of
// server env variables whose names look secret (KEY, TOKEN, SECRET, PASS,
// AUTH, CREDENTIAL, PRIVATE), the secrets of a server's auth
// (clientSecret, idToken, idpClientSecret, and privateKeyPem whole and
// line by line), and the password and query values of server URLs and of
// endpointUrl. Call it after ResolveInputs.
func (c *Config) Secrets() []string {
	var out []string
	add := func(s string) {
		if s != "" && !inputRef.MatchString(s) && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, s := range c.secrets {
		add(s)
	}
	add(c.APIKey)
	urlSecrets(c.EndpointURL, add)
	for _, srv := range c.Servers {
		for _, v := range srv.Headers {
			if _, cred, ok := strings.Cut(v, " "); ok { // "Bearer X": X is the secret
				v = strings.TrimSpace(cred)
			}
			add(v)
		}
		for k, v := range srv.Env {
			if secretName.MatchString(k) {
				add(v)
			}
		}
		urlSecrets(srv.URL, add)
		if a := srv.Auth; a != nil {
			authSecrets(a, add)
		}
	}
	return out
}

// authSecrets calls add with the secrets of a: a key is added whole and
// by its lines, so that a piece of it printed alone is caught too.
func authSecrets(a *mcpclient.AuthConfig, add func(string)) {
	add(a.ClientSecret)
	add(a.IDToken)
	add(a.IDPClientSecret)
	if k := strings.TrimSpace(a.PrivateKeyPEM); k != "" {
		add(k)
		for line := range strings.Lines(k) {
			if line = strings.TrimSpace(line); len(line) >= 16 && !strings.HasPrefix(line, "-----") {
				add(line)
			}
		}
	}
}

// authField is a field of an auth object that may hold ${input:ID}.
type authField struct {
	key   string
	value *string
}

// authInputFields are the fields of a where inputs are substituted, in
// the order they are checked.
func authInputFields(a *mcpclient.AuthConfig) []authField {
	return []authField{{"clientId", &a.ClientID}, {"clientSecret", &a.ClientSecret}, {"privateKeyPem", &a.PrivateKeyPEM},
		{"idToken", &a.IDToken}, {"idpClientId", &a.IDPClientID}, {"idpClientSecret", &a.IDPClientSecret}}
}

// secretName matches the names of variables that hold credentials.
var secretName = regexp.MustCompile(`(?i)key|token|secret|pass|auth|credential|private`)

// urlSecrets calls add with the userinfo password and the query values of
// raw, if it parses.
func urlSecrets(raw string, add func(string)) {
	u, err := url.Parse(raw)
	if err != nil || raw == "" {
		return
	}
	if p, ok := u.User.Password(); ok {
		add(p)
	}
	for _, vs := range u.Query() {
		for _, v := range vs {
			add(v)
		}
	}
}

func (c *Config) uses(ref string) bool {
	found := strings.Contains(c.APIKey, ref)
	c.each(func(s *string) { found = found || strings.Contains(*s, ref) })
	return found
}

func (c *Config) replace(ref, value string) {
	c.APIKey = strings.ReplaceAll(c.APIKey, ref, value)
	c.each(func(s *string) { *s = strings.ReplaceAll(*s, ref, value) })
}

// each visits every server string that may hold an input reference.
func (c *Config) each(f func(*string)) {
	for i := range c.Servers {
		s := &c.Servers[i]
		f(&s.Command)
		for j := range s.Args {
			f(&s.Args[j])
		}
		f(&s.URL)
		for k, v := range s.Env {
			f(&v)
			s.Env[k] = v
		}
		for k, v := range s.Headers {
			f(&v)
			s.Headers[k] = v
		}
		if s.Auth != nil {
			a := *s.Auth // a copy, so that a config sharing the pointer keeps its references
			for _, af := range authInputFields(&a) {
				f(af.value)
			}
			s.Auth = &a
		}
	}
}
