package fsserver

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
)

// listDirectory lists a directory, up to maxEntries entries.
func (r *fsRoot) listDirectory(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	rel, err := r.pathOf(req)
	if err != nil {
		return toolError(err)
	}
	f, _, err := openIn(r.root, rel, r.show(rel), directory)
	if err != nil {
		return toolError(r.pathError(rel, err))
	}
	defer f.Close()
	var names []string
	for len(names) < maxEntries {
		if err := ctx.Err(); err != nil {
			return toolError(err)
		}
		entries, err := f.ReadDir(min(256, maxEntries-len(names)))
		for _, e := range entries {
			n := e.Name()
			if e.IsDir() {
				n += "/"
			}
			names = append(names, n)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return toolError(r.pathError(rel, err))
		}
	}
	slices.Sort(names)
	if len(names) == 0 {
		return mcp.NewToolResultText("(empty directory)"), nil
	}
	text := strings.Join(names, "\n")
	if len(names) == maxEntries {
		if more, _ := f.ReadDir(1); len(more) > 0 {
			text += fmt.Sprintf("\n(stopped at %d entries)", maxEntries)
		}
	}
	return mcp.NewToolResultText(text), nil
}

// searchFiles walks a directory through the root for file names matching a
// glob and lines containing the pattern, up to maxResults hits. It does not
// follow symbolic links to directories and skips .git.
func (r *fsRoot) searchFiles(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	rel, err := r.pathOf(req)
	if err != nil {
		return toolError(err)
	}
	pattern := req.GetString("pattern", "")
	if pattern == "" {
		return toolError(fmt.Errorf("empty pattern"))
	}
	if _, err := r.root.Stat(rel); err != nil {
		return toolError(r.pathError(rel, err))
	}
	var hits []string
	truncated := false
	walkErr := fs.WalkDir(walkFS{r.root}, rel, func(p string, d fs.DirEntry, err error) error {
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
		if ok, _ := path.Match(pattern, d.Name()); ok {
			hits = append(hits, p)
		}
		if d.Type().IsRegular() {
			hits = r.appendContentHits(ctx, hits, p, pattern)
		}
		return nil
	})
	if walkErr != nil && !errors.Is(walkErr, fs.SkipDir) {
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

// appendContentHits adds "path:line: text" for each line of the text file
// at rel containing pattern. A file that is not regular when opened, has a
// NUL byte or a line over 1 MiB ends the scan of that file.
func (r *fsRoot) appendContentHits(ctx context.Context, hits []string, rel, pattern string) []string {
	f, _, err := openIn(r.root, rel, rel, regularFile)
	if err != nil {
		return hits
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; ctx.Err() == nil && sc.Scan() && len(hits) <= maxResults; n++ {
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

// fileInfo describes a file or directory, following symbolic links inside
// the root. It only stats, so it is allowed on special files too.
func (r *fsRoot) fileInfo(_ context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	rel, err := r.pathOf(req)
	if err != nil {
		return toolError(err)
	}
	st, err := r.root.Stat(rel)
	if err != nil {
		return toolError(r.pathError(rel, err))
	}
	return mcp.NewToolResultText(fmt.Sprintf("path: %s\ntype: %s\nsize: %d\nmode: %s\nmodified: %s",
		r.show(rel), kindName(st.Mode()), st.Size(), st.Mode().Perm(), st.ModTime().UTC().Format("2006-01-02T15:04:05Z"))), nil
}
