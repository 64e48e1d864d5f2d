package inference_test

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

// TestTokenFileWarningIsLogged checks that a client that takes its token
// from a file others can read says so through its logger, and still uses
// the token.
func TestTokenFileWarningIsLogged(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows permission bits do not say who may read a file")
	}
	file := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(file, []byte("hf_fromfile\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(file, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HF_TOKEN", "")
	t.Setenv("HUGGING_FACE_HUB_TOKEN", "")
	t.Setenv("HF_TOKEN_PATH", file)
	var logs bytes.Buffer
	if _, err := inference.NewClient(inference.WithLogger(slog.New(slog.NewTextHandler(&logs, nil)))); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "chmod 600 "+file) {
		t.Errorf("logged %q, want a warning with chmod 600 %s", logs.String(), file)
	}
}
