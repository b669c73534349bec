package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/tradepipe/tradepipe/ingest"
	"github.com/tradepipe/tradepipe/transform/country"
)

func TestImpliedPeriod(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		freq        string
		year, month int32
		period      string
		want        bool
	}{
		{"A", 2019, 0, "2019", true},
		{"A", 2019, 0, "2018", false},
		{"A", 2019, 3, "2019", false}, // an annual rate has month 0
		{"A", 2019, 0, "2019-12-31", false},
		{"M", 2019, 3, "2019-03", true},
		{"M", 2019, 12, "2019-12", true},
		{"M", 2019, 3, "2019-3", false},
		{"M", 2019, 3, "2019-M03", false},
		{"M", 2019, 0, "2019-00", false},
		{"M", 2019, 13, "2019-13", false},
		{"Q", 2019, 3, "2019-Q1", false}, // only A and M are implied
		{"D", 2019, 3, "2019-03", false},
		{"D", 2019, 3, "2019-03-31", false},
	} {
		if got := impliedPeriod(c.freq, c.year, c.month, c.period); got != c.want {
			t.Errorf("impliedPeriod(%s, %d, %d, %q) = %v, want %v", c.freq, c.year, c.month, c.period, got, c.want)
		}
	}
}

// readRates is every rate the reader gives of path, by its line, year,
// month and frequency (a WDI line holds a country's years): what fx_rates
// would hold of it with no rule applied, as text, the currency first.
func readRates(t *testing.T, path string) map[string]string {
	t.Helper()
	srcs, err := ingest.Sources(path)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := country.Load()
	if err != nil {
		t.Fatal(err)
	}
	currencies, err := country.LoadCurrencies()
	if err != nil {
		t.Fatal(err)
	}
	fr, err := ingest.OpenReader(srcs[0], "", ingest.WithCodes(cs), ingest.WithCurrencies(currencies)) // as the store opens it
	if err != nil {
		t.Fatal(err)
	}
	defer fr.Close()
	out := map[string]string{}
	for fr.Next() {
		rec := fr.RecordBatch()
		str := func(c, i int) string { return rec.Column(c).(*array.String).Value(i) }
		for i := range int(rec.NumRows()) {
			key := join(fmt.Sprint(rec.Column(fxIn.line).(*array.Int64).Value(i)), fmt.Sprint(rec.Column(fxIn.year).(*array.Int32).Value(i)),
				fmt.Sprint(rec.Column(fxIn.month).(*array.Int32).Value(i)), str(fxIn.freq, i))
			out[key] = join(str(fxIn.currency, i), str(fxIn.country, i), str(fxIn.code, i), str(fxIn.period, i),
				fmt.Sprint(rec.Column(fxIn.perUSD).(*array.Float64).Value(i)))
		}
	}
	if err := fr.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFXRatesAsRead: the rates read back through the view fx_rates are the
// reader's, column for column, in every layout and every kind of period
// (annual, quarterly, monthly, daily; the period's text implied or kept):
// each row fx_rates holds is the reader's row of its line, and the rows
// it does not hold are those the load says it replaced or set aside. A
// currency differs only where the series was relabelled with the one a
// redenomination replaced (fx_series_currency: the WDI file's Turkmen
// series).
func TestFXRatesAsRead(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := []string{
		write(t, dir, "fx_long.csv", []byte("date_or_period,currency,per_usd\n2019,KGS,69.79\n2019-03,KGS,69.8\n2019-04,KZT,380.1\n2020,KZT,412.9\n")),
		write(t, dir, "imf.csv", []byte("Date,Rate,Currency,Frequency,Source,Country code,Country\n"+
			"2019-12-31,69.79,KGS,A,IMF,KG,Kyrgyz Republic\n2019-03-31,69.8,KGS,Q,IMF,KG,Kyrgyz Republic\n"+
			"2019-03-31,69.9,KGS,M,IMF,KG,Kyrgyz Republic\n2019-03-15,69.85,KGS,D,IMF,KG,Kyrgyz Republic\n"+
			"2019-12-31,0.89,EUR,A,IMF,U2,Euro area\n")),
		filepath.Join("testdata", "fx", "wdi_currencies.csv"),
	}
	sdmx, err := filepath.Glob(filepath.Join("..", "..", "ingest", "testdata", "sdmx", "*_er_*.csv"))
	if err != nil {
		t.Fatal(err)
	}
	sdmx2, _ := filepath.Glob(filepath.Join("..", "..", "ingest", "testdata", "sdmx", "*x*_2019.csv"))
	for _, p := range append(sdmx, sdmx2...) {
		if !strings.Contains(p, "imts") {
			files = append(files, p)
		}
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			s := openTest(t)
			res := loadFile(t, s, path, LoadOptions{})
			if len(res) != 1 || res[0].Status != Loaded {
				t.Fatalf("load: %+v", res)
			}
			want := readRates(t, path)
			got := textRows(t, s, `SELECT line, year, month, freq, currency, country, country_code, period, per_usd FROM fx_rates ORDER BY ALL`)
			if int64(len(got)) != res[0].Rows {
				t.Errorf("fx_rates holds %d rows, the load says %d", len(got), res[0].Rows)
			}
			for _, row := range got {
				f := strings.Split(row, "|")
				key, w := join(f[:4]...), want[join(f[:4]...)]
				wf := strings.Split(w, "|")
				if w == "" || !slices.Equal(f[5:], wf[1:]) {
					t.Errorf("%s: fx_rates %s, the reader %s", key, row, w)
					continue
				}
				if f[4] != wf[0] {
					var relabels int
					if err := s.db.QueryRow(`SELECT count(*) FROM currency_changes WHERE kind = 'redenomination'
						AND country = ? AND new_currency = ? AND old_currency = ?`, f[5], wf[0], f[4]).Scan(&relabels); err != nil || relabels == 0 {
						t.Errorf("%s: currency %s, the reader %s, and no redenomination between them (%v)", key, f[4], wf[0], err)
					}
				}
			}
			if len(got) == 0 {
				t.Fatal("no rates")
			}
			var implied int
			if err := s.db.QueryRow(`SELECT count(*) FROM fx_values WHERE period IS NULL`).Scan(&implied); err != nil {
				t.Fatal(err)
			}
			t.Logf("%d rates, %d of them with their period implied", len(got), implied)
		})
	}
}

