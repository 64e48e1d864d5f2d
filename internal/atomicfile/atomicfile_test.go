package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a", "b.txt")
	if err := WriteFile(p, []byte("one"), 0o640); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o640 {
		t.Errorf("new file mode %v", st.Mode().Perm())
	}
	os.Chmod(p, 0o600)
	if err := WriteFile(p, []byte("two"), 0o644); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(p)
	st, _ := os.Stat(p)
	if string(data) != "two" || st.Mode().Perm() != 0o600 {
		t.Errorf("replaced file: %q mode %v", data, st.Mode().Perm())
	}
	if err := WriteFile(dir, []byte("x"), 0o644); err == nil {
		t.Error("writing over a directory succeeded")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "a", ".tmp-*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
