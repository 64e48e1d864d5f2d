package agent

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// Config is an agent.json: the model, how to reach it, and the MCP servers
// whose tools the agent uses. Build it with [ParseConfig] or [Load], or as a
// literal; it is not safe for concurrent use while it is being changed.
type Config struct {
	Model       string                   `json:"model"`
	Provider    string                   `json:"provider,omitempty"`
	EndpointURL string                   `json:"endpointUrl,omitempty"`
	APIKey      string                   `json:"apiKey,omitempty"`
	Inputs      []Input                  `json:"inputs,omitempty"`
	Servers     []mcpclient.ServerConfig `json:"servers"`

	// Timeouts are the agent-wide timeouts of the file (0: not set). A
	// server's own connectTimeout and toolTimeout are in its
	// [mcpclient.ServerConfig], and win; [New] gives these to the servers
	// that set none, and Idle to the inference client (an
	// inference.WithIdleTimeout of [WithInferenceOptions] wins over it).
	Timeouts Timeouts `json:"-"`

	// Prompt is the system prompt from PROMPT.md or AGENTS.md beside the
	// config, "" for the default one.
	Prompt string `json:"-"`
	// Source says where the config was loaded from, for messages.
	Source string `json:"-"`
	// Warnings are what parsing ignored (unknown fields, unsupported input
	// types), each "SOURCE: FIELD: MSG", in file order.
	Warnings []string `json:"-"`

	secrets []string       // values of password inputs, set by ResolveInputs
	origins map[int]origin // servers added by AddMCPConfig, by index
}

// Timeouts are the optional timeouts of an agent.json; 0 means not set.
type Timeouts struct {
	// Connect bounds starting a server, the initialize handshake and
	// listing its tools (connectTimeout).
	Connect time.Duration
	// Idle bounds a streamed completion that sends nothing (idleTimeout).
	Idle time.Duration
	// Tool bounds each tool call (toolTimeout).
	Tool time.Duration
}

// Input is a value asked of the user when the agent starts, substituted for
// ${input:ID} in server commands, args, env values, headers, URLs and auth
// credentials, and in the API key.
type Input struct {
	ID          string `json:"id"`
	Description string `json:"description,omitempty"`
	Type        string `json:"type,omitempty"`
	Password    bool   `json:"password,omitempty"`
}

// ConfigError is an invalid agent.json or MCP config file. Error() reads
// "SOURCE: FIELD: MSG".
type ConfigError struct {
	Source string // the file or agent name
	Field  string // a path such as servers[1].command, or "" for the whole file
	Msg    string
}

// Error names the source and the field.
func (e *ConfigError) Error() string {
	if e.Field == "" {
		return e.Source + ": " + e.Msg
	}
	return e.Source + ": " + e.Field + ": " + e.Msg
}

// origin says where a server was declared, for messages.
type origin struct {
	source    string
	path      string // the server, such as servers[2] or mcpServers.github
	nameField string // where its name is written
}

