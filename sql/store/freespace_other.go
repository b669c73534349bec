//go:build !(linux || darwin || freebsd)

package store

// freeSpace is not known here: loads commit through the WAL (directRoom).
func freeSpace(string) (uint64, bool) { return 0, false }
