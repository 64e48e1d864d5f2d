// Package fsserver is the filesystem MCP server built into tiny-agents, so
// that the default agent needs nothing but the binary. Every tool works on
// files under one root and refuses any path that resolves outside it,
// symlinks included.
package fsserver

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/tiny-agents-go/tiny-agents/internal/version"
)

// maxRead bounds what read_file returns without a line range.
const maxRead = 1 << 20

// fsRoot is the resolved root the tools are confined to.
type fsRoot struct{ dir string }

// New returns an MCP server named "filesystem" whose tools work under root.
// It returns an error if root does not exist or is not a directory.
func New(root string) (*server.MCPServer, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("fsserver: root %s: %w", root, err)
	}
	dir, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("fsserver: root %s: %w", root, err)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("fsserver: root %s is not a directory", root)
	}
	r := &fsRoot{dir: dir}
	s := server.NewMCPServer("filesystem", version.Version, server.WithToolCapabilities(false))
	pathArg := mcp.WithString("path", mcp.Required(), mcp.Description("File or directory, relative to "+dir+" or absolute inside it"))
	s.AddTool(mcp.NewTool("list_directory", mcp.WithDescription("List a directory: one entry per line, directories end with /."), pathArg), r.listDirectory)
	s.AddTool(mcp.NewTool("read_file", mcp.WithDescription("Read a text file, whole or a range of lines."), pathArg,
		mcp.WithNumber("offset", mcp.Description("First line to return, from 1")),
		mcp.WithNumber("limit", mcp.Description("Number of lines to return"))), r.readFile)
	s.AddTool(mcp.NewTool("search_files", mcp.WithDescription("Find files under a directory whose name matches a glob pattern or whose text contains the pattern."),
		pathArg, mcp.WithString("pattern", mcp.Required())), r.searchFiles)
	s.AddTool(mcp.NewTool("write_file", mcp.WithDescription("Create or replace a file with the given content (parent directories are created)."),
		pathArg, mcp.WithString("content", mcp.Required())), r.writeFile)
	s.AddTool(mcp.NewTool("edit_file", mcp.WithDescription("Replace the one occurrence of old_text in a file with new_text."),
		pathArg, mcp.WithString("old_text", mcp.Required()), mcp.WithString("new_text", mcp.Required())), r.editFile)
	s.AddTool(mcp.NewTool("get_file_info", mcp.WithDescription("Size, type, permissions and modification time of a file or directory."), pathArg), r.fileInfo)
	return s, nil
}

// errOutside is returned for any path that resolves outside the root.
var errOutside = errors.New("is outside the allowed root")

// resolve turns a path argument into a real path under the root. A path
// that does not exist yet is checked through its nearest existing parent.
func (r *fsRoot) resolve(p string) (string, error) {
	if p == "" {
		p = "."
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(r.dir, p)
	}
	p = filepath.Clean(p)
	existing, rest := p, ""
	for {
		real, err := filepath.EvalSymlinks(existing)
		if err == nil {
			full := filepath.Join(real, rest)
			if !r.inside(full) {
				return "", fmt.Errorf("%s %w %s", p, errOutside, r.dir)
			}
			return full, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(existing)
		if parent == existing {
			return "", fmt.Errorf("%s %w %s", p, errOutside, r.dir)
		}
		rest = filepath.Join(filepath.Base(existing), rest)
		existing = parent
	}
}

func (r *fsRoot) inside(p string) bool {
	return p == r.dir || strings.HasPrefix(p, r.dir+string(filepath.Separator))
}

// toolError is the result the model sees for a failure.
func toolError(err error) (*mcp.CallToolResult, error) {
	return mcp.NewToolResultError("Error: " + err.Error()), nil
}

// pathOf resolves the request's path argument.
func (r *fsRoot) pathOf(req mcp.CallToolRequest) (string, error) {
	return r.resolve(req.GetString("path", ""))
}
