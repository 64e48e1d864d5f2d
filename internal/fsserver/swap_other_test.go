//go:build !linux || !(amd64 || arm64)

package fsserver

import "syscall"

// exchange is not available here: the race test swaps with renames.
func exchange(a, b string) error { return syscall.ENOSYS }
