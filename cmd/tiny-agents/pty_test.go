//go:build unix

package main

import (
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/internal/mcptest"
)

// ptyCLI is the binary running on a pseudo-terminal, as at a user's
// terminal: stdin, stdout and stderr are the terminal, and the binary leads
// its session, so that typing Ctrl+C sends it SIGINT.
type ptyCLI struct {
	cmd    *exec.Cmd
	master *os.File
	out    *mcptest.SyncBuffer // everything the terminal showed
	done   chan struct{}
}

// startPTY starts the binary with args on a new pseudo-terminal.
func startPTY(t *testing.T, env []string, args ...string) *ptyCLI {
	t.Helper()
	master, slave := openPTY(t)
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	p := &ptyCLI{cmd: cmd, master: master, out: &mcptest.SyncBuffer{}, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			p.out.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		master.Close()
	})
	return p
}

// typeKeys writes keys as if typed.
func (p *ptyCLI) typeKeys(t *testing.T, keys string) {
	t.Helper()
	if _, err := p.master.Write([]byte(keys)); err != nil {
		t.Fatal(err)
	}
}

// wait waits up to 10 s for the binary to exit and returns its exit status
// (128+N when a signal N killed it).
func (p *ptyCLI) wait(t *testing.T) int {
	t.Helper()
	exited := make(chan error, 1)
	go func() { exited <- p.cmd.Wait() }()
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		p.cmd.Process.Kill()
		<-exited
		t.Fatalf("still running after 10 s; the terminal showed:\n%s", p.out.String())
	}
	// What the binary wrote just before it exited may still be in the
	// terminal: the reader ends when it has read it all.
	select {
	case <-p.done:
	case <-time.After(2 * time.Second):
	}
	return exitCodeOf(p.cmd.ProcessState)
}
