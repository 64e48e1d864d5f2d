package agent

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// FuzzParse checks that no input makes the parsers panic, and that every
// failure is a *ConfigError that does not speak Go.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		`{"model":"m","servers":[{"type":"stdio","command":"x","args":["a"],"env":{"K":"v"}}]}`,
		`{"model":"m","inputs":[{"id":"a"}],"servers":[{"type":"sse","config":{"url":"http://127.0.0.1","options":{"requestInit":{"headers":{"A":"${input:a}"}}}}}]}`,
		`{"mcpServers":{"a":{"url":"http://127.0.0.1/sse","disabled":false}}}`,
		`{"model":"m","inputs":[{"id":"a","password":true}],"servers":[{"type":"http","url":"http://127.0.0.1","auth":{"clientSecret":"${input:a}","scopes":["x"],"grantType":"jwt-bearer"}}]}`,
		"{\"servers\":{\"a\":{\"command\":\"${env:HOME}\"}},// c\n}",
		`{"mcp":{"servers":{}}}`, `{"a":1,}`, `[1,]`, `{"a":"\u12"}`, "\xef\xbb\xbf{}", `{"a":/*`, "",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseConfig(data, "agent.json")
		checkFuzzError(t, err)
		if err == nil {
			checkSubstitution(t, cfg)
		}
		m, err := ParseMCPConfig(data, "agent.json")
		checkFuzzError(t, err)
		if err == nil {
			cfg := &Config{Model: "m", Source: "agent.json"}
			if cfg.AddMCPConfig(m) == nil {
				checkSubstitution(t, cfg)
			}
		}
	})
}

// checkSubstitution resolves every input from a fixed answer and checks
// that no reference to a declared input is left, and that the answers of
// password inputs are secrets.
func checkSubstitution(t *testing.T, cfg *Config) {
	t.Helper()
	asked := map[string]bool{}
	answer := func(in Input) (string, error) { asked[in.ID] = true; return "answer-" + in.ID, nil }
	if _, err := cfg.ResolveInputs(t.Context(), answer); err != nil {
		t.Fatalf("ResolveInputs: %v", err)
	}
	left := ""
	check := func(s string) {
		for _, in := range cfg.Inputs {
			if strings.Contains(s, "${input:"+in.ID+"}") {
				left = s
			}
		}
	}
	check(cfg.APIKey)
	cfg.each(func(s *string) { check(*s) })
	if left != "" {
		t.Errorf("a declared input is left in %q", left)
	}
	secrets := cfg.Secrets()
	for _, in := range cfg.Inputs {
		a := "answer-" + in.ID
		if in.Password && asked[in.ID] && !inputRef.MatchString(a) && !slices.Contains(secrets, a) {
			t.Errorf("password input %q is not a secret: %q", in.ID, secrets)
		}
	}
}

func checkFuzzError(t *testing.T, err error) {
	t.Helper()
	var ce *ConfigError
	switch {
	case err == nil:
	case !errors.As(err, &ce):
		t.Errorf("%T %v", err, err)
	case strings.Contains(ce.Msg, "json:") || strings.Contains(ce.Msg, "Go "):
		t.Errorf("speaks Go: %v", err)
	}
}
