//go:build linux

package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Issue 17, case 7: a load that fills the disk (in its data or at the
// WAL write of its commit) fails naming its file, leaves the database as
// it was, and is in load_failures with kind disk-full. It needs a small
// file system of its own: a 3 MB tmpfs, mounted where the process may
// (root); skipped elsewhere.
func TestDiskFullRecorded(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=3m"); err != nil {
		t.Skip("cannot mount a small tmpfs here (needs root):", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, 0) })
	src := t.TempDir()
	for _, n := range []int{40_000, 100_000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			db := filepath.Join(dir, "t.duckdb")
			for _, p := range []string{db, db + ".wal"} {
				os.Remove(p)
			}
			s, err := Open(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			var b strings.Builder
			b.WriteString("year,month,reporter,partner,flow,product,value,currency\n")
			partners := []string{"CHN", "RUS", "USA", "DEU", "JPN"}
			for i := range n {
				fmt.Fprintf(&b, "%d,%d,KAZ,%s,X,P%d,%d,USD\n", 1990+i%30, 1+i%12, partners[i%5], i, i+1)
			}
			p := write(t, src, fmt.Sprintf("big%d.csv", n), []byte(b.String()))
			res := loadFile(t, s, p, LoadOptions{})
			if len(res) != 1 || res[0].Status != Failed {
				t.Skipf("%d rows fit in 3 MB: %+v", n, res)
			}
			if err := res[0].Err; !strings.HasPrefix(err.Error(), p+": ") || Classify(err) != FailDiskFull {
				t.Errorf("error %v (kind %s); want it to name the file, kind disk-full", err, Classify(err))
			}
			var rows, failures int
			var kind, msg string
			if err := s.db.QueryRow(`SELECT (SELECT count(*) FROM trade_rows), (SELECT count(*) FROM load_failures)`).Scan(&rows, &failures); err != nil {
				t.Fatal(err)
			}
			if rows != 0 {
				t.Errorf("after the full disk: %d rows", rows)
			}
			// Where the disk is still full once the database is open
			// again, the failure's own row cannot be written: the error
			// then says so, and nothing is lost without a word.
			if failures == 0 && strings.Contains(res[0].Err.Error(), "load_failures could not record it") {
				t.Logf("the disk stayed full: %v", res[0].Err)
				return
			}
			if err := s.db.QueryRow(`SELECT kind, error FROM load_failures`).Scan(&kind, &msg); err != nil || failures != 1 || kind != "disk-full" || !strings.HasPrefix(msg, p) {
				t.Errorf("after the full disk: %d failures, kind %q, error %q (%v)", failures, kind, msg, err)
			}
		})
	}
}

// On a nearly full disk a load commits through its WAL, which holds a
// small load where a checkpoint would not fit (directRoom): on a 3 MB file
// system a 2,000-row file loads, where a checkpoint at its commit failed,
// and left no room for the WAL after it.
func TestDiskNearlyFullLoads(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=3m"); err != nil {
		t.Skip("cannot mount a small tmpfs here (needs root):", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, 0) })
	db := filepath.Join(dir, "t.duckdb")
	s, err := Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p, sum := longTrade(t, t.TempDir(), 2000)
	res := loadFile(t, s, p, LoadOptions{last: true})
	if len(res) != 1 || res[0].Status != Loaded || res[0].Err != nil {
		t.Fatalf("load: %+v", res)
	}
	var got int64
	if err := s.db.QueryRow(`SELECT sum(value)::BIGINT FROM trade`).Scan(&got); err != nil || got != sum {
		t.Errorf("sum of values %d (%v), want %d", got, err, sum)
	}
}
