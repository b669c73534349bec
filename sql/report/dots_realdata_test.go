package report_test

import (
	"path/filepath"
	"testing"

	"github.com/tradepipe/tradepipe/sql/report"
	"github.com/tradepipe/tradepipe/sql/store/storetest"
)

// The IMF direction-of-trade workbooks of the C5, China, Russia and ASEAN
// in one dataset: regional-shares for the C5 equals a plain SQL
// computation over the trade rows (each member's exports and imports with
// the other members, China and Russia over its World rows), and the
// figures PROVENANCE.md derived from the same workbooks.
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
