// Package tokenfile keeps the OAuth tokens of MCP servers between runs of
// the CLI: an [mcpclient.TokenStore] of one JSON file per server, in a
// directory only the user can read.
package tokenfile

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// EnvConfigDir, when set, is the CLI's configuration directory, in place
// of tiny-agents under [os.UserConfigDir]; tokens are in its tokens
// folder.
const EnvConfigDir = "TINY_AGENTS_CONFIG_DIR"

// Modes of the directory and of the files.
const (
	dirMode  = 0o700
	fileMode = 0o600
)

// Dir returns the folder of the token files: $TINY_AGENTS_CONFIG_DIR/tokens,
// else tiny-agents/tokens under [os.UserConfigDir]. It returns the error
// of os.UserConfigDir when neither is known.
func Dir() (string, error) {
	if d := os.Getenv(EnvConfigDir); d != "" {
		return filepath.Join(d, "tokens"), nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no folder for saved sign-ins: %w", err)
	}
	return filepath.Join(d, "tiny-agents", "tokens"), nil
}

// Store is an [mcpclient.TokenStore] that keeps each server's token in a
// file of its folder, named by a hash of the server's key and holding the
// key and the token. The folder is created with mode 0700 and the files
// with mode 0600, each written whole to a temporary file that is renamed
// in place; a file that others may read is refused. It is safe for
// concurrent use, by several processes too: the last Save of a key wins.
type Store struct {
	dir string

	// beforeRename, set by tests only, runs once the temporary file is
	// written; an error makes the write fail there.
	beforeRename func(tmp string) error
}

var _ mcpclient.TokenStore = (*Store)(nil)

// New returns the Store of the token files in dir, which is created on
// the first Save.
func New(dir string) *Store { return &Store{dir: dir} }

// Open returns the Store of [Dir].
func Open() (*Store, error) {
	dir, err := Dir()
	if err != nil {
		return nil, err
	}
	return New(dir), nil
}

// Dir returns the folder of the files.
func (s *Store) Dir() string { return s.dir }

// file is what a token file holds.
type file struct {
	Key   string          `json:"key"`
	Token mcpclient.Token `json:"token"`
}

// Path returns the file that holds the token of key.
func (s *Store) Path(key string) string {
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(s.dir, hex.EncodeToString(sum[:16])+".json")
}

// PermissionError is a token file that users other than its owner may
// read or write: it is not used.
type PermissionError struct {
	Path string
	Mode fs.FileMode
}

// Error names the file and says how to fix it.
func (e *PermissionError) Error() string {
	return fmt.Sprintf("the token file %s is open to other users (mode %04o), so it is not used; "+
		"restrict it with `chmod 600 %s`, or delete it to sign in again", e.Path, e.Mode.Perm(), e.Path)
}

// Load returns the token saved under key, or nil and no error if there
// is none. It returns a *[PermissionError] for a file open to other users
// (except on Windows, whose permission bits do not say who may read a
// file), and an error naming the file for one that cannot be read or
// parsed, or that holds another key.
func (s *Store) Load(_ context.Context, key string) (*mcpclient.Token, error) {
	path := s.Path(key)
	f, err := s.read(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if f.Key != key {
		return nil, fmt.Errorf("the token file %s is for %s, not %s; delete it", path, f.Key, key)
	}
	return &f.Token, nil
}

// read reads and parses one token file, checking its mode on the open
// file so that a swap cannot get around the check.
func (s *Store) read(path string) (*file, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("the token file %s is not a regular file; delete it", path)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
		return nil, &PermissionError{Path: path, Mode: st.Mode()}
	}
	var f file
	if err := json.NewDecoder(fh).Decode(&f); err != nil {
		// The decoder's message may quote the file, which holds secrets.
		return nil, fmt.Errorf("the token file %s is not valid JSON; delete it to sign in again", path)
	}
	return &f, nil
}

// Save saves tok under key, replacing what was there; a nil tok deletes
// the file. It creates the folder (mode 0700) when it is missing, and
// tightens it when it is open to others.
func (s *Store) Save(ctx context.Context, key string, tok *mcpclient.Token) error {
	if tok == nil {
		_, err := s.Delete(ctx, key)
		return err
	}
	data, err := json.MarshalIndent(file{Key: key, Token: *tok}, "", "  ")
	if err != nil {
		return err
	}
	if err := s.mkdir(); err != nil {
		return err
	}
	return s.write(s.Path(key), append(data, '\n'))
}

// mkdir creates the folder, or makes it private.
func (s *Store) mkdir() error {
	if err := os.MkdirAll(s.dir, dirMode); err != nil {
		return err
	}
	st, err := os.Stat(s.dir)
	if err != nil {
		return err
	}
	if runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
		return os.Chmod(s.dir, dirMode)
	}
	return nil
}

// write writes data to path through a temporary file of the same folder,
// with mode 0600 from its creation, synced and renamed in place. On
// failure the temporary file is removed and path is untouched.
func (s *Store) write(path string, data []byte) (err error) {
	tmp, err := os.CreateTemp(s.dir, ".tmp-*") // mode 0600
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(fileMode); err != nil && runtime.GOOS != "windows" {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if s.beforeRename != nil {
		if err := s.beforeRename(tmp.Name()); err != nil {
			return err
		}
	}
	return os.Rename(tmp.Name(), path)
}

// Delete deletes the token saved under key. It reports whether there was
// one.
func (s *Store) Delete(_ context.Context, key string) (bool, error) {
	err := os.Remove(s.Path(key))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	}
	return false, err
}

// Entry is one token file of [Store.List].
type Entry struct {
	Path  string
	Key   string          // the server's key, "" when the file could not be read
	Token mcpclient.Token // the zero Token when the file could not be read
	Err   error           // why the file could not be read, such as a *PermissionError
}

// List returns the token files of the folder, sorted by key (those that
// could not be read last, with Err set). A missing folder holds none. It
// returns an error only when the folder cannot be read.
func (s *Store) List(context.Context) ([]Entry, error) {
	des, err := os.ReadDir(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, de := range des {
		name := de.Name()
		if !strings.HasSuffix(name, ".json") || strings.HasPrefix(name, ".") {
			continue
		}
		e := Entry{Path: filepath.Join(s.dir, name)}
		if f, err := s.read(e.Path); err != nil {
			e.Err = err
		} else {
			e.Key, e.Token = f.Key, f.Token
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Entry) int {
		if (a.Err == nil) != (b.Err == nil) {
			if a.Err == nil {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Key+a.Path, b.Key+b.Path)
	})
	return out, nil
}
