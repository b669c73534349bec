package report_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/tradepipe/tradepipe/sql/report"
	"github.com/tradepipe/tradepipe/sql/store/storetest"
	"github.com/tradepipe/tradepipe/transform/country"
)

// The IMF direction-of-trade workbooks of the C5, China, Russia and ASEAN
// in one dataset. The kept totals equal the spot values PROVENANCE.md
// lists; the estimated rows, in the trade rows and counted in the totals,
// are the workbooks' cells written "... e" (read here with excelize);
// regional-shares for the C5 equals a plain SQL computation over the trade
// rows (each member's exports and imports with the other members, China
// and Russia over its World rows), and the figures PROVENANCE.md derived
// from the same workbooks.
func TestRealDOTSRegionalShares(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(realData(t), "imf_dots_xlsx_Direction-of-Trade-Map")
	paths, _ := filepath.Glob(filepath.Join(dir, "DOTS_*.xlsx"))
	var load []string
	for _, p := range paths {
		if filepath.Base(p) != "DOTS_221.xlsx" { // World as reporter
			load = append(load, p)
		}
	}
	s := storetest.Open(t)
	storetest.Load(t, s, "imf", load...)

	for _, c := range []struct {
		reporter, flow, partner string
		year                    int
		millions                float64
	}{
		{"KAZ", "X", "WLD", 2019, 57676.727675}, {"KAZ", "X", "CHN", 2019, 7823.406348}, {"KAZ", "X", "RUS", 2020, 4899.4501},
		{"KAZ", "M", "WLD", 2020, 38142.88939}, {"KAZ", "M", "RUS", 2019, 14065.055226},
	} {
		var v float64
		if err := s.DB().QueryRow(`SELECT value_usd FROM trade_bilateral WHERE dataset = 'imf' AND reporter = ? AND flow = ? AND partner = ? AND year = ?`,
			c.reporter, c.flow, c.partner, c.year).Scan(&v); err != nil || !closeTo(v, c.millions*1e6, 1e-3) {
			t.Errorf("%s %s %s %d = %v (%v), want %v million", c.reporter, c.flow, c.partner, c.year, v, err, c.millions)
		}
	}
	cells := estimatedCells(t, load)
	var estimated, kept int
	if err := s.DB().QueryRow(`SELECT (SELECT count(*) FROM trade WHERE dataset = 'imf' AND is_estimate),
		(SELECT sum(estimated) FROM trade_bilateral WHERE dataset = 'imf')`).Scan(&estimated, &kept); err != nil || estimated != cells || kept != cells {
		t.Errorf("estimated rows %d, counted in the totals %d (%v); the workbooks hold %d estimated cells", estimated, kept, err, cells)
	}

	want := map[string][3]float64{} // year: intra, China, Russia (per cent)
	rows, err := s.DB().Query(`
		WITH c5(c) AS (VALUES ('KAZ'), ('KGZ'), ('TJK'), ('TKM'), ('UZB')),
		t AS (SELECT year, reporter, partner, sum(value) AS v FROM trade
		      WHERE dataset = 'imf' AND flow IN ('X', 'M') AND reporter IN (SELECT c FROM c5) GROUP BY ALL)
		SELECT year::VARCHAR,
		       100 * sum(v) FILTER (WHERE partner IN (SELECT c FROM c5) AND partner <> reporter) / sum(v) FILTER (WHERE partner = 'WLD'),
		       100 * sum(v) FILTER (WHERE partner = 'CHN') / sum(v) FILTER (WHERE partner = 'WLD'),
		       100 * sum(v) FILTER (WHERE partner = 'RUS') / sum(v) FILTER (WHERE partner = 'WLD')
		FROM t GROUP BY year
		HAVING count(DISTINCT reporter) FILTER (WHERE partner = 'WLD') = 5`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var y string
		var v [3]float64
		if err := rows.Scan(&y, &v[0], &v[1], &v[2]); err != nil {
			t.Fatal(err)
		}
		want[y] = v
	}
	rows.Close()
	seen := 0
	for _, r := range rowsOf(t, s, "regional-shares", report.Params{Group: "C5", Dataset: "imf"}) {
		w, ok := want[r["year"]]
		if !ok {
			continue
		}
		seen++
		for i, col := range []string{"intra_share_pct", "china_share_pct", "russia_share_pct"} {
			if got := num(t, r[col]); !closeTo(got, w[i], 1e-9) {
				t.Errorf("%s %s = %v, plain SQL gives %v", r["year"], col, got, w[i])
			}
		}
		if r["complete"] != "true" || r["mirror_share_pct"] != "0" {
			t.Errorf("%s: complete %s, mirror share %s: every member reports in DOTS", r["year"], r["complete"], r["mirror_share_pct"])
		}
	}
	if seen < 25 {
		t.Fatalf("%d years compared, want the 28 from 1993", seen)
	}
	// PROVENANCE.md's figures, derived from the same workbooks by the
	// helper that collected them (rounded to 0.01).
	for y, w := range map[string][3]float64{"2019": {8.04, 20.91, 18.47}, "2020": {8.93, 19.81, 19.60}} {
		for i := range w {
			if !closeTo(want[y][i], w[i], 0.005) {
				t.Errorf("%s share %d = %.4f, PROVENANCE.md says %.2f", y, i, want[y][i], w[i])
			}
		}
	}
}

// estimatedCells counts the cells written "... e" in the workbooks'
// partner rows whose partner is not an aggregate.
func estimatedCells(t *testing.T, paths []string) int {
	codes := country.Default()
	n := 0
	for _, p := range paths {
		f, err := excelize.OpenFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, sheet := range []string{"Exports, FOB", "Imports, CIF"} {
			rows, err := f.GetRows(sheet)
			if err != nil {
				t.Fatal(err)
			}
			for _, row := range rows[7:] {
				if len(row) < 2 {
					continue
				}
				if c, ok := codes.Lookup(country.Name, row[1]); !ok || c.IsAggregate() {
					continue
				}
				for _, v := range row[2:] {
					if strings.HasSuffix(v, " e") {
						n++
					}
				}
			}
		}
		f.Close()
	}
	if n == 0 {
		t.Fatal("no estimated cells in the workbooks")
	}
	return n
}
