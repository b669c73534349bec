package report_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tradepipe/tradepipe/bench/gen"
	"github.com/tradepipe/tradepipe/sql/report"
	"github.com/tradepipe/tradepipe/sql/store"
	"github.com/tradepipe/tradepipe/sql/store/storetest"
)

// The cases of issue 12, each on a fixture of its own in
// testdata/cases (see its README): every figure is right, or empty with
// the reason, never a confident wrong number. Expected values are worked
// out by hand from the fixtures' round numbers (millions of USD).

func caseStore(t *testing.T, files ...string) *store.Store {
	t.Helper()
	s := storetest.Open(t)
	for _, f := range files {
		storetest.Load(t, s, "d", filepath.Join("testdata", "cases", f))
	}
	return s
}

func near(t *testing.T, what, got string, want float64) {
	t.Helper()
	if v := num(t, got); math.Abs(v-want) > 1e-9*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %v, want %v", what, v, want)
	}
}

// Case 1: Turkmenistan mirrored from six reporters is a lower bound: the
// headline's shares are empty and say why; with Turkmenistan's own
// figures (as the IMF gives them) the year is complete and right.
func TestCaseMirrorFromFewReporters(t *testing.T) {
	t.Parallel()
	s := caseStore(t, "1_mirror/c5_and_partners_2019.csv")
	r := rowsOf(t, s, "regional-shares", report.Params{})[0]
	if r["intra_share_pct"] != "" || r["china_share_pct"] != "" || r["complete"] != "false" ||
		!strings.Contains(r["incomplete_reason"], "TKM exports 2019: mirror from 6 reporters") ||
		!strings.Contains(r["incomplete_reason"], "TKM imports 2019: mirror from 6 reporters") {
		t.Errorf("mirrored TKM: %v", r)
	}
	cov := rowsOf(t, s, "coverage", report.Params{})
	for _, c := range cov {
		if c["member"] == "TKM" && (c["source"] != "mirror" || c["reporters"] != "6" || c["complete"] != "false" ||
			c["to_complete"] != "Comtrade+ partner=795, all reporters, 2019; or an IMF direction-of-trade file for TKM") {
			t.Errorf("coverage of TKM: %v", c)
		}
	}

	s = caseStore(t, "1_mirror/c5_and_partners_2019.csv", "1_mirror/tkm_imf_2019.csv")
	r = rowsOf(t, s, "regional-shares", report.Params{})[0]
	// Totals 400 + 90 + 40 + 130 + 80 = 740; intra 60 + 25 + 15 + 43 + 17
	// = 160; China 100 + 25 + 8 + 40 + 50 = 223; Russia 120 + 25 + 10 + 32
	// + 6 = 193; the rest 164.
	if r["complete"] != "true" || r["incomplete_reason"] != "" {
		t.Errorf("with TKM's own figures: complete %s, %q", r["complete"], r["incomplete_reason"])
	}
	near(t, "intra", r["intra_share_pct"], 100*160.0/740)
	near(t, "china", r["china_share_pct"], 100*223.0/740)
	near(t, "russia", r["russia_share_pct"], 100*193.0/740)
	near(t, "rest", r["rest_share_pct"], 100*164.0/740)
	near(t, "total", r["total_trade_usd"], 740e6)
}

// Case 2: a partner that is not in the file is unknown, not 0.00; a group
// with no data of its own (ASEAN: a mirror of Thailand from one importer)
// is empty, not a line at 0.
func TestCasePartnerNotInTheFile(t *testing.T) {
	t.Parallel()
	s := caseStore(t, "2_partner_missing/kaz_world_and_china_2019.csv")
	r := rowsOf(t, s, "partner-shares", report.Params{})[0]
	near(t, "China share", r["china_share_pct"], 100*(8000+6800.0)/(58000+39700))
	if r["russia_share_pct"] != "" || r["intra_share_pct"] != "" || r["rest_share_pct"] != "" || r["complete"] != "false" ||
		!strings.Contains(r["incomplete_reason"], "KAZ exports 2019: its partner rows add up to 14% of its total, with no row for KGZ, RUS, TJK, TKM, UZB") {
		t.Errorf("KAZ with World and China only: %v", r)
	}
	g := rowsOf(t, s, "regional-shares", report.Params{})[0]
	if g["compare_group"] != "ASEAN" || g["compare_intra_share_pct"] != "" {
		t.Errorf("ASEAN beside: %q %q", g["compare_group"], g["compare_intra_share_pct"])
	}
}

