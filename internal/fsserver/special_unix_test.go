//go:build unix

package fsserver

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// withDeadline runs f and fails the test if it has not returned within d,
// so that a call blocking on a special file fails instead of hanging.
func withDeadline(t *testing.T, d time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("still blocked after %v", d)
	}
}

// specialRoot returns a root holding a named pipe "fifo", a unix socket
// "sock", a regular file "a.txt", and a directory "d" holding another pipe.
func specialRoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(root, "fifo"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	os.Mkdir(filepath.Join(root, "d"), 0o755)
	syscall.Mkfifo(filepath.Join(root, "d", "fifo"), 0o644)
	os.WriteFile(filepath.Join(root, "a.txt"), []byte("hello\n"), 0o644)
	l, err := net.Listen("unix", filepath.Join(root, "sock"))
	if err != nil {
		t.Skipf("unix socket: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return root
}

func TestSpecialFilesRefusedPromptly(t *testing.T) {
	root := specialRoot(t)
	r := openTestRoot(t, root)
	tests := []struct {
		name string
		h    handler
		args map[string]any
		want string
	}{
		{"read fifo", r.readFile, map[string]any{"path": "fifo"}, "is a named pipe"},
		{"range read fifo", r.readFile, map[string]any{"path": "fifo", "offset": 1, "limit": 1}, "is a named pipe"},
		{"read socket", r.readFile, map[string]any{"path": "sock"}, "is a socket"},
		{"edit fifo", r.editFile, map[string]any{"path": "fifo", "old_text": "a", "new_text": "b"}, "is a named pipe"},
		{"write over fifo", r.writeFile, map[string]any{"path": "fifo", "content": "x"}, "is a named pipe"},
		{"write over socket", r.writeFile, map[string]any{"path": "sock", "content": "x"}, "is a socket"},
		{"list fifo", r.listDirectory, map[string]any{"path": "fifo"}, "is a named pipe"},
		{"write under fifo", r.writeFile, map[string]any{"path": "fifo/x", "content": "x"}, "is not a directory"},
		{"write under fifo, deeper", r.writeFile, map[string]any{"path": "fifo/y/x", "content": "x"}, "not a directory"},
		{"read under fifo", r.readFile, map[string]any{"path": "fifo/x"}, "not a directory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			withDeadline(t, 2*time.Second, func() {
				out, isErr := callDirect(t, t.Context(), tc.h, tc.args)
				if !isErr || !strings.Contains(out, tc.want) {
					t.Errorf("= %q, want an error containing %q", out, tc.want)
				}
			})
		})
	}
	withDeadline(t, 2*time.Second, func() {
		out, isErr := callDirect(t, t.Context(), r.searchFiles, map[string]any{"path": ".", "pattern": "hello"})
		if isErr || out != "a.txt:1: hello" {
			t.Errorf("search past special files = %q", out)
		}
		out, isErr = callDirect(t, t.Context(), r.fileInfo, map[string]any{"path": "fifo"})
		if isErr || !strings.Contains(out, "type: named pipe") {
			t.Errorf("info fifo = %q", out)
		}
	})
	if st, err := os.Lstat(filepath.Join(root, "fifo")); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Error("the named pipe was replaced")
	}
}

func TestFIFOReadReturnsOnContextCancel(t *testing.T) {
	root := specialRoot(t)
	r := openTestRoot(t, root)
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	withDeadline(t, 2*time.Second, func() {
		if out, isErr := callDirect(t, ctx, r.readFile, map[string]any{"path": "d/fifo"}); !isErr {
			t.Errorf("read of a pipe = %q, want an error", out)
		}
	})
	done, stop := context.WithCancel(t.Context())
	stop()
	withDeadline(t, 2*time.Second, func() {
		if out, isErr := callDirect(t, done, r.readFile, map[string]any{"path": "a.txt", "offset": 1}); !isErr || !strings.Contains(out, "context canceled") {
			t.Errorf("range read with a cancelled context = %q", out)
		}
		if out, isErr := callDirect(t, done, r.writeFile, map[string]any{"path": "a.txt", "content": "changed"}); !isErr || !strings.Contains(out, "context canceled") {
			t.Errorf("write with a cancelled context = %q", out)
		}
	})
	if data, _ := os.ReadFile(filepath.Join(root, "a.txt")); string(data) != "hello\n" {
		t.Errorf("a cancelled write changed the file: %q", data)
	}
}

func TestDevicesRefused(t *testing.T) {
	for _, dev := range []string{"/dev/zero", "/dev/null"} {
		if st, err := os.Stat(dev); err != nil || st.Mode()&os.ModeCharDevice == 0 {
			t.Skipf("%s: no character device here", dev)
		}
	}
	c := connect(t, "/")
	for _, tc := range []struct{ tool, path string }{
		{"read_file", "/dev/zero"}, {"read_file", "dev/null"}, {"edit_file", "/dev/zero"}, {"list_directory", "/dev/null"},
	} {
		withDeadline(t, 2*time.Second, func() {
			out, isErr := call(t, c, tc.tool, map[string]any{"path": tc.path, "content": "x", "old_text": "a", "new_text": "b"})
			if !isErr || !strings.Contains(out, "is a character device") {
				t.Errorf("%s %s = %q, want a refusal", tc.tool, tc.path, out)
			}
		})
	}
}
