package agent

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

func mustParseMCP(t *testing.T, data, source string) *MCPConfig {
	t.Helper()
	m, err := ParseMCPConfig([]byte(data), source)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestParseMCPConfigClaudeDesktop(t *testing.T) {
	const data = `{
  "globalShortcut": "",
  "mcpServers": {
    "github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"],
               "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_x"}, "timeout": 60, "autoApprove": ["search"]},
    "files": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"], "alwaysAllow": []}
  }
}`
	m := mustParseMCP(t, data, "claude_desktop_config.json")
	want := []mcpclient.ServerConfig{
		{Type: "stdio", Name: "github", Command: "npx", Args: []string{"-y", "@modelcontextprotocol/server-github"},
			Env: map[string]string{"GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_x"}},
		{Type: "stdio", Name: "files", Command: "npx", Args: []string{"-y", "@modelcontextprotocol/server-filesystem", "/tmp"}},
	}
	if !reflect.DeepEqual(m.Servers, want) {
		t.Errorf("servers =\n%+v\nwant\n%+v", m.Servers, want)
	}
	wantWarnings := []string{
		"claude_desktop_config.json: globalShortcut: unknown field, ignored",
		"claude_desktop_config.json: mcpServers.github.timeout: unknown field, ignored",
		"claude_desktop_config.json: mcpServers.github.autoApprove: unknown field, ignored",
		"claude_desktop_config.json: mcpServers.files.alwaysAllow: unknown field, ignored",
	}
	if !reflect.DeepEqual(m.Warnings, wantWarnings) {
		t.Errorf("warnings:\n%s", strings.Join(m.Warnings, "\n"))
	}
	if m.Source != "claude_desktop_config.json" || m.Inputs != nil {
		t.Errorf("config = %+v", m)
	}
}

func TestParseMCPConfigCursor(t *testing.T) {
	const data = `{"mcpServers": {
		"remote": {"url": "http://127.0.0.1:8080/mcp", "headers": {"Authorization": "Bearer t"}},
		"legacy": {"url": "http://127.0.0.1:8080/sse"},
		"legacy-slash": {"url": "http://127.0.0.1:8080/v1/sse/?k=v"},
		"off": {"command": "npx", "args": ["x"], "disabled": true, "whatever": 1},
		"typed": {"type": "streamable-http", "url": "http://127.0.0.1:1/sse"},
		"camel": {"type": "streamableHttp", "url": "http://127.0.0.1:2/"},
		"forced-sse": {"type": "sse", "url": "http://127.0.0.1:3/events"},
		"on": {"command": "uvx", "disabled": false}
	}}`
	m := mustParseMCP(t, data, ".cursor/mcp.json")
	want := []mcpclient.ServerConfig{
		{Type: "http", Name: "remote", URL: "http://127.0.0.1:8080/mcp", Headers: map[string]string{"Authorization": "Bearer t"}},
		{Type: "sse", Name: "legacy", URL: "http://127.0.0.1:8080/sse"},
		{Type: "sse", Name: "legacy-slash", URL: "http://127.0.0.1:8080/v1/sse/?k=v"},
		{Type: "http", Name: "typed", URL: "http://127.0.0.1:1/sse"},
		{Type: "http", Name: "camel", URL: "http://127.0.0.1:2/"},
		{Type: "sse", Name: "forced-sse", URL: "http://127.0.0.1:3/events"},
		{Type: "stdio", Name: "on", Command: "uvx"},
	}
	if !reflect.DeepEqual(m.Servers, want) {
		t.Errorf("servers =\n%+v\nwant\n%+v", m.Servers, want)
	}
	if m.Warnings != nil {
		t.Errorf("warnings (a disabled server is skipped silently): %q", m.Warnings)
	}
}

func TestParseMCPConfigKeepsFileOrder(t *testing.T) {
	names := []string{"zeta", "alpha", "mid", "beta", "omega", "a1", "a10", "a2"}
	var parts []string
	for _, n := range names {
		parts = append(parts, `"`+n+`": {"command": "run-`+n+`"}`)
	}
	for range 5 { // Go maps would shuffle: every run must agree
		m := mustParseMCP(t, `{"mcpServers": {`+strings.Join(parts, ",")+`}}`, "mcp.json")
		var got []string
		for _, s := range m.Servers {
			got = append(got, s.Name)
		}
		if !reflect.DeepEqual(got, names) {
			t.Fatalf("order = %q, want %q", got, names)
		}
	}
}

func TestParseMCPConfigVSCode(t *testing.T) {
	t.Setenv("TA_TEST_ORG", "hf")
	unsetenv(t, "TA_TEST_MISSING")
	home, _ := os.UserHomeDir()
	wd, _ := os.Getwd()
	const data = `{
  // VS Code accepts comments and trailing commas
  "inputs": [
    {"type": "promptString", "id": "gh-token", "description": "GitHub token", "password": true},
  ],
  "servers": {
    "github": {"type": "http", "url": "http://127.0.0.1:9/mcp/${env:TA_TEST_ORG}",
               "headers": {"Authorization": "Bearer ${input:gh-token}"}},
    "local": {"command": "node", "args": ["${workspaceFolder}/server.js", "${userHome}", "${env:TA_TEST_MISSING}", "${config:python.path}"],
              "env": {"TOKEN": "${input:gh-token}"}, "envFile": "${workspaceFolder}/.env", "dev": {"watch": "src/**"}},
    "events": {"url": "http://127.0.0.1:9/sse"}, /* a block
    comment */
  },
}`
	m := mustParseMCP(t, data, "mcp.json")
	want := []mcpclient.ServerConfig{
		{Type: "http", Name: "github", URL: "http://127.0.0.1:9/mcp/hf", Headers: map[string]string{"Authorization": "Bearer ${input:gh-token}"}},
		{Type: "stdio", Name: "local", Command: "node", Args: []string{wd + "/server.js", home, "", "${config:python.path}"},
			Env: map[string]string{"TOKEN": "${input:gh-token}"}},
		{Type: "sse", Name: "events", URL: "http://127.0.0.1:9/sse"},
	}
	if !reflect.DeepEqual(m.Servers, want) {
		t.Errorf("servers =\n%+v\nwant\n%+v", m.Servers, want)
	}
	if wantIn := []Input{{ID: "gh-token", Description: "GitHub token", Type: "promptString", Password: true}}; !reflect.DeepEqual(m.Inputs, wantIn) {
		t.Errorf("inputs = %+v", m.Inputs)
	}
	wantWarnings := []string{
		`mcp.json: servers.local.args[2]: ${env:TA_TEST_MISSING} is not set; replaced by ""`,
		"mcp.json: servers.local.args[3]: ${config:python.path} is not expanded by tiny-agents; left as is",
		"mcp.json: servers.local.envFile: not supported, ignored: set the variables in env",
		"mcp.json: servers.local.dev: unknown field, ignored",
	}
	if !reflect.DeepEqual(m.Warnings, wantWarnings) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(m.Warnings, "\n"), strings.Join(wantWarnings, "\n"))
	}

	// ${input:...} works through the agent's inputs.
	cfg := mustParse(t, `{"model":"m"}`)
	if err := cfg.AddMCPConfig(m); err != nil {
		t.Fatal(err)
	}
	warnings, err := cfg.ResolveInputs(t.Context(), func(in Input) (string, error) { return "ghp_secret", nil })
	if err != nil || warnings != nil {
		t.Fatal(err, warnings)
	}
	if cfg.Servers[0].Headers["Authorization"] != "Bearer ghp_secret" || cfg.Servers[1].Env["TOKEN"] != "ghp_secret" {
		t.Errorf("resolved = %+v", cfg.Servers)
	}
	if !reflect.DeepEqual(cfg.Secrets(), []string{"ghp_secret"}) {
		t.Errorf("secrets = %q", cfg.Secrets())
	}
}

