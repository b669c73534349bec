package store

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
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
