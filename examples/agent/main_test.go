package main

import (
	"strings"
	"testing"
)

func TestOffline(t *testing.T) {
	var out strings.Builder
	if err := run(t.Context(), []string{"-offline", "-dir", t.TempDir(), "What is here?"}, &out); err != nil {
		t.Fatal(err)
	}
	want := "[calling list_directory {\"path\":\".\"}]\nI looked at the folder.\n(exit_tool after 2 turns, 212 tokens)\n"
	if out.String() != want {
		t.Errorf("output:\n%q\nwant\n%q", out.String(), want)
	}
}
