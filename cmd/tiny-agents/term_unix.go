//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package main

import (
	"io"
	"os"
	"syscall"
	"unsafe"
)

func getTermios(fd uintptr, t *syscall.Termios) bool {
	_, _, e := syscall.Syscall(syscall.SYS_IOCTL, fd, ioctlGetTermios, uintptr(unsafe.Pointer(t)))
	return e == 0
}

func setTermios(fd uintptr, t *syscall.Termios) bool {
	_, _, e := syscall.Syscall(syscall.SYS_IOCTL, fd, ioctlSetTermios, uintptr(unsafe.Pointer(t)))
	return e == 0
}

func isTerminalFile(f *os.File) bool {
	var ok bool
	control(f, func(fd uintptr) {
		var t syscall.Termios
		ok = getTermios(fd, &t)
	})
	return ok
}

func enableColors(*os.File) bool { return true }

// disableEcho turns off terminal echo on r if it is a terminal, for
// password inputs, and returns the function that restores it.
func disableEcho(r io.Reader) func() {
	f, ok := r.(*os.File)
	if !ok {
		return func() {}
	}
	fd := f.Fd()
	var old syscall.Termios
	if !getTermios(fd, &old) {
		return func() {}
	}
	noEcho := old
	noEcho.Lflag &^= syscall.ECHO
	setTermios(fd, &noEcho)
	return func() { setTermios(fd, &old) }
}

// makeRaw puts the terminal behind f in raw mode for the line editor (no
// echo, no line buffering, no signals: Ctrl+C arrives as a byte) and returns
// the function that restores it. ok is false if f is not a terminal.
func makeRaw(f *os.File) (restore func(), ok bool) {
	fd := f.Fd()
	var old syscall.Termios
	if !getTermios(fd, &old) {
		return nil, false
	}
	raw := old
	raw.Iflag &^= syscall.ICRNL | syscall.IXON | syscall.BRKINT | syscall.INPCK | syscall.ISTRIP
	raw.Lflag &^= syscall.ECHO | syscall.ICANON | syscall.ISIG | syscall.IEXTEN
	raw.Cflag |= syscall.CS8
	raw.Cc[syscall.VMIN], raw.Cc[syscall.VTIME] = 1, 0
	if !setTermios(fd, &raw) {
		return nil, false
	}
	return func() { setTermios(fd, &old) }, true
}
