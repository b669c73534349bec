package store

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fxRows reads back fx_rates as "currency year country per_usd".
func fxRows(t *testing.T, s *Store, dataset string) []string {
	t.Helper()
	return queryStrings(t, s, `SELECT currency || ' ' || year || ' ' || country || ' ' || per_usd FROM fx_rates WHERE dataset = ? ORDER BY ALL`, dataset)
}

// WDI names no currency: each rate is labelled with the one its series
// gives the year in, and fx_rates keeps one rate per currency and year.
// The expected rows are the fixture's figures, labelled by hand from the
// public record (TMM until 2008, the somoni restating the Tajik rouble,
// the kuna until 2022) and chosen by the documented rule.
func TestWDICurrenciesOverTime(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	r := loadFile(t, s, filepath.Join("testdata", "fx", "wdi_currencies.csv"), LoadOptions{Dataset: "wdi"})[0]
	if r.Status != Loaded || r.Rows != 12 {
		t.Fatalf("%+v", r)
	}
	want := []string{
		"DEM 1998 DEU 1.76",
		"EUR 2019 DEU 0.893", // two of the three euro copies give 0.893; Montenegro's 0.894 is set aside
		"EUR 2023 HRV 0.925",
		"FRF 1998 FRA 5.9",
		"HRK 2022 HRV 7.16",
		"TJS 1995 TJK 0.12",
		"TJS 1999 TJK 1.24",
		"TJS 2019 TJK 9.53",
		"TMM 1994 TKM 19.2", // the series ends in 2001: old manat, not TMT
		"TMM 1999 TKM 5200.0",
		"TMM 2001 TKM 5200.0",
		"USD 2019 USA 1.0", // the issuer's row, not Timor-Leste's 1.01
	}
	if got := fxRows(t, s, "wdi"); !slices.Equal(got, want) {
		t.Errorf("fx_rates:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The currencies are synced with the countries.
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM currencies WHERE country = 'TKM' AND currency IN ('RUR', 'TMM', 'TMT')`).Scan(&n); err != nil || n != 3 {
		t.Errorf("currencies for TKM: %d (%v)", n, err)
	}
	var ratio float64
	if err := s.db.QueryRow(`SELECT ratio FROM currency_changes WHERE old_currency = 'TMM' AND new_currency = 'TMT'`).Scan(&ratio); err != nil || ratio != 5000 {
		t.Errorf("TMM to TMT: %v (%v)", ratio, err)
	}
}

// On the real WDI and IMF files: one rate per currency and year, the
// figures those of the raw files (read with encoding/csv).
func TestRealFXOneRatePerCurrency(t *testing.T) {
	t.Parallel()
	dir := realData(t)
	s := openTest(t)
	wdiPath := filepath.Join(dir, "worldbank_wdi_fcrf_GlobalConflictFXStress", "API_PA.NUS.FCRF_DS2_en_csv_v2_22859.csv")
	imfPath := filepath.Join(dir, "imf_ifs_fx_codeforIATI", "imf_exchangerates_A_ENDA_USD.csv")
	for _, p := range []string{wdiPath, imfPath} {
		if r := loadFile(t, s, p, LoadOptions{})[0]; r.Status != Loaded {
			t.Fatal(r.Err)
		}
	}
	var dup int
	if err := s.db.QueryRow(`SELECT count(*) FROM (SELECT dataset, currency, freq, year, month FROM fx_rates GROUP BY ALL HAVING count(*) > 1)`).Scan(&dup); err != nil || dup != 0 {
		t.Errorf("%d currency-periods with more than one rate (%v)", dup, err)
	}
	// IMF: the file labels its rates; one row per currency and year of the raw file.
	f, err := os.Open(imfPath)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, r := range raw[1:] {
		keys[r[2]+" "+r[0][:4]] = true
	}
	var imf int
	s.db.QueryRow(`SELECT count(*) FROM fx_rates WHERE dataset = 'imf-fx'`).Scan(&imf)
	if imf != len(keys) {
		t.Errorf("imf-fx: %d rates, the raw file has %d currency-years", imf, len(keys))
	}
	// WDI: Turkmenistan's 1994-2001 rates are old manat; Bulgaria's 2019
	// rate is the lev's, Croatia's 2022 the kuna's (not the euro, their
	// currency today); the euro's 2019 rate is Germany's figure.
	wdi := map[string]string{}
	for _, r := range readWDI(t, wdiPath) {
		wdi[r[1]+" "+r[0]] = r[2]
	}
	for _, c := range []struct{ currency, year, country string }{
		{"TMM", "1994", "TKM"}, {"TMM", "2001", "TKM"}, {"BGN", "2019", "BGR"}, {"HRK", "2022", "HRV"},
		{"EUR", "2019", "DEU"}, {"TJS", "1995", "TJK"}, {"KZT", "2019", "KAZ"},
	} {
		var v float64
		if err := s.db.QueryRow(`SELECT per_usd FROM fx_rates WHERE dataset = 'wdi-fx' AND currency = ? AND year = ?`, c.currency, c.year).Scan(&v); err != nil {
			t.Errorf("%s %s: %v", c.currency, c.year, err)
			continue
		}
		var want float64
		if _, err := fmtSscan(wdi[c.country+" "+c.year], &want); err != nil || !near(v, want) {
			t.Errorf("%s %s: %v, raw %s %s %q", c.currency, c.year, v, c.country, c.year, wdi[c.country+" "+c.year])
		}
	}
	// Neither file's Turkmen series (1994-2001) is in new manat: the IMF
	// file labels it TMT, and it is relabelled TMM, its figures unchanged.
	var tmt int
	s.db.QueryRow(`SELECT count(*) FROM fx_rates WHERE currency = 'TMT'`).Scan(&tmt)
	if tmt != 0 {
		t.Errorf("%d rates labelled TMT: the series end in 2001, before the new manat", tmt)
	}
	imf2001 := ""
	for _, r := range raw[1:] {
		if r[2] == "TMT" && r[0][:4] == "2001" {
			imf2001 = r[1]
		}
	}
	var v float64
	var want float64
	fmt.Sscan(imf2001, &want)
	if err := s.db.QueryRow(`SELECT per_usd FROM fx_rates WHERE dataset = 'imf-fx' AND currency = 'TMM' AND year = 2001`).Scan(&v); err != nil || !near(v, want) || want != 5200 {
		t.Errorf("imf-fx TMM 2001: %v (%v), raw TMT 2001 %q", v, err, imf2001)
	}
}

// readWDI reads a WDI download as (year, country code, value) triples.
func readWDI(t *testing.T, path string) [][3]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitN(strings.TrimPrefix(string(b), "\ufeff"), "\n", 5)
	r := csv.NewReader(strings.NewReader(lines[4]))
	r.FieldsPerRecord = -1
	all, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out [][3]string
	for _, rec := range all[1:] {
		for i := 4; i < len(rec) && i < len(all[0]); i++ {
			if rec[i] != "" {
				out = append(out, [3]string{all[0][i], rec[1], rec[i]})
			}
		}
	}
	return out
}

func fmtSscan(s string, v *float64) (int, error) { return fmt.Sscan(s, v) }

// A first file of its dataset whose rows repeat no currency and period as
// labelled, but do once relabelled by their series' currency: the load
// still keeps one rate per currency and period. The IMF labels Turkmen
// rates of 2000-2001 TMT (the new manat of 2009): they are old manat, and
// the file's own TMM rate for 2001 is then a second copy, set aside by
// the rule's last key, the line (both are Turkmenistan's, by the issuer,
// with no figure more common than the other).
func TestFXRelabelledCopiesInAFirstFile(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "imf_exchangerates_A_ENDA_USD.csv")
	text := "Date,Rate,Currency,Frequency,Source,Country code,Country\n" +
		"2000-12-31,5200,TMT,A,IMF,TM,Turkmenistan\n" +
		"2001-12-31,5200,TMT,A,IMF,TM,Turkmenistan\n" +
		"2001-12-31,5199,TMM,A,IMF,TM,Turkmenistan\n" +
		"2001-12-31,1.1,EUR,A,IMF,U2,Euro area\n"
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	s := openTest(t)
	r := loadFile(t, s, p, LoadOptions{Dataset: "imf"})[0]
	if r.Status != Loaded || r.Rows != 3 || r.Replaced != 0 {
		t.Fatalf("%+v", r)
	}
	want := []string{"EUR 2001  1.1", "TMM 2000 TKM 5200.0", "TMM 2001 TKM 5200.0"}
	if got := fxRows(t, s, "imf"); !slices.Equal(got, want) {
		t.Errorf("fx_rates:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A second file of a dataset replaces the rates of the first for the same
// country, currency and period: the load that skips the replace for a
// dataset's first file does not skip it here.
func TestFXSecondFileReplaces(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := openTest(t)
	head := "Date,Rate,Currency,Frequency,Source,Country code,Country\n"
	for i, rows := range []string{
		"2000-12-31,1.08,EUR,A,IMF,U2,Euro area\n2001-12-31,1.1,EUR,A,IMF,U2,Euro area\n",
		"2001-12-31,1.12,EUR,A,IMF,U2,Euro area\n",
	} {
		p := filepath.Join(dir, fmt.Sprintf("%d", i), "imf_exchangerates_A_ENDA_USD.csv")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(head+rows), 0o644); err != nil {
			t.Fatal(err)
		}
		r := loadFile(t, s, p, LoadOptions{Dataset: "imf"})[0]
		if r.Status != Loaded || r.Replaced != int64(i) {
			t.Fatalf("file %d: %+v", i, r)
		}
	}
	want := []string{"EUR 2000  1.08", "EUR 2001  1.12"}
	if got := fxRows(t, s, "imf"); !slices.Equal(got, want) {
		t.Errorf("fx_rates:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Two files give one country's rate for the same currency and period
// under different codes (DE, then DEU), so replace_fx keeps both: the
// rule's key after the country, the newest file, keeps the second file's.
func TestFXNewestFileOfACountryKept(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := openTest(t)
	for i, rows := range []string{
		"2001,EUR,1.10,DE\n2002,EUR,1.05,DE\n",
		"2001,EUR,1.12,DEU\n",
	} {
		p := filepath.Join(dir, fmt.Sprintf("%d", i), "rates.csv")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("date_or_period,currency,per_usd,country\n"+rows), 0o644); err != nil {
			t.Fatal(err)
		}
		r := loadFile(t, s, p, LoadOptions{Dataset: "fx"})[0]
		if r.Status != Loaded || r.Replaced != int64(i) {
			t.Fatalf("file %d: %+v", i, r)
		}
	}
	want := []string{"EUR 2001 DEU 1.12", "EUR 2002 DEU 1.05"}
	if got := fxRows(t, s, "fx"); !slices.Equal(got, want) {
		t.Errorf("fx_rates:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
