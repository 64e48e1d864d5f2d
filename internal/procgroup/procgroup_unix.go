//go:build unix

package procgroup

import (
	"os/exec"
	"syscall"
)

func own(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
}

// Terminate sends SIGTERM to the group led by pid. It returns false if
// the group is gone.
func Terminate(pid int) bool { return syscall.Kill(-pid, syscall.SIGTERM) == nil }

func alive(pid int) bool { return syscall.Kill(-pid, 0) == nil }

func kill(pid int) { syscall.Kill(-pid, syscall.SIGKILL) }
