package mcpclient

import (
	"net/url"
	"path"
	"strconv"
	"strings"
)

// ServerNames returns the display name of each server of cfgs, in order:
// its Name when given, else a short summary of how it is reached. A stdio
// server started through a package runner or an interpreter (npx, uvx,
// bunx, pnpm dlx, docker run, node, python -m, ...) is named after its
// package, image, module or script, without scope, version or tag
// ("npx -y @modelcontextprotocol/server-github@1.2" gives "server-github";
// a script called index.js, main.py or the like is named after its
// folder); any other stdio server after its command. An sse or http server
// is named by host and path, never by user info or query, which can hold
// secrets ("127.0.0.1:8080/mcp"). Summaries that come out equal get "#N"
// appended, N being the server's 1-based position in cfgs
// ("server-github#1", "server-github#3"); names given explicitly are kept
// as they are, even when equal.
func ServerNames(cfgs []ServerConfig) []string {
	names := make([]string, len(cfgs))
	count := map[string]int{}
	for i, cfg := range cfgs {
		names[i] = cfg.Name
		if names[i] == "" {
			names[i] = summarize(cfg)
		}
		count[names[i]]++
	}
	for i, cfg := range cfgs {
		if cfg.Name == "" && count[names[i]] > 1 {
			names[i] += "#" + strconv.Itoa(i+1)
		}
	}
	return names
}

// summarize names a server that has no Name.
func summarize(cfg ServerConfig) string {
	switch {
	case cfg.Type == TransportStdio || cfg.Type == "" && cfg.Command != "":
		if n := commandName(cfg.Command, cfg.Args); n != "" {
			return n
		}
	case cfg.Type == TransportSSE || cfg.Type == TransportHTTP:
		if u, err := url.Parse(cfg.URL); err == nil && u.Host != "" {
			return u.Host + strings.TrimRight(u.EscapedPath(), "/")
		}
	}
	if cfg.Type != "" {
		return cfg.Type
	}
	return "server"
}

// runners maps a command (or a command and its first argument) to the
// options of it that take a value, so that the value is not mistaken for
// the package it runs.
var runners = map[string][]string{
	"npx":        {"-p", "--package", "-c", "--call", "--registry", "--cache", "--userconfig"},
	"bunx":       {"-p", "--package"},
	"pnpx":       {"--package"},
	"uvx":        {"--from", "--with", "--with-requirements", "--python", "-p", "--index", "--index-url", "--extra-index-url"},
	"pnpm dlx":   {"--package"},
	"yarn dlx":   {"-p", "--package"},
	"bun x":      {"-p", "--package"},
	"npm exec":   {"-p", "--package", "-c", "--call"},
	"pipx run":   {"--spec", "--python", "--index-url", "--pip-args"},
	"uv tool":    {"--from", "--with", "--with-requirements", "--python", "-p", "--index", "--index-url", "--extra-index-url"},
	"uv run":     {"--with", "--python", "-p", "--directory", "--project", "--from"},
	"docker run": {"-e", "--env", "--env-file", "-v", "--volume", "--mount", "--name", "-p", "--publish", "--network", "-w", "--workdir", "-u", "--user", "--entrypoint", "--platform", "-l", "--label"},
	"podman run": {"-e", "--env", "--env-file", "-v", "--volume", "--mount", "--name", "-p", "--publish", "--network", "-w", "--workdir", "-u", "--user", "--entrypoint", "--platform", "-l", "--label"},
}

// interpreters run a script given as their first argument.
var interpreters = map[string][]string{
	"node":   {"-r", "--require", "--import", "--loader", "-e", "--eval"},
	"deno":   {"--config", "-c", "--import-map"},
	"bun":    {"--cwd", "-r", "--preload"},
	"tsx":    {"--tsconfig"},
	"python": {"-X", "-W"},
}

// commandName summarises a stdio command line.
func commandName(command string, args []string) string {
	base := strings.TrimSuffix(path.Base(strings.ReplaceAll(command, `\`, "/")), ".exe")
	if base == "." || base == "/" {
		return ""
	}
	if len(args) > 0 {
		if valued, ok := runners[base+" "+args[0]]; ok {
			if base == "uv" && args[0] == "tool" && len(args) > 1 && args[1] == "run" {
				args = args[1:]
			}
			if n := packageName(firstOperand(args[1:], valued)); n != "" {
				return n
			}
		}
	}
	if valued, ok := runners[base]; ok {
		if n := packageName(firstOperand(args, valued)); n != "" {
			return n
		}
	}
	if strings.HasPrefix(base, "python") {
		for i, a := range args {
			if a == "-m" && i+1 < len(args) {
				return args[i+1]
			}
		}
		base = "python"
	}
	if valued, ok := interpreters[base]; ok {
		a := args
		if base == "deno" || base == "bun" {
			if len(a) > 0 && a[0] == "run" {
				a = a[1:]
			}
		}
		if n := scriptName(firstOperand(a, valued)); n != "" {
			return n
		}
	}
	return base
}

// firstOperand is the first argument that is neither an option nor the
// value of one of the options in valued.
func firstOperand(args, valued []string) string {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			if i+1 < len(args) {
				return args[i+1]
			}
			return ""
		case strings.HasPrefix(a, "-"):
			for _, v := range valued {
				if a == v {
					i++
					break
				}
			}
		default:
			return a
		}
	}
	return ""
}

// packageName strips an npm scope, a version, a Python requirement's
// extras and version, an image's registry and tag, or a URL's leading
// parts, from a package or image reference.
func packageName(ref string) string {
	ref = strings.TrimSuffix(strings.TrimRight(ref, "/"), ".git")
	if i := strings.LastIndex(ref, "@"); i > 0 {
		ref = ref[:i]
	}
	if i := strings.IndexAny(ref, "=<>~![;"); i > 0 {
		ref = ref[:i]
	}
	ref = ref[strings.LastIndex(ref, "/")+1:]
	if i := strings.LastIndex(ref, ":"); i > 0 {
		ref = ref[:i]
	}
	return strings.TrimPrefix(ref, "@")
}

// genericScripts are script names that say nothing about the server; the
// folder that holds them does.
var genericScripts = map[string]bool{"index": true, "main": true, "server": true, "__main__": true,
	"cli": true, "app": true, "mod": true, "run": true, "start": true}

// buildDirs are folders whose parent names a project better than they do.
var buildDirs = map[string]bool{"dist": true, "build": true, "src": true, "lib": true, "bin": true,
	"out": true, "build-output": true, "esm": true, "cjs": true}

// scriptName names a script by its file, or by its folder when the file
// name is generic ("/x/weather/dist/index.js" gives "weather").
func scriptName(script string) string {
	if script == "" {
		return ""
	}
	script = strings.ReplaceAll(script, `\`, "/")
	file := path.Base(script)
	stem := strings.TrimSuffix(file, path.Ext(file))
	if !genericScripts[stem] {
		return file
	}
	dir := path.Dir(script)
	for dir != "." && dir != "/" && buildDirs[path.Base(dir)] {
		dir = path.Dir(dir)
	}
	if dir == "." || dir == "/" {
		return file
	}
	return path.Base(dir)
}
