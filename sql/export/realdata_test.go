package export_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/tradepipe/tradepipe/sql/export"
	"github.com/tradepipe/tradepipe/sql/store"
	"github.com/tradepipe/tradepipe/sql/store/storetest"
)

// TestRealFilesExport loads real downloads (../shared/realdata, see its
// PROVENANCE.md) into datasets whose files hold one year each and ones
// whose files hold many, and checks that the trade table as exported, by
// year and by year and reporter, is what DuckDB's own COPY ...
// PARTITION_BY of the same query writes: the same files, the same rows.
func TestRealFilesExport(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("..", "..", "..", "shared", "realdata")
	if _, err := os.Stat(filepath.Join(dir, "PROVENANCE.md")); err != nil {
		t.Skipf("real data not present (%s): skipping; this test runs where ../shared/realdata exists", dir)
	}
	ctx := context.Background()
	work := t.TempDir()
	db := filepath.Join(work, "t.duckdb")
	datasets := []struct {
		name   string
		files  []string
		yearly bool // every file a year, or few: written a year a statement
	}{
		{"wits-years", []string{"wits_downloads/WITS-Partner_AUS_2021_ZebGirum.csv", "wits_downloads/WITS-Partner_World_exports_2018_odibo1.csv"}, true},
		{"wits-series", []string{"wits_partner_timeseries_phylogeography_efp/Kazakhstan-WITS-Partner-Timeseries.csv"}, false},
		{"comtrade", []string{"comtrade_plus_dissertation-final/comtrade_kaz_reporter.csv", "comtrade_plus_dissertation-final/comtrade_chn_reporter.csv"}, false},
	}
	rw, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range datasets {
		var paths []string
		for _, f := range d.files {
			paths = append(paths, filepath.Join(dir, filepath.FromSlash(f)))
		}
		storetest.Load(t, rw, d.name, paths...)
	}
	rw.Close()

	s, err := store.Open(ctx, db, store.ReadOnly(), store.AllowExternalAccess(true))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := s.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, d := range datasets {
		yearly, err := export.YearlyDataset(ctx, c, d.name)
		if err != nil {
			t.Fatal(err)
		}
		if yearly != d.yearly {
			t.Errorf("%s: written a year a statement %v, want %v", d.name, yearly, d.yearly)
		}
		for _, by := range []string{"year", "year,reporter"} {
			out := filepath.Join(work, "export", d.name, by)
			if _, err := export.Run(ctx, s, export.Options{Out: out, Dataset: d.name, PartitionBy: by, Names: []string{"trade"}}); err != nil {
				t.Fatalf("%s by %s: %v", d.name, by, err)
			}
			native := filepath.Join(work, "native", d.name, by)
			if err := os.MkdirAll(filepath.Dir(native), 0o755); err != nil {
				t.Fatal(err)
			}
			q := fmt.Sprintf(`COPY (SELECT * FROM tp_usd('%s')) TO '%s' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (%s))`,
				d.name, filepath.ToSlash(native), by)
			if _, err := c.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
			got, want := files(t, filepath.Join(out, "trade")), files(t, native)
			if len(want) == 0 || !slices.Equal(got, want) {
				t.Errorf("%s by %s: wrote %v, DuckDB's COPY %v", d.name, by, got, want)
			}
			if n := differ(t, c, filepath.Join(out, "trade"), native); n != 0 {
				t.Errorf("%s by %s: %d rows differ from DuckDB's COPY", d.name, by, n)
			}
		}
	}
}
