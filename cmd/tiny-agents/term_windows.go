package main

import (
	"io"
	"os"
	"syscall"
)

// Console modes (wincon.h).
const (
	enableEchoInput                 = 0x0004 // input handle
	enableVirtualTerminalProcessing = 0x0004 // output handle
)

var setConsoleMode = syscall.NewLazyDLL("kernel32.dll").NewProc("SetConsoleMode")

func consoleMode(f *os.File) (syscall.Handle, uint32, bool) {
	var h syscall.Handle
	var mode uint32
	ok := false
	control(f, func(fd uintptr) {
		h = syscall.Handle(fd)
		ok = syscall.GetConsoleMode(h, &mode) == nil
	})
	return h, mode, ok
}

func setMode(h syscall.Handle, mode uint32) bool {
	r, _, _ := setConsoleMode.Call(uintptr(h), uintptr(mode))
	return r != 0
}

func isTerminalFile(f *os.File) bool {
	_, _, ok := consoleMode(f)
	return ok
}

// enableColors turns on the console's processing of ANSI sequences
// (Windows 10 and later); an older console shows no colours.
func enableColors(f *os.File) bool {
	h, mode, ok := consoleMode(f)
	return ok && (mode&enableVirtualTerminalProcessing != 0 || setMode(h, mode|enableVirtualTerminalProcessing))
}

// disableEcho turns off the console's echo on r, for password inputs,
// and returns the function that restores it.
func disableEcho(r io.Reader) func() {
	f, ok := r.(*os.File)
	if !ok {
		return func() {}
	}
	h, mode, ok := consoleMode(f)
	if !ok || !setMode(h, mode&^enableEchoInput) {
		return func() {}
	}
	return func() { setMode(h, mode) }
}

// makeRaw reports false: the prompt is read with the console's own line
// editing, as piped prompts are.
func makeRaw(*os.File) (restore func(), ok bool) { return nil, false }
