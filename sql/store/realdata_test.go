package store

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// realData is ../shared/realdata beside the repository (see its
// PROVENANCE.md); tests that need it skip where it is absent.
func realData(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "realdata")
	if _, err := os.Stat(filepath.Join(dir, "PROVENANCE.md")); err != nil {
		t.Skipf("real data not present (%s): skipping; these tests run where ../shared/realdata exists", dir)
	}
	return dir
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b)) }

// TestRealFiles loads every real CSV whose layout tradepipe reads and
// checks the spot values PROVENANCE.md lists.
func TestRealFiles(t *testing.T) {
	t.Parallel()
	dir := realData(t)
	s := openTest(t)
	files := []struct {
		glob    string
		dataset string
		rows    int64 // per file; 0: not checked
	}{
		{"comtrade_plus_dissertation-final/comtrade_kaz_reporter.csv", "comtrade", 327},
		{"comtrade_plus_dissertation-final/comtrade_chn_reporter.csv", "comtrade", 352},
		{"imf_ifs_fx_codeforIATI/imf_exchangerates_A_ENDA_USD.csv", "", 0}, // one rate per currency and year: fx_test.go
		{"worldbank_wdi_fcrf_GlobalConflictFXStress/API_PA.NUS.FCRF_DS2_en_csv_v2_22859.csv", "", 0},
		{"wits_partner_timeseries_phylogeography_efp/*.csv", "wits", 0},
	}
	for _, f := range files {
		paths, _ := filepath.Glob(filepath.Join(dir, f.glob))
		if len(paths) == 0 {
			t.Fatalf("no file matches %s", f.glob)
		}
		for _, p := range paths {
			for _, r := range loadFile(t, s, p, LoadOptions{Dataset: f.dataset}) {
				if r.Status != Loaded {
					t.Errorf("%s: %s %v", p, r.Status, r.Err)
					continue
				}
				if f.rows > 0 && r.Rows != f.rows {
					t.Errorf("%s: %d rows, want %d", p, r.Rows, f.rows)
				}
			}
		}
	}

	value := func(q string, args ...any) float64 {
		t.Helper()
		var v float64
		if err := s.db.QueryRowContext(context.Background(), q, args...).Scan(&v); err != nil {
			t.Errorf("%s %v: %v", q, args, err)
		}
		return v
	}
	// World Bank WDI, PA.NUS.FCRF (LCU per USD).
	for _, c := range []struct {
		country string
		year    int
		want    float64
	}{
		{"KAZ", 2019, 382.747310606061}, {"KGZ", 2019, 69.7893491807476}, {"TJK", 2019, 9.53036666666667},
		{"UZB", 2019, 8836.7875}, {"CHN", 2019, 6.90838500992901}, {"RUS", 2019, 64.7376583333333},
		{"KAZ", 2024, 468.9625}, {"TKM", 2001, 5200},
	} {
		if got := value(`SELECT per_usd FROM fx_rates WHERE dataset = 'wdi-fx' AND country = ? AND year = ?`, c.country, c.year); !near(got, c.want) {
			t.Errorf("WDI %s %d = %v, want %v", c.country, c.year, got, c.want)
		}
	}
	var n int
	s.db.QueryRow(`SELECT count(*) FROM fx_rates WHERE dataset = 'wdi-fx' AND country IN ('WLD', 'EAS', 'HIC', 'ECS')`).Scan(&n)
	if n != 0 {
		t.Errorf("World Bank aggregates loaded as countries: %d rows", n)
	}
	if got := value(`SELECT count(*) FROM fx_rates WHERE dataset = 'wdi-fx' AND country = 'RUS' AND year IN (1994, 1995, 2024)`); got != 0 {
		t.Errorf("empty WDI cells loaded: %v rows", got)
	}
	// IMF: the same annual averages, and RUB 2024, which the WB file lacks.
	if got := value(`SELECT per_usd FROM fx_rates WHERE dataset = 'imf-fx' AND currency = 'KZT' AND year = 2019`); math.Abs(got-382.7473) > 1e-4 {
		t.Errorf("IMF KZT 2019 = %v", got)
	}
	if got := value(`SELECT count(*) FROM fx_rates WHERE dataset = 'imf-fx' AND currency = 'RUB' AND year = 2024`); got != 1 {
		t.Errorf("IMF RUB 2024 rows = %v", got)
	}
	// WITS partner time series: US$ thousand, stored in USD.
	for _, c := range []struct {
		reporter, partner string
		year              int
		want              float64
	}{
		{"KAZ", "CHN", 2019, 6788625829}, {"KAZ", "CHN", 2021, 8228456853}, {"KAZ", "RUS", 2019, 14312092750},
		{"KAZ", "UZB", 2019, 1418571255}, {"UZB", "KAZ", 2019, 1897813583}, {"KGZ", "CHN", 2019, 1734970508},
	} {
		if got := value(`SELECT value FROM trade WHERE dataset = 'wits' AND reporter = ? AND partner = ? AND year = ? AND flow = 'M'`,
			c.reporter, c.partner, c.year); !near(got, c.want) {
			t.Errorf("WITS %s from %s %d = %v, want %v", c.reporter, c.partner, c.year, got, c.want)
		}
	}
	// Comtrade+: primaryValue in USD, TOTAL rows.
	for _, c := range []struct {
		reporter, flow, partner string
		year                    int
		want                    float64
	}{
		{"KAZ", "X", "CHN", 2014, 9799418417}, {"KAZ", "X", "CHN", 2019, 8003866693.43}, {"KAZ", "X", "CHN", 2024, 14897477202.63},
		{"KAZ", "M", "CHN", 2023, 16772250496.13}, {"KAZ", "X", "WLD", 2019, 58065248748.74}, {"KAZ", "M", "WLD", 2024, 59787310605.21},
		{"CHN", "M", "KAZ", 2019, 8861855362}, {"CHN", "X", "KAZ", 2023, 24696909997}, {"CHN", "X", "WLD", 2014, 2342292696320},
	} {
		if got := value(`SELECT value FROM trade WHERE dataset = 'comtrade' AND reporter = ? AND flow = ? AND partner = ? AND year = ? AND product = 'TOTAL'`,
			c.reporter, c.flow, c.partner, c.year); !near(got, c.want) {
			t.Errorf("Comtrade+ %s %s %s %d = %v, want %v", c.reporter, c.flow, c.partner, c.year, got, c.want)
		}
	}
	if got := value(`SELECT value FROM trade WHERE dataset = 'comtrade' AND reporter = 'KAZ' AND flow = 'X' AND partner = 'CHN' AND year = 2019 AND product = '26'`); !near(got, 1122228171.67) {
		t.Errorf("Comtrade+ KAZ X CHN 2019 HS26 = %v", got)
	}
}