// TestNarrowFXMigration: a database of schema version 13, its rates in the
// table fx_rates, holds the same rates, column for column, through the
// view once 014 ran, and takes a load after.
func TestNarrowFXMigration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.duckdb")
	db, err := openWritable(ctx, path, 0)
	if err != nil {
		t.Fatal(err)
	}
	old := &Store{db: db, path: path}
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.version > 13 {
			break
		}
		if err := old.apply(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	// The rates of two files of two datasets: implied and kept periods,
	// the same series in both files, a country-less union rate.
	if _, err := db.Exec(`INSERT INTO fx_rates VALUES
		('imf', 1, 2, 'KGZ', 'KG', 'KGS', 'A', 2019, 0, '2019', 69.79),
		('imf', 1, 3, 'KGZ', 'KG', 'KGS', 'M', 2019, 3, '2019-03', 69.8),
		('imf', 1, 4, 'KGZ', 'KG', 'KGS', 'Q', 2019, 0, '2019-Q1', 69.7),
		('imf', 1, 5, 'KGZ', 'KG', 'KGS', 'D', 2019, 3, '2019-03-15', 69.85),
		('imf', 1, 6, '', 'U2', 'EUR', 'A', 2019, 0, '2019', 0.89),
		('imf', 2, 2, 'KGZ', 'KG', 'KGS', 'A', 2020, 0, '2020', 77.35),
		('wdi', 3, 7, 'KAZ', 'Kazakhstan', 'KZT', 'A', 2019, 0, '2019', 382.75),
		('wdi', 3, 8, 'KAZ', 'Kazakhstan', 'KZT', 'M', 2019, 4, '2019M04', 380.1)`); err != nil {
		t.Fatal(err)
	}
	q := `SELECT * FROM fx_rates ORDER BY ALL`
	before := textRows(t, old, q)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if after := textRows(t, s, q); !slices.Equal(after, before) {
		t.Fatalf("after 014:\n%s\nbefore:\n%s", strings.Join(after, "\n"), strings.Join(before, "\n"))
	}
	if got := textRows(t, s, `SELECT count(*), count(period) FROM fx_values`); got[0] != "8|3" {
		t.Errorf("fx_values: %s rows and kept periods, want 8|3", got[0])
	}
	p := write(t, t.TempDir(), "fx.csv", []byte("date_or_period,currency,per_usd\n2021,KGS,84.64\n"))
	if res := loadFile(t, s, p, LoadOptions{Dataset: "imf"}); res[0].Status != Loaded {
		t.Fatalf("a load after 014: %+v", res[0])
	}
	if got := textRows(t, s, `SELECT count(*) FROM fx_rates WHERE dataset = 'imf'`); got[0] != "7" {
		t.Errorf("imf holds %s rates after a load, want 7", got[0])
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}
