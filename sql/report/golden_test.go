package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/tradepipe/tradepipe/sql/report"
	"github.com/tradepipe/tradepipe/sql/report/render"
	"github.com/tradepipe/tradepipe/sql/store/storetest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGolden runs every report over the bundled sample and compares its
// CSV with testdata/golden/NAME[-case].csv, numbers to 1e-9 relative (sums
// may differ in the last bits between runs). Run with -update to rewrite.
func TestGolden(t *testing.T) {
	t.Parallel()
	s := storetest.Sample(t)
	cases := []struct {
		file, report string
		p            report.Params
	}{
		{"regional-shares", "regional-shares", report.Params{Dataset: "sample", Compare: "ASEAN"}},
		{"regional-shares-asean-fixed", "regional-shares", report.Params{Dataset: "sample", Group: "ASEAN", Membership: "fixed"}},
		{"regional-shares-importer-first", "regional-shares", report.Params{Dataset: "sample", Basis: "importer-first", Compare: "none"}},
		{"regional-shares-baci", "regional-shares", report.Params{Dataset: "baci", Compare: "none"}},
		{"regional-shares-kgz-nso", "regional-shares", report.Params{Dataset: "kgz-nso", Compare: "none"}},
		{"partner-shares", "partner-shares", report.Params{Dataset: "sample"}},
		{"partner-shares-imports", "partner-shares", report.Params{Dataset: "sample", Flows: "M", Top: 3}},
		{"intensity", "intensity", report.Params{Dataset: "sample"}},
		{"intensity-baci-world", "intensity", report.Params{Dataset: "baci", MinReporters: 5}},
		{"group-compare", "group-compare", report.Params{Dataset: "sample", Compare: "ASEAN,SCO"}},
		{"coverage", "coverage", report.Params{Dataset: "sample"}},
		{"mirror-gaps", "mirror-gaps", report.Params{Dataset: "sample"}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			tab, err := report.Run(context.Background(), s, c.report, c.p)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := render.Write(&b, tab, "csv"); err != nil {
				t.Fatal(err)
			}
			for _, n := range tab.Notes {
				b.WriteString("# " + n + "\n")
			}
			path := filepath.Join("testdata", "golden", c.file+".csv")
			if *update {
				os.MkdirAll(filepath.Dir(path), 0o755)
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -tags duckdb_arrow ./sql/report -run TestGolden -update)", err)
			}
			compareCSV(t, b.Bytes(), want)
		})
	}
}

func compareCSV(t *testing.T, got, want []byte) {
	t.Helper()
	parse := func(b []byte) [][]string {
		r := csv.NewReader(bytes.NewReader(b))
		r.FieldsPerRecord = -1
		r.Comment = '#'
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	g, w := parse(got), parse(want)
	if len(g) != len(w) {
		t.Fatalf("%d records, golden has %d\n%s", len(g), len(w), got)
	}
	for i := range g {
		if len(g[i]) != len(w[i]) {
			t.Fatalf("record %d: %q, golden %q", i, g[i], w[i])
		}
		for j := range g[i] {
			if g[i][j] == w[i][j] {
				continue
			}
			a, err1 := strconv.ParseFloat(g[i][j], 64)
			b, err2 := strconv.ParseFloat(w[i][j], 64)
			if err1 != nil || err2 != nil || math.Abs(a-b) > 1e-9*math.Max(math.Abs(a), math.Abs(b))+1e-9 {
				t.Errorf("record %d column %s: %q, golden %q", i, w[0][j], g[i][j], w[i][j])
			}
		}
	}
	// The notes (comment lines) must match too.
	gn, wn := notes(got), notes(want)
	if gn != wn {
		t.Errorf("notes:\n%s\ngolden:\n%s", gn, wn)
	}
}

func notes(b []byte) string {
	var out []string
	for _, l := range bytes.Split(b, []byte("\n")) {
		if bytes.HasPrefix(l, []byte("# ")) {
			out = append(out, string(l))
		}
	}
	return string(bytes.Join(func() [][]byte {
		r := make([][]byte, len(out))
		for i, s := range out {
			r[i] = []byte(s)
		}
		return r
	}(), []byte("\n")))
}
