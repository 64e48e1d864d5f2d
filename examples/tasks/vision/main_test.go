package main

import (
	"bytes"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOffline(t *testing.T) {
	out := filepath.Join(t.TempDir(), "drawing.png")
	var stdout strings.Builder
	if err := run(t.Context(), []string{"-offline", "-out", out}, &stdout); err != nil {
		t.Fatal(err)
	}
	want := "image-classification (google/vit-base-patch16-224):\n" +
		"  0.912  a 32x32 png\n" +
		"  0.051  tabby, tabby cat\n" +
		"  0.013  tiger cat\n" +
		"text-to-image (black-forest-labs/FLUX.1-schnell): saved " + out + " (image/png, 64x48)\n"
	if got := stdout.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || format != "png" || cfg.Width != 64 || cfg.Height != 48 {
		t.Errorf("saved file: %v %s %+v", err, format, cfg)
	}
}

func TestOfflineLocalFile(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "cat.png")
	if err := os.WriteFile(in, sampleImage(5, 7), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout strings.Builder
	err := run(t.Context(), []string{"-offline", "-image", in, "-classifier", "me/classifier", "-painter", "me/painter",
		"-out", filepath.Join(dir, "out.png")}, &stdout)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"image-classification (me/classifier):\n  0.912  a 5x7 png\n", "text-to-image (me/painter): saved "} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output %q lacks %q", stdout.String(), want)
		}
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.png")
	err := run(t.Context(), []string{"-offline", "-image", missing, "-out", filepath.Join(dir, "out.png")}, &strings.Builder{})
	if err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing image: err = %v", err)
	}
	if err := run(t.Context(), []string{"-offline", "extra"}, &strings.Builder{}); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Errorf("extra argument: err = %v", err)
	}
}
