package fsserver

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tiny-agents-go/tiny-agents/internal/atomicfile"
)

// maxResults bounds search_files.
const maxResults = 200

func (r *fsRoot) listDirectory(_ context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	p, err := r.pathOf(req)
	if err != nil {
		return toolError(err)
	}
	entries, err := os.ReadDir(p)
	if err != nil {
		return toolError(err)
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() {
			n += "/"
		}
		names = append(names, n)
	}
	slices.Sort(names)
	if len(names) == 0 {
		return mcp.NewToolResultText("(empty directory)"), nil
	}
	return mcp.NewToolResultText(strings.Join(names, "\n")), nil
}

func (r *fsRoot) readFile(_ context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	p, err := r.pathOf(req)
	if err != nil {
		return toolError(err)
	}
	offset, limit := req.GetInt("offset", 0), req.GetInt("limit", 0)
	st, err := os.Stat(p)
	if err != nil {
		return toolError(err)
	}
	if st.IsDir() {
		return toolError(fmt.Errorf("%s is a directory; use list_directory", p))
	}
	if st.Size() > maxRead && offset == 0 && limit == 0 {
		return toolError(fmt.Errorf("%s is %d bytes, over the %d-byte limit: read a range of lines with offset and limit", p, st.Size(), maxRead))
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return toolError(err)
	}
	if bytes.IndexByte(data[:min(len(data), 8192)], 0) >= 0 {
		return toolError(fmt.Errorf("%s is a binary file", p))
	}
	if offset == 0 && limit == 0 {
		return mcp.NewToolResultText(string(data)), nil
	}
	lines := strings.SplitAfter(string(data), "\n")
	start := max(offset, 1) - 1
	end := len(lines)
	if limit > 0 {
		end = min(end, start+limit)
	}
	if start >= len(lines) {
		return mcp.NewToolResultText(""), nil
	}
	return mcp.NewToolResultText(strings.Join(lines[start:end], "")), nil
}

func (r *fsRoot) searchFiles(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	p, err := r.pathOf(req)
	if err != nil {
		return toolError(err)
	}
	pattern := req.GetString("pattern", "")
	if pattern == "" {
		return toolError(fmt.Errorf("empty pattern"))
	}
	var hits []string
	truncated := false
	walkErr := filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if err != nil || (d.IsDir() && d.Name() == ".git") {
			return fs.SkipDir
		}
		if len(hits) >= maxResults {
			truncated = true
			return fs.SkipAll
		}
		rel, _ := filepath.Rel(r.dir, path)
		if ok, _ := filepath.Match(pattern, d.Name()); ok {
			hits = append(hits, rel)
		}
		if !d.IsDir() && d.Type().IsRegular() {
			hits = appendContentHits(hits, path, rel, pattern)
		}
		return nil
	})
	if walkErr != nil && walkErr != fs.SkipDir {
		return toolError(walkErr)
	}
	if len(hits) > maxResults {
		hits, truncated = hits[:maxResults], true
	}
	if len(hits) == 0 {
		return mcp.NewToolResultText("No matches."), nil
	}
	text := strings.Join(hits, "\n")
	if truncated {
		text += fmt.Sprintf("\n(stopped at %d results)", maxResults)
	}
	return mcp.NewToolResultText(text), nil
}

// appendContentHits adds "path:line: text" for each line of a text file
// containing pattern.
func appendContentHits(hits []string, path, rel, pattern string) []string {
	f, err := os.Open(path)
	if err != nil {
		return hits
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan() && len(hits) <= maxResults; n++ {
		line := sc.Text()
		if strings.IndexByte(line, 0) >= 0 {
			return hits // binary
		}
		if strings.Contains(line, pattern) {
			hits = append(hits, fmt.Sprintf("%s:%d: %s", rel, n, strings.TrimSpace(line)))
		}
	}
	return hits
}

func (r *fsRoot) writeFile(_ context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	p, err := r.pathOf(req)
	if err != nil {
		return toolError(err)
	}
	content := req.GetString("content", "")
	if err := atomicfile.WriteFile(p, []byte(content), 0o644); err != nil {
		return toolError(err)
	}
	return mcp.NewToolResultText(fmt.Sprintf("Wrote %d bytes to %s", len(content), p)), nil
}

func (r *fsRoot) editFile(_ context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	p, err := r.pathOf(req)
	if err != nil {
		return toolError(err)
	}
	oldText, newText := req.GetString("old_text", ""), req.GetString("new_text", "")
	data, err := os.ReadFile(p)
	if err != nil {
		return toolError(err)
	}
	if oldText == "" {
		return toolError(fmt.Errorf("old_text is empty"))
	}
	switch n := strings.Count(string(data), oldText); n {
	case 1:
	case 0:
		return toolError(fmt.Errorf("old_text was not found in %s", p))
	default:
		return toolError(fmt.Errorf("old_text occurs %d times in %s; give more context so that it occurs once", n, p))
	}
	if err := atomicfile.WriteFile(p, []byte(strings.Replace(string(data), oldText, newText, 1)), 0o644); err != nil {
		return toolError(err)
	}
	return mcp.NewToolResultText("Edited " + p), nil
}

func (r *fsRoot) fileInfo(_ context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	p, err := r.pathOf(req)
	if err != nil {
		return toolError(err)
	}
	st, err := os.Stat(p)
	if err != nil {
		return toolError(err)
	}
	kind := "file"
	if st.IsDir() {
		kind = "directory"
	}
	return mcp.NewToolResultText(fmt.Sprintf("path: %s\ntype: %s\nsize: %d\nmode: %s\nmodified: %s",
		p, kind, st.Size(), st.Mode().Perm(), st.ModTime().UTC().Format("2006-01-02T15:04:05Z"))), nil
}
