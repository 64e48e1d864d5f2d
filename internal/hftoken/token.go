// Package hftoken finds the Hugging Face token the way huggingface_hub does:
// environment first, then the token file written by `hf auth login`.
package hftoken

import (
	"os"
	"path/filepath"
	"strings"
)

// Lookup returns the token from HF_TOKEN, then HUGGING_FACE_HUB_TOKEN, then
// the token file (see [Path]). It returns "" when none is set or the file
// cannot be read: a missing token is not an error here, callers decide.
func Lookup() string {
	for _, name := range []string{"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"} {
		if v := strings.TrimSpace(os.Getenv(name)); v != "" {
			return v
		}
	}
	p := Path()
	if p == "" {
		return ""
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// Path returns where the token file is expected: $HF_TOKEN_PATH, else
// $HF_HOME/token, else $XDG_CACHE_HOME/huggingface/token, else
// ~/.cache/huggingface/token. It returns "" if no home directory is known.
func Path() string {
	if p := os.Getenv("HF_TOKEN_PATH"); p != "" {
		return expandHome(p)
	}
	if h := os.Getenv("HF_HOME"); h != "" {
		return filepath.Join(expandHome(h), "token")
	}
	if x := os.Getenv("XDG_CACHE_HOME"); x != "" {
		return filepath.Join(x, "huggingface", "token")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".cache", "huggingface", "token")
}

func expandHome(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, p[1:])
		}
	}
	return p
}
