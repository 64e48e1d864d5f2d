// Package procgroup starts child processes in a process group of their
// own and ends the group: on Unix the child and whatever it started, on
// Windows the child alone (Windows has no process groups to signal).
package procgroup

import (
	"os/exec"
	"time"
)

// Reap ends what is left of the group led by pid (children the child
// started itself): a request to terminate, a short grace, then a kill.
// It returns at once if the group is gone.
func Reap(pid int) {
	if !Terminate(pid) {
		return
	}
	for range 20 {
		time.Sleep(5 * time.Millisecond)
		if !alive(pid) {
			return
		}
	}
	kill(pid)
}

// Own makes cmd, not yet started, the leader of a process group of its
// own, so that a terminal's Ctrl+C reaches only this process and the
// group can be ended as a whole. Other attributes set on cmd are kept.
func Own(cmd *exec.Cmd) { own(cmd) }
