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
// included) with DuckDB's own COPY of the same table to the same layout,
// over a BACI-shaped dataset of 1 million rows (testdata/bench_trade.sql).
// speed-vs-copy is COPY's time over export.Run's: 1 is as fast as COPY.
// Run: go test -tags duckdb_arrow -run '^$' -bench Export -benchtime 3x ./sql/export/
func BenchmarkExport(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	db := filepath.Join(dir, "bench.duckdb")
	s, err := store.Open(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	text, err := os.ReadFile(filepath.Join("testdata", "bench_trade.sql"))
	if err != nil {
		b.Fatal(err)
	}
	const rows = 1_000_000
	for _, stmt := range strings.Split(string(text), ";\n") {
		if strings.TrimSpace(stmt) == "" {
			continue
		}
		var args []any
		if strings.Contains(stmt, "$rows") {
			args = append(args, dsql.Named("rows", rows))
		}
		if _, err := s.DB().ExecContext(ctx, stmt, args...); err != nil {
			b.Fatal(err)
		}
	}
	s.Close()
	if s, err = store.Open(ctx, db, store.ReadOnly(), store.AllowExternalAccess(true)); err != nil {
		b.Fatal(err)
	}
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

// copyTrade is the baseline: DuckDB's COPY of the stored table as it is
// (no USD conversion, no manifest, no fsync, no swap) to the same layout.
func copyTrade(b *testing.B, s *store.Store, out, part string) {
	os.RemoveAll(out)
	os.MkdirAll(out, 0o755)
	clause := ", PARTITION_BY (year)"
	if part == "none" {
		clause, out = "", filepath.Join(out, "data_0.parquet")
	}
	if _, err := s.DB().ExecContext(context.Background(), `COPY trade TO $path (FORMAT parquet, COMPRESSION zstd`+clause+`)`, dsql.Named("path", out)); err != nil {
		b.Fatal(err)
	}
}
