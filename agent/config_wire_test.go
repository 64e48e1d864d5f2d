package agent

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// goWords must never reach a user: they speak of Go, not of agent.json.
var goWords = []string{"json:", "Go struct", "serverWire", "cannot unmarshal", "[]string", "map["}

func parseError(t *testing.T, data string) string {
	t.Helper()
	cfg, err := ParseConfig([]byte(data), "agent.json")
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v (config %+v), want a *ConfigError", err, cfg)
	}
	for _, w := range goWords {
		if strings.Contains(strings.TrimPrefix(err.Error(), "agent.json: "), w) {
			t.Errorf("%q speaks Go (%q)", err.Error(), w)
		}
	}
	return err.Error()
}

const stdio = `{"type":"stdio","command":"x"}`

func TestParseConfigWrongTypes(t *testing.T) {
	tests := map[string]struct{ json, want string }{
		"top level list":   {`[]`, "agent.json: expected a JSON object, got a list"},
		"model number":     {`{"model":1}`, "agent.json: model: expected a string, got a number"},
		"apiKey bool":      {`{"model":"m","apiKey":false}`, "agent.json: apiKey: expected a string, got false"},
		"servers string":   {`{"model":"m","servers":"x"}`, "agent.json: servers: expected a list of server objects, got a string"},
		"server string":    {`{"model":"m","servers":["npx"]}`, "agent.json: servers[0]: expected a server object, got a string"},
		"args string":      {`{"model":"m","servers":[` + stdio + `,{"type":"stdio","command":"x","args":"-y"}]}`, "agent.json: servers[1].args: expected a list of strings, got a string"},
		"args item number": {`{"model":"m","servers":[{"type":"stdio","command":"x","args":["a",2]}]}`, "agent.json: servers[0].args[1]: expected a string, got a number"},
		"env list":         {`{"model":"m","servers":[{"type":"stdio","command":"x","env":["A=1"]}]}`, "agent.json: servers[0].env: expected an object of names and string values, got a list"},
		"env value bool":   {`{"model":"m","servers":[{"type":"stdio","command":"x","env":{"K":true}}]}`, "agent.json: servers[0].env.K: expected a string, got true"},
		"headers null":     {`{"model":"m","servers":[{"type":"http","url":"http://127.0.0.1","headers":{"H":null}}]}`, "agent.json: servers[0].headers.H: expected a string, got null"},
		"allowedTools obj": {`{"model":"m","servers":[{"type":"stdio","command":"x","allowedTools":{}}]}`, "agent.json: servers[0].allowedTools: expected a list of strings, got an object"},
		"inputs object":    {`{"model":"m","inputs":{"id":"a"}}`, "agent.json: inputs: expected a list of input objects, got an object"},
		"input string":     {`{"model":"m","inputs":["a"]}`, "agent.json: inputs[0]: expected an input object, got a string"},
		"password string":  {`{"model":"m","inputs":[{"id":"a","password":"yes"}]}`, "agent.json: inputs[0].password: expected true or false, got a string"},
		"config list":      {`{"model":"m","servers":[{"type":"stdio","config":[]}]}`, "agent.json: servers[0].config: expected an object, got a list"},
		"config args":      {`{"model":"m","servers":[{"type":"stdio","config":{"command":"x","args":{}}}]}`, "agent.json: servers[0].config.args: expected a list of strings, got an object"},
		"nested headers": {`{"model":"m","servers":[{"type":"sse","config":{"url":"http://127.0.0.1","options":{"requestInit":{"headers":{"H":1}}}}}]}`,
			"agent.json: servers[0].config.options.requestInit.headers.H: expected a string, got a number"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := parseError(t, tt.json); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestParseConfigSyntaxErrors(t *testing.T) {
	tests := map[string]struct{ json, want string }{
		"empty":                    {"", "agent.json: empty file"},
		"blank":                    {" \n\t", "agent.json: empty file"},
		"comma":                    {"{\n  \"model\": \"m\",\n  \"servers\": [,]\n}", "agent.json: invalid JSON at line 3, column 15: unexpected ',': expected a value"},
		"trailing comma":           {`{"model":"m",}`, "agent.json: invalid JSON at line 1, column 14: unexpected '}': JSON allows no comma before a closing bracket"},
		"list comma":               {`{"model":"m","servers":[{},]}`, "agent.json: invalid JSON at line 1, column 28: unexpected ']': JSON allows no comma before a closing bracket"},
		"bare word":                {`{"model": m}`, "agent.json: invalid JSON at line 1, column 11: unexpected 'm': strings and field names need double quotes"},
		"bare key":                 {`{model: "m"}`, "agent.json: invalid JSON at line 1, column 2: unexpected 'm': strings and field names need double quotes"},
		"single quotes":            {`{'model': 'm'}`, `agent.json: invalid JSON at line 1, column 2: unexpected "'": strings and field names need double quotes`},
		"comment":                  {"{\n  // the model\n  \"model\": \"m\"}", "agent.json: invalid JSON at line 2, column 3: unexpected '/': JSON allows no comments"},
		"missing comma":            {`{"model":"m" "servers":[]}`, `agent.json: invalid JSON at line 1, column 14: unexpected '"': expected ',' or '}' after a field`},
		"missing colon":            {`{"model" "m"}`, `agent.json: invalid JSON at line 1, column 10: unexpected '"': expected ':' after the field name`},
		"literal":                  {`{"model":"m","servers":[],"x":tru}`, "agent.json: invalid JSON at line 1, column 34: unexpected '}': did you mean true?"},
		"newline":                  {"{\"model\":\"a\nb\"}", `agent.json: invalid JSON at line 1, column 12: unexpected '\n': a string cannot hold a control character such as a line break; write it as an escape such as \n`},
		"number":                   {`{"model":"m","n":-}`, "agent.json: invalid JSON at line 1, column 19: unexpected '}': invalid number"},
		"truncated":                {"{\"model\":\n", "agent.json: invalid JSON at line 1, column 10: the file ends before the JSON is complete"},
		"trailing data":            {`{"model":"m"} x`, "agent.json: invalid JSON at line 1, column 15: unexpected data after the JSON object"},
		"second object":            {"{\"model\":\"m\"}\n{}", "agent.json: invalid JSON at line 2, column 1: unexpected data after the JSON object"},
		"too deep":                 {strings.Repeat("[", 10001), "agent.json: invalid JSON at line 1, column 10001: lists and objects are nested too deeply"},
		"columns count characters": {`{"model":"é" "x":1}`, `agent.json: invalid JSON at line 1, column 14: unexpected '"': expected ',' or '}' after a field`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := parseError(t, tt.json); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestParseConfigRefusesMCPConfigs(t *testing.T) {
	tests := map[string]struct{ json, want string }{
		"VS Code mcp.json": {`{"servers":{"github":{"command":"npx"}},"inputs":[]}`,
			"agent.json: servers: expected a list of server objects, got an object: this looks like a VS Code mcp.json; add its servers to an agent with --mcp-config FILE"},
		"Claude Desktop": {`{"mcpServers":{"github":{"command":"npx"}}}`,
			"agent.json: mcpServers: this looks like a Claude Desktop or Cursor MCP config, not an agent.json; add its servers to an agent with --mcp-config FILE"},
		"Claude beside a model": {`{"model":"m","mcpServers":{}}`,
			"agent.json: mcpServers: this looks like a Claude Desktop or Cursor MCP config, not an agent.json; add its servers to an agent with --mcp-config FILE"},
		"VS Code settings": {`{"editor.fontSize":12,"mcp":{"servers":{}}}`,
			"agent.json: mcp: this looks like VS Code settings, not an agent.json; add its servers to an agent with --mcp-config FILE"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := parseError(t, tt.json); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestParseConfigContradictions(t *testing.T) {
	const url = `"url":"http://127.0.0.1:1/mcp"`
	tests := map[string]struct{ server, want string }{
		"command with http": {`{"type":"http",` + url + `,"command":"x"}`,
			`servers[0]: command and type "http" contradict: a command starts a stdio server, an http server is reached at url`},
		"command with sse": {`{"type":"sse",` + url + `,"command":"x"}`,
			`servers[0]: command and type "sse" contradict: a command starts a stdio server, an sse server is reached at url`},
		"nested command with http": {`{"type":"http","config":{` + url + `,"command":"x"}}`,
			`servers[0]: command and type "http" contradict: a command starts a stdio server, an http server is reached at url`},
		"url with stdio": {`{"type":"stdio","command":"x",` + url + `}`,
			`servers[0]: url and type "stdio" contradict: a stdio server is started by its command, a url reaches an http or sse server`},
		"command with builtin": {`{"type":"builtin","name":"filesystem","command":"x"}`,
			`servers[0]: command or url and type "builtin" contradict: a builtin server runs inside tiny-agents and is chosen by name`},
		"both command forms": {`{"type":"stdio","command":"x","config":{"command":"y"}}`,
			"servers[0]: config.command and command both given: use one form"},
		"both args forms": {`{"type":"stdio","args":[],"config":{"command":"y","args":["a"]}}`,
			"servers[0]: config.args and args both given: use one form"},
		"both url forms": {`{"type":"http",` + url + `,"config":{` + url + `}}`,
			"servers[0]: config.url and url both given: use one form"},
		"both header forms": {`{"type":"http",` + url + `,"headers":{},"config":{"options":{"requestInit":{"headers":{"A":"b"}}}}}`,
			"servers[0]: config.options.requestInit.headers and headers both given: use one form"},
		"both allowed tools": {`{"type":"stdio","command":"x","allowedTools":["a"],"allowed_tools":["b"]}`,
			"servers[0]: allowedTools and allowed_tools both given: use one"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := parseError(t, `{"model":"m","servers":[`+tt.server+`]}`)
			if want := "agent.json: " + tt.want; got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
}

func TestParseConfigTimeouts(t *testing.T) {
	cfg, err := ParseConfig([]byte(`{"model":"m","connectTimeout":90,"idleTimeout":"2m","toolTimeout":0.5,
		"servers":[{"type":"stdio","command":"x","connectTimeout":"1m30s","toolTimeout":30},{"type":"stdio","command":"y"}]}`), "agent.json")
	if err != nil {
		t.Fatal(err)
	}
	if want := (Timeouts{Connect: 90 * time.Second, Idle: 2 * time.Minute, Tool: 500 * time.Millisecond}); cfg.Timeouts != want {
		t.Errorf("timeouts = %+v, want %+v", cfg.Timeouts, want)
	}
	if s := cfg.Servers[0]; s.ConnectTimeout != 90*time.Second || s.Timeout != 30*time.Second {
		t.Errorf("server timeouts = %v, %v", s.ConnectTimeout, s.Timeout)
	}
	if s := cfg.Servers[1]; s.ConnectTimeout != 0 || s.Timeout != 0 {
		t.Errorf("unset server timeouts = %v, %v", s.ConnectTimeout, s.Timeout)
	}

	bad := map[string]struct{ field, value, want string }{
		"zero":            {"connectTimeout", `0`, "connectTimeout: must be more than 0, got 0"},
		"negative":        {"idleTimeout", `-1.5`, "idleTimeout: must be more than 0, got -1.5"},
		"negative string": {"toolTimeout", `"-5s"`, `toolTimeout: must be more than 0, got "-5s"`},
		"zero string":     {"toolTimeout", `"0s"`, `toolTimeout: must be more than 0, got "0s"`},
		"tiny":            {"toolTimeout", `1e-12`, "toolTimeout: must be more than 0, got 1e-12"},
		"garbage":         {"connectTimeout", `"soon"`, `connectTimeout: "soon" is not a duration: give seconds (30) or a duration such as "90s" or "2m"`},
		"no unit":         {"connectTimeout", `"30"`, `connectTimeout: "30" is not a duration: give seconds (30) or a duration such as "90s" or "2m"`},
		"bool":            {"idleTimeout", `true`, `idleTimeout: expected a number of seconds or a duration such as "90s", got true`},
		"huge":            {"idleTimeout", `1e300`, "idleTimeout: 1e300 seconds is too long"},
	}
	for name, tt := range bad {
		t.Run(name, func(t *testing.T) {
			got := parseError(t, `{"model":"m",`+`"`+tt.field+`":`+tt.value+`}`)
			if want := "agent.json: " + tt.want; got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
	got := parseError(t, `{"model":"m","servers":[{"type":"stdio","command":"x","toolTimeout":"later"}]}`)
	if !strings.HasPrefix(got, `agent.json: servers[0].toolTimeout: "later" is not a duration`) {
		t.Errorf("server timeout: %s", got)
	}
}

func TestParseConfigProvider(t *testing.T) {
	for _, p := range append([]string{"", "auto"}, inference.Providers()...) {
		if _, err := ParseConfig([]byte(`{"model":"m","provider":"`+p+`"}`), "agent.json"); err != nil {
			t.Errorf("provider %q: %v", p, err)
		}
	}
	got := parseError(t, `{"model":"m","provider":"nebuis"}`)
	want := `agent.json: provider: unknown provider "nebuis" (known: auto, ` + strings.Join(inference.Providers(), ", ") + ")"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestParseConfigServerNames(t *testing.T) {
	cfg, err := ParseConfig([]byte(`{"model":"m","servers":[{"type":"stdio","command":"x","name":"github"},
		{"type":"builtin","name":"filesystem"},{"type":"stdio","command":"y"},{"type":"stdio","command":"z"}]}`), "agent.json")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range cfg.Servers {
		names = append(names, s.Name)
	}
	if !reflect.DeepEqual(names, []string{"github", "filesystem", "", ""}) {
		t.Errorf("names = %q", names)
	}
	got := parseError(t, `{"model":"m","servers":[{"type":"stdio","command":"x","name":"a"},{"type":"stdio","command":"y","name":"b"},{"type":"http","url":"http://127.0.0.1","name":"a"}]}`)
	if want := `agent.json: servers[2].name: "a" is already the name of servers[0]`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestParseConfigWarnings(t *testing.T) {
	data := `{
  "$schema": "./schema.json",
  "model": "m",
  "inputs": [{"id": "tok", "type": "pickString", "options": ["a"], "password": true}],
  "servers": [
    {"type": "stdio", "command": "x", "description": "a server", "disabled": false},
    {"type": "sse", "config": {"url": "http://127.0.0.1/sse", "timeout": 3,
      "options": {"retries": 2, "requestInit": {"method": "GET", "headers": {"A": "${input:tok}"}}}}}
  ],
  "model": "n",
  "comment": null
}`
	cfg, err := ParseConfig([]byte(data), "dir/agent.json")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"dir/agent.json: $schema: unknown field, ignored",
		`dir/agent.json: inputs[0].type: "pickString" is not supported: the input is asked as a promptString`,
		"dir/agent.json: inputs[0].options: unknown field, ignored",
		"dir/agent.json: servers[0].description: unknown field, ignored",
		"dir/agent.json: servers[0].disabled: unknown field, ignored",
		"dir/agent.json: servers[1].config.timeout: unknown field, ignored",
		"dir/agent.json: servers[1].config.options.retries: unknown field, ignored",
		"dir/agent.json: servers[1].config.options.requestInit.method: unknown field, ignored",
		"dir/agent.json: model: given more than once, the last value is used",
		"dir/agent.json: comment: unknown field, ignored",
	}
	if !reflect.DeepEqual(cfg.Warnings, want) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(cfg.Warnings, "\n"), strings.Join(want, "\n"))
	}
	if cfg.Model != "n" || cfg.Servers[1].Headers["A"] != "${input:tok}" || cfg.Servers[1].URL != "http://127.0.0.1/sse" {
		t.Errorf("config = %+v", cfg)
	}
	cfg, err = ParseConfig([]byte(`{"model":"m","servers":[`+stdio+`]}`), "agent.json")
	if err != nil || cfg.Warnings != nil {
		t.Errorf("clean file: %v, %q", err, cfg.Warnings)
	}
}

func TestParseConfigNestedShapeKeepsLoading(t *testing.T) {
	cfg, err := ParseConfig([]byte(`{"model":"m","servers":[
		{"type":"stdio","config":{"command":"node","args":["s.js"],"env":{"B":"2"},"cwd":"/srv"},"allowedTools":["t"]},
		{"type":"http","config":{"url":"http://127.0.0.1:2/mcp","options":{"requestInit":{"headers":{"Z":"w"}}}}}]}`), "agent.json")
	if err != nil {
		t.Fatal(err)
	}
	want := []mcpclient.ServerConfig{
		{Type: "stdio", Command: "node", Args: []string{"s.js"}, Env: map[string]string{"B": "2"}, Cwd: "/srv", AllowedTools: []string{"t"}},
		{Type: "http", URL: "http://127.0.0.1:2/mcp", Headers: map[string]string{"Z": "w"}},
	}
	if !reflect.DeepEqual(cfg.Servers, want) || cfg.Warnings != nil {
		t.Errorf("servers = %+v (warnings %q)", cfg.Servers, cfg.Warnings)
	}
}

func TestEnvPassthrough(t *testing.T) {
	cfg := mustParse(t, `{"model":"m","servers":[{"type":"stdio","command":"x","envPassthrough":["AWS_PROFILE","GITHUB_TOKEN"]}]}`)
	if got := cfg.Servers[0].EnvPassthrough; !reflect.DeepEqual(got, []string{"AWS_PROFILE", "GITHUB_TOKEN"}) {
		t.Errorf("envPassthrough = %q", got)
	}
	for name, tt := range map[string]struct{ json, want string }{
		"empty":    {`[""]`, `agent.json: servers[0].envPassthrough[0]: an empty name`},
		"wildcard": {`["A","*"]`, `agent.json: servers[0].envPassthrough[1]: "*" is not a wildcard here: name each variable to pass`},
		"pasted":   {`["HF_TOKEN=hf_pasted"]`, `agent.json: servers[0].envPassthrough[0]: not a variable name: it contains '=' or a NUL byte`},
		"not list": {`"HOME"`, `agent.json: servers[0].envPassthrough: expected a list of strings, got a string`},
	} {
		_, err := ParseConfig([]byte(`{"model":"m","servers":[{"type":"stdio","command":"x","envPassthrough":`+tt.json+`}]}`), "agent.json")
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: %v\nwant %s", name, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "hf_pasted") {
			t.Errorf("%s: the value after '=' was printed", name)
		}
	}
}

func TestParseConfigAuth(t *testing.T) {
	const url = `"type":"http","url":"https://mcp.example.com/mcp"`
	server := func(fields string) string { return `{"model":"m","servers":[{` + fields + `}]}` }
	t.Run("good", func(t *testing.T) {
		for name, tt := range map[string]struct {
			json string
			want *mcpclient.AuthConfig
		}{
			"none on http":  {server(url + `,"auth":{"mode":"none"}`), &mcpclient.AuthConfig{Mode: "none"}},
			"none on stdio": {server(`"type":"stdio","command":"x","auth":{"mode":"none"}`), &mcpclient.AuthConfig{Mode: "none"}},
			"empty object":  {server(url + `,"auth":{}`), &mcpclient.AuthConfig{}},
			"every field": {server(url + `,"auth":{"mode":"oauth","clientId":"app","clientSecret":"s","clientMetadataUrl":"https://app.example.com/client.json",
				"scopes":["mcp:read","mcp:write"],"grantType":"jwt-bearer","privateKeyPem":"k","idpTokenUrl":"https://idp.example.com/token",
				"idToken":"idt","idpClientId":"idp-app","idpClientSecret":"idp-s"}`),
				&mcpclient.AuthConfig{Mode: "oauth", ClientID: "app", ClientSecret: "s", ClientMetadataURL: "https://app.example.com/client.json",
					Scopes: []string{"mcp:read", "mcp:write"}, GrantType: "jwt-bearer", PrivateKeyPEM: "k",
					IDPTokenURL: "https://idp.example.com/token", IDToken: "idt", IDPClientID: "idp-app", IDPClientSecret: "idp-s"}},
			"client credentials with a key": {server(url + `,"auth":{"grantType":"client_credentials","clientId":"app","privateKeyPem":"k"}`),
				&mcpclient.AuthConfig{GrantType: "client_credentials", ClientID: "app", PrivateKeyPEM: "k"}},
			"a header with mode none": {server(url + `,"headers":{"Authorization":"Bearer x"},"auth":{"mode":"none"}`), &mcpclient.AuthConfig{Mode: "none"}},
		} {
			t.Run(name, func(t *testing.T) {
				cfg, err := ParseConfig([]byte(tt.json), "agent.json")
				if err != nil {
					t.Fatal(err)
				}
				if got := cfg.Servers[0].Auth; !reflect.DeepEqual(got, tt.want) {
					t.Errorf("auth = %+v, want %+v", got, tt.want)
				}
				if len(cfg.Warnings) != 0 {
					t.Errorf("warnings: %q", cfg.Warnings)
				}
			})
		}
	})
	t.Run("unknown field is a warning", func(t *testing.T) {
		cfg, err := ParseConfig([]byte(server(url+`,"auth":{"clientID":"app"}`)), "agent.json")
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"agent.json: servers[0].auth.clientID: unknown field, ignored"}; !reflect.DeepEqual(cfg.Warnings, want) {
			t.Errorf("warnings = %q, want %q", cfg.Warnings, want)
		}
	})
	for name, tt := range map[string]struct{ server, want string }{
		"auth string":      {url + `,"auth":"oauth"`, `servers[0].auth: expected an auth object such as {"mode":"none"} or {"clientId":"..."}, got a string`},
		"mode number":      {url + `,"auth":{"mode":1}`, "servers[0].auth.mode: expected a string, got a number"},
		"scopes string":    {url + `,"auth":{"scopes":"mcp:read"}`, "servers[0].auth.scopes: expected a list of strings, got a string"},
		"scope item":       {url + `,"auth":{"scopes":["a",true]}`, "servers[0].auth.scopes[1]: expected a string, got true"},
		"secret number":    {url + `,"auth":{"clientSecret":12345678}`, "servers[0].auth.clientSecret: expected a string, got a number"},
		"bad mode":         {url + `,"auth":{"mode":"basic"}`, `servers[0].auth.mode: "basic" is not a mode: oauth (the default) or none`},
		"oauth on stdio":   {`"type":"stdio","command":"x","auth":{"clientId":"app"}`, `servers[0].auth: only sse and http servers sign in with OAuth; a stdio server gets its credentials through env (or set "mode": "none")`},
		"mode oauth stdio": {`"type":"stdio","command":"x","auth":{"mode":"oauth"}`, `servers[0].auth: only sse and http servers sign in with OAuth; a stdio server gets its credentials through env (or set "mode": "none")`},
		"header and oauth": {url + `,"headers":{"authorization":"Bearer x"},"auth":{}`, `servers[0].auth: headers set Authorization too: remove it to sign in with OAuth, or set "mode": "none" to send the header alone`},
		"bad grant":        {url + `,"auth":{"grantType":"password"}`, `servers[0].auth.grantType: "password" is not a grant type: authorization_code, client_credentials or jwt-bearer`},
		"cc without":       {url + `,"auth":{"grantType":"client_credentials","clientId":"app"}`, "servers[0].auth.grantType: client_credentials needs clientId, and clientSecret or privateKeyPem"},
		"jwt without":      {url + `,"auth":{"grantType":"jwt-bearer","clientId":"app"}`, "servers[0].auth.grantType: jwt-bearer needs clientId, idToken and idpTokenUrl"},
		"http metadata":    {url + `,"auth":{"clientMetadataUrl":"http://app.example.com/c.json"}`, `servers[0].auth.clientMetadataUrl: "http://app.example.com/c.json" is not an https URL`},
		"undeclared input": {url + `,"auth":{"clientSecret":"${input:nope}"}`, `servers[0].auth.clientSecret: refers to input "nope", which is not declared in inputs`},
	} {
		t.Run(name, func(t *testing.T) {
			if got, want := parseError(t, server(tt.server)), "agent.json: "+tt.want; got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
}
