package mcpclient

import "time"

// Server transport types for [ServerConfig.Type].
const (
	TransportStdio   = "stdio"   // a child process speaking JSON-RPC on stdin/stdout
	TransportSSE     = "sse"     // the legacy HTTP+SSE transport
	TransportHTTP    = "http"    // streamable HTTP
	TransportBuiltin = "builtin" // a server compiled into this binary, served in process
)

// ServerConfig describes one MCP server, as in the "servers" list of an
// agent.json. It is plain data: build it as a literal.
type ServerConfig struct {
	// Type is one of stdio, sse, http or builtin.
	Type string `json:"type"`

	// Command, Args, Env and Cwd start a stdio server.
	//
	// The server does not inherit the parent's environment: it gets the
	// few variables of [BaseEnv] (PATH, HOME, ...) from the parent, the
	// variables EnvPassthrough names, and Env, which wins over both. A
	// token such as HF_TOKEN or a cloud key reaches a server only when its
	// configuration names it.
	Command string            `json:"command,omitempty"`
	Args    []string          `json:"args,omitempty"`
	Env     map[string]string `json:"env,omitempty"`
	Cwd     string            `json:"cwd,omitempty"`

	// EnvPassthrough names variables a stdio server inherits from the
	// parent, when they are set there ("GITHUB_TOKEN", "AWS_PROFILE").
	// Names are exact: there is deliberately no wildcard, so a server that
	// needs what the whole environment used to give it gets the variables
	// it uses listed here, one by one.
	EnvPassthrough []string `json:"envPassthrough,omitempty"`

	// URL and Headers reach an sse or http server.
	URL     string            `json:"url,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`

	// Auth says how an sse or http server's OAuth sign-in goes; nil is
	// the default: OAuth as a user, through the Client's [Authorizer],
	// when the server asks for it and Headers set no Authorization.
	Auth *AuthConfig `json:"auth,omitempty"`

	// Name is the server's display name in messages, logs and errors; see
	// [ServerNames] for the name a server gets without one. For type
	// builtin it also selects the server ("filesystem"), and Args are its
	// arguments (for filesystem: the root directory, default the current
	// one).
	Name string `json:"name,omitempty"`

	// AllowedTools, when non-empty, keeps only these tools of the server.
	AllowedTools []string `json:"allowedTools,omitempty"`

	// Timeout bounds each tool call on this server (default: none besides
	// the caller's context).
	Timeout time.Duration `json:"-"`

	// ConnectTimeout bounds connecting this server: starting it, the
	// initialize handshake and listing its tools. Zero means
	// [DefaultConnectTimeout].
	ConnectTimeout time.Duration `json:"-"`
}

// DefaultConnectTimeout is the connect timeout of a server whose
// [ServerConfig.ConnectTimeout] is zero: long enough for a package runner
// such as npx to download the server on first use.
const DefaultConnectTimeout = 60 * time.Second
