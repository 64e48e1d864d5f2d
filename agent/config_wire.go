package agent

import (
	"time"

	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// mcpConfigHint points a user who gave an MCP config as the agent at the
// flag that takes one.
const mcpConfigHint = "add its servers to an agent with --mcp-config FILE"

// config reads the fields of an agent.json.
func (r *reader) config(doc *jsonValue) *Config {
	top := r.object("", doc, "a JSON object")
	r.refuseMCPShapes(top)
	cfg := &Config{Source: r.source}
	for _, f := range []struct {
		key string
		dst *string
	}{{"model", &cfg.Model}, {"provider", &cfg.Provider}, {"endpointUrl", &cfg.EndpointURL}, {"apiKey", &cfg.APIKey}} {
		top.str(f.key, f.dst)
	}
	for _, f := range []struct {
		key string
		dst *time.Duration
	}{{"connectTimeout", &cfg.Timeouts.Connect}, {"idleTimeout", &cfg.Timeouts.Idle}, {"toolTimeout", &cfg.Timeouts.Tool}} {
		top.duration(f.key, f.dst)
	}
	cfg.Inputs = r.inputs(top, "inputs")
	if v := top.take("servers"); v != nil {
		if v.kind != kindList {
			r.failf("servers", "expected a list of server objects, got %s", describe(v))
		}
		for i, item := range v.items {
			cfg.Servers = append(cfg.Servers, r.server(indexPath("servers", i), item))
		}
	}
	top.finish()
	return cfg
}

// refuseMCPShapes recognises the MCP configs of VS Code, Claude Desktop and
// Cursor, which would otherwise load as an agent without servers.
func (r *reader) refuseMCPShapes(top *object) {
	switch {
	case top.has("mcpServers"):
		r.failf("mcpServers", "this looks like a Claude Desktop or Cursor MCP config, not an agent.json; "+mcpConfigHint)
	case isKind(top.v.fields["servers"], kindObject):
		r.failf("servers", "expected a list of server objects, got an object: this looks like a VS Code mcp.json; "+mcpConfigHint)
	case isKind(top.v.fields["mcp"], kindObject) && top.v.fields["mcp"].fields["servers"] != nil:
		r.failf("mcp", "this looks like VS Code settings, not an agent.json; "+mcpConfigHint)
	}
}

func isKind(v *jsonValue, k kind) bool { return v != nil && v.kind == k }

// server reads one server of the list: the flat shape of the Python
// reference or the nested "config" shape of the JS one, not both.
func (r *reader) server(path string, v *jsonValue) mcpclient.ServerConfig {
	var s mcpclient.ServerConfig
	o := r.object(path, v, "a server object")
	o.str("type", &s.Type)
	o.str("name", &s.Name)
	o.launch(&s)
	o.strs("envPassthrough", &s.EnvPassthrough)
	o.strMap("headers", &s.Headers)
	if o.has("allowedTools") && o.has("allowed_tools") {
		r.failf(path, "allowedTools and allowed_tools both given: use one")
	}
	o.strs("allowedTools", &s.AllowedTools)
	o.strs("allowed_tools", &s.AllowedTools)
	o.duration("connectTimeout", &s.ConnectTimeout)
	o.duration("toolTimeout", &s.Timeout)
	s.Auth = r.auth(o)
	r.nested(o, &s)
	o.finish()
	return s
}

// launchKeys are the fields that say how a server is reached, read by
// launch in every shape of server entry.
var launchKeys = []string{"command", "args", "env", "cwd", "url"}

// launch reads the fields of launchKeys into s.
func (o *object) launch(s *mcpclient.ServerConfig) {
	o.str("command", &s.Command)
	o.strs("args", &s.Args)
	o.strMap("env", &s.Env)
	o.str("cwd", &s.Cwd)
	o.str("url", &s.URL)
}

// auth reads the "auth" object of a server, nil when there is none.
func (r *reader) auth(parent *object) *mcpclient.AuthConfig {
	v := parent.take("auth")
	if v == nil {
		return nil
	}
	var a mcpclient.AuthConfig
	o := r.object(parent.field("auth"), v, `an auth object such as {"mode":"none"} or {"clientId":"..."}`)
	for _, f := range []struct {
		key string
		dst *string
	}{
		{"mode", &a.Mode}, {"clientId", &a.ClientID}, {"clientSecret", &a.ClientSecret},
		{"clientMetadataUrl", &a.ClientMetadataURL}, {"grantType", &a.GrantType}, {"privateKeyPem", &a.PrivateKeyPEM},
		{"idpTokenUrl", &a.IDPTokenURL}, {"idToken", &a.IDToken}, {"idpClientId", &a.IDPClientID},
		{"idpClientSecret", &a.IDPClientSecret},
	} {
		o.str(f.key, f.dst)
	}
	o.strs("scopes", &a.Scopes)
	o.finish()
	return &a
}

// nested reads the "config" object of the JS shape into s.
func (r *reader) nested(parent *object, s *mcpclient.ServerConfig) {
	v := parent.take("config")
	if v == nil {
		return
	}
	var n mcpclient.ServerConfig
	o := r.object(parent.field("config"), v, "an object")
	o.launch(&n)
	headers := false
	if opts := o.take("options"); opts != nil {
		oo := r.object(o.field("options"), opts, "an object")
		if init := oo.take("requestInit"); init != nil {
			ri := r.object(oo.field("requestInit"), init, "an object")
			headers = ri.has("headers")
			ri.strMap("headers", &n.Headers)
			ri.finish()
		}
		oo.finish()
	}
	o.finish()
	for _, k := range launchKeys {
		if o.has(k) && parent.has(k) {
			r.failf(parent.path, "config.%s and %s both given: use one form", k, k)
		}
	}
	if headers && parent.has("headers") {
		r.failf(parent.path, "config.options.requestInit.headers and headers both given: use one form")
	}
	s.Command = firstNonEmpty(s.Command, n.Command)
	s.Cwd = firstNonEmpty(s.Cwd, n.Cwd)
	s.URL = firstNonEmpty(s.URL, n.URL)
	if s.Args == nil {
		s.Args = n.Args
	}
	if s.Env == nil {
		s.Env = n.Env
	}
	if s.Headers == nil {
		s.Headers = n.Headers
	}
}

// inputs reads a list of inputs (agent.json, VS Code).
func (r *reader) inputs(parent *object, key string) []Input {
	v := parent.take(key)
	if v == nil {
		return nil
	}
	path := parent.field(key)
	if v.kind != kindList {
		r.failf(path, "expected a list of input objects, got %s", describe(v))
		return nil
	}
	var out []Input
	for i, item := range v.items {
		var in Input
		o := r.object(indexPath(path, i), item, "an input object")
		o.str("id", &in.ID)
		o.str("description", &in.Description)
		o.str("type", &in.Type)
		o.boolean("password", &in.Password)
		if in.Type != "" && in.Type != "promptString" {
			r.warnf(o.v.fields["type"].at, o.field("type"), "%q is not supported: the input is asked as a promptString", in.Type)
		}
		o.finish()
		out = append(out, in)
	}
	return out
}
