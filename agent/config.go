package agent

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// Config is an agent.json: the model, how to reach it, and the MCP servers
// whose tools the agent uses.
type Config struct {
	Model       string                   `json:"model"`
	Provider    string                   `json:"provider,omitempty"`
	EndpointURL string                   `json:"endpointUrl,omitempty"`
	APIKey      string                   `json:"apiKey,omitempty"`
	Inputs      []Input                  `json:"inputs,omitempty"`
	Servers     []mcpclient.ServerConfig `json:"servers"`

	// Prompt is the system prompt from PROMPT.md or AGENTS.md beside the
	// config, "" for the default one.
	Prompt string `json:"-"`
	// Source says where the config was loaded from, for messages.
	Source string `json:"-"`
}

// Input is a value asked of the user when the agent starts, substituted for
// ${input:ID} in server env values, headers, URLs and the API key.
type Input struct {
	ID          string `json:"id"`
	Description string `json:"description,omitempty"`
	Type        string `json:"type,omitempty"`
	Password    bool   `json:"password,omitempty"`
}

// ConfigError is an invalid agent.json. Error() reads "SOURCE: FIELD: MSG".
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

// serverWire accepts the flat server shape of the Python reference and the
// nested "config" shape of the JS one.
type serverWire struct {
	Type         string            `json:"type"`
	Command      string            `json:"command"`
	Args         []string          `json:"args"`
	Env          map[string]string `json:"env"`
	Cwd          string            `json:"cwd"`
	URL          string            `json:"url"`
	Headers      map[string]string `json:"headers"`
	Name         string            `json:"name"`
	AllowedTools []string          `json:"allowedTools"`
	AllowedSnake []string          `json:"allowed_tools"`
	Config       *struct {
		Command string            `json:"command"`
		Args    []string          `json:"args"`
		Env     map[string]string `json:"env"`
		Cwd     string            `json:"cwd"`
		URL     string            `json:"url"`
		Options *struct {
			RequestInit *struct {
				Headers map[string]string `json:"headers"`
			} `json:"requestInit"`
		} `json:"options"`
	} `json:"config"`
}

type configWire struct {
	Model       string       `json:"model"`
	Provider    string       `json:"provider"`
	EndpointURL string       `json:"endpointUrl"`
	APIKey      string       `json:"apiKey"`
	Inputs      []Input      `json:"inputs"`
	Servers     []serverWire `json:"servers"`
}

// ParseConfig parses and validates an agent.json. Unknown fields are errors,
// so that a typo is not silently ignored. It returns a *ConfigError naming
// source and the field.
func ParseConfig(data []byte, source string) (*Config, error) {
	var w configWire
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return nil, &ConfigError{Source: source, Msg: describeJSONError(data, err)}
	}
	if dec.More() {
		return nil, &ConfigError{Source: source, Msg: "unexpected data after the JSON object"}
	}
	cfg := &Config{Model: w.Model, Provider: w.Provider, EndpointURL: w.EndpointURL, APIKey: w.APIKey,
		Inputs: w.Inputs, Source: source}
	for _, s := range w.Servers {
		cfg.Servers = append(cfg.Servers, s.normalize())
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

func (s serverWire) normalize() mcpclient.ServerConfig {
	out := mcpclient.ServerConfig{Type: s.Type, Command: s.Command, Args: s.Args, Env: s.Env, Cwd: s.Cwd,
		URL: s.URL, Headers: s.Headers, Name: s.Name, AllowedTools: s.AllowedTools}
	if out.AllowedTools == nil {
		out.AllowedTools = s.AllowedSnake
	}
	if c := s.Config; c != nil {
		out.Command = firstNonEmpty(out.Command, c.Command)
		if out.Args == nil {
			out.Args = c.Args
		}
		if out.Env == nil {
			out.Env = c.Env
		}
		out.Cwd = firstNonEmpty(out.Cwd, c.Cwd)
		out.URL = firstNonEmpty(out.URL, c.URL)
		if out.Headers == nil && c.Options != nil && c.Options.RequestInit != nil {
			out.Headers = c.Options.RequestInit.Headers
		}
	}
	return out
}

var inputRef = regexp.MustCompile(`\$\{input:([^}]*)\}`)

func (c *Config) validate() error {
	fail := func(field, format string, args ...any) error {
		return &ConfigError{Source: c.Source, Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	if c.Model == "" && c.EndpointURL == "" {
		return fail("model", "missing: name the model (and an endpointUrl or provider if it is not on the Hugging Face router)")
	}
	if c.EndpointURL != "" && !isHTTP(c.EndpointURL) {
		return fail("endpointUrl", "%q is not an http(s) URL", c.EndpointURL)
	}
	declared := map[string]bool{}
	for i, in := range c.Inputs {
		field := fmt.Sprintf("inputs[%d].id", i)
		switch {
		case in.ID == "":
			return fail(field, "missing")
		case declared[in.ID]:
			return fail(field, "duplicate id %q", in.ID)
		}
		declared[in.ID] = true
	}
	if err := c.checkRefs("apiKey", c.APIKey, declared); err != nil {
		return err
	}
	for i, s := range c.Servers {
		if err := c.validateServer(i, s, declared); err != nil {
			return err
		}
	}
	return nil
}

func (c *Config) validateServer(i int, s mcpclient.ServerConfig, declared map[string]bool) error {
	field := func(name string) string { return fmt.Sprintf("servers[%d].%s", i, name) }
	fail := func(name, format string, args ...any) error {
		return &ConfigError{Source: c.Source, Field: field(name), Msg: fmt.Sprintf(format, args...)}
	}
	switch s.Type {
	case mcpclient.TransportStdio:
		if s.Command == "" {
			return fail("command", "missing for a stdio server")
		}
	case mcpclient.TransportSSE, mcpclient.TransportHTTP:
		if !isHTTP(s.URL) {
			return fail("url", "%q is not an http(s) URL", s.URL)
		}
	case mcpclient.TransportBuiltin:
		if !slices.Contains(mcpclient.BuiltinServers(), s.Name) {
			return fail("name", "unknown builtin server %q (have %s)", s.Name, strings.Join(mcpclient.BuiltinServers(), ", "))
		}
	case "":
		return fail("type", "missing (stdio, sse, http or builtin)")
	default:
		return fail("type", "unknown server type %q (stdio, sse, http or builtin)", s.Type)
	}
	for k, v := range s.Env {
		if err := c.checkRefs(field("env."+k), v, declared); err != nil {
			return err
		}
	}
	for k, v := range s.Headers {
		if err := c.checkRefs(field("headers."+k), v, declared); err != nil {
			return err
		}
	}
	return c.checkRefs(field("url"), s.URL, declared)
}

// checkRefs fails for a ${input:ID} whose ID is not declared.
func (c *Config) checkRefs(field, value string, declared map[string]bool) error {
	for _, m := range inputRef.FindAllStringSubmatch(value, -1) {
		if !declared[m[1]] {
			return &ConfigError{Source: c.Source, Field: field, Msg: fmt.Sprintf("refers to input %q, which is not declared in inputs", m[1])}
		}
	}
	return nil
}

// describeJSONError gives the line and column of a syntax or type error.
func describeJSONError(data []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	offset := int64(-1)
	switch {
	case errors.As(err, &se):
		offset = se.Offset
	case errors.As(err, &te):
		offset = te.Offset
	case errors.Is(err, io.EOF):
		return "empty file"
	}
	if offset < 0 {
		return "invalid agent.json: " + err.Error()
	}
	line, col := 1, 1
	for _, b := range data[:min(int(offset), len(data))] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("invalid JSON at line %d, column %d: %v", line, col, err)
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
