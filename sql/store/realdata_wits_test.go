package store

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/tradepipe/tradepipe/ingest"
	"github.com/tradepipe/tradepipe/transform/country"
)

// TestRealWITS loads every real WITS download named in PROVENANCE.md and
// checks every row the database holds against the raw file, read here
// with encoding/csv and the file's own column names: one row per non-empty
// value, US$ thousand times 1000, aggregates left out.
func TestRealWITS(t *testing.T) {
	dir := realData(t)
	files := []struct {
		path, format, encoding string
	}{
		{"wits_downloads/WITS-Partner-Timeseries_USA_imports_QiaojuanTu.csv", "wits", ingest.EncodingWindows1252},
		{"wits_downloads/WITS-Partner_World_exports_2018_odibo1.csv", "wits-partner", ingest.EncodingWindows1252},
		{"wits_downloads/WITS-Partner_AUS_2021_ZebGirum.csv", "wits-partner", ingest.EncodingUTF8BOM},
		{"wits_downloads/WITS-Product_USA_from_CHN_2018_QiaojuanTu.csv", "wits-product", ingest.EncodingUTF8},
		{"wits_partner_timeseries_phylogeography_efp/Kazakhstan-WITS-Partner-Timeseries.csv", "wits", ingest.EncodingUTF8BOM},
		{"wits_partner_timeseries_phylogeography_efp/Kyrgzystan-WITS-Partner-Timeseries.csv", "wits", ingest.EncodingUTF8BOM},
		{"wits_partner_timeseries_phylogeography_efp/Tajikistan-WITS-Partner-Timeseries.csv", "wits", ingest.EncodingUTF8BOM},
		{"wits_partner_timeseries_phylogeography_efp/Turkmenistan-WITS-Partner-Timeseries.csv", "wits", ingest.EncodingUTF8BOM},
		{"wits_partner_timeseries_phylogeography_efp/Uzbekistan-WITS-Partner-Timeseries.csv", "wits", ingest.EncodingUTF8BOM},
	}
	s := openTest(t)
	for _, f := range files {
		p := filepath.Join(dir, f.path)
		r := loadFile(t, s, p, LoadOptions{Dataset: "wits-" + filepath.Base(p)})[0]
		if r.Status != Loaded || r.Format != f.format || r.Encoding != f.encoding {
			t.Errorf("%s: %s as %s, %s (%v); want loaded as %s, %s", f.path, r.Status, r.Format, r.Encoding, r.Err, f.format, f.encoding)
			continue
		}
		want := rawWITS(t, p)
		rows, err := s.db.Query(`SELECT reporter_code, partner_code, flow, year, product, value FROM trade WHERE file_id = ?`, r.FileID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for rows.Next() {
			var rep, par, flow, product string
			var year int
			var v float64
			if err := rows.Scan(&rep, &par, &flow, &year, &product, &v); err != nil {
				t.Fatal(err)
			}
			got = append(got, witsKey(rep, par, flow, year, product, v))
		}
		rows.Close()
		sort.Strings(got)
		if len(got) != len(want) || int64(len(got)) != r.Rows {
			t.Errorf("%s: %d rows in the database (%d reported), %d in the raw file", f.path, len(got), r.Rows, len(want))
		}
		for i := 0; i < len(got) && i < len(want); i++ {
			if got[i] != want[i] {
				t.Errorf("%s: row %q, raw file %q", f.path, got[i], want[i])
				break
			}
		}
	}
	// PROVENANCE.md's cross-folder check: KAZ imports from China, 2019,
	// 6788625.829 US$ thousand in the WITS partner time series.
	var v float64
	err := s.db.QueryRow(`SELECT value FROM trade WHERE reporter = 'KAZ' AND partner = 'CHN' AND flow = 'M' AND year = 2019 AND dataset LIKE 'wits-Kazakhstan%'`).Scan(&v)
	if err != nil || !near(v, 6788625829) {
		t.Errorf("KAZ imports from CHN 2019: %v (%v), want 6788625829", v, err)
	}
	// World as a partner is a World row; " World" as reporter is World.
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM trade WHERE reporter = 'WLD' AND partner = 'ABW' AND year = 2018 AND flow = 'X'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("World's exports to Aruba 2018: %d rows (%v), want 1", n, err)
	}
}

func witsKey(rep, par, flow string, year int, product string, v float64) string {
	return fmt.Sprintf("%s|%s|%s|%d|%s|%.6g", rep, par, flow, year, product, v)
}

// rawWITS reads a WITS download with encoding/csv: the rows it should give.
func rawWITS(t *testing.T, p string) []string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(b) {
		if b, err = charmap.Windows1252.NewDecoder().Bytes(b); err != nil {
			t.Fatal(err)
		}
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, n := range recs[0] {
		col[n] = i
	}
	codes := country.Default()
	agg := func(name string) bool {
		c, ok := codes.Lookup(country.Name, name)
		if !ok {
			t.Fatalf("%s: unknown name %q", p, name)
		}
		return c.Kind == country.KindAggregate
	}
	var out []string
	add := func(rec []string, flow string, year int, product, cell string) {
		if strings.TrimSpace(cell) == "" {
			return
		}
		v, err := strconv.ParseFloat(cell, 64)
		if err != nil {
			t.Fatalf("%s: %q: %v", p, cell, err)
		}
		out = append(out, witsKey(strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1]), flow, year, product, v*1000))
	}
	for _, rec := range recs[1:] {
		if agg(rec[0]) || agg(rec[1]) {
			continue
		}
		product := "TOTAL"
		if i, ok := col["Product Group"]; ok && strings.TrimSpace(rec[i]) != "All Products" {
			product = strings.TrimSpace(rec[i])
		}
		flows := map[string][]string{"Import": {"M"}, "Export": {"X"}, "Exports & Imports": {"X", "M"}}[rec[col["Trade Flow"]]]
		if yc, ok := col["Year"]; ok { // one year, value columns by flow
			year, _ := strconv.Atoi(rec[yc])
			for _, fl := range flows {
				name := map[string]string{"X": "Export (US$ Thousand)", "M": "Import (US$ Thousand)"}[fl]
				add(rec, fl, year, product, rec[col[name]])
			}
			continue
		}
		for i := col["Indicator"] + 1; i < len(rec); i++ { // a time series
			year, _ := strconv.Atoi(recs[0][i])
			add(rec, flows[0], year, product, rec[i])
		}
	}
	sort.Strings(out)
	return out
}
