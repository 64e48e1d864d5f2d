package fsserver

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// sparseFile makes a 1 GiB file at root/name whose first lines are text
// and the rest a hole, without writing a GiB.
func sparseFile(t *testing.T, root, name string) string {
	t.Helper()
	p := filepath.Join(root, name)
	if err := os.WriteFile(p, []byte("first\nsecond\nthird\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(p, 1<<30); err != nil {
		t.Skipf("no sparse files here: %v", err)
	}
	return p
}

func TestRangeReadOfHugeFileIsBounded(t *testing.T) {
	root := t.TempDir()
	p := sparseFile(t, root, "huge.log")
	c := connect(t, root)
	call(t, c, "read_file", map[string]any{"path": "huge.log", "offset": 2, "limit": 1}) // warm up the client
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	out, isErr := call(t, c, "read_file", map[string]any{"path": "huge.log", "offset": 1, "limit": 1})
	runtime.ReadMemStats(&after)
	if isErr || out != "first\n" {
		t.Errorf("range read = %q, %v", out, isErr)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("range read of line 1 of a 1 GiB file: %d bytes allocated, heap in use %d -> %d", alloc, before.HeapInuse, after.HeapInuse)
	if alloc > 16<<20 {
		t.Errorf("range read of one line allocated %d bytes, want < 16 MiB", alloc)
	}
	if out, _ := call(t, c, "read_file", map[string]any{"path": "huge.log", "offset": 2, "limit": 2}); out != "second\nthird\n" {
		t.Errorf("lines 2-3 = %q", out)
	}
	for _, tool := range []string{"read_file", "edit_file"} {
		out, isErr := call(t, c, tool, map[string]any{"path": "huge.log", "old_text": "first", "new_text": "1st"})
		if !isErr || !strings.Contains(out, "offset") || !strings.Contains(out, "limit") || !strings.Contains(out, fmt.Sprint(int64(1<<30))) {
			t.Errorf("%s of the whole 1 GiB file = %q, want a refusal naming offset and limit", tool, out)
		}
	}
	if st, _ := os.Stat(p); st.Size() != 1<<30 {
		t.Error("the file changed")
	}
}

func TestRangeReadCutsLongLines(t *testing.T) {
	root := t.TempDir()
	long := strings.Repeat("x", 3*maxLine)
	os.WriteFile(filepath.Join(root, "long.txt"), []byte("a\n"+long+"\nb\nc"), 0o644)
	c := connect(t, root)
	want := "a\n" + long[:maxLine] + fmt.Sprintf("… (line 2 cut at %d bytes)\n", maxLine) + "b\n"
	if out, isErr := call(t, c, "read_file", map[string]any{"path": "long.txt", "offset": 1, "limit": 3}); isErr || out != want {
		t.Errorf("read = %d bytes %q…, want %d bytes", len(out), out[:min(len(out), 20)], len(want))
	}
	tests := []struct {
		offset, limit int
		want          string
	}{
		{3, 0, "b\nc"},
		{4, 5, "c"},
		{5, 1, ""},
		{-3, 1, "a\n"},
		{3, 1 << 62, "b\nc"},
	}
	for _, tc := range tests {
		if out, _ := call(t, c, "read_file", map[string]any{"path": "long.txt", "offset": tc.offset, "limit": tc.limit}); out != tc.want {
			t.Errorf("offset %d limit %d = %q, want %q", tc.offset, tc.limit, out, tc.want)
		}
	}
}

func TestRangeReadStopsAtMaxRead(t *testing.T) {
	root := t.TempDir()
	var b strings.Builder
	for i := 1; b.Len() < 2*maxRead; i++ {
		fmt.Fprintf(&b, "line %07d\n", i)
	}
	os.WriteFile(filepath.Join(root, "big.txt"), []byte(b.String()), 0o644)
	c := connect(t, root)
	out, isErr := call(t, c, "read_file", map[string]any{"path": "big.txt", "offset": 1})
	const lineLen = len("line 0000000\n")
	next := maxRead/lineLen + 1
	want := b.String()[:(next-1)*lineLen] + fmt.Sprintf("(stopped at the %d-byte limit: continue with offset %d)\n", maxRead, next)
	if isErr || out != want {
		t.Errorf("read to the end = %d bytes ending %q, want %d bytes ending %q", len(out), out[max(0, len(out)-80):], len(want), want[len(want)-80:])
	}
	if out, _ := call(t, c, "read_file", map[string]any{"path": "big.txt", "offset": next, "limit": 1}); out != fmt.Sprintf("line %07d\n", next) {
		t.Errorf("continuing at offset %d = %q", next, out)
	}
	if out, isErr := call(t, c, "read_file", map[string]any{"path": "big.txt"}); !isErr || !strings.Contains(out, "offset and limit") {
		t.Errorf("whole read of %d bytes = %.80q", b.Len(), out)
	}
}

func TestRangeReadRefusesBinaryLines(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "mixed"), []byte("text\nbin\x00ary\n"), 0o644)
	c := connect(t, root)
	if out, isErr := call(t, c, "read_file", map[string]any{"path": "mixed", "offset": 1, "limit": 1}); isErr || out != "text\n" {
		t.Errorf("text line = %q", out)
	}
	if out, isErr := call(t, c, "read_file", map[string]any{"path": "mixed", "offset": 2}); !isErr || !strings.Contains(out, "binary") {
		t.Errorf("binary line = %q", out)
	}
}