// ParseConfig parses and validates an agent.json. Unknown fields are not
// errors, as in the references, but each one becomes a warning in
// [Config.Warnings]. It returns a *ConfigError naming source and the field
// for invalid JSON, a value of the wrong type, a missing or contradictory
// field, or a file that is a Claude Desktop, Cursor or VS Code MCP config.
func ParseConfig(data []byte, source string) (*Config, error) {
	doc, err := decodeJSON(data)
	if err != nil {
		return nil, &ConfigError{Source: source, Msg: err.Error()}
	}
	r := &reader{source: source}
	cfg := r.config(doc)
	if r.err != nil {
		return nil, r.err
	}
	cfg.Warnings = r.sortedWarnings()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

var inputRef = regexp.MustCompile(`\$\{input:([^}]*)\}`)

// validate checks the whole config: the model, the inputs and the servers.
// It returns a *ConfigError for the first problem.
func (c *Config) validate() error {
	if err := c.validateModel(c.Source); err != nil {
		return err
	}
	declared, err := validateInputs(c.Source, "inputs", c.Inputs)
	if err != nil {
		return err
	}
	if err := checkRefs(c.Source, "apiKey", c.APIKey, declared); err != nil {
		return err
	}
	names := map[string]int{}
	for i, s := range c.Servers {
		o := c.origin(i)
		if err := validateServer(o.source, o.path, s, declared); err != nil {
			return err
		}
		if s.Name == "" {
			continue
		}
		if first, dup := names[s.Name]; dup {
			return c.nameClash(first, i)
		}
		names[s.Name] = i
	}
	return nil
}

// validateModel checks how the model is reached: a model or an endpoint URL
// is required, the URL must be http(s) and the provider known. It returns a
// *ConfigError naming source and the field.
func (c *Config) validateModel(source string) error {
	fail := func(field, format string, args ...any) error {
		return &ConfigError{Source: source, Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	if c.Model == "" && c.EndpointURL == "" {
		return fail("model", "missing: name the model (and an endpointUrl or provider if it is not on the Hugging Face router)")
	}
	if c.EndpointURL != "" && !isHTTP(c.EndpointURL) {
		return fail("endpointUrl", "%q is not an http(s) URL", c.EndpointURL)
	}
	if p := c.Provider; p != "" && p != "auto" && !slices.Contains(inference.Providers(), p) {
		return fail("provider", "unknown provider %q (known: auto, %s)", p, strings.Join(inference.Providers(), ", "))
	}
	return nil
}

// origin is where server i was declared: servers[i] of the agent.json
// unless an MCP config added it.
func (c *Config) origin(i int) origin {
	if o, ok := c.origins[i]; ok {
		return o
	}
	path := fmt.Sprintf("servers[%d]", i)
	return origin{source: c.Source, path: path, nameField: path + ".name"}
}

// nameClash reports the second of two servers with the same name, naming
// the first one (and its file when it is another one).
func (c *Config) nameClash(first, second int) error {
	b := c.origin(second)
	return &ConfigError{Source: b.source, Field: b.nameField,
		Msg: fmt.Sprintf("%q is already the name of %s", c.Servers[second].Name, c.describeOrigin(first, b.source))}
}

// describeOrigin names where server i was declared, with its file when that
// is not from.
func (c *Config) describeOrigin(i int, from string) string {
	a := c.origin(i)
	if a.source != from {
		return a.path + " in " + a.source
	}
	return a.path
}

// validateInputs checks the ids of inputs and returns the set of them.
func validateInputs(source, path string, inputs []Input) (map[string]bool, error) {
	declared := map[string]bool{}
	for i, in := range inputs {
		field := fmt.Sprintf("%s[%d].id", path, i)
		switch {
		case in.ID == "":
			return nil, &ConfigError{Source: source, Field: field, Msg: "missing"}
		case declared[in.ID]:
			return nil, &ConfigError{Source: source, Field: field, Msg: fmt.Sprintf("duplicate id %q", in.ID)}
		}
		declared[in.ID] = true
	}
	return declared, nil
}

// validateServer checks one server declared at path (servers[0],
// mcpServers.github) of source.
func validateServer(source, path string, s mcpclient.ServerConfig, declared map[string]bool) error {
	fail := func(field, format string, args ...any) error {
		return &ConfigError{Source: source, Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	field := func(name string) string { return path + "." + name }
	switch s.Type {
	case mcpclient.TransportStdio:
		if s.URL != "" {
			return fail(path, `url and type "stdio" contradict: a stdio server is started by its command, a url reaches an http or sse server`)
		}
		if s.Command == "" {
			return fail(field("command"), "missing for a stdio server")
		}
		if err := checkPassthrough(source, path, s.EnvPassthrough); err != nil {
			return err
		}
	case mcpclient.TransportSSE, mcpclient.TransportHTTP:
		if s.Command != "" {
			return fail(path, "command and type %q contradict: a command starts a stdio server, an %s server is reached at url", s.Type, s.Type)
		}
		if !isHTTP(s.URL) {
			return fail(field("url"), "%q is not an http(s) URL", s.URL)
		}
	case mcpclient.TransportBuiltin:
		if s.Command != "" || s.URL != "" {
			return fail(path, `command or url and type "builtin" contradict: a builtin server runs inside tiny-agents and is chosen by name`)
		}
		if !slices.Contains(mcpclient.BuiltinServers(), s.Name) {
			return fail(field("name"), "unknown builtin server %q (have %s)", s.Name, strings.Join(mcpclient.BuiltinServers(), ", "))
		}
	case "":
		return fail(field("type"), "missing (stdio, sse, http or builtin)")
	default:
		return fail(field("type"), "unknown server type %q (stdio, sse, http or builtin)", s.Type)
	}
	if err := validateAuth(source, path, s); err != nil {
		return err
	}
	return checkServerRefs(source, path, s, declared)
}

// validateAuth checks the auth object of a server, as far as it can be
// checked before inputs are substituted; a key is parsed when the server
// connects. Its messages name fields, never their values.
func validateAuth(source, path string, s mcpclient.ServerConfig) error {
	a := s.Auth
	if a == nil {
		return nil
	}
	fail := func(field, format string, args ...any) error {
		return &ConfigError{Source: source, Field: path + ".auth" + field, Msg: fmt.Sprintf(format, args...)}
	}
	switch a.Mode {
	case "", mcpclient.AuthModeOAuth, mcpclient.AuthModeNone:
	default:
		return fail(".mode", "%q is not a mode: oauth (the default) or none", a.Mode)
	}
	if a.Mode == mcpclient.AuthModeNone {
		return nil
	}
	if s.Type != mcpclient.TransportSSE && s.Type != mcpclient.TransportHTTP {
		return fail("", `only sse and http servers sign in with OAuth; a %s server gets its credentials through env (or set "mode": "none")`, s.Type)
	}
	for k := range s.Headers {
		if strings.EqualFold(k, "Authorization") {
			return fail("", `headers set Authorization too: remove it to sign in with OAuth, or set "mode": "none" to send the header alone`)
		}
	}
	switch a.GrantType {
	case "", mcpclient.GrantAuthorizationCode:
	case mcpclient.GrantClientCredentials:
		if a.ClientID == "" || a.ClientSecret == "" && a.PrivateKeyPEM == "" {
			return fail(".grantType", "client_credentials needs clientId, and clientSecret or privateKeyPem")
		}
	case mcpclient.GrantJWTBearer:
		if a.ClientID == "" || a.IDToken == "" || a.IDPTokenURL == "" {
			return fail(".grantType", "jwt-bearer needs clientId, idToken and idpTokenUrl")
		}
	default:
		return fail(".grantType", "%q is not a grant type: authorization_code, client_credentials or jwt-bearer", a.GrantType)
	}
	if u := a.ClientMetadataURL; u != "" && !strings.HasPrefix(u, "https://") {
		return fail(".clientMetadataUrl", "%q is not an https URL", u)
	}
	if u := a.IDPTokenURL; u != "" && !isHTTP(u) {
		return fail(".idpTokenUrl", "%q is not an http(s) URL", u)
	}
	return nil
}

// checkPassthrough checks the names of envPassthrough. A name holding '='
// is not quoted back: what follows it may be a token pasted by mistake.
func checkPassthrough(source, path string, names []string) error {
	for i, name := range names {
		why := ""
		switch {
		case name == "":
			why = "an empty name"
		case name == "*":
			why = `"*" is not a wildcard here: name each variable to pass`
		case strings.ContainsAny(name, "=\x00"):
			why = "not a variable name: it contains '=' or a NUL byte"
		}
		if why != "" {
			return &ConfigError{Source: source, Field: fmt.Sprintf("%s.envPassthrough[%d]", path, i), Msg: why}
		}
	}
	return nil
}

// checkServerRefs checks the ${input:ID} references of a server, in the
// order of the fields that [Config.ResolveInputs] substitutes.
func checkServerRefs(source, path string, s mcpclient.ServerConfig, declared map[string]bool) error {
	if err := checkRefs(source, path+".command", s.Command, declared); err != nil {
		return err
	}
	for i, a := range s.Args {
		if err := checkRefs(source, fmt.Sprintf("%s.args[%d]", path, i), a, declared); err != nil {
			return err
		}
	}
	for _, k := range slices.Sorted(maps.Keys(s.Env)) {
		if err := checkRefs(source, path+".env."+k, s.Env[k], declared); err != nil {
			return err
		}
	}
	for _, k := range slices.Sorted(maps.Keys(s.Headers)) {
		if err := checkRefs(source, path+".headers."+k, s.Headers[k], declared); err != nil {
			return err
		}
	}
	if err := checkRefs(source, path+".url", s.URL, declared); err != nil {
		return err
	}
	if s.Auth != nil {
		for _, f := range authInputFields(s.Auth) {
			if err := checkRefs(source, path+".auth."+f.key, *f.value, declared); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkRefs fails for a ${input:ID} whose ID is not declared.
func checkRefs(source, field, value string, declared map[string]bool) error {
	for _, m := range inputRef.FindAllStringSubmatch(value, -1) {
		if !declared[m[1]] {
			return &ConfigError{Source: source, Field: field, Msg: fmt.Sprintf("refers to input %q, which is not declared in inputs", m[1])}
		}
	}
	return nil
}

func isHTTP(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
