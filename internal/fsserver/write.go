package fsserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/mark3labs/mcp-go/mcp"
)

// maxLinks bounds the symbolic links followed to find a file to write.
const maxLinks = 40

// writeFile creates or replaces a file, atomically.
func (r *fsRoot) writeFile(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	rel, err := r.pathOf(req)
	if err != nil {
		return toolError(err)
	}
	content := req.GetString("content", "")
	t, err := r.openTarget(rel, true)
	if err != nil {
		return toolError(err)
	}
	defer t.close()
	perm := fs.FileMode(0o644)
	if st, err := t.dir.Lstat(t.name); err == nil {
		if err := checkWritable(r.show(t.rel), st); err != nil {
			return toolError(err)
		}
		perm = st.Mode().Perm()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return toolError(r.pathError(t.rel, err))
	}
	if err := t.replace(ctx, []byte(content), perm); err != nil {
		return toolError(r.pathError(t.rel, err))
	}
	return mcp.NewToolResultText(fmt.Sprintf("Wrote %d bytes to %s", len(content), r.show(t.rel))), nil
}

// editFile replaces the one occurrence of old_text in a file of at most
// maxEdit bytes, atomically.
func (r *fsRoot) editFile(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	rel, err := r.pathOf(req)
	if err != nil {
		return toolError(err)
	}
	oldText, newText := []byte(req.GetString("old_text", "")), []byte(req.GetString("new_text", ""))
	if len(oldText) == 0 {
		return toolError(fmt.Errorf("old_text is empty"))
	}
	t, err := r.openTarget(rel, false)
	if err != nil {
		return toolError(err)
	}
	defer t.close()
	shown := r.show(t.rel)
	f, st, err := openIn(t.dir, t.name, shown, regularFile)
	if err != nil {
		return toolError(r.pathError(t.rel, err))
	}
	data, err := readForEdit(ctx, f, st.Size(), shown)
	f.Close()
	if err != nil {
		return toolError(err)
	}
	switch n := bytes.Count(data, oldText); n {
	case 1:
	case 0:
		return toolError(fmt.Errorf("old_text was not found in %s", shown))
	default:
		return toolError(fmt.Errorf("old_text occurs %d times in %s; give more context so that it occurs once", n, shown))
	}
	if err := t.replace(ctx, bytes.Replace(data, oldText, newText, 1), st.Mode().Perm()); err != nil {
		return toolError(r.pathError(t.rel, err))
	}
	return mcp.NewToolResultText("Edited " + shown), nil
}

// readForEdit returns f's content, refusing a file over maxEdit bytes.
func readForEdit(ctx context.Context, f io.Reader, size int64, shown string) ([]byte, error) {
	tooBig := func(size int64) error {
		return fmt.Errorf("%s is %d bytes, over edit_file's %d-byte limit (it holds the whole file): "+
			"read the lines you need with read_file's offset and limit", shown, size, maxEdit)
	}
	if size > maxEdit {
		return nil, tooBig(size)
	}
	return readCapped(ctx, f, maxEdit, tooBig)
}

// checkWritable returns an error unless st is a regular file, the only
// kind a write replaces.
func checkWritable(shown string, st fs.FileInfo) error {
	if st.Mode().IsRegular() {
		return nil
	}
	if st.IsDir() {
		return fmt.Errorf("%s is a directory", shown)
	}
	return fmt.Errorf("%s is a %s: only regular files and directories are read or written", shown, kindName(st.Mode()))
}

// target is a file about to be written: its directory, held open so that
// every step of the write acts on that one directory whatever happens to
// the path meanwhile, and its name in it.
type target struct {
	dir  *os.Root
	name string
	rel  string // the file's root-relative path, after symbolic links
}

