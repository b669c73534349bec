package ingest

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// longMode is a way to read a trade-long text.
type longMode int

const (
	longGeneral longMode = iota // the general scanner and parser alone
	longFast                    // the fast path on two goroutines
	longInline                  // the fast path of a text known to be small
)

// readFastPath reads a text of size bytes of format (trade-long or
// fx-long, which have fast paths) one way, and renders every column of
// every row (nulls too); nothing may leak. fellBack tells whether the fast
// path handed any of the text to the general one.
func readFastPath(t testing.TB, format string, r io.Reader, size int, mode longMode, batchRows int) (rows []string, fellBack bool, err error) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	opts := []Option{WithName("l.csv"), WithCodes(testCodes{}), WithAllocator(mem), WithBatchRows(batchRows)}
	switch mode {
	case longGeneral:
		opts = append(opts, withSequential())
	case longInline:
		opts = append(opts, withTextSize(int64(size)))
	}
	f, _ := FormatByName(format)
	rr, err := f.NewReader(r, opts...)
	if err != nil {
		return nil, false, err
	}
	defer rr.Release()
	var pipe *chunkPipe
	switch fr := rr.(type) {
	case *longReader:
		pipe = &fr.chunkPipe
	case *longFXReader:
		pipe = &fr.chunkPipe
	case *sdmxERReader:
		pipe = &fr.chunkPipe
	}
	if fast := pipe != nil; fast != (mode != longGeneral) {
		t.Fatalf("mode %d: got a %T", mode, rr)
	}
	if pipe != nil && pipe.inline != (mode == longInline) {
		t.Fatalf("mode %d: inline %v", mode, pipe.inline)
	}
	for rr.Next() {
		rows = append(rows, renderColumns(rr.RecordBatch())...)
	}
	return rows, pipe != nil && pipe.slow != nil, rr.Err()
}

// renderColumns renders every column of every row, null as <null>.
func renderColumns(rec arrow.RecordBatch) []string {
	out := make([]string, rec.NumRows())
	for i := range out {
		var b strings.Builder
		for c, col := range rec.Columns() {
			fmt.Fprintf(&b, "%s=", rec.ColumnName(c))
			if col.IsNull(i) {
				b.WriteString("<null> ")
				continue
			}
			switch a := col.(type) {
			case *array.String:
				fmt.Fprintf(&b, "%q ", a.Value(i))
			case *array.Float64:
				fmt.Fprintf(&b, "%v ", a.Value(i))
			default:
				fmt.Fprintf(&b, "%v ", a.ValueStr(i))
			}
		}
		out[i] = b.String()
	}
	return out
}

