//go:build unix

package main

import (
	"os"
	"testing"
)

func TestIsTerminal(t *testing.T) {
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	if isTerminal(null) {
		t.Errorf("%s is a terminal, want not (a character device is not a terminal)", os.DevNull)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if isTerminal(r) || isTerminal(w) {
		t.Error("a pipe is a terminal")
	}
	if isTerminal(&nonFile{}) {
		t.Error("a writer that is not a file is a terminal")
	}
	master, slave := openPTY(t)
	defer master.Close()
	defer slave.Close()
	if !isTerminal(slave) {
		t.Error("a pseudo-terminal is not a terminal")
	}
}

type nonFile struct{}

func (*nonFile) Write(p []byte) (int, error) { return len(p), nil }
