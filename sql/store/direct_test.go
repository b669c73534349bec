package store

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tradepipe/tradepipe/ingest"
	"github.com/tradepipe/tradepipe/transform/country"
)

// longTrade writes a trade-long file of n rows (one reporter, five
// partners, a product per row) and gives its path and the sum of its
// values.
func longTrade(t *testing.T, dir string, n int) (string, int64) {
	t.Helper()
	var b strings.Builder
	b.WriteString("year,month,reporter,partner,flow,product,value,currency\n")
	partners := []string{"CHN", "RUS", "USA", "DEU", "JPN"}
	var sum int64
	for i := range n {
		fmt.Fprintf(&b, "%d,%d,KAZ,%s,X,P%d,%d,USD\n", 1990+i%30, 1+i%12, partners[i%5], i, i+1)
		sum += int64(i + 1)
	}
	return write(t, dir, fmt.Sprintf("long%d.csv", n), []byte(b.String())), sum
}

func srcOf(t *testing.T, path string) ingest.Source {
	t.Helper()
	srcs, err := ingest.Sources(path)
	if err != nil || len(srcs) != 1 {
		t.Fatalf("%s: %v (%d sources)", path, err, len(srcs))
	}
	return srcs[0]
}

// A load commits with a checkpoint where the disk has room (commitLoad),
// so no WAL is left for the close to copy into the file; without room it
// commits through the WAL, as before.
func TestDirectCommit(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		spare   uint64 // Store.directSpare
		wantWAL bool
	}{
		{"room", 1, false},
		{"no room", math.MaxUint64 / 8, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := openTest(t)
			s.directSpare = tc.spare
			p, sum := longTrade(t, t.TempDir(), 2000)
			if !tc.wantWAL && !s.directRoom(srcOf(t, p)) {
				t.Skip("free space not known or too small here")
			}
			res := loadFile(t, s, p, LoadOptions{last: true})
			if len(res) != 1 || res[0].Err != nil || res[0].Status != Loaded || res[0].Rows != 2000 {
				t.Fatalf("load: %+v", res)
			}
			fi, err := os.Stat(s.path + ".wal")
			wal := err == nil && fi.Size() > 0
			if wal != tc.wantWAL {
				t.Errorf("a WAL after the load: %v, want %v", wal, tc.wantWAL)
			}
			var got int64
			if err := s.db.QueryRow(`SELECT sum(value)::BIGINT FROM trade`).Scan(&got); err != nil || got != sum {
				t.Errorf("sum of values %d (%v), want %d", got, err, sum)
			}
		})
	}
}

// A commit whose checkpoint fails leaves the database unusable until it
// is opened again, the load committed in the WAL or not at all: DuckDB
// writes a load's WAL before the checkpoint only below its
// auto_checkpoint_skip_wal_threshold (every load here is above the
// default, 100,000). Either way the load ends loaded, once: found in the
// ledger once the database is opened again (the WAL replayed), or loaded
// again through the WAL. DuckDB's own switch makes the checkpoint fail.
func TestDirectCommitCheckpointFails(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		rows int
		wal  string // auto_checkpoint_skip_wal_threshold; "" the default
	}{
		{"not durable", 2000, ""},
		{"not durable, row groups written ahead", 150_000, ""},
		{"durable", 2000, "1000000000000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db := filepath.Join(t.TempDir(), "t.duckdb")
			s, err := Open(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			s.directSpare = 1
			n := tc.rows
			p, sum := longTrade(t, t.TempDir(), n)
			if !s.directRoom(srcOf(t, p)) {
				t.Skip("free space not known or too small here")
			}
			set := []string{`SET debug_checkpoint_abort = 'before_header'`}
			if tc.wal != "" {
				set = append(set, `SET auto_checkpoint_skip_wal_threshold = `+tc.wal)
			}
			for _, q := range set {
				if _, err := s.db.Exec(q); err != nil {
					t.Fatal(err)
				}
			}
			res := loadFile(t, s, p, LoadOptions{last: true})
			if len(res) != 1 || res[0].Err != nil || res[0].Status != Loaded || res[0].Rows != int64(n) || res[0].FileID == 0 {
				t.Fatalf("load: %+v", res)
			}
			check := func(s *Store, when string) {
				var rows, files, failures, got int64
				err := s.db.QueryRow(`SELECT (SELECT count(*) FROM trade), (SELECT count(*) FROM files),
					(SELECT count(*) FROM load_failures), (SELECT sum(value)::BIGINT FROM trade)`).Scan(&rows, &files, &failures, &got)
				if err != nil {
					t.Fatalf("%s: %v", when, err)
				}
				if rows != int64(n) || files != 1 || failures != 0 || got != sum {
					t.Errorf("%s: %d rows, %d files, %d failures, sum %d; want %d rows, 1 file, no failure, sum %d",
						when, rows, files, failures, got, n, sum)
				}
			}
			check(s, "after the load")
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			again, err := Open(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			defer again.Close()
			check(again, "opened again")
		})
	}
}

// Of the small files of one LoadAll only the last commits with a
// checkpoint (directWorth): the others leave their changes in the WAL, for
// the one checkpoint after them.
func TestDirectCommitLast(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	s.directSpare = 1
	dir := t.TempDir()
	var srcs []ingest.Source
	for _, n := range []int{10, 20, 30} {
		srcs = append(srcs, srcOf(t, write(t, dir, fmt.Sprintf("f%d.csv", n),
			[]byte(fmt.Sprintf("year,month,reporter,partner,flow,product,value,currency\n2000,1,KAZ,CHN,X,P%d,%d,USD\n", n, n)))))
	}
	if !s.directRoom(srcs[0]) {
		t.Skip("free space not known or too small here")
	}
	codes, err := country.Load()
	if err != nil {
		t.Fatal(err)
	}
	var wal []bool
	s.LoadAll(context.Background(), srcs, func(int) LoadOptions { return LoadOptions{Codes: codes} }, func(i int, r LoadResult) {
		if r.Err != nil || r.Status != Loaded {
			t.Errorf("%s: %v (%s)", r.Source.Name, r.Err, r.Status)
		}
		fi, err := os.Stat(s.path + ".wal")
		wal = append(wal, err == nil && fi.Size() > 0)
	})
	if want := []bool{true, true, false}; fmt.Sprint(wal) != fmt.Sprint(want) {
		t.Errorf("a WAL after each load: %v, want %v", wal, want)
	}
}