// sameFastAsGeneral checks that format's fast path gives exactly the rows and
// the error (file, line, column, message) of the general path, on two
// goroutines and inline, at batch sizes that put chunk boundaries
// everywhere; a plain text must not fall back at all.
func sameFastAsGeneral(t testing.TB, format, in string, plain bool, batches ...int) {
	t.Helper()
	for _, batch := range batches {
		want, _, werr := readFastPath(t, format, strings.NewReader(in), len(in), longGeneral, batch)
		if plain && (werr != nil || len(want) == 0) {
			t.Fatalf("batch %d: a plain text gives %d rows and error %v", batch, len(want), werr)
		}
		for _, mode := range []longMode{longFast, longInline} {
			got, fellBack, gerr := readFastPath(t, format, strings.NewReader(in), len(in), mode, batch)
			if fmt.Sprint(werr) != fmt.Sprint(gerr) {
				t.Fatalf("mode %d, batch %d: error\n%v\nwant\n%v", mode, batch, gerr, werr)
			}
			var wp, gp *ParseError
			if errors.As(werr, &wp) != errors.As(gerr, &gp) || wp != nil && (wp.File != gp.File || wp.Line != gp.Line || wp.Column != gp.Column) {
				t.Fatalf("mode %d, batch %d: error at %+v, want %+v", mode, batch, gp, wp)
			}
			if plain && fellBack {
				t.Fatalf("mode %d, batch %d: a plain text fell back to the general path", mode, batch)
			}
			// After an error, the rows delivered before it may differ by
			// batch boundaries; the load that sees the error keeps none.
			if werr == nil && strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("mode %d, batch %d: rows\n%s\nwant\n%s", mode, batch, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		}
	}
}

// textBreak makes a plain text one the fast path hands over: from
// replaced by to.
type textBreak struct{ from, to string }

// breakText replaces, in a random third of the texts, the first of a
// random break's from after a random place past the header; broke tells
// whether it did.
func breakText(r *rand.Rand, in string, header int, breaks []textBreak) (out string, broke bool) {
	if r.IntN(3) != 0 {
		return in, false
	}
	br := breaks[r.IntN(len(breaks))]
	at := header + r.IntN(len(in)-header)
	i := strings.Index(in[at:], br.from)
	if i < 0 {
		return in, false
	}
	return in[:at+i] + br.to + in[at+i+len(br.from):], true
}

func TestLongFastSameAsGeneral(t *testing.T) {
	for _, tc := range []struct {
		file  string
		plain bool   // the fast path reads all of it
		err   string // the general path's error, "" for none
	}{
		{"annual.csv", true, ""},
		{"monthly.csv", true, ""},
		{"quantity.csv", true, ""},
		{"quantity_no_unit.csv", true, ""},
		{"columns_reordered.csv", true, ""},
		{"crlf.csv", true, ""},
		{"bom.csv", true, ""},
		{"tab_separated.csv", true, ""},
		{"numbers.csv", true, ""},
		{"no_final_newline.csv", true, ""},
		{"dup_rows.csv", true, ""},
		{"utf8.csv", false, "l.csv:2:23: value: invalid number"},
		{"nbsp_number.csv", false, ""},
		{"large_local.csv", true, ""},
		{"quoted.csv", false, ""},
		{"blanks_and_spaces.csv", false, "l.csv:6:7: reporter: unknown country code \"kaz\" (alpha3)"},
		{"bom_in_data.csv", false, "l.csv:3:1: year: year outside 1900-2100"},
		{"bad_number.csv", false, "l.csv:3:23: value: invalid number \"12x5\""},
		{"negative.csv", false, "l.csv:3:23: value: negative value \"-5\""},
		{"too_large.csv", false, "l.csv:3:23: value: value beyond any trade figure"},
		{"unknown_code.csv", false, "l.csv:3:11: partner: unknown country code \"XYZ\""},
		{"unknown_numeric.csv", false, "l.csv:3:7: reporter: unknown country code \"999\""},
		{"empty_code.csv", false, "l.csv:3:11: partner: unknown country code: empty"},
		{"too_few_fields.csv", false, "l.csv:3:22: wrong number of fields: got 6, want 8"},
		{"too_many_fields.csv", false, "l.csv:3:29: wrong number of fields: got 9, want 8"},
		{"bad_month.csv", false, "l.csv:3:6: month: invalid period \"13\""},
		{"month_00.csv", false, "l.csv:3:6: month: invalid period \"00\""},
		{"bad_year.csv", false, "l.csv:3:1: year: year outside 1900-2100 \"1899\""},
		{"bad_flow.csv", false, "l.csv:3:15: flow: invalid code: flow \"E\""},
		{"bad_currency.csv", false, "l.csv:3:25: currency: invalid code: currency \"US\""},
		{"empty_product.csv", false, "l.csv:3:17: product: invalid code: empty product"},
		{"bad_quantity.csv", false, "l.csv:3:29: quantity: invalid number \"x\""},
		{"stray_quote.csv", false, "l.csv:3:19: bad quoting: bare \" in unquoted field"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", "long", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			// The file's own error, so that each case is what it says.
			_, _, werr := readFastPath(t, "trade-long", bytes.NewReader(b), len(b), longGeneral, 64<<10)
			if tc.err == "" && werr != nil || tc.err != "" && (werr == nil || !strings.HasPrefix(werr.Error(), tc.err)) {
				t.Fatalf("general path: error %v, want %q", werr, tc.err)
			}
			sameFastAsGeneral(t, "trade-long", string(b), tc.plain, 1, 2, 3, 7, 64<<10)
		})
	}
}

// longLines makes n plain trade-long rows over the test table's codes,
// in every form the fast path reads: monthly and annual, codes of each
// scheme, flows and currencies in either case, quantities with and without
// units, blank lines, CRLF.
func longLines(r *rand.Rand, n int, qty bool) []string {
	codes := []string{"KAZ", "KGZ", "CHN", "RUS", "UZB", "USA", "WLD", "KZ", "CN", "398", "156", "0", "0398", "899", "XNS"}
	flows := []string{"X", "M", "RX", "RM", "x", "m", "rX", "Rm"}
	currencies := []string{"USD", "KZT", "usd", "Kgs"}
	out := make([]string, 0, n)
	for i := range n {
		month := ""
		switch r.IntN(4) {
		case 0:
			month = fmt.Sprint(1 + r.IntN(12))
		case 1:
			month = fmt.Sprintf("%02d", 1+r.IntN(12))
		case 2:
			month = "0"
		}
		l := fmt.Sprintf("%d,%s,%s,%s,%s,%06d,%d.%d,%s", 1990+r.IntN(30), month, codes[r.IntN(len(codes))], codes[r.IntN(len(codes))],
			flows[r.IntN(len(flows))], r.IntN(999999), r.IntN(1e9), r.IntN(1000), currencies[r.IntN(len(currencies))])
		if qty {
			switch r.IntN(3) {
			case 0:
				l += ",,"
			case 1:
				l += fmt.Sprintf(",%d,", r.IntN(1000))
			default:
				l += fmt.Sprintf(",%d.5,kg", i)
			}
		}
		switch r.IntN(20) {
		case 0:
			l += "\r"
		case 1:
			l += "\n"
		}
		out = append(out, l+"\n")
	}
	return out
}

