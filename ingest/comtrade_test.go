package ingest

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// fixture reads a file of testdata/dir.
func fixture(t testing.TB, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// bulkTSV is the text of a gzipped bulk fixture.
func bulkTSV(t testing.TB, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(z)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readSkipped reads in as format (detected when "") and returns the rows
// and what the reader says it skipped, in one pass and in parallel.
func readSkipped(t *testing.T, name, in string) ([]string, Skipped) {
	t.Helper()
	var first []string
	var firstSkip Skipped
	for i, seq := range []bool{true, false} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		f, r, err := Detect(name, strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		opts := []Option{WithName(name), WithCodes(testCodes{}), WithAllocator(mem), WithBatchRows(2)}
		if seq {
			opts = append(opts, withSequential())
		}
		rr, err := f.NewReader(r, opts...)
		if err != nil {
			t.Fatal(err)
		}
		var rows []string
		for rr.Next() {
			rows = append(rows, renderBatch(rr.RecordBatch())...)
		}
		if err := rr.Err(); err != nil {
			t.Fatal(err)
		}
		fr := &FileReader{RecordReader: rr, Format: f}
		sk := fr.Skipped()
		rr.Release()
		mem.AssertSize(t, 0)
		if i == 0 {
			first, firstSkip = rows, sk
			continue
		}
		if strings.Join(rows, "\n") != strings.Join(first, "\n") || sk != firstSkip {
			t.Errorf("parallel read differs from one pass:\n%q %v\n%q %v", rows, sk, first, firstSkip)
		}
	}
	return first, firstSkip
}

func TestComtradeBulkTSV(t *testing.T) {
	path := filepath.Join("testdata", "comtrade", "COMTRADE-FINAL-CA3982019H5[2024-01-03].gz")
	if got := ComtradeVintage(path); got != "2024-01-03" {
		t.Errorf("vintage = %q", got)
	}
	if got := ComtradeVintage("TradeData_4_4_2025.csv"); got != "" {
		t.Errorf("vintage of an API file = %q", got)
	}
	raw := bulkTSV(t, path)
	rows, sk := readSkipped(t, "bulk.tsv", string(raw))
	// Independently of the reader: the data lines of the raw text, less
	// the one with an aggregate partner (97, the EU-28).
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")[1:]
	var want int
	for _, l := range lines {
		if strings.Split(l, "\t")[8] != "97" {
			want++
		}
	}
	if len(rows) != want || want != 7 {
		t.Fatalf("%d rows, want %d:\n%s", len(rows), want, strings.Join(rows, "\n"))
	}
	if sk.Rows != 1 || !strings.Contains(sk.Reason, "partner 97 (eu-28) is an aggregate") {
		t.Errorf("skipped = %+v", sk)
	}
	for i, want := range []string{
		"line=2 freq=A year=2019 reporter=KAZ reporter_code=398 partner=WLD partner_code=0 partner2=0 flow=X classification=H5 product=TOTAL customs=C00 mot=0 value=1e+06 currency=USD fob_value=1e+06 is_reported=true is_aggregate=false",
		"line=3 freq=A year=2019 reporter=KAZ reporter_code=398 partner=CHN partner_code=156 partner2=0 flow=X classification=H5 product=27 customs=C00 mot=0 value=400000 currency=USD fob_value=400000 is_reported=true is_aggregate=false",
	} {
		if rows[i] != want {
			t.Errorf("row %d:\n got  %s\n want %s", i, rows[i], want)
		}
	}
}

func TestComtradeServicesAndLevels(t *testing.T) {
	in := comtradeHeader + comtradeRow("2019", "398", "X", "156", "27", "40") + comtradeRow("2019", "398", "X", "156", "270900", "40") +
		strings.Replace(strings.Replace(comtradeRow("2019", "398", "X", "842", "200", "7"), `"C"`, `"S"`, 1), `"H4"`, `"EB10"`, 1)
	rows, _ := readSkipped(t, "s.csv", in)
	want := []string{
		"line=2 freq=A year=2019 reporter=KAZ reporter_code=398 partner=CHN partner_code=156 partner2=0 flow=X classification=H4 product=27 customs=C00 mot=0 value=40 currency=USD fob_value=40 is_reported=true is_aggregate=false aggr_level=2 is_leaf=false",
		"line=3 freq=A year=2019 reporter=KAZ reporter_code=398 partner=CHN partner_code=156 partner2=0 flow=X classification=H4 product=270900 customs=C00 mot=0 value=40 currency=USD fob_value=40 is_reported=true is_aggregate=false aggr_level=6 is_leaf=true",
		"line=4 freq=A year=2019 reporter=KAZ reporter_code=398 partner=USA partner_code=842 partner2=0 flow=X classification=EB10 product=200 customs=C00 mot=0 value=7 currency=USD fob_value=7 is_reported=true is_aggregate=false aggr_level=3 is_leaf=false trade_type=services",
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
}

func TestComtradeBadTypeAndLevel(t *testing.T) {
	for _, tc := range []struct{ from, to, err string }{
		{`"C","A"`, `"X","A"`, `bad.csv:2:1: typeCode: invalid code: typeCode "X" (want C goods or S services)`},
		{`"All","0"`, `"All","x"`, `bad.csv:2:`},
	} {
		in := comtradeHeader + strings.Replace(comtradeRow("2019", "398", "M", "0", "TOTAL", "5"), tc.from, tc.to, 1)
		_, _, err := readAll(t, "bad.csv", in)
		var pe *ParseError
		if !errors.As(err, &pe) || !errors.Is(err, ErrBadCode) || !strings.HasPrefix(err.Error(), tc.err) || pe.Column == 0 {
			t.Errorf("error = %v, want %s...", err, tc.err)
		}
	}
}

func TestLegacyFlowCodeZero(t *testing.T) {
	rows, sk := readSkipped(t, "l.csv", fixture(t, "comtrade", "legacy_flowcode0.csv"))
	flows := []string{}
	for _, r := range rows {
		for _, f := range strings.Fields(r) {
			if strings.HasPrefix(f, "flow=") {
				flows = append(flows, strings.TrimPrefix(f, "flow="))
			}
		}
	}
	if strings.Join(flows, ",") != "M,X,RX,DX" {
		t.Errorf("flows %v; rows:\n%s", flows, strings.Join(rows, "\n"))
	}
	if want := "line=2 freq=A year=2019 reporter=KAZ reporter_code=398 partner=WLD partner_code=0 partner2=0 flow=M classification=H4 product=252310 customs=C00 mot=0 value=5000 currency=USD cif_value=5000 quantity=1000 quantity_unit=kg net_weight_kg=1000 aggr_level=6 is_leaf=true"; rows[0] != want {
		t.Errorf("row 1:\n got  %s\n want %s", rows[0], want)
	}
	if sk.Rows != 1 || !strings.HasPrefix(sk.Reason, "reporter 97 (eu-28) is an aggregate") {
		t.Errorf("skipped %+v", sk)
	}
}

func TestLegacyCut(t *testing.T) {
	rows, _ := readSkipped(t, "cut.csv", fixture(t, "comtrade", "legacy_cut_year.csv"))
	want := []string{
		"line=2 freq=A year=2018 reporter=UZB reporter_code=860 partner=WLD partner_code=0 flow=X product=TOTAL value=10000 currency=USD",
		"line=3 freq=A year=2018 reporter=UZB reporter_code=860 partner=KAZ partner_code=398 flow=M product=TOTAL value=2500 currency=USD",
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s", strings.Join(rows, "\n"))
	}
	for _, tc := range []struct{ in, err string }{
		{"Trade Flow,Reporter Code,Partner Code,Commodity Code,Trade Value (US$)\nExport,860,0,TOTAL,1\n", `c.csv:1: missing required column "Period" (or "Year")`},
		{"Year,Reporter Code,Partner Code,Commodity Code,Trade Value (US$)\n2018,860,0,TOTAL,1\n", `c.csv:1: missing required column "Trade Flow Code" (or "Trade Flow")`},
		{"Year,Trade Flow Code,Trade Flow,Reporter Code,Partner Code,Commodity Code,Trade Value (US$)\n2018,0,Export to,860,0,TOTAL,1\n", `c.csv:2:8: Trade Flow: invalid code: trade flow "Export to"`},
		{"Year,Trade Flow Code,Reporter Code,Partner Code,Commodity Code,Trade Value (US$)\n2018,0,860,0,TOTAL,1\n", `c.csv:2:6: Trade Flow Code: invalid code: trade flow code "0" (want 1-4, or 0 with the flow in Trade Flow)`},
		{"Year,Trade Flow,Reporter Code,Partner Code,Commodity Code,Trade Value (US$)\n18,Export,860,0,TOTAL,1\n", `c.csv:2:1: Year: year outside 1900-2100 "18"`},
	} {
		_, _, err := readAll(t, "c.csv", tc.in)
		if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
			t.Errorf("error = %v\nwant     %s", err, tc.err)
		}
	}
}

func TestLegacyAllAggregates(t *testing.T) {
	in := fixture(t, "comtrade", "legacy_eu28_only.csv")
	rows, sk := readSkipped(t, "eu.csv", in)
	// Independently: every data line of the file names reporter 97.
	lines := strings.Split(strings.TrimSpace(in), "\n")[1:]
	if len(rows) != 0 || sk.Rows != int64(len(lines)) || len(lines) != 3 {
		t.Fatalf("rows %q, skipped %+v, want 0 rows and %d skipped", rows, sk, len(lines))
	}
	if sk.Reason != "reporter 97 (eu-28) is an aggregate of countries, not a country: such rows are not loaded" {
		t.Errorf("reason %q", sk.Reason)
	}
}

func TestComtradeErrorPage(t *testing.T) {
	in := "Query complexity: your query is too complex. Please simplify.\nAll years may only be selected if both reporters and partners are not set to 'all'.\nResultset count: 0\n"
	_, _, err := Detect("comtrade.csv", bytes.NewReader([]byte(in)))
	var pe *ParseError
	if !errors.As(err, &pe) || !errors.Is(err, ErrErrorPage) || pe.Line != 1 ||
		!strings.Contains(err.Error(), `query too complex`) {
		t.Fatalf("error = %v", err)
	}
}
