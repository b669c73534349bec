package export_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tradepipe/tradepipe/sql/export"
	"github.com/tradepipe/tradepipe/sql/store"
	"github.com/tradepipe/tradepipe/sql/store/storetest"
)

// yearlyDB loads dataset a (a file a year) and dataset b (one file of five
// years) into a new database.
func yearlyDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "t.duckdb")
	s, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	storetest.Load(t, s, "a", filepath.Join("testdata", "yearly", "y2018.csv"), filepath.Join("testdata", "yearly", "y2019.csv"))
	storetest.Load(t, s, "b", filepath.Join("testdata", "yearly", "years.csv"))
	return db
}

// TestYearlyExport: the trade table written a year a statement (dataset a)
// and in one statement (b) is what DuckDB's own COPY ... PARTITION_BY
// writes: the same files, the same rows, by year and by year and
// reporter, whole and after a revision of one year.
func TestYearlyExport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := yearlyDB(t)
	ro := func() *store.Store {
		s, err := store.Open(ctx, db, store.ReadOnly(), store.AllowExternalAccess(true))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := ro()
	c, err := s.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for ds, want := range map[string]bool{"a": true, "b": false} {
		got, err := export.YearlyDataset(ctx, c, ds)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("dataset %s: yearly = %v, want %v: the test would not cover both ways", ds, got, want)
		}
	}
	c.Close()
	s.Close()

	dir := t.TempDir()
	check := func(what, ds, by string, out string) {
		t.Helper()
		s := ro()
		defer s.Close()
		c, err := s.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		native := filepath.Join(dir, "native-"+ds+"-"+strings.ReplaceAll(by, ",", "-"))
		os.RemoveAll(native)
		q := fmt.Sprintf(`COPY (SELECT * FROM tp_usd('%s')) TO '%s' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (%s))`,
			ds, filepath.ToSlash(native), by)
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
		got, want := files(t, filepath.Join(out, "trade")), files(t, native)
		if !slices.Equal(got, want) {
			t.Errorf("%s: dataset %s by %s wrote %v, DuckDB's COPY %v", what, ds, by, got, want)
		}
		if d := differ(t, c, filepath.Join(out, "trade"), native); d != 0 {
			t.Errorf("%s: dataset %s by %s: %d rows differ from DuckDB's COPY", what, ds, by, d)
		}
	}
	outs := map[string]string{}
	for _, ds := range []string{"a", "b"} {
		for _, by := range []string{"year", "year,reporter"} {
			out := filepath.Join(dir, "export-"+ds+"-"+strings.ReplaceAll(by, ",", "-"))
			outs[ds+by] = out
			s := ro()
			_, err := export.Run(ctx, s, export.Options{Out: out, Dataset: ds, PartitionBy: by, Names: []string{"trade"}})
			s.Close()
			if err != nil {
				t.Fatal(err)
			}
			check("whole", ds, by, out)
		}
	}

	// A revision of 2019 in each: that year's partitions are written again.
	rw, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	for i, ds := range []string{"a", "b"} {
		rev := filepath.Join(dir, "rev2019-"+ds+".csv")
		text := fmt.Sprintf("year,month,reporter,partner,flow,product,value,currency\n2019,,KAZ,CHN,X,TOTAL,%d,USD\n2019,,KAZ,RUS,X,TOTAL,44,USD\n", 333+i)
		if err := os.WriteFile(rev, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		storetest.Load(t, rw, ds, rev)
	}
	rw.Close()
	for _, ds := range []string{"a", "b"} {
		for _, by := range []string{"year", "year,reporter"} {
			out := outs[ds+by]
			s := ro()
			_, err := export.Run(ctx, s, export.Options{Out: out, Dataset: ds, PartitionBy: by, Names: []string{"trade"}})
			s.Close()
			if err != nil {
				t.Fatal(err)
			}
			check("after a revision of 2019", ds, by, out)
		}
	}
}

// TestYearlyExportLosesNoRow: where the store's sums leave a year out,
// the export fails, whichever way it writes, rather than leave the year's
// rows out.
func TestYearlyExportLosesNoRow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := yearlyDB(t)
	rw, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	c, err := rw.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExecContext(ctx, `DELETE FROM trade_sums WHERE year = 2019`); err != nil {
		t.Fatal(err)
	}
	c.Close()
	rw.Close()
	for _, ds := range []string{"a", "b"} {
		for _, by := range []string{"year", "year,reporter"} {
			s, err := store.Open(ctx, db, store.ReadOnly(), store.AllowExternalAccess(true))
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "out")
			_, err = export.Run(ctx, s, export.Options{Out: out, Dataset: ds, PartitionBy: by, Names: []string{"trade"}})
			s.Close()
			if err == nil || !strings.Contains(err.Error(), "do not account for") {
				t.Errorf("dataset %s by %s: err = %v, want rows the sums do not account for", ds, by, err)
			}
			if _, serr := os.Stat(out); !os.IsNotExist(serr) {
				t.Errorf("dataset %s by %s: %s was written", ds, by, out)
			}
		}
	}
}
