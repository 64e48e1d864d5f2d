package agent

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/agents"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

func TestParseConfigErrorsNameTheField(t *testing.T) {
	tests := map[string]struct{ json, field string }{
		"missing model":      {`{"servers":[]}`, "model"},
		"stdio no command":   {`{"model":"m","servers":[{"type":"stdio"}]}`, "servers[0].command"},
		"http bad url":       {`{"model":"m","servers":[{"type":"stdio","command":"x"},{"type":"http","url":"ftp://x"}]}`, "servers[1].url"},
		"unknown type":       {`{"model":"m","servers":[{"type":"grpc"}]}`, "servers[0].type"},
		"missing type":       {`{"model":"m","servers":[{"command":"x"}]}`, "servers[0].type"},
		"unknown builtin":    {`{"model":"m","servers":[{"type":"builtin","name":"shell"}]}`, "servers[0].name"},
		"input without id":   {`{"model":"m","inputs":[{"description":"d"}],"servers":[]}`, "inputs[0].id"},
		"duplicate input":    {`{"model":"m","inputs":[{"id":"a"},{"id":"a"}],"servers":[]}`, "inputs[1].id"},
		"undeclared in env":  {`{"model":"m","servers":[{"type":"stdio","command":"x","env":{"K":"${input:key}"}}]}`, "servers[0].env.K"},
		"undeclared api key": {`{"model":"m","apiKey":"${input:k}","servers":[]}`, "apiKey"},
		"bad endpoint":       {`{"model":"m","endpointUrl":"localhost:1","servers":[]}`, "endpointUrl"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tt.json), "dir/agent.json")
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Field != tt.field || ce.Source != "dir/agent.json" {
				t.Fatalf("err = %v, want a ConfigError on %s", err, tt.field)
			}
			if !strings.HasPrefix(err.Error(), "dir/agent.json: "+tt.field+": ") {
				t.Errorf("message %q", err.Error())
			}
		})
	}
}

func TestParseConfigSyntaxAndUnknownFields(t *testing.T) {
	_, err := ParseConfig([]byte("{\n  \"model\": \"m\",\n  \"servers\": [,]\n}"), "a.json")
	if err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("syntax error: %v", err)
	}
	// Unknown fields were errors; they are warnings now, as the references
	// ignore them.
	cfg, err := ParseConfig([]byte(`{"model":"m","servres":[]}`), "a.json")
	if err != nil || !reflect.DeepEqual(cfg.Warnings, []string{"a.json: servres: unknown field, ignored"}) {
		t.Errorf("unknown field: %v, %v", cfg, err)
	}
}

func TestParseConfigServerShapes(t *testing.T) {
	data := `{"model":"m","servers":[
		{"type":"stdio","command":"npx","args":["-y","pkg"],"env":{"A":"1"},"cwd":"sub","allowed_tools":["t1"]},
		{"type":"stdio","config":{"command":"node","args":["s.js"],"env":{"B":"2"}}},
		{"type":"http","url":"http://127.0.0.1:1/mcp","headers":{"X":"y"},"allowedTools":["t2"]},
		{"type":"sse","config":{"url":"http://127.0.0.1:2/sse","options":{"requestInit":{"headers":{"Z":"w"}}}}},
		{"type":"builtin","name":"filesystem","args":["/tmp"]}]}`
	cfg, err := ParseConfig([]byte(data), "a.json")
	if err != nil {
		t.Fatal(err)
	}
	want := []mcpclient.ServerConfig{
		{Type: "stdio", Command: "npx", Args: []string{"-y", "pkg"}, Env: map[string]string{"A": "1"}, Cwd: "sub", AllowedTools: []string{"t1"}},
		{Type: "stdio", Command: "node", Args: []string{"s.js"}, Env: map[string]string{"B": "2"}},
		{Type: "http", URL: "http://127.0.0.1:1/mcp", Headers: map[string]string{"X": "y"}, AllowedTools: []string{"t2"}},
		{Type: "sse", URL: "http://127.0.0.1:2/sse", Headers: map[string]string{"Z": "w"}},
		{Type: "builtin", Name: "filesystem", Args: []string{"/tmp"}},
	}
	if !reflect.DeepEqual(cfg.Servers, want) {
		t.Errorf("servers =\n%+v\nwant\n%+v", cfg.Servers, want)
	}
}