// openTarget opens the directory of the file at rel, following symbolic
// links in rel's last element (inside the root only) so that a write
// replaces the file a link names, not the link. If create, missing parent
// directories are made. The caller closes the target.
func (r *fsRoot) openTarget(rel string, create bool) (*target, error) {
	if rel == "." {
		return nil, fmt.Errorf("%s is a directory", r.dir)
	}
	rel, err := r.followLinks(rel)
	if err != nil {
		return nil, err
	}
	parent := filepath.Dir(rel)
	if create {
		err := r.root.MkdirAll(parent, 0o755)
		if errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("%s: part of this path exists and is not a directory", r.show(parent))
		}
		if err != nil {
			return nil, r.pathError(parent, err)
		}
	}
	// parent+"/." rather than parent: os.Root opens every element but the
	// last as a directory (O_DIRECTORY), and the last one, ".", is then
	// the directory itself, so a named pipe put in parent's place fails
	// at once instead of blocking the open.
	d, err := r.root.OpenRoot(parent + string(filepath.Separator) + ".")
	if err != nil {
		return nil, r.pathError(parent, err)
	}
	return &target{dir: d, name: filepath.Base(rel), rel: rel}, nil
}

// close releases the target's directory.
func (t *target) close() { t.dir.Close() }

// followLinks returns the path of the file that rel names once symbolic
// links in its last element are followed. The link text is resolved by
// hand (os.Root has no realpath) and the result checked against os.Root's
// own resolution: if they are not the same file, or a link leads out of
// the root or nowhere, it returns an error rather than guess. Everything
// it returns is still only used through the root, so a path changed after
// the check can lead to another file in the root, never out of it.
func (r *fsRoot) followLinks(rel string) (string, error) {
	st, err := r.root.Stat(rel)
	lst, lerr := r.root.Lstat(rel)
	if lerr != nil || lst.Mode()&fs.ModeSymlink == 0 {
		return rel, nil // not a link: errors are for the write to report
	}
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("%s is a symbolic link to a file that does not exist", r.show(rel))
		}
		return "", r.pathError(rel, err)
	}
	next := rel
	for range maxLinks {
		dest, err := r.root.Readlink(next)
		if err != nil {
			return "", r.pathError(next, err)
		}
		next = filepath.Join(filepath.Dir(next), dest)
		if filepath.IsAbs(dest) || !filepath.IsLocal(next) {
			return "", fmt.Errorf("%s %w %s (a symbolic link leads out of it)", r.show(rel), errOutside, r.dir)
		}
		fi, err := r.root.Lstat(next)
		if err != nil {
			return "", r.pathError(next, err)
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			if !os.SameFile(fi, st) {
				return "", fmt.Errorf("%s is a symbolic link that could not be followed; write to the file it points to", r.show(rel))
			}
			return next, nil
		}
	}
	return "", r.pathError(rel, syscall.ELOOP)
}

// replace writes data to a new temporary file in the target's directory,
// syncs it, gives it perm and renames it over the target's name, so that a
// reader sees the old file or the new one, never half of one. On failure
// the temporary file is removed and the target is untouched. It checks ctx
// before the rename: a cancelled call changes nothing.
func (t *target) replace(ctx context.Context, data []byte, perm fs.FileMode) error {
	f, tmp, err := t.createTemp()
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(perm) // through the descriptor: Root.Chmod may follow a swapped-in link
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = ctx.Err()
	}
	if err == nil {
		err = t.dir.Rename(tmp, t.name)
	}
	if err != nil {
		t.dir.Remove(tmp)
		return err
	}
	if d, err := t.dir.Open("."); err == nil {
		d.Sync() // the rename itself; best effort, the file is in place either way
		d.Close()
	}
	return nil
}

// createTemp creates a new file named .tmp-* in the target's directory.
// O_EXCL makes the open fail rather than follow anything already there.
func (t *target) createTemp() (*os.File, string, error) {
	for range 100 {
		name := ".tmp-" + strconv.FormatUint(rand.Uint64(), 36)
		f, err := t.dir.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, name, err
	}
	return nil, "", fmt.Errorf("%s: could not create a temporary file", t.rel)
}
