package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCompactCommand: compact rewrites a database a dataset's removal
// left, and the report reads the same after; a missing database is an
// error that creates none.
func TestCompactCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "t.duckdb")
	if code, out, errs := tp(t, "ingest", "--db", db, "--dataset", "baci", sample("baci_sample.csv")); code != 0 {
		t.Fatalf("ingest: %s%s", out, errs)
	}
	_, want, _ := tp(t, "report", "regional-shares", "--format", "csv", "--db", db)
	if code, out, errs := tp(t, "ingest", "--db", db, "--dataset", "other", sample("asean_long_1996_2020.csv")); code != 0 {
		t.Fatalf("ingest: %s%s", out, errs)
	}
	if code, out, errs := tp(t, "datasets", "--drop", "other", "--db", db); code != 0 {
		t.Fatalf("drop: %s%s", out, errs)
	}
	code, out, errs := tp(t, "compact", "--db", db)
	if code != 0 || !strings.HasPrefix(out, db+": compacted in ") || !strings.Contains(out, " tables, each with as many rows as before)") {
		t.Fatalf("compact: exit %d\n%s%s", code, out, errs)
	}
	if _, got, _ := tp(t, "report", "regional-shares", "--format", "csv", "--db", db); got != want || want == "" {
		t.Errorf("the report after:\n%s\nbefore:\n%s", got, want)
	}
	missing := filepath.Join(dir, "none.duckdb")
	if code, _, errs := tp(t, "compact", "--db", missing); code != 1 || !strings.Contains(errs, "none.duckdb") {
		t.Errorf("a missing database: exit %d, %s", code, errs)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("compact made %s", missing)
	}
}
