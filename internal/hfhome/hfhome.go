// Package hfhome finds what huggingface_hub keeps on disk, the way it does:
// the Hugging Face home, the token file, and the hub cache.
package hfhome

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Load returns the token from HF_TOKEN, then HUGGING_FACE_HUB_TOKEN, then
// the token file (see [TokenPath]), "" when none is set or the file cannot
// be read (a missing token is not an error here: callers decide); and,
// when it comes from the token file (no HF_TOKEN or HUGGING_FACE_HUB_TOKEN
// is set) and that file is open to its group or to others
// (mode & 0o077 != 0), a warning, as in
//
//	the Hugging Face token file /home/u/.cache/huggingface/token is
//	accessible to other users (mode 0644); restrict it with `chmod 600 /home/u/.cache/huggingface/token`
//
// The warning is "" otherwise: the file is private, holds no token or is absent, the
// token comes from the environment, or the system is Windows, whose
// permission bits do not say who may read a file. The file is opened once,
// and its mode is that of the file read.
func Load() (token, warning string) {
	for _, name := range []string{"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"} {
		if v := strings.TrimSpace(os.Getenv(name)); v != "" {
			return v, ""
		}
	}
	p := TokenPath()
	if p == "" {
		return "", ""
	}
	f, err := os.Open(p)
	if err != nil {
		return "", ""
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return "", ""
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return "", ""
	}
	token = strings.TrimSpace(string(b))
	if perm := fi.Mode().Perm(); runtime.GOOS != "windows" && token != "" && perm&0o077 != 0 {
		warning = fmt.Sprintf("the Hugging Face token file %s is accessible to other users (mode %04o); restrict it with `chmod 600 %s`", p, perm, p)
	}
	return token, warning
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
