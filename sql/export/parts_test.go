package export_test

import (
	"context"
	dsql "database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tradepipe/tradepipe/sql/export"
	"github.com/tradepipe/tradepipe/sql/store"
	"github.com/tradepipe/tradepipe/sql/store/storetest"
)

// TestIncrementalExport exports, changes the data (a revision of one year
// and reporter, a new year, a removal, a new exchange rate) and exports
// into the same folder again: the partitions whose rows did not change
// are the earlier export's files (linked, the same inode), the others are
// new, and every table reads the same as a whole export made afresh
// into another folder.
func TestIncrementalExport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "t.duckdb")
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	head := "year,month,reporter,partner,flow,product,value,currency\n"
	first := write("first.csv", head+
		"2018,,KAZ,WLD,X,TOTAL,1000,USD\n2018,,KAZ,CHN,X,TOTAL,300,USD\n2018,,KGZ,WLD,M,TOTAL,500,USD\n2018,,KGZ,KAZ,M,TOTAL,50,USD\n"+
		"2019,,KAZ,WLD,X,TOTAL,1100,USD\n2019,,KAZ,CHN,X,TOTAL,320,USD\n2019,,KGZ,WLD,M,TOTAL,520,USD\n2019,,KGZ,KAZ,M,TOTAL,60,USD\n")
	revision := write("revision.csv", head+
		"2019,,KAZ,CHN,X,TOTAL,333,USD\n2020,,UZB,WLD,X,TOTAL,900,USD\n2020,,UZB,KAZ,X,TOTAL,90,EUR\n")
	rates := write("rates.csv", "date_or_period,currency,per_usd\n2020,EUR,0.9\n")

	withRW := func(f func(s *store.Store)) {
		s, err := store.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		f(s)
	}
	export1 := func(out string) (*export.Manifest, *store.Store) {
		s, err := store.Open(ctx, db, store.ReadOnly(), store.AllowExternalAccess(true))
		if err != nil {
			t.Fatal(err)
		}
		m, err := export.Run(ctx, s, export.Options{Out: out, Dataset: "d", PartitionBy: "year,reporter"})
		if err != nil {
			s.Close()
			t.Fatal(err)
		}
		return m, s
	}
	out := filepath.Join(dir, "parquet")
	withRW(func(s *store.Store) { storetest.Load(t, s, "d", first) })
	_, s := export1(out)
	s.Close()

	steps := []struct {
		what    string
		change  func(s *store.Store)
		kept    []string // partition folders linked from the export before
		written []string // written again
		gone    []string
	}{
		{"a revision of 2019 KAZ and a new year",
			func(s *store.Store) { storetest.Load(t, s, "d", revision) },
			[]string{"trade/year=2018/reporter=KAZ", "trade/year=2018/reporter=KGZ", "trade/year=2019/reporter=KGZ",
				"totals/year=2019/reporter=KGZ", "flows/year=2018"},
			[]string{"trade/year=2019/reporter=KAZ", "trade/year=2020/reporter=UZB", "totals/year=2019/reporter=KAZ", "flows/year=2019", "flows/year=2020"},
			nil},
		{"an exchange rate: every value in USD may change",
			func(s *store.Store) { storetest.Load(t, s, "", rates) },
			nil,
			[]string{"trade/year=2018/reporter=KAZ", "trade/year=2020/reporter=UZB", "flows/year=2018"},
			nil},
		{"the revision forgotten",
			func(s *store.Store) {
				files, err := s.FindFiles(ctx, revision, nil)
				if err != nil || len(files) != 1 {
					t.Fatalf("finding %s: %v %v", revision, files, err)
				}
				if _, err := s.Forget(ctx, []int64{files[0].FileID}); err != nil {
					t.Fatal(err)
				}
			},
			[]string{"trade/year=2018/reporter=KAZ", "trade/year=2019/reporter=KGZ", "flows/year=2018"},
			[]string{"trade/year=2019/reporter=KAZ", "flows/year=2019"},
			[]string{"trade/year=2020/reporter=UZB", "flows/year=2020"}},
	}
	for _, step := range steps {
		before := inodes(t, out)
		withRW(step.change)
		m, s := export1(out)
		after := inodes(t, out)
		for _, p := range step.kept {
			if !sameFiles(before, after, p) {
				t.Errorf("%s: %s was written again; want it kept", step.what, p)
			}
		}
		for _, p := range step.written {
			if !hasFiles(after, p) || sameFiles(before, after, p) {
				t.Errorf("%s: %s was not written again", step.what, p)
			}
		}
		for _, p := range step.gone {
			if hasFiles(after, p) {
				t.Errorf("%s: %s is still there", step.what, p)
			}
		}
		fresh := filepath.Join(dir, "fresh")
		os.RemoveAll(fresh)
		mf, err := export.Run(ctx, s, export.Options{Out: fresh, Dataset: "d", PartitionBy: "year,reporter"})
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for i, tab := range m.Tables {
			if tab.Rows != mf.Tables[i].Rows {
				t.Errorf("%s: %s has %d rows, a fresh export %d", step.what, tab.Name, tab.Rows, mf.Tables[i].Rows)
			}
			if d := differ(t, c, filepath.Join(out, tab.Path), filepath.Join(fresh, tab.Path)); d != 0 {
				t.Errorf("%s: %s differs from a fresh export in %d rows", step.what, tab.Name, d)
			}
		}
		c.Close()
		s.Close()
	}
}

// inodes maps every file under dir (relative, slash-separated) to its
// file info.
func inodes(t *testing.T, dir string) map[string]os.FileInfo {
	t.Helper()
	out := map[string]os.FileInfo{}
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = fi
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func hasFiles(m map[string]os.FileInfo, prefix string) bool {
	for p := range m {
		if strings.HasPrefix(p, prefix+"/") {
			return true
		}
	}
	return false
}

// sameFiles tells whether the files under prefix are the same files
// (inodes) in both, and there are some.
func sameFiles(a, b map[string]os.FileInfo, prefix string) bool {
	n := 0
	for p, fa := range a {
		if !strings.HasPrefix(p, prefix+"/") {
			continue
		}
		fb, ok := b[p]
		if !ok || !os.SameFile(fa, fb) {
			return false
		}
		n++
	}
	return n > 0
}

// differ counts the rows in one folder's Parquet and not the other's,
// both ways, as DuckDB reads them (Hive partitions as columns).
func differ(t *testing.T, c *dsql.Conn, a, b string) int {
	t.Helper()
	read := func(d string) string {
		return fmt.Sprintf("SELECT * FROM read_parquet('%s', hive_partitioning = true, union_by_name = true)",
			filepath.ToSlash(filepath.Join(d, "**", "*.parquet")))
	}
	var n int
	q := fmt.Sprintf("SELECT (SELECT count(*) FROM (%[1]s EXCEPT ALL %[2]s)) + (SELECT count(*) FROM (%[2]s EXCEPT ALL %[1]s))", read(a), read(b))
	if err := c.QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
