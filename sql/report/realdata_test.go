package report_test

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tradepipe/tradepipe/sql/report"
	"github.com/tradepipe/tradepipe/sql/store/storetest"
	"github.com/tradepipe/tradepipe/transform/country"
)

func realData(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "realdata")
	if _, err := os.Stat(filepath.Join(dir, "PROVENANCE.md")); err != nil {
		t.Skipf("real data not present (%s): skipping; these tests run where ../shared/realdata exists", dir)
	}
	return dir
}

func closeTo(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// Kazakhstan's reported trade with China from the real Comtrade+ files
// equals its TOTAL rows, not TOTAL plus the HS chapters beside them.
func TestRealComtradeKazakhstanChina(t *testing.T) {
	t.Parallel()
	dir := realData(t)
	s := storetest.Open(t)
	storetest.Load(t, s, "comtrade",
		filepath.Join(dir, "comtrade_plus_dissertation-final", "comtrade_kaz_reporter.csv"),
		filepath.Join(dir, "comtrade_plus_dissertation-final", "comtrade_chn_reporter.csv"))
	rows := rowsOf(t, s, "partner-shares", report.Params{})
	// PROVENANCE.md spot values (USD): exports to CHN, imports from CHN, exports to World, imports from World.
	want := map[string][4]float64{
		"2014": {9799418417, 7357220265, 79458749145, 41295455969},
		"2019": {8003866693.43, 6788625828.84, 58065248748.74, 39708836450.91},
		"2023": {14758685491.52, 16772250496.13, 78735590866.92, 61160501425.8},
		"2024": {14897477202.63, 15153469835.46, 81612893051.23, 59787310605.21},
	}
	seen := 0
	for _, r := range rows {
		w, ok := want[r["year"]]
		if r["member"] != "KAZ" || !ok {
			continue
		}
		seen++
		total := w[2] + w[3]
		if got := num(t, r["total_trade_usd"]); !closeTo(got, total, 1e-3) {
			t.Errorf("%s total = %v, want %v", r["year"], got, total)
		}
		if got, exp := num(t, r["china_share_pct"]), 100*(w[0]+w[1])/total; !closeTo(got, exp, 1e-9) {
			t.Errorf("%s China share = %v, want %v", r["year"], got, exp)
		}
		if r["mirror_share_pct"] != "0" {
			t.Errorf("%s: KAZ reported, but mirror share %s", r["year"], r["mirror_share_pct"])
		}
		// The file lists World and China only: Russia and the other
		// members are unknown, not zero.
		if r["russia_share_pct"] != "" || r["intra_share_pct"] != "" || r["rest_share_pct"] != "" || r["complete"] != "false" ||
			!strings.Contains(r["incomplete_reason"], "KAZ exports "+r["year"]+": its partner rows add up to") ||
			!strings.Contains(r["incomplete_reason"], "no row for KGZ, RUS, TJK, TKM, UZB") {
			t.Errorf("%s: Russia %q, intra %q, complete %s, reason %q", r["year"], r["russia_share_pct"], r["intra_share_pct"],
				r["complete"], r["incomplete_reason"])
		}
	}
	if seen != 4 {
		t.Errorf("KAZ rows for the spot years: %d, want 4 (%v)", seen, rows)
	}
	// coverage says what to download for the partners.
	for _, r := range rowsOf(t, s, "coverage", report.Params{From: 2019, To: 2019}) {
		if r["member"] == "KAZ" && (r["source"] != "reported" || r["complete"] != "false" || r["to_complete"] != "Comtrade+ reporter=398, all partners, 2019") {
			t.Errorf("coverage %v", r)
		}
	}
}

// The WITS partner series (imports only, no World rows): each reporter's
// import shares equal an independent computation from the CSV itself.
func TestRealWITSImportShares(t *testing.T) {
	t.Parallel()
	dir := realData(t)
	s := storetest.Open(t)
	paths, _ := filepath.Glob(filepath.Join(dir, "wits_partner_timeseries_phylogeography_efp", "*.csv"))
	storetest.Load(t, s, "wits", paths...)
	cs, _ := country.Load()

	// Independent: sum the year columns per reporter, skipping only the
	// aggregate partner rows the readers skip.
	type key struct{ reporter, year string }
	total, china, russia := map[key]float64{}, map[key]float64{}, map[key]float64{}
	for _, p := range paths {
		b, _ := os.ReadFile(p)
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		hdr := recs[0]
		for _, r := range recs[1:] {
			rep, _ := cs.Lookup(country.Name, r[0])
			par, _ := cs.Lookup(country.Name, r[1])
			if par.Kind == country.KindAggregate {
				continue
			}
			for j := 5; j < len(r); j++ {
				if r[j] == "" {
					continue
				}
				v, _ := strconv.ParseFloat(r[j], 64)
				k := key{rep.Code, hdr[j]}
				total[k] += v * 1000
				switch par.Code {
				case "CHN":
					china[k] += v * 1000
				case "RUS":
					russia[k] += v * 1000
				}
			}
		}
	}
	// Imports with no World row are partner-sums, complete only in a world
	// matrix: --partial show fills the shares to check them.
	rows := rowsOf(t, s, "partner-shares", report.Params{Flows: "M", Partial: "show"})
	checked := 0
	for _, r := range rows {
		k := key{r["member"], r["year"]}
		tot, ok := total[k]
		if !ok {
			continue // a member mirrored from the others' reports
		}
		checked++
		if got := num(t, r["total_trade_usd"]); !closeTo(got, tot, 1e-6*tot) {
			t.Errorf("%v imports = %v, want %v", k, got, tot)
		}
		if got := num(t, r["china_share_pct"]); !closeTo(got, 100*china[k]/tot, 1e-9) {
			t.Errorf("%v China share = %v, want %v", k, got, 100*china[k]/tot)
		}
		if got := num(t, r["russia_share_pct"]); !closeTo(got, 100*russia[k]/tot, 1e-9) {
			t.Errorf("%v Russia share = %v, want %v", k, got, 100*russia[k]/tot)
		}
	}
	if checked != len(total) || checked < 60 {
		t.Errorf("checked %d reporter-years, the files hold %d", checked, len(total))
	}
	// Spot value: Kazakhstan's imports from China, 2019 (US$ thousand 6788625.829).
	k := key{"KAZ", "2019"}
	if !closeTo(china[k], 6788625829, 1e-3) {
		t.Errorf("independent KAZ-CHN 2019 = %v", china[k])
	}
	// The headline no longer claims a 16% intra share for 2019: each
	// member's exports are mirrored from the other four importers only.
	for _, r := range rowsOf(t, s, "regional-shares", report.Params{From: 2019, To: 2019}) {
		if r["intra_share_pct"] != "" || r["complete"] != "false" ||
			!strings.Contains(r["incomplete_reason"], "KAZ exports 2019: mirror from 3 reporters") ||
			!strings.Contains(r["incomplete_reason"], "KAZ imports 2019: no World row") {
			t.Errorf("WITS 2019: intra %q, complete %s, reason %q", r["intra_share_pct"], r["complete"], r["incomplete_reason"])
		}
	}
	for _, r := range rowsOf(t, s, "partner-shares", report.Params{Flows: "X", From: 2019, To: 2019}) {
		if r["intra_share_pct"] != "" || r["complete"] != "false" {
			t.Errorf("WITS 2019 exports of %s: intra %q (they are mirrored from the C5 only)", r["member"], r["intra_share_pct"])
		}
	}
}

// The real exchange-rate files convert a local-currency sample to USD at
// the listed spot values.
func TestRealFXConversion(t *testing.T) {
	t.Parallel()
	dir := realData(t)
	s := storetest.Open(t)
	storetest.Load(t, s, "", filepath.Join(dir, "worldbank_wdi_fcrf_GlobalConflictFXStress", "API_PA.NUS.FCRF_DS2_en_csv_v2_22859.csv"))
	p := filepath.Join(t.TempDir(), "nso.csv")
	os.WriteFile(p, []byte("year,month,reporter,partner,flow,product,value,currency\n"+
		"2019,,KAZ,CHN,X,TOTAL,1000000000,KZT\n2019,,KGZ,RUS,M,TOTAL,1000000000,KGS\n"+
		"2019,,UZB,TUR,X,TOTAL,1000000000,UZS\n2019,,TJK,DEU,M,TOTAL,1000000000,TJS\n"), 0o644)
	storetest.Load(t, s, "nso", p)
	r := rowsOf(t, s, "regional-shares", report.Params{Dataset: "nso", Partial: "show"})[0]
	// PROVENANCE.md, World Bank 2019: KAZ 382.747310606061, KGZ 69.7893491807476, UZB 8836.7875, TJK 9.53036666666667.
	want := 1e9/382.747310606061 + 1e9/69.7893491807476 + 1e9/8836.7875 + 1e9/9.53036666666667
	if got := num(t, r["total_trade_usd"]); !closeTo(got, want, 1e-6) {
		t.Errorf("total = %.6f, want %.6f", got, want)
	}
	if got, exp := num(t, r["china_share_pct"]), 100*(1e9/382.747310606061)/want; !closeTo(got, exp, 1e-9) {
		t.Errorf("China share = %v, want %v", got, exp)
	}
}
