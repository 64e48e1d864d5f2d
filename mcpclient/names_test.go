package mcpclient_test

import (
	"reflect"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

func stdio(command string, args ...string) mcpclient.ServerConfig {
	return mcpclient.ServerConfig{Type: mcpclient.TransportStdio, Command: command, Args: args}
}

func TestServerNames(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfgs []mcpclient.ServerConfig
		want []string
	}{
		{"explicit name", []mcpclient.ServerConfig{{Type: mcpclient.TransportStdio, Command: "npx", Name: "github"}}, []string{"github"}},
		{"builtin", []mcpclient.ServerConfig{{Type: mcpclient.TransportBuiltin, Name: "filesystem"}}, []string{"filesystem"}},
		{"npx scoped package with version", []mcpclient.ServerConfig{stdio("npx", "-y", "@modelcontextprotocol/server-github@1.2")}, []string{"server-github"}},
		{"npx option with a value", []mcpclient.ServerConfig{stdio("/usr/bin/npx", "--package", "@x/tools", "mcp-tool")}, []string{"mcp-tool"}},
		{"npx option with =", []mcpclient.ServerConfig{stdio("npx", "--yes", "--package=@x/tools", "mcp-tool")}, []string{"mcp-tool"}},
		{"uvx with --from", []mcpclient.ServerConfig{stdio("uvx", "--from", "git+file:///srv/repos/y.git", "mcp-server-git")}, []string{"mcp-server-git"}},
		{"uvx pinned", []mcpclient.ServerConfig{stdio("uvx", "mcp-server-fetch==1.0")}, []string{"mcp-server-fetch"}},
		{"uvx extras", []mcpclient.ServerConfig{stdio("uvx", "mcp-server-time[cli]")}, []string{"mcp-server-time"}},
		{"bunx", []mcpclient.ServerConfig{stdio("bunx", "@playwright/mcp@latest")}, []string{"mcp"}},
		{"pnpm dlx", []mcpclient.ServerConfig{stdio("pnpm", "dlx", "@scope/weather-server")}, []string{"weather-server"}},
		{"uv tool run", []mcpclient.ServerConfig{stdio("uv", "tool", "run", "mcp-server-sqlite")}, []string{"mcp-server-sqlite"}},
		{"docker image", []mcpclient.ServerConfig{stdio("docker", "run", "-i", "--rm", "-e", "TOKEN", "localhost:5000/acme/acme-mcp:1.4")}, []string{"acme-mcp"}},
		{"node script", []mcpclient.ServerConfig{stdio("node", "/srv/tools/weather.js")}, []string{"weather.js"}},
		{"node index.js in dist", []mcpclient.ServerConfig{stdio("node", "/srv/weather/dist/index.js")}, []string{"weather"}},
		{"python -m", []mcpclient.ServerConfig{stdio("python3", "-u", "-m", "mcp_server_time")}, []string{"mcp_server_time"}},
		{"python main.py", []mcpclient.ServerConfig{stdio("/usr/bin/python3.12", "/opt/notes/main.py")}, []string{"notes"}},
		{"plain binary", []mcpclient.ServerConfig{stdio("/usr/local/bin/mcp-server-time", "--local-timezone", "UTC")}, []string{"mcp-server-time"}},
		{"http host and path", []mcpclient.ServerConfig{{Type: mcpclient.TransportHTTP, URL: "http://127.0.0.1:8080/mcp/"}}, []string{"127.0.0.1:8080/mcp"}},
		{"sse without user info or query", []mcpclient.ServerConfig{{Type: mcpclient.TransportSSE,
			URL: "http://user:hunter2@localhost:9000/sse?token=hunter2#frag"}}, []string{"localhost:9000/sse"}},
		{"unparsable URL", []mcpclient.ServerConfig{{Type: mcpclient.TransportHTTP, URL: "http://[::1:secret/"}}, []string{"http"}},
		{"empty stdio", []mcpclient.ServerConfig{{Type: mcpclient.TransportStdio}}, []string{"stdio"}},
		{"nothing at all", []mcpclient.ServerConfig{{}}, []string{"server"}},
		{"equal summaries are numbered", []mcpclient.ServerConfig{
			stdio("npx", "-y", "@modelcontextprotocol/server-github"),
			stdio("npx", "-y", "@modelcontextprotocol/server-time"),
			stdio("npx", "@modelcontextprotocol/server-github@2"),
		}, []string{"server-github#1", "server-time", "server-github#3"}},
		{"explicit equal names are kept", []mcpclient.ServerConfig{
			{Type: mcpclient.TransportStdio, Command: "a", Name: "x"},
			{Type: mcpclient.TransportStdio, Command: "b", Name: "x"},
		}, []string{"x", "x"}},
		{"a summary equal to an explicit name is numbered", []mcpclient.ServerConfig{
			{Type: mcpclient.TransportStdio, Command: "a", Name: "server-github"},
			stdio("npx", "@modelcontextprotocol/server-github"),
		}, []string{"server-github", "server-github#2"}},
		{"none", nil, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := mcpclient.ServerNames(tc.cfgs); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ServerNames = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestServersAndServerOf(t *testing.T) {
	c, _ := newClient(t)
	a, b := stdioConfig("a"), stdioConfig("b")
	b.AllowedTools = []string{"pid"}
	if err := c.AddServers(t.Context(), []mcpclient.ServerConfig{a, b}); err != nil {
		t.Fatal(err)
	}
	if err := c.AddServer(t.Context(), stdioConfig("c")); err != nil {
		t.Fatal(err)
	}
	want := []string{"mcpclient.test#1", "mcpclient.test#2", "mcpclient.test#3"}
	if got := c.Servers(); !reflect.DeepEqual(got, want) {
		t.Errorf("Servers = %q, want %q", got, want)
	}
	for tool, want := range map[string]string{"echo": "mcpclient.test#1", "pid": "mcpclient.test#1", "nope": ""} {
		if got := c.ServerOf(tool); got != want {
			t.Errorf("ServerOf(%q) = %q, want %q", tool, got, want)
		}
	}
}
