package mcpclient

import (
	"fmt"
	"maps"
	"os"
	"runtime"
	"slices"
	"strings"
)

// baseEnv lists the variables every stdio server gets from the parent
// process, when they are set there: what a program needs to find its
// tools, its home and its terminal, and nothing that holds a secret. They
// are the lists of the official MCP SDKs (getDefaultEnvironment in the
// TypeScript SDK, get_default_environment in the Python one).
var baseEnv = map[string][]string{
	"unix": {"HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER"},
	"windows": {"APPDATA", "HOMEDRIVE", "HOMEPATH", "LOCALAPPDATA", "PATH", "PROCESSOR_ARCHITECTURE",
		"PROGRAMFILES", "SYSTEMDRIVE", "SYSTEMROOT", "TEMP", "USERNAME", "USERPROFILE"},
}

// BaseEnv returns the names of the variables every stdio server inherits
// from the parent process on this system, when they are set there (and do
// not hold an exported shell function, a value starting with "()"): HOME,
// LOGNAME, PATH, SHELL, TERM and USER, or on Windows APPDATA, HOMEDRIVE,
// HOMEPATH, LOCALAPPDATA, PATH, PROCESSOR_ARCHITECTURE, PROGRAMFILES,
// SYSTEMDRIVE, SYSTEMROOT, TEMP, USERNAME and USERPROFILE. Any other
// variable reaches a server only through its [ServerConfig.Env] or
// [ServerConfig.EnvPassthrough].
func BaseEnv() []string { return slices.Clone(baseEnvFor(runtime.GOOS)) }

func baseEnvFor(goos string) []string {
	if goos == "windows" {
		return baseEnv["windows"]
	}
	return baseEnv["unix"]
}

// childEnv is the environment of a stdio server: the base variables and
// those of cfg.EnvPassthrough that lookup finds set, then cfg.Env, which
// wins. It is sorted by name. As in the TypeScript SDK, a base variable
// whose value starts with "()", an exported shell function, is left out.
func childEnv(cfg ServerConfig, goos string, lookup func(string) (string, bool)) []string {
	env := map[string]string{}
	for _, k := range baseEnvFor(goos) {
		if v, ok := lookup(k); ok && !strings.HasPrefix(v, "()") {
			env[k] = v
		}
	}
	for _, k := range cfg.EnvPassthrough {
		if v, ok := lookup(k); ok {
			env[k] = v
		}
	}
	maps.Copy(env, cfg.Env)
	out := make([]string, 0, len(env))
	for _, k := range slices.Sorted(maps.Keys(env)) {
		out = append(out, k+"="+env[k])
	}
	return out
}

// stdioEnv is childEnv for this process.
func stdioEnv(cfg ServerConfig) []string { return childEnv(cfg, runtime.GOOS, os.LookupEnv) }

// Validate checks what can be checked of c without starting anything: a
// known Type, a Command for a stdio server, a URL for an sse or http one,
// variable names in Env and EnvPassthrough that a process environment can
// hold (not empty, no '=' or NUL; no '*' in EnvPassthrough, which has no
// wildcard), and an Auth that fits (see [AuthConfig]). It returns the
// first problem found, naming the field and never a secret.
// [Client.AddServers] calls it for every server and reports a failure as a
// *[ServerError] with Op "config".
func (c ServerConfig) Validate() error {
	switch c.Type {
	case TransportStdio:
		if c.Command == "" {
			return fmt.Errorf("stdio server without a command")
		}
	case TransportSSE, TransportHTTP:
		if c.URL == "" {
			return fmt.Errorf("%s server without a url", c.Type)
		}
		if c.Auth != nil {
			if err := c.checkAuth(); err != nil {
				return err
			}
		}
	case TransportBuiltin:
	default:
		return fmt.Errorf("unknown server type %q (want stdio, sse, http or builtin)", c.Type)
	}
	if c.Auth != nil && c.Type != TransportSSE && c.Type != TransportHTTP && c.Auth.Mode != AuthModeNone {
		return fmt.Errorf("auth: only sse and http servers sign in with OAuth")
	}
	for _, k := range slices.Sorted(maps.Keys(c.Env)) {
		if err := checkEnvName(k); err != nil {
			return fmt.Errorf("env: %w", err)
		}
		if strings.ContainsRune(c.Env[k], 0) {
			return fmt.Errorf("env: the value of %s contains a NUL byte", k)
		}
	}
	for i, k := range c.EnvPassthrough {
		if err := checkEnvName(k); err != nil {
			return fmt.Errorf("envPassthrough[%d]: %w", i, err)
		}
		if strings.Contains(k, "*") {
			return fmt.Errorf("envPassthrough[%d]: %q: there is no wildcard, name each variable", i, k)
		}
	}
	return nil
}

// checkEnvName reports whether name can be the name of an environment
// variable. Its message shows no more of name than the part before an '='
// or a NUL: "HF_TOKEN=hf_..." in a list of names is a token.
func checkEnvName(name string) error {
	if name == "" {
		return fmt.Errorf("empty variable name")
	}
	if i := strings.IndexAny(name, "=\x00"); i >= 0 {
		what := "'='"
		if name[i] == 0 {
			what = "a NUL byte"
		}
		return fmt.Errorf("%q is not a variable name: it contains %s", name[:i+1]+"...", what)
	}
	return nil
}
