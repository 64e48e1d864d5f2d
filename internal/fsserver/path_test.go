package fsserver

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLocalPath(t *testing.T) {
	tests := []struct {
		name, root, in, want string
		outside              bool
	}{
		{"relative", "/r", "a/b", "a/b", false},
		{"empty is the root", "/r", "", ".", false},
		{"dot", "/r", ".", ".", false},
		{"cleaned", "/r", "a//b/./c/", "a/b/c", false},
		{"dotdot inside", "/r", "a/../b", "b", false},
		{"absolute root", "/r", "/r", ".", false},
		{"absolute inside", "/r", "/r/a/b", "a/b", false},
		{"absolute inside uncleaned", "/r", "/r/x/../a", "a", false},
		{"dotdot out", "/r", "../x", "", true},
		{"dotdot out deeper", "/r", "a/../../b", "", true},
		{"absolute outside", "/r", "/etc/passwd", "", true},
		{"absolute sibling prefix", "/r", "/rx/a", "", true},
		{"absolute escaping by dotdot", "/r", "/r/../etc", "", true},
		{"double slash", "/r", "//", "", true},
		{"filesystem root: absolute", "/", "/etc/passwd", "etc/passwd", false},
		{"filesystem root: slash", "/", "/", ".", false},
		{"filesystem root: double slash", "/", "//", ".", false},
		{"filesystem root: relative", "/", "etc", "etc", false},
		{"filesystem root: dotdot", "/", "../etc", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := localPath(tc.in, tc.root)
			if tc.outside {
				if !errors.Is(err, errOutside) {
					t.Errorf("localPath(%q) = %q, %v; want errOutside", tc.in, got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("localPath(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
	if _, err := localPath("a\x00b", "/r"); err == nil {
		t.Error("a path with a NUL byte was accepted")
	}
}

// FuzzResolvePath checks that localPath never panics and that whatever it
// accepts stays inside the root: ".", or a clean, local path (not ".." nor
// "../…"; "..0" is a name) without NUL bytes whose join with the root is
// under the root.
func FuzzResolvePath(f *testing.F) {
	for _, s := range []string{"a/b", "/abs/inside", "/srv/root/a", "/srv/root", "../x", "a/../../b", "", ".", "//",
		"a\x00b", "\x95", "..0", "...", "/srv/root/\xff/x", "/srv/rootx/a", "./../a", "a/./b/", strings.Repeat("a/", 2000), strings.Repeat("../", 300) + "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		for _, root := range []string{"/srv/root", "/"} {
			got, err := localPath(p, root, "")
			if err != nil {
				continue
			}
			if got != "." && (!filepath.IsLocal(got) || !walkable(got) || filepath.Clean(got) != got || got == ".." || strings.HasPrefix(got, "../") || strings.IndexByte(got, 0) >= 0) {
				t.Fatalf("localPath(%q) under %s = %q, not a clean local path", p, root, got)
			}
			if full := filepath.Join(root, got); full != root && !strings.HasPrefix(full, strings.TrimSuffix(root, "/")+"/") {
				t.Fatalf("localPath(%q) = %q leads to %s, outside %s", p, got, full, root)
			}
		}
	})
}

func TestRootSlash(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "hello.txt")
	os.WriteFile(file, []byte("one\ntwo\n"), 0o644)
	c := connect(t, "/")
	if out, isErr := call(t, c, "read_file", map[string]any{"path": file}); isErr || out != "one\ntwo\n" {
		t.Errorf("read %s = %q, %v", file, out, isErr)
	}
	if out, isErr := call(t, c, "read_file", map[string]any{"path": strings.TrimPrefix(file, "/"), "offset": 2}); isErr || out != "two\n" {
		t.Errorf("relative read = %q, %v", out, isErr)
	}
	if out, isErr := call(t, c, "get_file_info", map[string]any{"path": "/"}); isErr || !strings.Contains(out, "path: /\ntype: directory") {
		t.Errorf("info / = %q", out)
	}
	if out, isErr := call(t, c, "list_directory", map[string]any{"path": dir}); isErr || out != "hello.txt" {
		t.Errorf("list %s = %q", dir, out)
	}
	if out, isErr := call(t, c, "write_file", map[string]any{"path": filepath.Join(dir, "new.txt"), "content": "x"}); isErr {
		t.Errorf("write = %q", out)
	}
	if out, isErr := call(t, c, "read_file", map[string]any{"path": "../etc"}); !isErr || !strings.Contains(out, "outside the allowed root") {
		t.Errorf("../etc = %q", out)
	}
}

func TestRootThroughSymlinkAndOddNames(t *testing.T) {
	real := t.TempDir()
	os.WriteFile(filepath.Join(real, "\xff.txt"), []byte("needle\n"), 0o644)
	alias := filepath.Join(t.TempDir(), "alias")
	os.Symlink(real, alias)
	os.WriteFile(filepath.Join(real, "b.txt"), []byte("b\n"), 0o644)
	c := connect(t, alias)
	// JSON turns the name's invalid byte into U+FFFD on the way out; what
	// matters is that the walk does not stop at it.
	for _, p := range []string{alias, real, filepath.Join(alias, ".")} {
		if out, isErr := call(t, c, "list_directory", map[string]any{"path": p}); isErr || out != "b.txt\n\ufffd.txt" {
			t.Errorf("list %s = %q", p, out)
		}
	}
	if out, isErr := call(t, c, "search_files", map[string]any{"path": alias, "pattern": "needle"}); isErr || out != "\ufffd.txt:1: needle" {
		t.Errorf("search = %q", out)
	}
	if out, isErr := call(t, c, "read_file", map[string]any{"path": filepath.Join(alias, "b.txt")}); isErr || out != "b\n" {
		t.Errorf("read through the alias = %q", out)
	}
}

func TestRefusesTraversal(t *testing.T) {
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "secret"), []byte("s3cret"), 0o644)
	root := t.TempDir()
	os.Mkdir(filepath.Join(root, "sub"), 0o755)
	os.Symlink(filepath.Join(outside, "secret"), filepath.Join(root, "sub", "abs-link"))
	rel, _ := filepath.Rel(filepath.Join(root, "sub"), filepath.Join(outside, "secret"))
	os.Symlink(rel, filepath.Join(root, "sub", "rel-link"))
	os.Symlink("../..", filepath.Join(root, "sub", "up"))
	c := connect(t, root)
	paths := []string{"../x", "sub/../../x", filepath.Join(outside, "secret"), "sub/abs-link", "sub/rel-link", "sub/up/" + filepath.Base(outside) + "/secret"}
	for _, p := range paths {
		for _, tool := range []string{"read_file", "get_file_info", "edit_file", "write_file", "list_directory", "search_files"} {
			args := map[string]any{"path": p, "content": "x", "old_text": "s3cret", "new_text": "x", "pattern": "s3cret"}
			out, isErr := call(t, c, tool, args)
			if !isErr || !strings.Contains(out, "outside the allowed root") || strings.Contains(out, "s3cret") {
				t.Errorf("%s %s = %q, want a refusal", tool, p, out)
			}
		}
	}
	if data, _ := os.ReadFile(filepath.Join(outside, "secret")); string(data) != "s3cret" {
		t.Error("a file outside the root was changed")
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 1 {
		t.Errorf("files appeared outside the root: %v", entries)
	}
}

func TestWriteThroughLinkInsideRoot(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "a", "b"), 0o755)
	os.WriteFile(filepath.Join(root, "a", "b", "real.txt"), []byte("old\n"), 0o600)
	os.Symlink("b/real.txt", filepath.Join(root, "a", "link"))
	os.Symlink("link", filepath.Join(root, "a", "link2"))
	os.Symlink("missing", filepath.Join(root, "a", "dangling"))
	c := connect(t, root)
	if out, isErr := call(t, c, "edit_file", map[string]any{"path": "a/link2", "old_text": "old", "new_text": "new"}); isErr {
		t.Fatal(out)
	}
	if out, isErr := call(t, c, "write_file", map[string]any{"path": "a/link", "content": "newer\n"}); isErr || !strings.HasSuffix(out, filepath.Join("a", "b", "real.txt")) {
		t.Fatalf("write through link = %q", out)
	}
	data, _ := os.ReadFile(filepath.Join(root, "a", "b", "real.txt"))
	st, _ := os.Stat(filepath.Join(root, "a", "b", "real.txt"))
	if string(data) != "newer\n" || st.Mode().Perm() != 0o600 {
		t.Errorf("target = %q mode %v", data, st.Mode().Perm())
	}
	if lst, err := os.Lstat(filepath.Join(root, "a", "link")); err != nil || lst.Mode()&fs.ModeSymlink == 0 {
		t.Error("the link was replaced")
	}
	if out, isErr := call(t, c, "write_file", map[string]any{"path": "a/dangling", "content": "x"}); !isErr || !strings.Contains(out, "does not exist") {
		t.Errorf("write through a dangling link = %q", out)
	}
}

func TestLastSessionClosesRoot(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "a.txt"), []byte("a"), 0o644)
	srv, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	first, second := connectServer(t, srv), connectServer(t, srv)
	first.Close()
	if out, isErr := call(t, second, "read_file", map[string]any{"path": "a.txt"}); isErr || out != "a" {
		t.Fatalf("with one session left, read = %q", out)
	}
	second.Close()
	late := connectServer(t, srv)
	if out, isErr := call(t, late, "read_file", map[string]any{"path": "a.txt"}); !isErr || !strings.Contains(out, "closed") {
		t.Errorf("after the last session ended, read = %q, want the server closed", out)
	}
}