// Many rows, at random batch sizes, now and then one made bad, or quoted.
func TestLongFastRandomFiles(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 4))
	breaks := []struct{ from, to string }{
		{",USD", ",US"}, {",X,", ",Q,"}, {",KAZ,", ",KAX,"}, {",KAZ,", `,"KAZ",`}, {",CHN,", ",\"C\nHN\","},
		{",0,", ",0,0,"}, {".5", ".5e"}, {",RM,", ",RM"},
	}
	for round := range 40 {
		qty := round%2 == 0
		head := "year,month,reporter,partner,flow,product,value,currency"
		if qty {
			head += ",quantity,unit"
		}
		lines := longLines(r, 1+r.IntN(400), qty)
		bad := r.IntN(3) == 0
		if bad {
			i := r.IntN(len(lines))
			br := breaks[r.IntN(len(breaks))]
			lines[i] = strings.Replace(lines[i], br.from, br.to, 1)
		}
		sameFastAsGeneral(t, "trade-long", head+"\n"+strings.Join(lines, ""), !bad, 1+r.IntN(9), 1+r.IntN(300))
	}
}

// A read error (a truncated gzip file) is reported as the general path
// reports it.
func TestLongFastReadError(t *testing.T) {
	var text bytes.Buffer
	text.WriteString("year,month,reporter,partner,flow,product,value,currency\n")
	for n := range 20000 {
		fmt.Fprintf(&text, "2019,,KAZ,CHN,X,%06d,%d,USD\n", n, n)
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(text.Bytes())
	zw.Close()
	cut := z.Bytes()[:z.Len()*2/3]
	open := func() io.Reader {
		zr, err := gzip.NewReader(bytes.NewReader(cut))
		if err != nil {
			t.Fatal(err)
		}
		return zr
	}
	for _, batch := range []int{1000, 64 << 10} {
		_, _, werr := readFastPath(t, "trade-long", open(), text.Len(), longGeneral, batch)
		for _, mode := range []longMode{longFast, longInline} {
			_, _, gerr := readFastPath(t, "trade-long", open(), text.Len(), mode, batch)
			if werr == nil || !errors.Is(gerr, ErrTruncated) || werr.Error() != gerr.Error() {
				t.Fatalf("mode %d, batch %d: error %v, want %v", mode, batch, gerr, werr)
			}
		}
	}
}

// FuzzLongFast: whatever the bytes after the header (one of three), the
// fast path gives the general path's rows and error.
func FuzzLongFast(f *testing.F) {
	heads := []string{
		"year,month,reporter,partner,flow,product,value,currency\n",
		"year,month,reporter,partner,flow,product,value,currency,quantity,unit\n",
		"year\tmonth\treporter\tpartner\tflow\tproduct\tvalue\tcurrency\tquantity\n",
	}
	f.Add(uint8(0), []byte("2019,,KAZ,CHN,X,TOTAL,1234.5,USD\n2019,3,KG,156,m,TOTAL,7.5,kgs\n"))
	f.Add(uint8(1), []byte("2019,,KAZ,CHN,X,270900,1,USD,12.5,t\r\n\n2019,12,KZ,0,rx,1,1e3,KZT,,\n"))
	f.Add(uint8(0), []byte("2019,,KAZ,\"CHN\",X,TOTAL,1,USD\n2019,,KAZ,CHN,X,TOTAL,1,USD\n"))
	f.Add(uint8(2), []byte("2019\t\tKAZ\tCHN\tX\tTOTAL\t1\tUSD\t2\n"))
	f.Add(uint8(0), []byte("2019,13,KAZ,CHN,X,TOTAL,1,USD\n2019,,KAZ,CHN,X,TOTAL,2e15,USD\n"))
	f.Fuzz(func(t *testing.T, head uint8, data []byte) {
		sameFastAsGeneral(t, "trade-long", heads[int(head)%len(heads)]+string(data), false, 1, 3, 64<<10)
	})
}
