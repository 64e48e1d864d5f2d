// Package fsserver is the filesystem MCP server built into tiny-agents, so
// that the default agent needs nothing but the binary.
//
// # Confinement
//
// Every tool works on files under one root directory, opened once as an
// [os.Root] when the server is built. Every open, stat, listing, search walk,
// write and edit goes through that handle, so a path is never checked and
// then reopened by name: a symbolic link, or a directory swapped for one
// while a tool runs, cannot lead outside the root. Paths the model gives are
// normalised first (see localPath): relative to the root, or absolute
// inside it; ".." out of the root and absolute paths elsewhere are refused.
//
// # Limits
//
// Only regular files are read or written and only directories listed:
// named pipes, sockets and devices are refused, and nothing opens them in a
// way that could block. A whole-file read_file is refused above maxRead
// (1 MiB; the message says to read a range with offset and limit); a range
// read streams the file and returns at most maxRead bytes, cutting lines
// longer than maxLine (64 KiB). edit_file holds the file in memory and
// refuses files above maxEdit (8 MiB). search_files stops at maxResults
// (200) results and list_directory at maxEntries (1000) entries. Every
// handler honours its context.
package fsserver

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/tiny-agents-go/tiny-agents/internal/version"
)

const (
	// maxRead bounds a whole-file read_file, and what a range read returns.
	maxRead = 1 << 20
	// maxLine bounds one line of a range read; a longer line is cut and
	// the cut is said in the result.
	maxLine = 64 << 10
	// maxEdit bounds the files edit_file accepts: it holds the file, and
	// its replacement, in memory.
	maxEdit = 8 << 20
	// maxResults bounds search_files.
	maxResults = 200
	// maxEntries bounds list_directory.
	maxEntries = 1000
)

// fsRoot is the root the tools are confined to. Its methods are safe for
// concurrent use, as [os.Root]'s are.
type fsRoot struct {
	root *os.Root
	// dir is the root's real absolute path: what results show, and what
	// absolute path arguments are matched against.
	dir string
	// alias is the root as given, made absolute, when it differs from dir
	// (the root was named through a symbolic link); absolute arguments
	// under it are accepted too.
	alias string
	// escapeErr is the error os.Root wraps in a *PathError when a path
	// leads out of the root (see probeEscape).
	escapeErr error
	// sessions counts the MCP sessions connected; the last one to leave
	// closes root.
	sessions atomic.Int64
}

// New returns an MCP server named "filesystem" whose tools work under root.
// It returns an error if root does not exist or is not a directory.
//
// The root is opened once, here. It is closed when the last MCP session
// connected to the server ends (an in-process client's Close, the end of a
// stdio stream); the server is then done and its tools fail. A server that
// never gets a session releases the handle when it is garbage collected.
func New(root string) (*server.MCPServer, error) {
	r, err := openFSRoot(root)
	if err != nil {
		return nil, err
	}
	hooks := &server.Hooks{}
	hooks.AddOnRegisterSession(func(context.Context, server.ClientSession) { r.sessions.Add(1) })
	hooks.AddOnUnregisterSession(func(context.Context, server.ClientSession) {
		if r.sessions.Add(-1) == 0 {
			r.root.Close()
		}
	})
	s := server.NewMCPServer("filesystem", version.Version, server.WithToolCapabilities(false), server.WithHooks(hooks))
	r.addTools(s)
	return s, nil
}

// openFSRoot opens root and returns it as an fsRoot; the caller closes
// its root field.
func openFSRoot(root string) (*fsRoot, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("fsserver: root %s: %w", root, err)
	}
	dir, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("fsserver: root %s: %w", root, err)
	}
	h, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("fsserver: root %s: %w", root, err)
	}
	r := &fsRoot{root: h, dir: dir, escapeErr: probeEscape(h)}
	if abs != dir {
		r.alias = abs
	}
	return r, nil
}

