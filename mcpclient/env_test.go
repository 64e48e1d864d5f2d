package mcpclient_test

import (
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

func TestStdioServerEnvironment(t *testing.T) {
	t.Setenv("HF_TOKEN", "hf_secret")
	t.Setenv("OTHER_SECRET", "s3cret")
	t.Setenv("PASSED_ON", "yes")
	t.Setenv("TERM", "xterm-test")
	os.Unsetenv("NOT_SET_ANYWHERE")
	c, _ := newClient(t)
	cfg := extraConfig("env")
	cfg.Env["FROM_CONFIG"] = "configured"
	cfg.Env["TERM"] = "dumb" // Env wins over the parent
	cfg.EnvPassthrough = append(cfg.EnvPassthrough, "PASSED_ON", "NOT_SET_ANYWHERE")
	if err := c.AddServer(t.Context(), cfg); err != nil {
		t.Fatal(err)
	}
	out, err := c.CallTool(t.Context(), "environ", nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for line := range strings.SplitSeq(out, "\n") {
		k, v, _ := strings.Cut(line, "=")
		got[k] = v
	}
	want := map[string]string{}
	for _, k := range append(mcpclient.BaseEnv(), cfg.EnvPassthrough...) {
		if v, ok := os.LookupEnv(k); ok {
			want[k] = v
		}
	}
	for k, v := range cfg.Env {
		want[k] = v
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("server environment:\n%q\nwant\n%q", got, want)
	}
	for _, secret := range []string{"HF_TOKEN", "OTHER_SECRET"} {
		if _, ok := got[secret]; ok {
			t.Errorf("%s reached the server", secret)
		}
	}
	if got["PATH"] == "" || got["PATH"] != os.Getenv("PATH") || got["PASSED_ON"] != "yes" ||
		got["FROM_CONFIG"] != "configured" || got["TERM"] != "dumb" {
		t.Errorf("PATH %q, PASSED_ON %q, FROM_CONFIG %q, TERM %q", got["PATH"], got["PASSED_ON"], got["FROM_CONFIG"], got["TERM"])
	}
	if home, ok := os.LookupEnv("HOME"); ok && got["HOME"] != home {
		t.Errorf("HOME = %q, want %q", got["HOME"], home)
	}
	if _, ok := got["NOT_SET_ANYWHERE"]; ok {
		t.Error("a passthrough variable the parent does not have was set")
	}
}

func TestInvalidServerConfig(t *testing.T) {
	stdio := func(env map[string]string, pass ...string) mcpclient.ServerConfig {
		return mcpclient.ServerConfig{Type: mcpclient.TransportStdio, Command: "never-started", Name: "bad", Env: env, EnvPassthrough: pass}
	}
	for _, tc := range []struct {
		name string
		cfg  mcpclient.ServerConfig
		want string
	}{
		{"empty passthrough name", stdio(nil, "PATH", ""),
			`server "bad": invalid configuration: envPassthrough[1]: empty variable name`},
		{"'=' in a passthrough name, the value not shown", stdio(nil, "HF_TOKEN=hf_secret"),
			`server "bad": invalid configuration: envPassthrough[0]: "HF_TOKEN=..." is not a variable name: it contains '='`},
		{"NUL in a passthrough name", stdio(nil, "A\x00B"),
			`server "bad": invalid configuration: envPassthrough[0]: "A\x00..." is not a variable name: it contains a NUL byte`},
		{"wildcard", stdio(nil, "*"),
			`server "bad": invalid configuration: envPassthrough[0]: "*": there is no wildcard, name each variable`},
		{"'=' in an env name", stdio(map[string]string{"X=Y": "z"}),
			`server "bad": invalid configuration: env: "X=..." is not a variable name: it contains '='`},
		{"NUL in an env value", stdio(map[string]string{"X": "a\x00b"}),
			`server "bad": invalid configuration: env: the value of X contains a NUL byte`},
		{"stdio without a command", mcpclient.ServerConfig{Type: mcpclient.TransportStdio, Name: "bad"},
			`server "bad": invalid configuration: stdio server without a command`},
		{"http without a url", mcpclient.ServerConfig{Type: mcpclient.TransportHTTP, Name: "bad"},
			`server "bad": invalid configuration: http server without a url`},
		{"unknown type", mcpclient.ServerConfig{Type: "carrier-pigeon", Name: "bad"},
			`server "bad": invalid configuration: unknown server type "carrier-pigeon" (want stdio, sse, http or builtin)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.cfg.Validate() == nil {
				t.Error("Validate accepted it")
			}
			c, _ := newClient(t)
			err := c.AddServer(t.Context(), tc.cfg)
			var se *mcpclient.ServerError
			if !errors.As(err, &se) || se.Op != "config" || se.Server != "bad" {
				t.Fatalf("err = %v (%T), want a *ServerError with Op config", err, err)
			}
			if err.Error() != tc.want {
				t.Errorf("message =\n%s\nwant\n%s", err, tc.want)
			}
		})
	}
	for _, cfg := range []mcpclient.ServerConfig{stdioConfig("ok"), stdio(map[string]string{"A": ""}, "HF_TOKEN")} {
		if err := cfg.Validate(); err != nil {
			t.Errorf("Validate(%+v) = %v", cfg, err)
		}
	}
}

func TestBaseEnv(t *testing.T) {
	got := mcpclient.BaseEnv()
	if !slices.Contains(got, "PATH") || slices.Contains(got, "HF_TOKEN") {
		t.Errorf("BaseEnv() = %v", got)
	}
	got[0] = "CHANGED"
	if mcpclient.BaseEnv()[0] == "CHANGED" {
		t.Error("BaseEnv returns its own slice")
	}
}

func TestServerConfigUsesOAuth(t *testing.T) {
	none := &mcpclient.AuthConfig{Mode: mcpclient.AuthModeNone}
	tests := []struct {
		name string
		cfg  mcpclient.ServerConfig
		want bool
	}{
		{"http", mcpclient.ServerConfig{Type: mcpclient.TransportHTTP, URL: "http://127.0.0.1/mcp"}, true},
		{"sse", mcpclient.ServerConfig{Type: mcpclient.TransportSSE, URL: "http://127.0.0.1/sse"}, true},
		{"stdio", mcpclient.ServerConfig{Type: mcpclient.TransportStdio, Command: "x"}, false},
		{"mode none", mcpclient.ServerConfig{Type: mcpclient.TransportHTTP, URL: "http://127.0.0.1/mcp", Auth: none}, false},
		{"own header", mcpclient.ServerConfig{Type: mcpclient.TransportHTTP, URL: "http://127.0.0.1/mcp",
			Headers: map[string]string{"authorization": "Bearer k"}}, false},
	}
	for _, tt := range tests {
		if got := tt.cfg.UsesOAuth(); got != tt.want {
			t.Errorf("%s: UsesOAuth() = %v, want %v", tt.name, got, tt.want)
		}
	}
}
