// Package agents holds the built-in agents, embedded in the binary: each is
// a folder with an agent.json and, optionally, a PROMPT.md.
package agents

import (
	"embed"
	"io/fs"
	"slices"
)

// FS holds the built-in agent folders.
//
//go:embed */agent.json */*.md
var FS embed.FS

// Names returns the names of the built-in agents, sorted.
func Names() []string {
	entries, _ := fs.ReadDir(FS, ".")
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names
}
