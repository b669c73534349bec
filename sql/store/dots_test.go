package store

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/tradepipe/tradepipe/transform/country"
)

// writeDOTS writes a workbook in the IMF DOTS layout (one sheet, Exports,
// FOB; reporter in B4, unit in B5, years in row 7, partners from row 8).
// Figures are illustrative.
func writeDOTS(t *testing.T, path, reporter string, cells map[string]any) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Exports, FOB"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	head := map[string]any{"B2": "Exports, FOB to Partner Countries", "B4": reporter, "B5": "US Dollars, Millions", "C7": "2018", "D7": "2019"}
	for _, m := range []map[string]any{head, cells} {
		for c, v := range m {
			if err := f.SetCellValue(sheet, c, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// An estimate stays an estimate from the workbook to the trade rows and
// the kept totals: trade.is_estimate per row, trade_bilateral.estimated per
// total; World is the World partner, the aggregate is left out.
func TestDOTSEstimatesStored(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	p := filepath.Join(t.TempDir(), "DOTS_201.xlsx")
	writeDOTS(t, p, "Turkmenistan", map[string]any{
		"B8": "World", "C8": "7,000.50 e", "D8": 8000.0,
		"B9": "Advanced Economies", "C9": 100.0,
		"B10": "China, P.R.: Mainland", "C10": "5,000.25 e", "D10": "6,000 e",
	})
	for _, r := range loadFile(t, s, p, LoadOptions{Dataset: "imf"}) {
		if r.Status != Loaded || r.Rows != 4 {
			t.Fatalf("%s: %s, %d rows, %v", p, r.Status, r.Rows, r.Err)
		}
	}
	rows, _ := dump(t, s.db, `SELECT year, partner, value, is_estimate FROM trade`)
	want := "2018 CHN 5.00025e+09 true|2018 WLD 7.0005e+09 true|2019 CHN 6e+09 true|2019 WLD 8e+09 false"
	if got := strings.Join(rows, "|"); got != want {
		t.Fatalf("trade:\n %s\nwant\n %s", got, want)
	}
	totals, _ := dump(t, s.db, `SELECT year, partner, value_usd, estimated FROM trade_bilateral WHERE dataset = 'imf'`)
	want = "2018 CHN 5.00025e+09 1|2018 WLD 7.0005e+09 1|2019 CHN 6e+09 1|2019 WLD 8e+09 0"
	if got := strings.Join(totals, "|"); got != want {
		t.Fatalf("trade_bilateral:\n %s\nwant\n %s", got, want)
	}
}

// TestRealDOTS loads the real DOTS workbooks of the C5, China, Russia and
// ASEAN into one dataset and checks them against the workbooks' own cells,
// read here with excelize: the spot values PROVENANCE.md lists, and the
// number of estimated rows (cells written "... e" in partner rows that are
// not aggregates).
func TestRealDOTS(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(realData(t), "imf_dots_xlsx_Direction-of-Trade-Map")
	paths, _ := filepath.Glob(filepath.Join(dir, "DOTS_*.xlsx"))
	s := openTest(t)
	var loaded int
	for _, p := range paths {
		if filepath.Base(p) == "DOTS_221.xlsx" { // World as reporter: see ingest's test
			continue
		}
		for _, r := range loadFile(t, s, p, LoadOptions{Dataset: "imf"}) {
			if r.Status != Loaded {
				t.Fatalf("%s: %s %v", p, r.Status, r.Err)
			}
			loaded++
		}
	}
	if loaded != 17 {
		t.Fatalf("%d workbooks loaded, want 17", loaded)
	}
	for _, c := range []struct {
		reporter, flow, partner string
		year                    int
		millions                float64
	}{
		{"KAZ", "X", "WLD", 2019, 57676.727675}, {"KAZ", "X", "CHN", 2019, 7823.406348}, {"KAZ", "X", "RUS", 2020, 4899.4501},
		{"KAZ", "M", "WLD", 2020, 38142.88939}, {"KAZ", "M", "RUS", 2019, 14065.055226},
	} {
		var v float64
		if err := s.db.QueryRow(`SELECT value_usd FROM trade_bilateral WHERE dataset = 'imf' AND reporter = ? AND flow = ? AND partner = ? AND year = ?`,
			c.reporter, c.flow, c.partner, c.year).Scan(&v); err != nil || !near(v, c.millions*1e6) {
			t.Errorf("%s %s %s %d = %v (%v), want %v million", c.reporter, c.flow, c.partner, c.year, v, err, c.millions)
		}
	}
	want := estimatedCells(t, paths)
	var got int
	if err := s.db.QueryRow(`SELECT count(*) FROM trade WHERE dataset = 'imf' AND is_estimate`).Scan(&got); err != nil || got != want {
		t.Errorf("%d estimated rows (%v), the workbooks hold %d estimated cells", got, err, want)
	}
	var kept int
	if err := s.db.QueryRow(`SELECT sum(estimated) FROM trade_bilateral WHERE dataset = 'imf'`).Scan(&kept); err != nil || kept != want {
		t.Errorf("trade_bilateral counts %d estimated rows (%v), want %d", kept, err, want)
	}
}

// estimatedCells counts the cells written "... e" in the partner rows of
// the workbooks (DOTS_221 aside) whose partner is not an aggregate.
func estimatedCells(t *testing.T, paths []string) int {
	codes := country.Default()
	n := 0
	for _, p := range paths {
		if filepath.Base(p) == "DOTS_221.xlsx" {
			continue
		}
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
