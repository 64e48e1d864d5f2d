package main

import "os"

// isTerminal reports whether w is a terminal (a console on Windows). A
// character device that is not one, such as /dev/null, is not.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && isTerminalFile(f)
}

// colorTerminal reports whether w is a terminal that shows ANSI colours;
// on Windows it turns their processing on first.
func colorTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && isTerminalFile(f) && enableColors(f)
}

// control runs fn with f's descriptor without changing how f does I/O
// (Fd would make it blocking). It returns false if f has none.
func control(f *os.File, fn func(fd uintptr)) bool {
	rc, err := f.SyscallConn()
	if err != nil {
		return false
	}
	return rc.Control(fn) == nil
}
