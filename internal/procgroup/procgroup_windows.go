//go:build windows

package procgroup

import (
	"os"
	"os/exec"
	"syscall"
)

func own(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.CreationFlags |= syscall.CREATE_NEW_PROCESS_GROUP
}

// Terminate ends the process pid: Windows has no signal that asks a
// console-less child to stop, so it is killed. It returns false: there
// is no group left to wait for.
func Terminate(pid int) bool {
	if p, err := os.FindProcess(pid); err == nil {
		p.Kill()
		p.Release()
	}
	return false
}

func alive(int) bool { return false }

func kill(int) {}
