package agent

import (
	"context"
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func mustParse(t *testing.T, data string) *Config {
	t.Helper()
	cfg, err := ParseConfig([]byte(data), "agent.json")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestResolveInputsWarnsOfMissingValues(t *testing.T) {
	const data = `{"model":"m","inputs":[{"id":"github-token","password":true},{"id":"empty-one"},{"id":"set-one"},{"id":"unused"}],
		"servers":[{"type":"stdio","command":"x","env":{"A":"${input:github-token}","B":"${input:empty-one}","C":"${input:set-one}"}}]}`
	unsetenv(t, "GITHUB_TOKEN")
	t.Setenv("EMPTY_ONE", "")
	t.Setenv("SET_ONE", "from-env")
	cfg := mustParse(t, data)
	warnings, err := cfg.ResolveInputs(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`input "github-token" has no value: GITHUB_TOKEN is not set; ${input:github-token} is replaced by ""`,
		`input "empty-one" has no value: EMPTY_ONE is empty; ${input:empty-one} is replaced by ""`,
	}
	if !reflect.DeepEqual(warnings, want) {
		t.Errorf("warnings = %q\nwant %q", warnings, want)
	}
	if env := cfg.Servers[0].Env; env["A"] != "" || env["B"] != "" || env["C"] != "from-env" {
		t.Errorf("env = %v", env)
	}
	if s := cfg.Secrets(); s != nil {
		t.Errorf("secrets = %q, want none", s)
	}
}

// unsetenv unsets name for the test; t.Setenv restores it after.
func unsetenv(t *testing.T, name string) {
	t.Helper()
	t.Setenv(name, "")
	os.Unsetenv(name)
}

func TestResolveInputsAskedButEmpty(t *testing.T) {
	unsetenv(t, "API_KEY")
	cfg := mustParse(t, `{"model":"m","inputs":[{"id":"api-key"}],"apiKey":"${input:api-key}"}`)
	warnings, err := cfg.ResolveInputs(t.Context(), func(Input) (string, error) { return "", nil })
	want := []string{`input "api-key" has no value: API_KEY is not set; ${input:api-key} is replaced by ""`}
	if err != nil || !reflect.DeepEqual(warnings, want) || cfg.APIKey != "" {
		t.Errorf("warnings = %q, err %v, apiKey %q", warnings, err, cfg.APIKey)
	}
}

func TestResolveInputsCommandAndArgs(t *testing.T) {
	cfg := mustParse(t, `{"model":"m","inputs":[{"id":"bin"},{"id":"tok","password":true}],
		"servers":[{"type":"stdio","command":"${input:bin}","args":["--token","${input:tok}","--x=${input:tok}"]}]}`)
	answers := map[string]string{"bin": "/usr/bin/server", "tok": "s3cret"}
	warnings, err := cfg.ResolveInputs(t.Context(), func(in Input) (string, error) { return answers[in.ID], nil })
	if err != nil || warnings != nil {
		t.Fatal(err, warnings)
	}
	s := cfg.Servers[0]
	if s.Command != "/usr/bin/server" || !reflect.DeepEqual(s.Args, []string{"--token", "s3cret", "--x=s3cret"}) {
		t.Errorf("server = %+v", s)
	}

	for name, tt := range map[string]struct{ server, field string }{
		"command": {`{"type":"stdio","command":"${input:nope}"}`, "servers[0].command"},
		"args":    {`{"type":"stdio","command":"x","args":["a","${input:nope}"]}`, "servers[0].args[1]"},
	} {
		t.Run("undeclared in "+name, func(t *testing.T) {
			_, err := ParseConfig([]byte(`{"model":"m","servers":[`+tt.server+`]}`), "agent.json")
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Field != tt.field || ce.Msg != `refers to input "nope", which is not declared in inputs` {
				t.Errorf("err = %v, want one on %s", err, tt.field)
			}
		})
	}
}

func TestResolveInputsAskFailsOrContextDone(t *testing.T) {
	const data = `{"model":"m","inputs":[{"id":"a"}],"apiKey":"${input:a}"}`
	boom := errors.New("boom")
	cfg := mustParse(t, data)
	if _, err := cfg.ResolveInputs(t.Context(), func(Input) (string, error) { return "", boom }); !errors.Is(err, boom) {
		t.Errorf("ask error: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	asked := false
	_, err := mustParse(t, data).ResolveInputs(ctx, func(Input) (string, error) { asked = true; return "", nil })
	if !errors.Is(err, context.Canceled) || asked {
		t.Errorf("cancelled: %v, asked %v", err, asked)
	}
}

func TestSecrets(t *testing.T) {
	cfg := mustParse(t, `{"model":"m","apiKey":"${input:key}",
		"inputs":[{"id":"key","password":true},{"id":"pw","password":true},{"id":"plain"},{"id":"same","password":true}],
		"servers":[{"type":"http","url":"http://127.0.0.1/${input:plain}","headers":{"A":"${input:pw}","B":"${input:same}"}}]}`)
	if s := cfg.Secrets(); s != nil {
		t.Errorf("before ResolveInputs: %q (an unresolved reference is no secret)", s)
	}
	answers := map[string]string{"key": "hf_key", "pw": "hunter2", "plain": "visible", "same": "hf_key"}
	if _, err := cfg.ResolveInputs(t.Context(), func(in Input) (string, error) { return answers[in.ID], nil }); err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.Secrets(), []string{"hf_key", "hunter2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("secrets = %q, want %q", got, want)
	}
	literal := &Config{Model: "m", APIKey: "sk-literal"}
	if got := literal.Secrets(); !reflect.DeepEqual(got, []string{"sk-literal"}) {
		t.Errorf("literal api key: %q", got)
	}
	planted := mustParse(t, `{"model":"m","endpointUrl":"http://user:ep-pass@127.0.0.1/v1?key=ep-query",
		"servers":[{"type":"http","url":"http://u:srv-pass@127.0.0.1/mcp?token=srv-query&page=2",
			"headers":{"Authorization":"Bearer hdr-bearer","X-Api-Key":"hdr-plain"}},
		{"type":"stdio","command":"x","env":{"GITHUB_TOKEN":"env-token","DB_PASSWORD":"env-pass","MODE":"production"}}]}`)
	got := planted.Secrets()
	for _, want := range []string{"ep-pass", "ep-query", "srv-pass", "srv-query", "2", "hdr-bearer", "hdr-plain", "env-token", "env-pass"} {
		if !slices.Contains(got, want) {
			t.Errorf("secrets %q lack %q", got, want)
		}
	}
	if slices.Contains(got, "production") || slices.Contains(got, "Bearer hdr-bearer") {
		t.Errorf("secrets %q hold a value that is not one", got)
	}
}

func TestResolveInputsAuth(t *testing.T) {
	const pemKey = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\nAbCdEfGh\n-----END PRIVATE KEY-----\n"
	cfg := mustParse(t, `{"model":"m",
		"inputs":[{"id":"id"},{"id":"secret","password":true},{"id":"key","password":true},{"id":"idt"},{"id":"idp-id"},{"id":"idp-secret"}],
		"servers":[{"type":"http","url":"https://mcp.example.com/mcp","auth":{"clientId":"${input:id}","clientSecret":"${input:secret}",
			"privateKeyPem":"${input:key}","idToken":"${input:idt}","idpClientId":"${input:idp-id}","idpClientSecret":"${input:idp-secret}",
			"idpTokenUrl":"https://idp.example.com/token"}}]}`)
	shared := cfg.Servers[0].Auth
	answers := map[string]string{"id": "app-id", "secret": "client-secret-value", "key": pemKey, "idt": "id-token-value",
		"idp-id": "idp-app", "idp-secret": "idp-secret-value"}
	var asked []string
	if _, err := cfg.ResolveInputs(t.Context(), func(in Input) (string, error) {
		asked = append(asked, in.ID)
		return answers[in.ID], nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(asked) != len(answers) {
		t.Errorf("asked for %q, want every input", asked)
	}
	a := cfg.Servers[0].Auth
	got := []string{a.ClientID, a.ClientSecret, a.PrivateKeyPEM, a.IDToken, a.IDPClientID, a.IDPClientSecret}
	if want := []string{"app-id", "client-secret-value", pemKey, "id-token-value", "idp-app", "idp-secret-value"}; !reflect.DeepEqual(got, want) {
		t.Errorf("auth after substitution = %q, want %q", got, want)
	}
	if shared.ClientSecret != "${input:secret}" {
		t.Errorf("the parsed AuthConfig was changed in place: %q", shared.ClientSecret)
	}
	secrets := cfg.Secrets()
	for _, want := range []string{"client-secret-value", strings.TrimSpace(pemKey), "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg",
		"id-token-value", "idp-secret-value"} {
		if !slices.Contains(secrets, want) {
			t.Errorf("secrets %q lack %q", secrets, want)
		}
	}
	for _, public := range []string{"app-id", "idp-app", "-----BEGIN PRIVATE KEY-----", "AbCdEfGh"} {
		if slices.Contains(secrets, public) {
			t.Errorf("secrets %q hold %q", secrets, public)
		}
	}
	// Literal secrets, without inputs, are secrets too.
	literal := mustParse(t, `{"model":"m","servers":[{"type":"http","url":"https://a.example.com/mcp",
		"auth":{"grantType":"client_credentials","clientId":"app","clientSecret":"literal-secret"}}]}`)
	if !slices.Contains(literal.Secrets(), "literal-secret") {
		t.Errorf("secrets %q lack the literal clientSecret", literal.Secrets())
	}
}