// Case 3: the same total under two classifications, and a WITS file of
// the same imports, are counted once: H5, the one with World rows, newest
// HS; the note names what was set aside.
func TestCaseTwoClassifications(t *testing.T) {
	t.Parallel()
	s := caseStore(t, "3_classifications/kaz_h5_and_s4_2019.csv", "3_classifications/kazakhstan_wits_imports_2019.csv")
	tab, err := report.Run(context.Background(), s, "partner-shares", report.Params{})
	if err != nil {
		t.Fatal(err)
	}
	r := rowsOf(t, s, "partner-shares", report.Params{})[0]
	near(t, "total", r["total_trade_usd"], 200e6)
	near(t, "China", r["china_share_pct"], 25)
	near(t, "Russia", r["russia_share_pct"], 40)
	// The H5 rows add up to the World rows: a member with no row is a
	// true zero.
	near(t, "intra", r["intra_share_pct"], 0)
	near(t, "rest", r["rest_share_pct"], 35)
	notes := strings.Join(tab.Notes, "\n")
	if !strings.Contains(notes, "KAZ 2019 exports: H5 used, S4 set aside; KAZ 2019 imports: H5 used, S4, (none) set aside") {
		t.Errorf("notes: %s", notes)
	}
}

// Case 4: HS 27, 2709 and 270900 with no TOTAL count at one level, the
// coarsest: 40, not 100.
func TestCaseNestedProductLevels(t *testing.T) {
	t.Parallel()
	s := caseStore(t, "4_levels/kaz_hs27_levels_2019.csv")
	r := rowsOf(t, s, "partner-shares", report.Params{Flows: "X"})[0]
	near(t, "exports", r["total_trade_usd"], 40e9)
	near(t, "China", r["china_share_pct"], 20)
}

// Case 5: three months are not the year.
func TestCasePartYear(t *testing.T) {
	t.Parallel()
	s := caseStore(t, "5_part_year/kgz_jan_mar_2019.csv")
	r := rowsOf(t, s, "regional-shares", report.Params{})[0]
	if r["complete"] != "false" || r["intra_share_pct"] != "" || !strings.Contains(r["incomplete_reason"], "KGZ exports 2019: 3 of 12 months") {
		t.Errorf("part year: %v", r)
	}
	for _, c := range rowsOf(t, s, "coverage", report.Params{}) {
		if c["member"] == "KGZ" && (c["complete"] != "false" || c["to_complete"] != "the other 9 months of 2019, or an annual file") {
			t.Errorf("coverage: %v", c)
		}
	}
}

// Case 6: services are kept (status counts them) but never enter goods
// totals, even for a partner with no goods row.
func TestCaseServicesApart(t *testing.T) {
	t.Parallel()
	s := caseStore(t, "6_services/tha_goods_2019.csv", "6_services/tha_services_2019.csv")
	r := rowsOf(t, s, "partner-shares", report.Params{Group: "ASEAN", Flows: "X"})[0]
	if r["top_partners"] != "CHN 30.0%; SGP 25.0%; JPN 20.0%; MYS 15.0%; DEU 10.0%" {
		t.Errorf("top partners %q", r["top_partners"])
	}
	near(t, "exports", r["total_trade_usd"], 100e9)
	near(t, "intra", r["intra_share_pct"], 40)
	st, err := s.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Services["d"] != 2 || st.Datasets["d"] != 8 {
		t.Errorf("status: %d services rows of %d", st.Services["d"], st.Datasets["d"])
	}
}

// Case 7: on reporter data the pair bases take each member's total from
// its World rows, not the sum of the pairs loaded, and the mirror share
// says what was mirrored under every basis.
func TestCaseFlowBasesOnReporterData(t *testing.T) {
	t.Parallel()
	s := caseStore(t, "7_flow_bases/kaz_and_chn_2019.csv")
	rows := rowsOf(t, s, "partner-shares", report.Params{Basis: "importer-first", Partial: "show"})
	for _, r := range rows {
		switch r["member"] {
		case "KAZ":
			// importer-first: KAZ->CHN is China's 106 / 1.06, CHN->KAZ
			// Kazakhstan's 212 / 1.06; the total its World rows, 1800.
			near(t, "KAZ total", r["total_trade_usd"], 1800e6)
			near(t, "KAZ China", r["china_share_pct"], 100*300.0/1800)
		case "TKM":
			// mirrored: exports 53 / 1.06, imports (10 + 30) * 1.06
			near(t, "TKM total", r["total_trade_usd"], 92.4e6)
			near(t, "TKM mirror share", r["mirror_share_pct"], 100)
		}
	}
	if len(rows) != 2 {
		t.Errorf("rows %v", rows)
	}
}

