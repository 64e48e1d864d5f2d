//go:build linux && (amd64 || arm64)

package fsserver

import (
	"runtime"
	"syscall"
	"unsafe"
)

// renameExchange is renameat2's RENAME_EXCHANGE flag.
const renameExchange = 2

// exchange swaps the names a and b in one step with renameat2(2)
// RENAME_EXCHANGE, the sharpest way to race a path check. It returns
// syscall.ENOSYS or EINVAL where the kernel or filesystem lacks it.
func exchange(a, b string) error {
	nr := uintptr(316) // SYS_RENAMEAT2 on amd64
	if runtime.GOARCH == "arm64" {
		nr = 276
	}
	pa, err := syscall.BytePtrFromString(a)
	if err != nil {
		return err
	}
	pb, err := syscall.BytePtrFromString(b)
	if err != nil {
		return err
	}
	cwd := -100 // AT_FDCWD
	_, _, errno := syscall.Syscall6(nr, uintptr(cwd), uintptr(unsafe.Pointer(pa)), uintptr(cwd), uintptr(unsafe.Pointer(pb)), renameExchange, 0)
	if errno != 0 {
		return errno
	}
	return nil
}
