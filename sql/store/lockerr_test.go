package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// lockError turns DuckDB's lock error into a message naming the holder.
func TestLockErrorNamesTheHolder(t *testing.T) {
	t.Parallel()
	duck := func(prog string, pid int) error {
		return fmt.Errorf(`database/sql/driver: could not connect to database: IO Error: Could not set lock on file "/d/t.duckdb": Conflicting lock is held in %s (PID %d) by user root. See also https://duckdb.org/docs/stable/connect/concurrency`, prog, pid)
	}
	self, _ := os.ReadFile("/proc/self/cmdline")
	selfCmd := ""
	if len(self) > 0 {
		args := strings.Split(strings.TrimRight(string(self), "\x00"), "\x00")
		args[0] = filepath.Base(args[0])
		selfCmd = strings.Join(args, " ")
		if len(selfCmd) > 200 {
			selfCmd = selfCmd[:200] + "..."
		}
	}
	// A process id that cannot be running (above Linux's pid_max).
	const gone = 1 << 23
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"running holder", duck("/usr/local/bin/tradepipe", os.Getpid()),
			fmt.Sprintf("database /d/t.duckdb is in use by process %d (%s); waited 2s for it", os.Getpid(), selfCmd)},
		{"holder gone", duck("/opt/tools/tradepipe", gone),
			fmt.Sprintf("database /d/t.duckdb is in use by process %d (tradepipe); waited 2s for it", gone)},
		{"path with spaces", duck("/Applications/Trade Pipe/tradepipe", gone),
			fmt.Sprintf("database /d/t.duckdb is in use by process %d (tradepipe); waited 2s for it", gone)},
		{"no pid", errors.New(`IO Error: Could not set lock on file "/d/t.duckdb": Resource temporarily unavailable`),
			"database /d/t.duckdb is in use by another process; waited 2s for it"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if selfCmd == "" && tc.name == "running holder" {
				t.Skip("no /proc here")
			}
			err := error(lockError("/d/t.duckdb", 2*time.Second, tc.err))
			if err.Error() != tc.want {
				t.Errorf("message = %q\nwant      %q", err, tc.want)
			}
			if !errors.Is(err, ErrLocked) {
				t.Error("not ErrLocked")
			}
			if !errors.Is(err, tc.err) {
				t.Error("DuckDB's error is not kept")
			}
		})
	}
}
