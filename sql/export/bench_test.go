package export_test

import (
	"context"
	dsql "database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tradepipe/tradepipe/sql/export"
	"github.com/tradepipe/tradepipe/sql/store"
)

// BenchmarkExport compares export.Run of the trade table (USD conversion
// included) with DuckDB's own COPY of the same columns to the same layout,
// over a BACI-shaped dataset of 1 million rows (testdata/bench_trade.sql),
// whose one file holds five years: written in one statement either way.
// speed-vs-copy is COPY's time over export.Run's: 1 is as fast as COPY.
// Run: go test -tags duckdb_arrow -run '^$' -bench Export -benchtime 3x ./sql/export/
func BenchmarkExport(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	const rows = 1_000_000
	s := benchStore(b, dir, rows)
	defer s.Close()
	for _, part := range []string{"year", "none"} {
		// Each iteration runs both, one after the other, so that load from
		// elsewhere on the machine hits both alike; the ratio is the figure.
		b.Run("partition="+part, func(b *testing.B) {
			var tp, native time.Duration
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				m, err := export.Run(ctx, s, export.Options{Out: filepath.Join(dir, "out"), Names: []string{"trade"}, PartitionBy: part})
				if err != nil {
					b.Fatal(err)
				}
				if m.Tables[0].Rows != rows {
					b.Fatalf("%d rows", m.Tables[0].Rows)
				}
				tp += time.Since(t0)
				t0 = time.Now()
				copyTrade(b, s, filepath.Join(dir, "copy"), part)
				native += time.Since(t0)
			}
			b.ReportMetric(tp.Seconds()/float64(b.N), "export-s/op")
			b.ReportMetric(native.Seconds()/float64(b.N), "copy-s/op")
			b.ReportMetric(native.Seconds()/tp.Seconds(), "speed-vs-copy")
		})
	}
}

// TestBenchFixture keeps BenchmarkExport's data loadable as the schema
// changes (it once was not, unnoticed): a small one, exported.
func TestBenchFixture(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := benchStore(t, dir, 1000)
	defer s.Close()
	m, err := export.Run(context.Background(), s, export.Options{Out: filepath.Join(dir, "out"), Names: []string{"trade"}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Tables[0].Rows != 1000 {
		t.Errorf("exported %d rows, want 1000", m.Tables[0].Rows)
	}
}

// benchStore writes testdata/bench_trade.sql's dataset of rows rows into a
// new database in dir and opens it read-only, as an export does.
func benchStore(tb testing.TB, dir string, rows int) *store.Store {
	tb.Helper()
	ctx := context.Background()
	db := filepath.Join(dir, "bench.duckdb")
	s, err := store.Open(ctx, db)
	if err != nil {
		tb.Fatal(err)
	}
	text, err := os.ReadFile(filepath.Join("testdata", "bench_trade.sql"))
	if err != nil {
		tb.Fatal(err)
	}
	for _, stmt := range strings.Split(string(text), ";\n") {
		if strings.TrimSpace(stmt) == "" {
			continue
		}
		var args []any
		if strings.Contains(stmt, "$rows") {
			args = append(args, dsql.Named("rows", rows))
		}
		if _, err := s.DB().ExecContext(ctx, stmt, args...); err != nil {
			tb.Fatal(err)
		}
	}
	s.Close()
	if s, err = store.Open(ctx, db, store.ReadOnly(), store.AllowExternalAccess(true)); err != nil {
		tb.Fatal(err)
	}
	return s
}

// copyTrade is the baseline: DuckDB's COPY of the same columns, values in
// USD included (tp_usd, as make bench's export target), to the same
// layout, with no manifest, no fsync and no swap.
func copyTrade(b *testing.B, s *store.Store, out, part string) {
	os.RemoveAll(out)
	os.MkdirAll(out, 0o755)
	clause := ", PARTITION_BY (year)"
	if part == "none" {
		clause, out = "", filepath.Join(out, "data_0.parquet")
	}
	if _, err := s.DB().ExecContext(context.Background(), `COPY (SELECT * FROM tp_usd('bench')) TO $path (FORMAT parquet, COMPRESSION zstd`+clause+`)`, dsql.Named("path", out)); err != nil {
		b.Fatal(err)
	}
}
