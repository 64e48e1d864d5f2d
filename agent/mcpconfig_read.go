package agent

import (
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// mcpServers reads the servers object of an MCP config, keyed by name, in
// the order of the file.
func (r *reader) mcpServers(m *MCPConfig, parent *object, key string) {
	v := parent.take(key)
	if v == nil {
		return
	}
	path := parent.field(key)
	if v.kind != kindObject {
		r.failf(path, "expected an object of servers keyed by name, got %s", describe(v))
		return
	}
	if len(v.keys) == 0 {
		r.warnf(v.at, path, "no servers")
	}
	for _, name := range v.keys {
		spath := fieldPath(path, name)
		if s, ok := r.mcpServer(spath, name, v.fields[name]); ok {
			m.Servers = append(m.Servers, s)
			m.paths = append(m.paths, spath)
		}
	}
}

// mcpServer reads one server of an MCP config; ok is false for a disabled
// one.
func (r *reader) mcpServer(path, name string, v *jsonValue) (s mcpclient.ServerConfig, ok bool) {
	o := r.object(path, v, "a server object")
	var disabled bool
	o.boolean("disabled", &disabled)
	if disabled {
		return s, false
	}
	var typ string
	o.str("type", &typ)
	o.expand = true
	o.launch(&s)
	o.strMap("headers", &s.Headers)
	if f := o.take("envFile"); f != nil {
		r.warnf(f.at, o.field("envFile"), "not supported, ignored: set the variables in env")
	}
	o.finish()
	s.Name = name
	s.Type = r.serverType(path, typ, s)
	return s, true
}

// serverType is the transport of a server of an MCP config: the one its
// type names, else the one its command or url implies.
func (r *reader) serverType(path, typ string, s mcpclient.ServerConfig) string {
	switch typ {
	case mcpclient.TransportStdio, mcpclient.TransportHTTP, mcpclient.TransportSSE:
		return typ
	case "streamable-http", "streamableHttp":
		return mcpclient.TransportHTTP
	case "":
	default:
		r.failf(path+".type", "unknown server type %q (stdio, http, sse or streamable-http)", typ)
		return typ
	}
	switch {
	case s.Command != "" && s.URL != "":
		r.failf(path, "command and url contradict: a command starts a stdio server, a url reaches an http or sse server")
	case s.Command != "":
		return mcpclient.TransportStdio
	case s.URL != "":
		if u, err := url.Parse(s.URL); err == nil && strings.HasSuffix(strings.TrimSuffix(u.Path, "/"), "/sse") {
			return mcpclient.TransportSSE
		}
		return mcpclient.TransportHTTP
	default:
		r.failf(path, "no command or url: give the command that starts a stdio server, or the url of an http or sse server")
	}
	return ""
}

var varRef = regexp.MustCompile(`\$\{[^{}]+\}`)

// expandVars expands the VS Code and Cursor variables of s, found at field.
func (r *reader) expandVars(at int64, field, s string) string {
	return varRef.ReplaceAllStringFunc(s, func(ref string) string {
		name := ref[2 : len(ref)-1]
		switch {
		case strings.HasPrefix(name, "input:"):
			return ref // ResolveInputs asks for it
		case strings.HasPrefix(name, "env:"):
			v, set := os.LookupEnv(strings.TrimPrefix(name, "env:"))
			if !set {
				r.warnf(at, field, "%s is not set; replaced by \"\"", ref)
			}
			return v
		case name == "userHome":
			if home, err := os.UserHomeDir(); err == nil {
				return home
			}
		case name == "workspaceFolder":
			return workspaceFolder(r.file)
		case name == "workspaceFolderBasename":
			return filepath.Base(workspaceFolder(r.file))
		case name == "pathSeparator" || name == "/":
			return string(filepath.Separator)
		}
		r.warnf(at, field, "%s is not expanded by tiny-agents; left as is", ref)
		return ref
	})
}

// workspaceFolder is the folder holding the .vscode or .cursor folder of
// file, else the current directory.
func workspaceFolder(file string) string {
	if abs, err := filepath.Abs(file); err == nil {
		dir := filepath.Dir(abs)
		if b := filepath.Base(dir); b == ".vscode" || b == ".cursor" {
			return filepath.Dir(dir)
		}
	}
	if wd, err := os.Getwd(); err == nil {
		return wd
	}
	return "."
}

// stripJSONC blanks out the comments and trailing commas that VS Code and
// Cursor accept in their JSON, keeping every line and column in place.
func stripJSONC(data []byte) []byte {
	out := bytes.Clone(data)
	inString := false
	for i := 0; i < len(out); i++ {
		c := out[i]
		switch {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case inString:
		case c == '/' && i+1 < len(out) && out[i+1] == '/':
			for ; i < len(out) && out[i] != '\n'; i++ {
				out[i] = ' '
			}
		case c == '/' && i+1 < len(out) && out[i+1] == '*':
			end := bytes.Index(out[i+2:], []byte("*/"))
			stop := len(out)
			if end >= 0 {
				stop = i + 2 + end + 2
			}
			for ; i < stop; i++ {
				if out[i] != '\n' {
					out[i] = ' '
				}
			}
			i--
		case c == ',' && closesNext(out[i+1:]):
			out[i] = ' '
		}
	}
	return out
}

// closesNext tells whether the next byte of rest that is not a space or a
// comment is a closing bracket.
func closesNext(rest []byte) bool {
	for i := 0; i < len(rest); i++ {
		switch c := rest[i]; {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
		case c == '/' && i+1 < len(rest) && rest[i+1] == '/':
			for i < len(rest) && rest[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(rest) && rest[i+1] == '*':
			end := bytes.Index(rest[i+2:], []byte("*/"))
			if end < 0 {
				return false
			}
			i += 2 + end + 1
		default:
			return c == '}' || c == ']'
		}
	}
	return false
}
