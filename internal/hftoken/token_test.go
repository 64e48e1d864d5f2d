package hftoken

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLookupOrder(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "token")
	if err := os.WriteFile(file, []byte("hf_fromfile\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name                      string
		hfToken, hubToken, tokenP string
		hfHome                    string
		want                      string
	}{
		{name: "HF_TOKEN wins", hfToken: "hf_a", hubToken: "hf_b", tokenP: file, want: "hf_a"},
		{name: "legacy variable next", hubToken: "hf_b", tokenP: file, want: "hf_b"},
		{name: "token file path", tokenP: file, want: "hf_fromfile"},
		{name: "HF_HOME token", hfHome: dir, want: "hf_fromfile"},
		{name: "missing file", tokenP: filepath.Join(dir, "nope"), want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("HF_TOKEN", tt.hfToken)
			t.Setenv("HUGGING_FACE_HUB_TOKEN", tt.hubToken)
			t.Setenv("HF_TOKEN_PATH", tt.tokenP)
			t.Setenv("HF_HOME", tt.hfHome)
			t.Setenv("HOME", t.TempDir())
			t.Setenv("XDG_CACHE_HOME", "")
			if got := Lookup(); got != tt.want {
				t.Errorf("Lookup() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPathDefaultsToHomeCache(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("HF_TOKEN_PATH", "")
	t.Setenv("HF_HOME", "")
	t.Setenv("XDG_CACHE_HOME", "")
	if got, want := Path(), filepath.Join(home, ".cache", "huggingface", "token"); got != want {
		t.Errorf("Path() = %q, want %q", got, want)
	}
}
