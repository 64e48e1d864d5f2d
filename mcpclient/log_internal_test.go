package mcpclient

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"
)

func TestTransportLogger(t *testing.T) {
	var out bytes.Buffer
	c := &Client{log: slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	secret := &url.Error{Op: "Post", URL: "http://user:hunter2@127.0.0.1:1/mcp?key=hunter2", Err: io.ErrUnexpectedEOF}
	log := c.transportLogger("remote")
	log.Error("failed to send close request", "err", fmt.Errorf("failed to send request: %w", secret))
	log.With("err", secret).Info("listening", "n", 3)
	got := out.String()
	for _, want := range []string{
		`level=DEBUG msg="server \"remote\": failed to send close request" transport_level=ERROR err="unexpected EOF"`,
		`level=DEBUG msg="server \"remote\": listening" err="unexpected EOF" transport_level=INFO n=3`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("log =\n%s\nwant a line with\n%s", got, want)
		}
	}
	if strings.Contains(got, "hunter2") {
		t.Errorf("log shows a secret:\n%s", got)
	}

	var quiet bytes.Buffer
	c.log = slog.New(slog.NewTextHandler(&quiet, &slog.HandlerOptions{Level: slog.LevelWarn}))
	c.transportLogger("remote").Error("SSE stream error", "err", errors.New("EOF"))
	if quiet.Len() > 0 {
		t.Errorf("a logger at warning level got %q", quiet.String())
	}
}
