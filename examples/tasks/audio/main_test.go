package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOffline(t *testing.T) {
	out := filepath.Join(t.TempDir(), "speech")
	var stdout strings.Builder
	if err := run(t.Context(), []string{"-offline", "-out", out}, &stdout); err != nil {
		t.Fatal(err)
	}
	// "Hello from Go." is 14 characters: 0.7 s at 8 kHz, 16 bits.
	want := `automatic-speech-recognition (openai/whisper-large-v3): "(offline) I heard 1.00 seconds of audio/wav."` + "\n" +
		"text-to-speech (facebook/mms-tts-eng): saved " + out + ".wav (audio/wav, 11244 bytes)\n"
	if got := stdout.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
	data, err := os.ReadFile(out + ".wav")
	if err != nil {
		t.Fatal(err)
	}
	if secs, ok := wavSeconds(data); !ok || secs != 0.7 {
		t.Errorf("saved speech: %v seconds, ok %v", secs, ok)
	}
}

func TestOfflineFile(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "talk") // no extension: the type is sniffed
	if err := os.WriteFile(in, []byte("fLaC\x00\x00\x00\x22 frames"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout strings.Builder
	err := run(t.Context(), []string{"-offline", "-audio", in, "-text", "Hi", "-out", filepath.Join(dir, "hi.wav")}, &stdout)
	if err != nil {
		t.Fatal(err)
	}
	want := `automatic-speech-recognition (openai/whisper-large-v3): "(offline) I heard 15 bytes of audio/flac."` + "\n" +
		"text-to-speech (facebook/mms-tts-eng): saved " + filepath.Join(dir, "hi.wav") + " (audio/wav, 1644 bytes)\n"
	if got := stdout.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}

func TestUsage(t *testing.T) {
	if err := run(t.Context(), nil, &strings.Builder{}); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Errorf("no audio online: err = %v", err)
	}
	missing := filepath.Join(t.TempDir(), "missing.wav")
	if err := run(t.Context(), []string{"-offline", "-audio", missing}, &strings.Builder{}); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing file: err = %v", err)
	}
}
