package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOffline(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644)
	var out strings.Builder
	if err := run(t.Context(), []string{"-offline", "-dir", dir, "Which files are here?"}, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"tool read_file (server filesystem)\n", "called get_file_info directly:",
		"the model called list_directory: \"notes.txt\"\n", "the conversation now has 3 messages\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
