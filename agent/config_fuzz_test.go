package agent

import (
	"errors"
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
		"{\"servers\":{\"a\":{\"command\":\"${env:HOME}\"}},// c\n}",
		`{"mcp":{"servers":{}}}`, `{"a":1,}`, `[1,]`, `{"a":"\u12"}`, "\xef\xbb\xbf{}", `{"a":/*`, "",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ParseConfig(data, "agent.json")
		checkFuzzError(t, err)
		_, err = ParseMCPConfig(data, "agent.json")
		checkFuzzError(t, err)
	})
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
