package fsserver

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// kind is what a tool needs a path to be.
type kind int

const (
	regularFile kind = iota
	directory
)

// openNonblock is added to every open of a path the model named: opening a
// named pipe for reading without it blocks until a writer comes, and no
// context can interrupt the open(2). It changes nothing for regular files
// and directories, the only kinds opened files are kept for.
const openNonblock = syscall.O_NONBLOCK

// openIn opens name under root for reading, refusing anything but want. It
// checks the kind twice: with a stat through root before opening, so that a
// named pipe or device is never opened when it can be avoided, and on the
// opened file, since the path may have been replaced in between. It returns
// the open file and its FileInfo; on failure nothing is left open. Errors
// of its own name the file as shown.
func openIn(root *os.Root, name, shown string, want kind) (*os.File, fs.FileInfo, error) {
	st, err := root.Stat(name)
	if err != nil {
		return nil, nil, err
	}
	if err := checkKind(shown, st, want); err != nil {
		return nil, nil, err
	}
	f, err := root.OpenFile(name, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, nil, err
	}
	st, err = f.Stat()
	if err == nil {
		err = checkKind(shown, st, want)
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, st, nil
}

// checkKind returns an error, naming the file as shown, unless st is of the
// kind wanted.
func checkKind(shown string, st fs.FileInfo, want kind) error {
	mode := st.Mode()
	switch {
	case want == regularFile && mode.IsRegular(), want == directory && mode.IsDir():
		return nil
	case want == regularFile && mode.IsDir():
		return fmt.Errorf("%s is a directory; use list_directory", shown)
	case want == directory && mode.IsRegular():
		return fmt.Errorf("%s is not a directory", shown)
	}
	return fmt.Errorf("%s is a %s: only regular files and directories are read or written", shown, kindName(mode))
}

// kindName names the type of a file mode.
func kindName(mode fs.FileMode) string {
	switch {
	case mode.IsRegular():
		return "file"
	case mode.IsDir():
		return "directory"
	case mode&fs.ModeSymlink != 0:
		return "symbolic link"
	case mode&fs.ModeNamedPipe != 0:
		return "named pipe"
	case mode&fs.ModeSocket != 0:
		return "socket"
	case mode&fs.ModeCharDevice != 0:
		return "character device"
	case mode&fs.ModeDevice != 0:
		return "device"
	}
	return "special file"
}

// walkFS is a root as an fs.FS for fs.WalkDir. Unlike os.Root.FS, its Open
// never blocks: a directory swapped for a named pipe during a walk is
// opened without waiting for a writer, and reading it as a directory fails.
// It takes any local path, not only fs.ValidPath's UTF-8 ones: file names
// need not be UTF-8, and the root keeps every path inside it anyway.
type walkFS struct{ root *os.Root }

// walkable reports whether name is a path walkFS accepts.
func walkable(name string) bool {
	return name == "." || filepath.IsLocal(name)
}

// Open opens name under the root without blocking.
func (w walkFS) Open(name string) (fs.File, error) {
	if !walkable(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	f, err := w.root.OpenFile(name, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Stat returns name's FileInfo, following symbolic links inside the root.
func (w walkFS) Stat(name string) (fs.FileInfo, error) {
	if !walkable(name) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrInvalid}
	}
	return w.root.Stat(name)
}