func TestLoadMCPConfigWorkspaceFolder(t *testing.T) {
	ws := t.TempDir()
	os.Mkdir(filepath.Join(ws, ".vscode"), 0o755)
	file := filepath.Join(ws, ".vscode", "mcp.json")
	os.WriteFile(file, []byte(`{"servers": {"s": {"command": "${workspaceFolder}/bin/s", "cwd": "${workspaceFolder}",
		"args": ["${workspaceFolderBasename}", "a${pathSeparator}b"]}}}`), 0o644)
	m, err := LoadMCPConfig(file)
	if err != nil {
		t.Fatal(err)
	}
	s := m.Servers[0]
	if s.Command != ws+"/bin/s" || s.Cwd != ws || !reflect.DeepEqual(s.Args, []string{filepath.Base(ws), "a/b"}) || m.Source != file {
		t.Errorf("server = %+v, source %s", s, m.Source)
	}

	t.Setenv("HOME", ws)
	os.WriteFile(filepath.Join(ws, "claude.json"), []byte(`{"mcpServers": {"s": {"command": "x"}}}`), 0o644)
	if m, err := LoadMCPConfig("~/claude.json"); err != nil || m.Source != "~/claude.json" || len(m.Servers) != 1 {
		t.Errorf("~/: %+v, %v", m, err)
	}
	_, err = LoadMCPConfig(filepath.Join(ws, "missing.json"))
	var ce *ConfigError
	if !errors.Is(err, fs.ErrNotExist) || errors.As(err, &ce) || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("missing file: %v", err)
	}
}

