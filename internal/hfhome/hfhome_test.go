package hfhome

import (
	"os"
	"path/filepath"
	"runtime"
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
			if got, _ := Load(); got != tt.want {
				t.Errorf("Load() token = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPaths(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	tests := []struct {
		name                      string
		hfHome, xdg, hubCache     string
		wantDir, wantTok, wantHub string
	}{
		{name: "defaults", wantDir: home + "/.cache/huggingface",
			wantTok: home + "/.cache/huggingface/token", wantHub: home + "/.cache/huggingface/hub"},
		{name: "XDG_CACHE_HOME", xdg: "/x", wantDir: "/x/huggingface", wantTok: "/x/huggingface/token", wantHub: "/x/huggingface/hub"},
		{name: "HF_HOME with ~", hfHome: "~/hf", xdg: "/x", wantDir: home + "/hf", wantTok: home + "/hf/token", wantHub: home + "/hf/hub"},
		{name: "HF_HUB_CACHE", hfHome: "/h", hubCache: "/c", wantDir: "/h", wantTok: "/h/token", wantHub: "/c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("HF_HOME", tt.hfHome)
			t.Setenv("XDG_CACHE_HOME", tt.xdg)
			t.Setenv("HF_HUB_CACHE", tt.hubCache)
			t.Setenv("HF_TOKEN_PATH", "")
			if got := Dir(); got != filepath.FromSlash(tt.wantDir) {
				t.Errorf("Dir() = %q, want %q", got, tt.wantDir)
			}
			if got := TokenPath(); got != filepath.FromSlash(tt.wantTok) {
				t.Errorf("TokenPath() = %q, want %q", got, tt.wantTok)
			}
			if got := HubCache(); got != filepath.FromSlash(tt.wantHub) {
				t.Errorf("HubCache() = %q, want %q", got, tt.wantHub)
			}
		})
	}
}

func TestTokenFileWarning(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows permission bits do not say who may read a file")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "token")
	tests := []struct {
		name    string
		mode    os.FileMode
		content string
		hfToken string
		path    string
		want    string
	}{
		{name: "private", mode: 0o600, content: "hf_x"},
		{name: "owner read only", mode: 0o400, content: "hf_x"},
		{name: "world readable", mode: 0o644, content: "hf_x",
			want: "the Hugging Face token file " + file + " is accessible to other users (mode 0644); restrict it with `chmod 600 " + file + "`"},
		{name: "group writable", mode: 0o620, content: "hf_x",
			want: "the Hugging Face token file " + file + " is accessible to other users (mode 0620); restrict it with `chmod 600 " + file + "`"},
		{name: "token from the environment", mode: 0o644, content: "hf_x", hfToken: "hf_env"},
		{name: "empty file", mode: 0o644},
		{name: "no file", mode: 0o644, content: "hf_x", path: filepath.Join(dir, "nope")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.Remove(file) // a read-only file from the previous case
			if err := os.WriteFile(file, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(file, tt.mode); err != nil { // not subject to the umask
				t.Fatal(err)
			}
			path := tt.path
			if path == "" {
				path = file
			}
			t.Setenv("HF_TOKEN", tt.hfToken)
			t.Setenv("HUGGING_FACE_HUB_TOKEN", "")
			t.Setenv("HF_TOKEN_PATH", path)
			tok, warning := Load()
			if warning != tt.want {
				t.Errorf("Load() warning = %q\nwant                 %q", warning, tt.want)
			}
			if tt.hfToken == "" && tt.path == "" && tok != tt.content {
				t.Errorf("Load() token = %q, want %q: the file is still read", tok, tt.content)
			}
		})
	}
}
