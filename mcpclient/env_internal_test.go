package mcpclient

import (
	"reflect"
	"testing"
)

func TestChildEnv(t *testing.T) {
	parent := map[string]string{
		"PATH": "/bin", "HOME": "/home/u", "TERM": "xterm", "HF_TOKEN": "hf_x", "AWS_SECRET_ACCESS_KEY": "k",
		"SYSTEMROOT": `C:\Windows`, "USERPROFILE": `C:\Users\u`, "GITHUB_TOKEN": "ghp", "EMPTY": "",
	}
	withFunctions := map[string]string{"PATH": "/bin", "HOME": "/home/u", "TERM": "() { :; }", "FUNC": "() { :; }"}
	for _, tc := range []struct {
		name   string
		goos   string
		parent map[string]string // default parent
		cfg    ServerConfig
		want   []string
	}{
		{"unix allowlist only", "linux", nil, ServerConfig{},
			[]string{"HOME=/home/u", "PATH=/bin", "TERM=xterm"}},
		{"darwin is unix", "darwin", nil, ServerConfig{},
			[]string{"HOME=/home/u", "PATH=/bin", "TERM=xterm"}},
		{"windows allowlist", "windows", nil, ServerConfig{},
			[]string{"PATH=/bin", `SYSTEMROOT=C:\Windows`, `USERPROFILE=C:\Users\u`}},
		{"passthrough, set or empty, and unset", "linux", nil, ServerConfig{EnvPassthrough: []string{"GITHUB_TOKEN", "EMPTY", "UNSET"}},
			[]string{"EMPTY=", "GITHUB_TOKEN=ghp", "HOME=/home/u", "PATH=/bin", "TERM=xterm"}},
		{"no shell function from the allowlist", "linux", withFunctions, ServerConfig{EnvPassthrough: []string{"FUNC"}},
			[]string{"FUNC=() { :; }", "HOME=/home/u", "PATH=/bin"}},
		{"env wins", "linux", nil, ServerConfig{EnvPassthrough: []string{"GITHUB_TOKEN"},
			Env: map[string]string{"PATH": "/opt/bin", "GITHUB_TOKEN": "other", "X": "1"}},
			[]string{"GITHUB_TOKEN=other", "HOME=/home/u", "PATH=/opt/bin", "TERM=xterm", "X=1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := parent
			if tc.parent != nil {
				env = tc.parent
			}
			lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
			if got := childEnv(tc.cfg, tc.goos, lookup); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("childEnv = %q, want %q", got, tc.want)
			}
		})
	}
}
