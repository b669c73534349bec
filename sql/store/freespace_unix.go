//go:build linux || darwin || freebsd

package store

import "syscall"

// freeSpace is how many bytes of the file system that holds dir an
// unprivileged process may still write.
func freeSpace(dir string) (uint64, bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil || st.Bavail <= 0 {
		return 0, false
	}
	return uint64(st.Bavail) * uint64(st.Bsize), true
}