func TestResolveInputs(t *testing.T) {
	data := `{"model":"m","apiKey":"${input:api-key}","inputs":[{"id":"api-key","password":true},{"id":"tok"},{"id":"unused"}],
		"servers":[{"type":"stdio","command":"x","env":{"T":"Bearer ${input:tok}"}},{"type":"http","url":"http://127.0.0.1/${input:tok}","headers":{"H":"${input:tok}"}}]}`
	cfg, err := ParseConfig([]byte(data), "a.json")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("TOK", "from-env")
	var asked []string
	warnings, err := cfg.ResolveInputs(t.Context(), func(in Input) (string, error) {
		asked = append(asked, in.ID)
		if in.ID == "api-key" {
			if !in.Password {
				t.Error("password flag lost")
			}
			return "secret", nil
		}
		return "", nil
	})
	if err != nil || warnings != nil {
		t.Fatal(err, warnings)
	}
	if !reflect.DeepEqual(asked, []string{"api-key", "tok"}) {
		t.Errorf("asked %v; unused inputs must not be asked", asked)
	}
	if cfg.APIKey != "secret" || cfg.Servers[0].Env["T"] != "Bearer from-env" ||
		cfg.Servers[1].URL != "http://127.0.0.1/from-env" || cfg.Servers[1].Headers["H"] != "from-env" {
		t.Errorf("resolved = %+v", cfg)
	}
	if EnvName("hf-token") != "HF_TOKEN" {
		t.Errorf("EnvName = %s", EnvName("hf-token"))
	}
}

func TestLoadPaths(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "agent.json"), []byte(`{"model":"m","servers":[{"type":"stdio","command":"x","cwd":"sub"}]}`), 0o644)
	os.WriteFile(filepath.Join(dir, "AGENTS.md"), []byte("agents prompt"), 0o644)
	cfg, err := Load(t.Context(), dir, LoadOptions{})
	if err != nil || cfg.Prompt != "agents prompt" || cfg.Servers[0].Cwd != filepath.Join(dir, "sub") {
		t.Fatalf("folder: %+v, %v", cfg, err)
	}
	os.WriteFile(filepath.Join(dir, "PROMPT.md"), []byte("prompt md"), 0o644)
	if cfg, _ := Load(t.Context(), dir, LoadOptions{}); cfg.Prompt != "prompt md" {
		t.Errorf("PROMPT.md does not take precedence: %q", cfg.Prompt)
	}
	if cfg, err := Load(t.Context(), filepath.Join(dir, "agent.json"), LoadOptions{}); err != nil || cfg.Prompt != "" {
		t.Errorf("file: %+v, %v", cfg, err)
	}
	cfg, err = Load(t.Context(), "", LoadOptions{})
	if err != nil || cfg.Servers[0].Type != "builtin" || cfg.Prompt == "" {
		t.Errorf("default: %+v, %v", cfg, err)
	}
	for _, name := range agents.Names() {
		if _, err := Load(t.Context(), name, LoadOptions{}); err != nil {
			t.Errorf("built-in %s: %v", name, err)
		}
	}
	if len(agents.Names()) < 3 {
		t.Errorf("built-ins = %v", agents.Names())
	}
	if _, err := Load(t.Context(), "./nope", LoadOptions{}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("missing path: %v", err)
	}
	// A folder without agent.json is a configuration mistake (exit 2 in
	// the CLI), as a broken agent.json is.
	var cfgErr *ConfigError
	empty := t.TempDir()
	if _, err := Load(t.Context(), empty, LoadOptions{}); !errors.As(err, &cfgErr) || !strings.Contains(err.Error(), "no agent.json") {
		t.Errorf("folder without agent.json: %v, want a *ConfigError", err)
	}
}

func TestLoadFromHubAndCache(t *testing.T) {
	hits := 0
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		switch r.URL.Path {
		case "/datasets/tiny-agents/tiny-agents/resolve/main/julien/flux/agent.json":
			w.Write([]byte(`{"model":"m","servers":[{"type":"http","url":"http://127.0.0.1:1/mcp"}]}`))
		case "/datasets/tiny-agents/tiny-agents/resolve/main/julien/flux/PROMPT.md":
			w.Write([]byte("hub prompt"))
		default:
			http.NotFound(w, r)
		}
	}))
	cache := t.TempDir()
	opts := LoadOptions{HubURL: hub.URL, CacheDir: cache}
	cfg, err := Load(t.Context(), "julien/flux", opts)
	if err != nil || cfg.Prompt != "hub prompt" || cfg.Servers[0].URL != "http://127.0.0.1:1/mcp" {
		t.Fatalf("hub: %+v, %v", cfg, err)
	}
	_, err = Load(t.Context(), "julien/missing", opts)
	if err == nil || !strings.Contains(err.Error(), "built-in agent") || !strings.Contains(err.Error(), "tiny-agents/tiny-agents") {
		t.Errorf("missing on the Hub: %v", err)
	}
	hub.Close()
	cfg, err = Load(t.Context(), "julien/flux", opts)
	if err != nil || cfg.Prompt != "hub prompt" {
		t.Errorf("from the cache with the Hub down: %+v, %v", cfg, err)
	}
	entries, _ := filepath.Glob(filepath.Join(cache, "datasets--tiny-agents--tiny-agents", "snapshots", "main", "julien", "flux", ".tmp-*"))
	if len(entries) != 0 {
		t.Errorf("temporary files left in the cache: %v", entries)
	}
}