// With a whole world matrix (BACI-shaped data with every country, from the
// bench's generator) every year is complete, and the headline equals an
// independent computation over the CSV files in plain DuckDB SQL.
func TestWorldMatrixEqualsPlainSQL(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t)
	dir := t.TempDir()
	var paths []string
	for i, year := range []int{2018, 2019} {
		p := filepath.Join(dir, fmt.Sprintf("BACI_HS17_Y%d_V202401.csv", year))
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := gen.WriteBACI(f, gen.Options{Rows: 30000, Year: year, KeySeed: 7, ValueSeed: uint64(i + 1)}); err != nil {
			t.Fatal(err)
		}
		f.Close()
		paths = append(paths, p)
	}
	storetest.Load(t, s, "baci", paths...)
	got := rowsOf(t, s, "regional-shares", report.Params{Dataset: "baci"})
	q := `WITH raw AS (
	    SELECT t AS year, ci.country AS e, cj.country AS m, v
	    FROM read_csv(?, header = true, columns = {'t': 'INTEGER', 'i': 'VARCHAR', 'j': 'VARCHAR', 'k': 'VARCHAR', 'v': 'DOUBLE', 'q': 'DOUBLE'}) r
	    JOIN country_codes ci ON ci.scheme = 'numeric' AND ci.code = ltrim(r.i, '0')
	    JOIN country_codes cj ON cj.scheme = 'numeric' AND cj.code = ltrim(r.j, '0')
	), g(c) AS (VALUES ('KAZ'), ('KGZ'), ('TJK'), ('TKM'), ('UZB')),
	a(c) AS (VALUES ('IDN'), ('MYS'), ('PHL'), ('SGP'), ('THA'), ('BRN'), ('VNM'), ('LAO'), ('MMR'), ('KHM'))
	SELECT year,
	       100 * 2 * sum(v) FILTER (WHERE e IN (SELECT c FROM g) AND m IN (SELECT c FROM g))
	           / (sum(v) FILTER (WHERE e IN (SELECT c FROM g)) + sum(v) FILTER (WHERE m IN (SELECT c FROM g))),
	       100 * (sum(v) FILTER (WHERE e IN (SELECT c FROM g) AND m = 'CHN') + sum(v) FILTER (WHERE m IN (SELECT c FROM g) AND e = 'CHN'))
	           / (sum(v) FILTER (WHERE e IN (SELECT c FROM g)) + sum(v) FILTER (WHERE m IN (SELECT c FROM g))),
	       100 * (sum(v) FILTER (WHERE e IN (SELECT c FROM g) AND m = 'RUS') + sum(v) FILTER (WHERE m IN (SELECT c FROM g) AND e = 'RUS'))
	           / (sum(v) FILTER (WHERE e IN (SELECT c FROM g)) + sum(v) FILTER (WHERE m IN (SELECT c FROM g))),
	       100 * 2 * sum(v) FILTER (WHERE e IN (SELECT c FROM a) AND m IN (SELECT c FROM a))
	           / (sum(v) FILTER (WHERE e IN (SELECT c FROM a)) + sum(v) FILTER (WHERE m IN (SELECT c FROM a)))
	FROM raw GROUP BY year ORDER BY year`
	rows, err := s.DB().QueryContext(context.Background(), q, paths)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	i := 0
	for ; rows.Next(); i++ {
		var year int
		var intra, china, russia, asean float64
		if err := rows.Scan(&year, &intra, &china, &russia, &asean); err != nil {
			t.Fatal(err)
		}
		if i >= len(got) || got[i]["year"] != fmt.Sprint(year) {
			t.Fatalf("year %d: report rows %v", year, got)
		}
		r := got[i]
		if r["complete"] != "true" || r["incomplete_reason"] != "" {
			t.Errorf("%d: complete %s, %q", year, r["complete"], r["incomplete_reason"])
		}
		near(t, fmt.Sprint(year, " intra"), r["intra_share_pct"], intra)
		near(t, fmt.Sprint(year, " China"), r["china_share_pct"], china)
		near(t, fmt.Sprint(year, " Russia"), r["russia_share_pct"], russia)
		near(t, fmt.Sprint(year, " ASEAN"), r["compare_intra_share_pct"], asean)
	}
	if i != 2 || len(got) != 2 {
		t.Errorf("%d years from SQL, %d from the report", i, len(got))
	}
}
