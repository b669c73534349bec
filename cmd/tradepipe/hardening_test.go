package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 17, case 6: a trade-long row of 1e308 loaded, and regional-shares
// printed +Inf. It is refused at ingest with its file, line and column.
func TestOverflowingValueRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "t.duckdb")
	if code, _, errs := tp(t, "ingest", "--db", db, "--dataset", "sample", sample("asean_long_1996_2020.csv")); code != 0 {
		t.Fatal(errs)
	}
	before := tableCounts(t, db)
	big := filepath.Join(dir, "big.csv")
	os.WriteFile(big, []byte("year,month,reporter,partner,flow,product,value,currency\n2019,,IDN,MYS,X,TOTAL,1e308,USD\n"), 0o644)
	code, _, errs := tp(t, "ingest", "--db", db, "--dataset", "sample", big)
	if want := "failed  " + big + `:2:23: value: value beyond any trade figure: "1e308" units is above 1e+15 USD`; code != 1 || !strings.HasPrefix(errs, want) {
		t.Errorf("exit %d %s\nwant %s", code, errs, want)
	}
	before["load_failures"]++
	sameCounts(t, "after the refused file", tableCounts(t, db), before)
	if code, out, errs := tp(t, "report", "regional-shares", "--db", db, "--dataset", "sample", "--group", "ASEAN", "--format", "csv"); code != 0 || strings.Contains(out, "Inf") {
		t.Errorf("report: exit %d %s %s", code, out, errs)
	}
}