// addTools registers the six tools on s.
func (r *fsRoot) addTools(s *server.MCPServer) {
	pathArg := mcp.WithString("path", mcp.Required(), mcp.Description("File or directory, relative to "+r.dir+" or absolute inside it"))
	s.AddTool(mcp.NewTool("list_directory", mcp.WithDescription(fmt.Sprintf(
		"List a directory: one entry per line, directories end with /. Stops at %d entries.", maxEntries)), pathArg), r.listDirectory)
	s.AddTool(mcp.NewTool("read_file", mcp.WithDescription(fmt.Sprintf(
		"Read a text file, whole or a range of lines. A whole read is refused for files over %d bytes (%d MiB): "+
			"read those in ranges with offset and limit. A range read returns at most %d bytes and cuts lines over %d bytes.",
		maxRead, maxRead>>20, maxRead, maxLine)), pathArg,
		mcp.WithNumber("offset", mcp.Description("First line to return, from 1")),
		mcp.WithNumber("limit", mcp.Description("Number of lines to return"))), r.readFile)
	s.AddTool(mcp.NewTool("search_files", mcp.WithDescription(fmt.Sprintf(
		"Find files under a directory whose name matches a glob pattern or whose text contains the pattern. Stops at %d results.", maxResults)),
		pathArg, mcp.WithString("pattern", mcp.Required())), r.searchFiles)
	s.AddTool(mcp.NewTool("write_file", mcp.WithDescription("Create or replace a file with the given content (parent directories are created)."),
		pathArg, mcp.WithString("content", mcp.Required())), r.writeFile)
	s.AddTool(mcp.NewTool("edit_file", mcp.WithDescription(fmt.Sprintf(
		"Replace the one occurrence of old_text in a file with new_text. Files over %d bytes (%d MiB) are refused.", maxEdit, maxEdit>>20)),
		pathArg, mcp.WithString("old_text", mcp.Required()), mcp.WithString("new_text", mcp.Required())), r.editFile)
	s.AddTool(mcp.NewTool("get_file_info", mcp.WithDescription("Size, type, permissions and modification time of a file or directory."), pathArg), r.fileInfo)
}

// errOutside is returned for any path that leads outside the root.
var errOutside = errors.New("is outside the allowed root")

// probeEscape returns the error os.Root reports when a path leads out of
// the root. The os package does not export it, and the message alone is no
// contract, so it is taken from a path that is sure to escape; comparing
// against it turns os.Root's refusals into errOutside. If the probe does not
// yield a *PathError, nil is returned and refusals keep os's own wording.
func probeEscape(root *os.Root) error {
	_, err := root.Lstat("..")
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return nil
}

// localPath turns a path argument into a clean path relative to the root,
// whose absolute forms are dirs ("/" for the filesystem root). "" is the
// root itself. It returns an error wrapping errOutside for a path that
// leads out of the root, lexically: symbolic links are for os.Root to
// refuse. A path it accepts is clean, and "." or filepath.IsLocal: never
// absolute, never "..", never up out of the root. It may be any bytes but
// NUL: file names need not be UTF-8.
func localPath(p string, dirs ...string) (string, error) {
	if strings.IndexByte(p, 0) >= 0 {
		return "", fmt.Errorf("%q: a path cannot contain a NUL byte", p)
	}
	if p == "" {
		return ".", nil
	}
	p = filepath.Clean(p)
	if !filepath.IsAbs(p) {
		if !filepath.IsLocal(p) {
			return "", errOutside
		}
		return p, nil
	}
	for _, d := range dirs {
		switch {
		case d == "":
		case p == d:
			return ".", nil
		case d == "/":
			return p[1:], nil
		case strings.HasPrefix(p, d) && p[len(d)] == filepath.Separator:
			return p[len(d)+1:], nil
		}
	}
	return "", errOutside
}

// pathOf returns the request's path argument relative to the root.
func (r *fsRoot) pathOf(req mcp.CallToolRequest) (string, error) {
	p := req.GetString("path", "")
	rel, err := localPath(p, r.dir, r.alias)
	if errors.Is(err, errOutside) {
		return "", fmt.Errorf("%s %w %s", p, errOutside, r.dir)
	}
	return rel, err
}

// show returns the absolute form of a root-relative path, for results.
func (r *fsRoot) show(rel string) string {
	return filepath.Join(r.dir, rel)
}

// pathError rewords an error from an operation on rel: a refusal by os.Root
// becomes errOutside, a missing file says which.
func (r *fsRoot) pathError(rel string, err error) error {
	switch {
	case r.escapeErr != nil && errors.Is(err, r.escapeErr):
		return fmt.Errorf("%s %w %s (a symbolic link leads out of it)", r.show(rel), errOutside, r.dir)
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: %w", r.show(rel), fs.ErrNotExist)
	case errors.Is(err, fs.ErrClosed):
		return fmt.Errorf("the filesystem server is closed: %w", err)
	}
	return err
}

// toolError is the result the model sees for a failure.
func toolError(err error) (*mcp.CallToolResult, error) {
	return mcp.NewToolResultError("Error: " + err.Error()), nil
}