func TestParseMCPConfigVSCodeSettings(t *testing.T) {
	const data = `{
  "editor.fontSize": 14, // settings.json is JSONC
  "mcp": {
    "inputs": [{"type": "promptString", "id": "key"}],
    "servers": {"one": {"command": "a", "env": {"K": "${input:key}"}}, "two": {"type": "stdio", "command": "b"}},
    "extra": true
  },
  "workbench.colorTheme": "Default Dark+"
}`
	m := mustParseMCP(t, data, "settings.json")
	if len(m.Servers) != 2 || m.Servers[0].Name != "one" || m.Servers[1].Type != "stdio" || len(m.Inputs) != 1 {
		t.Errorf("config = %+v", m)
	}
	if want := []string{"settings.json: mcp.extra: unknown field, ignored"}; !reflect.DeepEqual(m.Warnings, want) {
		t.Errorf("warnings = %q (other settings are none of ours)", m.Warnings)
	}
	_, err := ParseMCPConfig([]byte(`{"mcp": {"inputs": [{"id": "a"}, {"id": "a"}], "servers": {}}}`), "settings.json")
	if err == nil || err.Error() != `settings.json: mcp.inputs[1].id: duplicate id "a"` {
		t.Errorf("duplicate input: %v", err)
	}
}

func TestParseMCPConfigErrors(t *testing.T) {
	tests := map[string]struct{ json, want string }{
		"command list": {`{"mcpServers": {"github": {"command": ["npx"]}}}`,
			"mcp.json: mcpServers.github.command: expected a string, got a list"},
		"servers list":  {`{"mcpServers": []}`, "mcp.json: mcpServers: expected an object of servers keyed by name, got a list"},
		"server string": {`{"mcpServers": {"a": "npx"}}`, "mcp.json: mcpServers.a: expected a server object, got a string"},
		"env value": {`{"servers": {"a": {"command": "x", "env": {"PORT": 8080}}}}`,
			"mcp.json: servers.a.env.PORT: expected a string, got a number"},
		"disabled string": {`{"mcpServers": {"a": {"command": "x", "disabled": "yes"}}}`,
			"mcp.json: mcpServers.a.disabled: expected true or false, got a string"},
		"agent.json": {`{"model": "m", "servers": [{"type": "stdio", "command": "x"}]}`,
			"mcp.json: this looks like an agent.json, not an MCP config of Claude Desktop, Cursor or VS Code: run it as the agent (tiny-agents run mcp.json)"},
		"nothing": {`{"model": "m"}`,
			`mcp.json: no MCP servers: expected "mcpServers" (Claude Desktop, Cursor), "servers" (VS Code mcp.json) or "mcp" (VS Code settings)`},
		"not an object": {`[]`, "mcp.json: expected a JSON object, got a list"},
		"unknown type": {`{"servers": {"a": {"type": "websocket", "url": "ws://127.0.0.1"}}}`,
			`mcp.json: servers.a.type: unknown server type "websocket" (stdio, http, sse or streamable-http)`},
		"builtin type": {`{"servers": {"a": {"type": "builtin"}}}`,
			`mcp.json: servers.a.type: unknown server type "builtin" (stdio, http, sse or streamable-http)`},
		"command and url": {`{"mcpServers": {"a": {"command": "x", "url": "http://127.0.0.1"}}}`,
			"mcp.json: mcpServers.a: command and url contradict: a command starts a stdio server, a url reaches an http or sse server"},
		"http with command": {`{"servers": {"a": {"type": "http", "command": "x", "url": "http://127.0.0.1"}}}`,
			`mcp.json: servers.a: command and type "http" contradict: a command starts a stdio server, an http server is reached at url`},
		"stdio with url": {`{"servers": {"a": {"type": "stdio", "command": "x", "url": "http://127.0.0.1"}}}`,
			`mcp.json: servers.a: url and type "stdio" contradict: a stdio server is started by its command, a url reaches an http or sse server`},
		"stdio without command": {`{"servers": {"a": {"type": "stdio"}}}`, "mcp.json: servers.a.command: missing for a stdio server"},
		"neither": {`{"mcpServers": {"a": {"args": ["x"]}}}`,
			"mcp.json: mcpServers.a: no command or url: give the command that starts a stdio server, or the url of an http or sse server"},
		"bad url": {`{"mcpServers": {"a": {"url": "127.0.0.1:8080"}}}`, `mcp.json: mcpServers.a.url: "127.0.0.1:8080" is not an http(s) URL`},
		"undeclared input": {`{"servers": {"a": {"command": "x", "env": {"K": "${input:k}"}}}}`,
			`mcp.json: servers.a.env.K: refers to input "k", which is not declared in inputs`},
		"syntax keeps columns": {"{\n  // a comment\n  \"mcpServers\": {\"a\": {\"command\": \"x\" \"args\": []}}\n}",
			`mcp.json: invalid JSON at line 3, column 39: unexpected '"': expected ',' or '}' after a field`},
		"empty": {"// nothing\n", "mcp.json: empty file"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			m, err := ParseMCPConfig([]byte(tt.json), "mcp.json")
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v (config %+v), want a *ConfigError", err, m)
			}
			if err.Error() != tt.want {
				t.Errorf("got  %s\nwant %s", err, tt.want)
			}
		})
	}
}

