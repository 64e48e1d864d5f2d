//go:build linux

package procgroup

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestReapEndsTheGroup starts a shell that starts a grandchild which
// ignores SIGTERM, and checks that Reap ends both.
func TestReapEndsTheGroup(t *testing.T) {
	cmd := exec.Command("sh", "-c", `sh -c 'trap "" TERM; echo $$; sleep 30' & wait`)
	Own(cmd)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 32)
	n, _ := out.Read(buf)
	grandchild, err := strconv.Atoi(strings.TrimSpace(string(buf[:n])))
	if err != nil {
		t.Fatalf("grandchild pid %q: %v", buf[:n], err)
	}
	if pgid, _ := syscall.Getpgid(cmd.Process.Pid); pgid != cmd.Process.Pid {
		t.Errorf("child's group is %d, want its own (%d)", pgid, cmd.Process.Pid)
	}
	Reap(cmd.Process.Pid)
	cmd.Wait()
	deadline := time.Now().Add(2 * time.Second)
	for running(grandchild) {
		if time.Now().After(deadline) {
			t.Fatalf("grandchild %d (ignores SIGTERM) still runs after Reap", grandchild)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// running reports whether pid is a process that has not exited: a zombie
// waiting for init to collect it has.
func running(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	_, after, _ := strings.Cut(string(stat), ") ")
	return !strings.HasPrefix(after, "Z")
}

func TestOwnKeepsOtherAttributes(t *testing.T) {
	cmd := exec.Command("true")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: false, Noctty: true}
	Own(cmd)
	if !cmd.SysProcAttr.Setpgid || !cmd.SysProcAttr.Noctty {
		t.Errorf("SysProcAttr = %+v, want Setpgid and Noctty", cmd.SysProcAttr)
	}
}
