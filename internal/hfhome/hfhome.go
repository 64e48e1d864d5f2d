// Package hfhome finds what huggingface_hub keeps on disk, the way it does:
// the Hugging Face home, the token file, and the hub cache.
package hfhome

import (
	"os"
	"path/filepath"
	"strings"
)

// Token returns the token from HF_TOKEN, then HUGGING_FACE_HUB_TOKEN, then
// the token file (see [TokenPath]). It returns "" when none is set or the
// file cannot be read: a missing token is not an error here, callers decide.
func Token() string {
	for _, name := range []string{"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"} {
		if v := strings.TrimSpace(os.Getenv(name)); v != "" {
			return v
		}
	}
	p := TokenPath()
	if p == "" {
		return ""
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// TokenPath returns where the token file is expected: $HF_TOKEN_PATH, else
// [Dir]/token. It returns "" if no home directory is known.
func TokenPath() string {
	if p := os.Getenv("HF_TOKEN_PATH"); p != "" {
		return expandHome(p)
	}
	return join(Dir(), "token")
}

// HubCache returns the hub cache: $HF_HUB_CACHE, else [Dir]/hub. It
// returns "" if no home directory is known.
func HubCache() string {
	if p := os.Getenv("HF_HUB_CACHE"); p != "" {
		return expandHome(p)
	}
	return join(Dir(), "hub")
}

// Dir returns the Hugging Face home: $HF_HOME, else
// $XDG_CACHE_HOME/huggingface, else ~/.cache/huggingface. It returns "" if
// none is set and the user's home directory is unknown.
func Dir() string {
	if h := os.Getenv("HF_HOME"); h != "" {
		return expandHome(h)
	}
	if x := os.Getenv("XDG_CACHE_HOME"); x != "" {
		return filepath.Join(x, "huggingface")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".cache", "huggingface")
}

func join(dir, name string) string {
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, name)
}

func expandHome(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, p[1:])
		}
	}
	return p
}
