package store

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// A revision of a real file replaces the same rows whichever way it finds
// them: the bitmap of the new file's keys (keyset.go), the packed
// statement and the general one. The revision is the file less every
// seventh record, so the earlier rows of those keys stay beside the
// revision's; the rows, the counts replaced and the totals must agree.
func TestRealRevisionForms(t *testing.T) {
	t.Parallel()
	dir := realData(t)
	for _, f := range []struct{ path, dataset string }{
		{"comtrade_downloads/TradeData_goods_tarifas_eua.csv", "comtrade"},
		{"comtrade_downloads/TradeData_services_tarifas_eua.csv", "comtrade"},
		{"comtrade_plus_dissertation-final/comtrade_kaz_reporter.csv", "comtrade"},
		{"wits_partner_timeseries_phylogeography_efp/Kazakhstan-WITS-Partner-Timeseries.csv", "wits"},
		{"wits_downloads/WITS-Partner-Timeseries_USA_imports_QiaojuanTu.csv", "wits"},
	} {
		t.Run(filepath.Base(f.path), func(t *testing.T) {
			t.Parallel()
			src := filepath.Join(dir, f.path)
			b, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			revDir := t.TempDir()
			rev := write(t, revDir, filepath.Base(f.path), lessEverySeventh(b))
			var first []string
			var firstReplaced int64
			for _, form := range []ReplaceForm{ReplaceKeys, ReplacePacked, ReplaceGeneral} {
				s := openTest(t)
				if r := loadFile(t, s, src, LoadOptions{Dataset: f.dataset, Replace: form}); r[0].Status != Loaded {
					t.Fatalf("%s: %s %v", src, r[0].Status, r[0].Err)
				}
				r := loadFile(t, s, rev, LoadOptions{Dataset: f.dataset, Replace: form})
				if r[0].Status != Loaded || r[0].Replaced == 0 {
					t.Fatalf("%s, form %q: the revision %s, replaced %d, %v", f.path, form, r[0].Status, r[0].Replaced, r[0].Err)
				}
				rows, _ := dump(t, s.db, `SELECT file_id, line, year, month, reporter, partner, product, flow, value FROM trade ORDER BY ALL`)
				totals, _ := dump(t, s.db, `SELECT * FROM trade_bilateral ORDER BY ALL`)
				got := append(rows, totals...)
				var stayed int
				if err := s.db.QueryRow(`SELECT count(*) FROM trade WHERE file_id = ?`, r[0].FileID-1).Scan(&stayed); err != nil {
					t.Fatal(err)
				}
				if stayed == 0 {
					t.Errorf("form %q: no earlier row stayed, where the revision lacks every seventh record", form)
				}
				if form == ReplaceKeys {
					first, firstReplaced = got, r[0].Replaced
					continue
				}
				if r[0].Replaced != firstReplaced {
					t.Errorf("form %q replaced %d rows, the bitmap %d", form, r[0].Replaced, firstReplaced)
				}
				if !slices.Equal(got, first) {
					t.Errorf("form %q: %d rows and totals, the bitmap's %d, or in another order", form, len(got), len(first))
				}
			}
		})
	}
}

// lessEverySeventh is a CSV file without every seventh line after the
// header (the real files here hold one record a line).
func lessEverySeventh(b []byte) []byte {
	lines := bytes.SplitAfter(b, []byte("\n"))
	var out []byte
	for i, l := range lines {
		if i == 0 || i%7 != 0 {
			out = append(out, l...)
		}
	}
	return out
}
