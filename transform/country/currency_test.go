package country

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func currencies(t *testing.T) *Currencies {
	t.Helper()
	c, err := LoadCurrencies()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The currency in force each year, as the public record has it (the
// central banks' dates in currency_changes.csv's sources).
func TestCurrencyIn(t *testing.T) {
	c := currencies(t)
	for _, tc := range []struct {
		country string
		year    int
		want    string
	}{
		{"TKM", 1993, "RUR"}, {"TKM", 1994, "TMM"}, {"TKM", 2008, "TMM"}, {"TKM", 2009, "TMT"}, {"TKM", 2024, "TMT"},
		{"TJK", 1994, "RUR"}, {"TJK", 1995, "TJR"}, {"TJK", 2000, "TJR"}, {"TJK", 2001, "TJS"},
		{"KAZ", 1993, "RUR"}, {"KAZ", 1994, "KZT"},
		{"KGZ", 1992, "RUR"}, {"KGZ", 1993, "KGS"},
		{"UZB", 1993, "RUR"}, {"UZB", 1995, "UZS"},
		{"RUS", 1997, "RUR"}, {"RUS", 1998, "RUB"},
		{"HRV", 2022, "HRK"}, {"HRV", 2023, "EUR"},
		{"BGR", 1998, "BGL"}, {"BGR", 2000, "BGN"}, {"BGR", 2025, "BGN"}, {"BGR", 2026, "EUR"},
		{"DEU", 1998, "DEM"}, {"DEU", 1999, "EUR"}, // the euro from 1999, notes from 2002
		{"PAN", 2019, "PAB"}, // not USD, which Panama also uses: its own is its currency
		{"CHN", 1960, "CNY"},
	} {
		if got, ok := c.In(tc.country, tc.year); !ok || got != tc.want {
			t.Errorf("%s %d: %q %v, want %s", tc.country, tc.year, got, ok, tc.want)
		}
	}
	if got, ok := c.In("XXX", 2000); ok {
		t.Errorf("unknown country: %q", got)
	}
}

// WDI restates a series in the unit of the last redenomination it
// reaches: Tajikistan's 1992 rate (0.002468) is in somoni, Turkmenistan's
// (1994-2001, 5200 in 2001) in old manat, Croatia's before 2023 in kuna.
func TestSeriesCurrency(t *testing.T) {
	c := currencies(t)
	for _, tc := range []struct {
		country    string
		year, last int
		want       string
	}{
		{"TKM", 1994, 2001, "TMM"}, {"TKM", 2001, 2001, "TMM"}, {"TKM", 2001, 2024, "TMT"},
		{"TJK", 1992, 2024, "TJS"}, {"TJK", 1999, 2024, "TJS"}, {"TJK", 1999, 1999, "TJR"},
		{"HRV", 2020, 2024, "HRK"}, {"HRV", 1993, 2024, "HRK"}, {"HRV", 2023, 2024, "EUR"},
		{"RUS", 1993, 2023, "RUB"}, {"BGR", 1995, 2024, "BGN"}, {"DEU", 1998, 2024, "DEM"},
		{"KAZ", 2019, 2024, "KZT"},
	} {
		if got, _ := c.SeriesCurrency(tc.country, tc.year, tc.last); got != tc.want {
			t.Errorf("%s %d (series to %d): %s, want %s", tc.country, tc.year, tc.last, got, tc.want)
		}
	}
}

// The generated seed holds what ISO's lists hold: each row of
// codes-all.csv for a country is in iso4217.csv with its code, numeric
// code and withdrawal month, read here with encoding/csv.
func TestISO4217SeedMatchesTheLists(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "realdata", "currencies", "codes-all.csv")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("real data not present (%s): skipping; these tests run where ../shared/realdata exists", path)
	}
	defer f.Close()
	raw, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	seed := readSeedFile(t, "iso4217.csv")
	got := map[string]string{}
	for _, r := range seed[1:] {
		got[r[4]+"|"+r[1]] = r[2] + "|" + r[3]
	}
	checked := 0
	for _, r := range raw[1:] {
		entity, code, num, w := r[0], r[2], r[3], r[5]
		v, ok := got[entity+"|"+code]
		if !ok {
			continue // not a country (the IMF, bond markets), or listed under its other name
		}
		checked++
		gnum, gw, _ := strings.Cut(v, "|")
		if gnum != num {
			t.Errorf("%s %s: numeric %s, list %s", entity, code, gnum, num)
		}
		if w == "" && gw != "" {
			// listed twice, once current: the seed keeps it current
			t.Errorf("%s %s: withdrawn %s in the seed, in force in the list", entity, code, gw)
		}
		if len(w) == 7 && gw != "" && gw < w {
			t.Errorf("%s %s: withdrawn %s in the seed, %s in the list", entity, code, gw, w)
		}
	}
	if checked < 350 {
		t.Errorf("only %d list rows found in the seed", checked)
	}
	for _, want := range []string{"TURKMENISTAN|TMM|795|2009-01", "TAJIKISTAN|TJR|762|2001-04", "CROATIA|HRK|191|2023-01", "BULGARIA|BGN|975|2026-01"} {
		p := strings.Split(want, "|")
		if got[p[0]+"|"+p[1]] != p[2]+"|"+p[3] {
			t.Errorf("%s: seed has %q", want, got[p[0]+"|"+p[1]])
		}
	}
}
