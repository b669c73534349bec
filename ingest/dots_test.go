package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/xuri/excelize/v2"

	"github.com/tradepipe/tradepipe/transform/country"
)

// dotsSheet is one sheet of a workbook written for a test, in the layout
// of the IMF portal's DOTS export: cells by reference, everything else
// empty. Values are illustrative.
type dotsSheet struct {
	name  string
	cells map[string]any
}

// dotsFixture is the head of a DOTS sheet (title, reporter, unit, years)
// and its partner rows, as the portal writes them.
func dotsFixture(name, title, reporter string, years []string, rows [][]any) dotsSheet {
	s := dotsSheet{name: name, cells: map[string]any{"B2": title, "B4": reporter, "B5": "US Dollars, Millions"}}
	for i, y := range years {
		c, _ := excelize.CoordinatesToCellName(3+i, 7)
		s.cells[c] = y
	}
	for r, row := range rows {
		for i, v := range row {
			if v == nil {
				continue
			}
			c, _ := excelize.CoordinatesToCellName(2+i, 8+r)
			s.cells[c] = v
		}
	}
	return s
}

// writeWorkbook writes the sheets into an .xlsx workbook and returns its bytes.
func writeWorkbook(t testing.TB, sheets ...dotsSheet) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			t.Fatal(err)
		}
		for c, v := range s.cells {
			if err := f.SetCellValue(s.name, c, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// kazWorkbook is a small workbook in the DOTS layout: Kazakhstan's exports
// and imports, with World, an aggregate, a "not specified" area, an
// estimate and an empty cell. Figures are illustrative.
func kazWorkbook(t testing.TB) []byte {
	years := []string{"2018", "2019"}
	return writeWorkbook(t,
		dotsFixture("Exports, FOB", "Exports, FOB to Partner Countries", "Kazakhstan, Rep. of", years, [][]any{
			{"World", 100.5, 200.25},
			{"Advanced Economies", 60.0, 70.0},
			{"China, P.R.: Mainland", "1,234.50 e", 30.0},
			{"Memorandum Items"},
			{"Uzbekistan, Rep. of", nil, 4.0},
			{"Asia not specified", 0.14, nil},
		}),
		dotsFixture("Imports, CIF", "Imports, CIF from Partner Countries", "Kazakhstan, Rep. of", years, [][]any{
			{"World", 50.0, 60.0},
			{"Russian Federation", "0.14 e", 20.0},
		}),
	)
}

func readDOTS(t *testing.T, data []byte, codes Codes) ([]string, int64, error) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	f, _ := FormatByName("imf-dots")
	rr, err := f.NewReader(bytes.NewReader(data), WithName("kaz.xlsx"), WithCodes(codes), WithAllocator(mem), WithBatchRows(2))
	if err != nil {
		return nil, 0, err
	}
	defer rr.Release()
	var out []string
	for rr.Next() {
		rec := rr.RecordBatch()
		if rec.NumRows() > 2 {
			t.Fatalf("batch of %d rows, want at most 2", rec.NumRows())
		}
		col := func(name string) arrow.Array { return rec.Column(TradeSchema.FieldIndices(name)[0]) }
		for i := 0; i < int(rec.NumRows()); i++ {
			out = append(out, fmt.Sprintf("%s:%d %s %s>%s(%s) %s %g est=%s",
				col("year").ValueStr(i), col("line").(*array.Int64).Value(i), col("flow").ValueStr(i),
				col("reporter").ValueStr(i), col("partner").ValueStr(i), col("partner_code").ValueStr(i),
				col("product").ValueStr(i), col("value").(*array.Float64).Value(i), col("is_estimate").ValueStr(i)))
		}
	}
	return out, rr.(*dotsReader).Skipped(), rr.Err()
}

func TestDOTSReader(t *testing.T) {
	got, skipped, err := readDOTS(t, kazWorkbook(t), country.Default())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"2018:8 X KAZ>WLD(World) TOTAL 1.005e+08 est=false",
		"2019:8 X KAZ>WLD(World) TOTAL 2.0025e+08 est=false",
		"2018:10 X KAZ>CHN(China, P.R.: Mainland) TOTAL 1.2345e+09 est=true",
		"2019:10 X KAZ>CHN(China, P.R.: Mainland) TOTAL 3e+07 est=false",
		"2019:12 X KAZ>UZB(Uzbekistan, Rep. of) TOTAL 4e+06 est=false",
		"2018:13 X KAZ>IMF_ASIA_NS(Asia not specified) TOTAL 140000 est=false",
		"2018:8 M KAZ>WLD(World) TOTAL 5e+07 est=false",
		"2019:8 M KAZ>WLD(World) TOTAL 6e+07 est=false",
		"2018:9 M KAZ>RUS(Russian Federation) TOTAL 140000 est=true",
		"2019:9 M KAZ>RUS(Russian Federation) TOTAL 2e+07 est=false",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if skipped != 1 {
		t.Fatalf("skipped %d aggregate rows, want 1 (Advanced Economies)", skipped)
	}
}

func TestDOTSDetected(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "DOTS_103.xlsx")
	if err := os.WriteFile(p, kazWorkbook(t), 0o644); err != nil {
		t.Fatal(err)
	}
	srcs, err := Sources(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 1 || srcs[0].Compression != "none" {
		t.Fatalf("sources %+v, want the workbook as one source", srcs)
	}
	fr, err := OpenReader(srcs[0], "", WithCodes(country.Default()), WithSHA256())
	if err != nil {
		t.Fatal(err)
	}
	defer fr.Close()
	defer fr.Release()
	if fr.Format.Name != "imf-dots" {
		t.Fatalf("detected %s", fr.Format.Name)
	}
	rows := 0
	for fr.Next() {
		rows += int(fr.RecordBatch().NumRows())
	}
	if err := fr.Err(); err != nil || rows != 10 {
		t.Fatalf("%d rows, %v", rows, err)
	}
	sum, err := fr.SHA256()
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := srcs[0].Hash(); sum != want {
		t.Fatalf("hash %s, want %s", sum, want)
	}
}

func TestDOTSErrors(t *testing.T) {
	years := []string{"2018", "2019"}
	exp := func(reporter string, years []string, rows ...[]any) dotsSheet {
		return dotsFixture("Exports, FOB", "Exports, FOB to Partner Countries", reporter, years, rows)
	}
	unit := exp("Kazakhstan, Rep. of", years, []any{"World", 1.0})
	unit.cells["B5"] = "US Dollars, Thousands"
	cases := []struct {
		name   string
		data   []byte
		want   error
		prefix string // of the message
	}{
		{"not a workbook", []byte("Country Name,Country Code\n"), ErrUnknownFormat, "kaz.xlsx: no recognisable header: not an .xlsx workbook"},
		{"corrupt zip", []byte("PK\x03\x04garbage"), ErrTruncated, "kaz.xlsx: truncated"},
		{"other sheet", writeWorkbook(t, dotsSheet{name: "Data", cells: map[string]any{"A1": 1}}), ErrUnknownFormat, `kaz.xlsx: Data: no recognisable header: sheet "Data"`},
		{"unknown reporter", writeWorkbook(t, exp("Atlantis, Rep. of", years)), ErrUnknownCountry, `kaz.xlsx:4:2: Exports, FOB!B4: unknown country code "Atlantis, Rep. of" (name)`},
		{"unit", writeWorkbook(t, unit), ErrBadCode, `kaz.xlsx:5:2: Exports, FOB!B5: invalid code: unit "US Dollars, Thousands"`},
		{"bad year", writeWorkbook(t, exp("Kazakhstan, Rep. of", []string{"2018", "FY19"})), ErrBadYear, `kaz.xlsx:7:4: Exports, FOB!D7: year outside 1900-2100 "FY19"`},
		{"no years", writeWorkbook(t, exp("Kazakhstan, Rep. of", nil)), ErrMissingColumn, `kaz.xlsx:5: Exports, FOB: missing required column: the sheet ends before its year row (7)`},
		{"aggregate reporter", writeWorkbook(t, exp("Euro Area", years, []any{"World", 1.0})), ErrBadCode,
			`kaz.xlsx:4:2: Exports, FOB!B4: invalid code: reporter "Euro Area" is an aggregate, not a country`},
		{"unknown partner", writeWorkbook(t, exp("Kazakhstan, Rep. of", years, []any{"World", 1.0}, []any{"Narnia", 2.0})), ErrUnknownCountry, `kaz.xlsx:9:2: Exports, FOB!B9: unknown country code "Narnia"`},
		{"bad value", writeWorkbook(t, exp("Kazakhstan, Rep. of", years, []any{"World", 1.0, "n.a."})), ErrBadNumber, `kaz.xlsx:8:4: Exports, FOB!D8: invalid number "n.a."`},
		{"bad grouping", writeWorkbook(t, exp("Kazakhstan, Rep. of", years, []any{"World", "12,5 e"})), ErrBadNumber, `kaz.xlsx:8:3: Exports, FOB!C8: invalid number "12,5 e"`},
		{"negative", writeWorkbook(t, exp("Kazakhstan, Rep. of", years, []any{"World", -4.8})), ErrNegative, `kaz.xlsx:8:3: Exports, FOB!C8: negative value "-4.8"`},
		{"too large", writeWorkbook(t, exp("Kazakhstan, Rep. of", years, []any{"World", 2e9})), ErrTooLarge, `kaz.xlsx:8:3: Exports, FOB!C8: value beyond any trade figure: "2000000000" millions is above 1e+15 USD`},
		{"no year for value", writeWorkbook(t, exp("Kazakhstan, Rep. of", years, []any{"World", 1.0, 2.0, 3.0})), ErrBadCode, `kaz.xlsx:8:5: Exports, FOB!E8: invalid code: a value in a column with no year`},
		{"value without partner", writeWorkbook(t, exp("Kazakhstan, Rep. of", years, []any{"", 1.0})), ErrBadCode, `kaz.xlsx:8:3: Exports, FOB!C8: invalid code: a value in a row with no partner`},
		{"reporters differ", writeWorkbook(t, exp("Kazakhstan, Rep. of", years),
			dotsFixture("Imports, CIF", "Imports, CIF from Partner Countries", "Kyrgyz Rep.", years, nil)), ErrBadCode,
			`kaz.xlsx:4:2: Imports, CIF!B4: invalid code: reporter "Kyrgyz Rep.", but the first sheet's is "Kazakhstan, Rep. of"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := readDOTS(t, c.data, country.Default())
			if !errors.Is(err, c.want) {
				t.Fatalf("error %v, want %v", err, c.want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("%T is not a *ParseError", err)
			}
			if !strings.HasPrefix(err.Error(), c.prefix) {
				t.Fatalf("message\n %s\nwant it to start\n %s", err, c.prefix)
			}
		})
	}
}

func FuzzDOTS(f *testing.F) {
	f.Add(kazWorkbook(f))
	f.Add([]byte("PK\x03\x04"))
	fm, _ := FormatByName("imf-dots")
	f.Fuzz(func(t *testing.T, data []byte) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		rr, err := fm.NewReader(bytes.NewReader(data), WithName("fuzz.csv"), WithCodes(testCodes{}), WithAllocator(mem), WithBatchRows(3))
		if err != nil {
			checkParseError(t, err)
			return
		}
		defer rr.Release()
		for rr.Next() {
		}
		if err := rr.Err(); err != nil {
			checkParseError(t, err)
		}
	})
}

// dotsDir is the folder of real DOTS workbooks (../shared/realdata).
func dotsDir(t *testing.T) string {
	dir := filepath.Join("..", "..", "shared", "realdata", "imf_dots_xlsx_Direction-of-Trade-Map")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("real data not present (%s): skipping; these tests run where ../shared/realdata exists", dir)
	}
	return dir
}

// TestDOTSRealWorkbooks reads all 18 real workbooks: every partner name
// resolves or is a recognised aggregate; every value equals its cell, read
// here with excelize directly, times a million, and every estimate is a
// cell written "... e". DOTS_221 (World as reporter) is rejected at its
// negative Malaysia figures of the 1960s, which the reader refuses as every
// reader does.
func TestDOTSRealWorkbooks(t *testing.T) {
	dir := dotsDir(t)
	paths, _ := filepath.Glob(filepath.Join(dir, "DOTS_*.xlsx"))
	if len(paths) != 18 {
		t.Fatalf("%d workbooks, want 18", len(paths))
	}
	codes := country.Default()
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			cells := rawCells(t, p)
			f, _ := FormatByName("imf-dots")
			rr, err := f.NewReader(bytes.NewReader(data), WithName(p), WithCodes(codes))
			if err != nil {
				t.Fatal(err)
			}
			defer rr.Release()
			rows, estimates := 0, 0
			for rr.Next() {
				rec := rr.RecordBatch()
				line := rec.Column(0).(*array.Int64)
				year := rec.Column(TradeSchema.FieldIndices("year")[0]).(*array.Int32)
				flow := rec.Column(TradeSchema.FieldIndices("flow")[0]).(*array.String)
				value := rec.Column(TradeSchema.FieldIndices("value")[0]).(*array.Float64)
				est := rec.Column(TradeSchema.FieldIndices("is_estimate")[0]).(*array.Boolean)
				for i := 0; i < int(rec.NumRows()); i++ {
					raw, ok := cells[cellKey{flow.Value(i), int(line.Value(i)), year.Value(i)}]
					if !ok {
						t.Fatalf("row %s %d %d has no cell", flow.Value(i), line.Value(i), year.Value(i))
					}
					want, isEst := parseCellByHand(t, raw)
					if math.Abs(value.Value(i)-want*1e6) > 1e-6*math.Max(1, want*1e6) || est.Value(i) != isEst {
						t.Fatalf("%s row %d %d: value %v est %v, cell %q", flow.Value(i), line.Value(i), year.Value(i), value.Value(i), est.Value(i), raw)
					}
					rows++
					if isEst {
						estimates++
					}
				}
			}
			err = rr.Err()
			if filepath.Base(p) == "DOTS_221.xlsx" {
				if !errors.Is(err, ErrNegative) || !strings.Contains(err.Error(), "Exports, FOB!C67") {
					t.Fatalf("DOTS_221: %v, want a negative value at Exports, FOB!C67 (Malaysia 1960)", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if rows == 0 {
				t.Fatal("no rows")
			}
			t.Logf("%d rows, %d estimates, %d aggregate rows skipped", rows, estimates, rr.(*dotsReader).Skipped())
		})
	}
}

// TestDOTSRealSpotValues checks the figures PROVENANCE.md gives for
// DOTS_103 (Kazakhstan), typed from there.
func TestDOTSRealSpotValues(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(dotsDir(t), "DOTS_103.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	f, _ := FormatByName("imf-dots")
	rr, err := f.NewReader(bytes.NewReader(data), WithName("DOTS_103.xlsx"), WithCodes(country.Default()))
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Release()
	got := map[string]float64{}
	for rr.Next() {
		rec := rr.RecordBatch()
		for i := 0; i < int(rec.NumRows()); i++ {
			k := fmt.Sprintf("%s %s %s", rec.Column(9).ValueStr(i), rec.Column(6).ValueStr(i), rec.Column(2).ValueStr(i))
			got[k] = rec.Column(14).(*array.Float64).Value(i)
		}
	}
	if err := rr.Err(); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]float64{
		"X WLD 2019": 57676.727675, "X WLD 2020": 46926.834907, "X CHN 2019": 7823.406348, "X RUS 2020": 4899.4501,
		"X UZB 2019": 1981.570542, "M WLD 2019": 38419.023129, "M CHN 2020": 6346.496276, "M RUS 2019": 14065.055226,
	} {
		if v := got[k]; math.Abs(v-want*1e6) > 1 {
			t.Errorf("%s: %v, want %v million", k, v, want)
		}
	}
}

type cellKey struct {
	flow string
	row  int
	year int32
}

// rawCells reads every value cell of a workbook with excelize's whole-sheet
// GetRows, not the reader's path: flow, row and year to the cell's text.
func rawCells(t *testing.T, path string) map[cellKey]string {
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[cellKey]string{}
	for sheet, flow := range map[string]string{"Exports, FOB": "X", "Imports, CIF": "M"} {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for r := 7; r < len(rows); r++ {
			for c := 2; c < len(rows[r]); c++ {
				if rows[r][c] == "" {
					continue
				}
				var y int32
				fmt.Sscan(rows[6][c], &y)
				out[cellKey{flow, r + 1, y}] = rows[r][c]
			}
		}
	}
	return out
}

// parseCellByHand reads "57676.727675000002" or "1,234.56 e".
func parseCellByHand(t *testing.T, s string) (float64, bool) {
	est := strings.HasSuffix(s, " e")
	s = strings.ReplaceAll(strings.TrimSuffix(s, " e"), ",", "")
	var v float64
	if _, err := fmt.Sscan(s, &v); err != nil {
		t.Fatalf("cell %q: %v", s, err)
	}
	return v, est
}
