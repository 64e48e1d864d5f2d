package agent

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// MCPConfig is the MCP servers of a Claude Desktop, Cursor or VS Code
// configuration file, to add to an agent with [Config.AddMCPConfig]. It is
// plain data.
type MCPConfig struct {
	// Source is the file, for messages.
	Source string
	// Servers are in the order of the file; each Name is the server's key
	// in the file.
	Servers []mcpclient.ServerConfig
	// Inputs are the inputs the file declares (VS Code), which its servers
	// refer to as ${input:ID}.
	Inputs []Input
	// Warnings are what parsing ignored or could not expand, each
	// "SOURCE: FIELD: MSG", in file order. AddMCPConfig does not copy them.
	Warnings []string

	paths []string // where each server is declared, such as mcpServers.github
}

// LoadMCPConfig reads and parses the MCP config file at path (a leading ~/
// is the home directory). It returns the error of reading the file, or a
// *ConfigError naming the file and the field for bad content.
func LoadMCPConfig(path string) (*MCPConfig, error) {
	file := path
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			file = filepath.Join(home, rest)
		}
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("agent: reading MCP config: %w", err)
	}
	return parseMCPConfig(data, path, file)
}

// ParseMCPConfig parses the MCP servers of a configuration file named
// source:
//   - Claude Desktop and Cursor: {"mcpServers": {NAME: {...}}};
//   - VS Code mcp.json: {"servers": {NAME: {...}}, "inputs": [...]};
//   - VS Code user settings: {"mcp": {"servers": {...}, "inputs": [...]}}.
//
// Comments and trailing commas are accepted, as those editors accept them.
// A server without a type is stdio when it has a command, else sse when
// its URL path ends in /sse, else http (streamable HTTP); "disabled": true
// skips it. ${env:NAME}, ${userHome}, ${workspaceFolder} (the folder
// holding .vscode/ or .cursor/ when source is inside one, else the current
// directory), ${workspaceFolderBasename} and ${pathSeparator} are expanded
// now; ${input:ID} is left for [Config.ResolveInputs]; other variables stay
// as they are, with a warning. Unknown fields are warnings. It returns a
// *ConfigError naming source and the field for invalid content, including
// an agent.json given as an MCP config.
func ParseMCPConfig(data []byte, source string) (*MCPConfig, error) {
	return parseMCPConfig(data, source, source)
}

// parseMCPConfig parses data, read from file and called source in messages.
func parseMCPConfig(data []byte, source, file string) (*MCPConfig, error) {
	doc, err := decodeJSON(stripJSONC(data))
	if err != nil {
		return nil, &ConfigError{Source: source, Msg: err.Error()}
	}
	r := &reader{source: source, file: file}
	m := &MCPConfig{Source: source}
	top := r.object("", doc, "a JSON object")
	inputsPath := "inputs"
	switch servers := top.v.fields["servers"]; {
	case top.has("mcpServers"):
		r.mcpServers(m, top, "mcpServers")
		top.finish()
	case isKind(top.v.fields["mcp"], kindObject):
		// The rest of the settings are none of our business: no warnings.
		mcp := r.object("mcp", top.take("mcp"), "an object")
		m.Inputs = r.inputs(mcp, "inputs")
		r.mcpServers(m, mcp, "servers")
		mcp.finish()
		inputsPath = "mcp.inputs"
	case isKind(servers, kindList):
		r.failf("", "this looks like an agent.json, not an MCP config of Claude Desktop, Cursor or VS Code: run it as the agent (tiny-agents run %s)", source)
	case servers != nil:
		m.Inputs = r.inputs(top, "inputs")
		r.mcpServers(m, top, "servers")
		top.finish()
	default:
		r.failf("", `no MCP servers: expected "mcpServers" (Claude Desktop, Cursor), "servers" (VS Code mcp.json) or "mcp" (VS Code settings)`)
	}
	if r.err != nil {
		return nil, r.err
	}
	m.Warnings = r.sortedWarnings()
	declared, err := validateInputs(source, inputsPath, m.Inputs)
	if err != nil {
		return nil, err
	}
	for i, s := range m.Servers {
		if err := validateServer(source, m.paths[i], s, declared); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// AddMCPConfig appends the servers of m to the agent, and the inputs of m
// whose id the agent does not declare yet (the first declaration wins), then
// validates the whole config again. A server of m whose name the agent (or
// an MCP config added earlier) already uses is renamed NAME#N, with a
// warning added to m.Warnings: a user cannot rename the built-in
// "filesystem" of the default agent, nor a server of a config file another
// tool owns. It returns a *ConfigError, leaving c unchanged, when the result
// is invalid. The warnings of m are not copied to c.
func (c *Config) AddMCPConfig(m *MCPConfig) error {
	servers, inputs := c.Servers, c.Inputs
	declared := map[string]bool{}
	for _, in := range c.Inputs {
		declared[in.ID] = true
	}
	for _, in := range m.Inputs {
		if !declared[in.ID] {
			declared[in.ID] = true
			c.Inputs = append(c.Inputs, in)
		}
	}
	taken := map[string]int{}
	for i, s := range c.Servers {
		if s.Name != "" {
			taken[s.Name] = i
		}
	}
	var renames []string
	if c.origins == nil {
		c.origins = map[int]origin{}
	}
	for i, s := range m.Servers {
		o := origin{source: m.Source, path: fmt.Sprintf("servers[%d]", i)}
		o.nameField = o.path + ".name"
		if i < len(m.paths) {
			o.path, o.nameField = m.paths[i], m.paths[i] // the name is the key
		}
		if first, clash := taken[s.Name]; clash && s.Name != "" {
			renamed := freeName(s.Name, taken)
			renames = append(renames, fmt.Sprintf("%s: %s: %q is already the name of %s; this server is called %q",
				o.source, o.nameField, s.Name, c.describeOrigin(first, o.source), renamed))
			s.Name = renamed
		}
		if s.Name != "" {
			taken[s.Name] = len(c.Servers)
		}
		c.origins[len(c.Servers)] = o
		c.Servers = append(c.Servers, s)
	}
	if err := c.validate(); err != nil {
		for i := len(servers); i < len(c.Servers); i++ {
			delete(c.origins, i)
		}
		c.Servers, c.Inputs = servers, inputs
		return err
	}
	m.Warnings = append(m.Warnings, renames...)
	return nil
}

// freeName is name#N for the first N from 2 that no server uses.
func freeName(name string, taken map[string]int) string {
	for n := 2; ; n++ {
		candidate := fmt.Sprintf("%s#%d", name, n)
		if _, used := taken[candidate]; !used {
			return candidate
		}
	}
}