func TestStripJSONC(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"url in a string":   {`{"u": "http://127.0.0.1/a//b"}`, `{"u": "http://127.0.0.1/a//b"}`},
		"escaped quote":     {`{"u": "a\"//b", "v": 1} // c`, `{"u": "a\"//b", "v": 1}     `},
		"line comment":      {"{\"a\": 1 // one\n}", "{\"a\": 1       \n}"},
		"block comment":     {"{/* a\nb */\"a\": 1}", "{    \n    \"a\": 1}"},
		"trailing commas":   {`{"a": [1, 2,], "b": {"c": 3,},}`, `{"a": [1, 2 ], "b": {"c": 3 } }`},
		"comma and comment": {"[1, // last\n]", "[1         \n]"},
		"comma in a string": {`{"a": ",}"}`, `{"a": ",}"}`},
		"unterminated":      {`{"a": 1 /* oops`, `{"a": 1        `},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := string(stripJSONC([]byte(tt.in))); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestAddMCPConfig(t *testing.T) {
	cfg := mustParse(t, `{"model":"m","inputs":[{"id":"tok","description":"agent's"}],
		"servers":[{"type":"builtin","name":"filesystem"},{"type":"stdio","command":"x","name":"github"}]}`)
	first := mustParseMCP(t, `{"inputs":[{"id":"tok","description":"vscode's"},{"id":"other"}],
		"servers":{"linear":{"url":"http://127.0.0.1:1/mcp","headers":{"A":"${input:tok}","B":"${input:other}"}}}}`, ".vscode/mcp.json")
	if err := cfg.AddMCPConfig(first); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Servers) != 3 || cfg.Servers[2].Name != "linear" {
		t.Errorf("servers = %+v", cfg.Servers)
	}
	if want := []Input{{ID: "tok", Description: "agent's"}, {ID: "other"}}; !reflect.DeepEqual(cfg.Inputs, want) {
		t.Errorf("inputs = %+v (the first declaration wins)", cfg.Inputs)
	}

	clashes := map[string]struct{ json, name, want string }{
		"with the agent": {`{"mcpServers":{"ok":{"command":"y"},"github":{"command":"npx"}}}`, "github#2",
			`claude.json: mcpServers.github: "github" is already the name of servers[1] in agent.json; this server is called "github#2"`},
		"with a builtin": {`{"mcpServers":{"filesystem":{"command":"npx"}}}`, "filesystem#2",
			`claude.json: mcpServers.filesystem: "filesystem" is already the name of servers[0] in agent.json; this server is called "filesystem#2"`},
		"with an earlier config": {`{"mcpServers":{"linear":{"command":"npx"}}}`, "linear#2",
			`claude.json: mcpServers.linear: "linear" is already the name of servers.linear in .vscode/mcp.json; this server is called "linear#2"`},
	}
	for _, name := range []string{"with the agent", "with a builtin", "with an earlier config"} {
		tt := clashes[name]
		t.Run(name, func(t *testing.T) {
			m := mustParseMCP(t, tt.json, "claude.json")
			if err := cfg.AddMCPConfig(m); err != nil {
				t.Fatal(err)
			}
			if got := cfg.Servers[len(cfg.Servers)-1].Name; got != tt.name {
				t.Errorf("renamed to %q, want %q", got, tt.name)
			}
			if !slices.Contains(m.Warnings, tt.want) {
				t.Errorf("warnings %q\nlack %s", m.Warnings, tt.want)
			}
		})
	}
	// A second clash takes the next free number.
	m := mustParseMCP(t, `{"mcpServers":{"github":{"command":"npx"}}}`, "other.json")
	if err := cfg.AddMCPConfig(m); err != nil || cfg.Servers[len(cfg.Servers)-1].Name != "github#3" {
		t.Errorf("second clash: %v, %+v", err, cfg.Servers[len(cfg.Servers)-1])
	}
	// Two servers of one added config that share a name are told apart too.
	err := cfg.AddMCPConfig(&MCPConfig{Source: "by hand", Servers: []mcpclient.ServerConfig{{Type: "stdio", Command: "z", Name: "notion"}, {Type: "stdio", Command: "z", Name: "notion"}}})
	if err != nil || cfg.Servers[len(cfg.Servers)-1].Name != "notion#2" {
		t.Errorf("hand-built config: %v, %+v", err, cfg.Servers[len(cfg.Servers)-1])
	}
	err = cfg.AddMCPConfig(&MCPConfig{Source: "by hand", Servers: []mcpclient.ServerConfig{{Type: "stdio"}}})
	if err == nil || err.Error() != "by hand: servers[0].command: missing for a stdio server" {
		t.Errorf("invalid hand-built config: %v", err)
	}
}
