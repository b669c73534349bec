package ingest

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// readBACIPath reads a BACI text through the fast reader or through the
// general scanner and parser alone, and renders every row; nothing may leak.
func readBACIPath(t testing.TB, r io.Reader, fast bool, batchRows int) (rows []string, err error) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	o := buildOptions([]Option{WithName("b.csv"), WithCodes(testCodes{}), WithAllocator(mem), WithBatchRows(batchRows)})
	p, err := newBACIParser(newScanner(o.name, r), o)
	if err != nil {
		return nil, err
	}
	var rr array.RecordReader = p.(*baciReader)
	if !fast {
		rr = newBatchReader(TradeSchema, o, p.(*baciReader).baciParser)
	}
	defer rr.Release()
	for rr.Next() {
		rows = append(rows, renderBatch(rr.RecordBatch())...)
	}
	return rows, rr.Err()
}

// sameAsGeneral checks that the fast reader gives exactly the rows and the
// error of the general path, at several batch sizes (so chunk boundaries
// fall everywhere).
func sameAsGeneral(t *testing.T, in string) {
	t.Helper()
	for _, batch := range []int{1, 2, 3, 7, 64 << 10} {
		want, werr := readBACIPath(t, strings.NewReader(in), false, batch)
		got, gerr := readBACIPath(t, strings.NewReader(in), true, batch)
		if fmt.Sprint(werr) != fmt.Sprint(gerr) {
			t.Fatalf("batch %d: error\n%v\nwant\n%v", batch, gerr, werr)
		}
		if werr == nil && strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("batch %d: rows\n%s\nwant\n%s", batch, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		// After an error, rows already delivered may differ by batch
		// boundaries only; the load that sees the error keeps none.
	}
}

func TestBACIFastSameAsGeneral(t *testing.T) {
	const h = "t,i,j,k,v,q\n"
	rows := "2019,398,156,010121,1234.5,\n2019,842,417,270900,0.5,12.25\n2019,860,643,999999,7,0.001\n"
	tests := []struct{ name, in string }{
		{"plain", h + rows},
		{"no final newline", h + strings.TrimSuffix(rows, "\n")},
		{"crlf", strings.ReplaceAll(h+rows, "\n", "\r\n")},
		{"blank lines", h + "\n" + rows + "\n\n" + rows + "\r\n"},
		{"only header and blanks", h + "\n\n"},
		{"cr at the end without newline", h + rows + "\r"},
		{"cr on a last value without newline", h + "2019,398,156,010121,1,2\r"},
		{"spaces and tabs", h + " 2019 ,\t398, 156 ,  010121 , 1234.5 , \n"},
		{"leading zeros in codes", h + "2019,0398,156,010121,1,\n2019,04,8,010121,1,\n"},
		{"exponent", h + "2019,398,156,010121,1e3,2E-2\n"},
		{"many digits", h + "2019,398,156,010121,1234567890123456.75,0.12345678901234567\n"},
		{"leading dot and trailing dot", h + "2019,398,156,010121,.5,12.\n"},
		{"quoted fields", h + rows + `2019,"398",156,"0101` + "\n" + `21",1,2` + "\n" + rows},
		{"quoted header-like line", h + `"2019","398","156","010121","1","2"` + "\n"},
		{"non-ASCII space", h + "2019,398,156,010121,\u00a01\u00a0,2\n"},
		{"BOM in data", h + "\ufeff2019,398,156,010121,1,2\n"},
		{"bad number", h + rows + "2019,398,156,010122,1x,\n" + rows},
		{"negative", h + rows + "2019,398,156,010122,-1,\n"},
		{"NaN", h + "2019,398,156,010122,NaN,\n"},
		{"out of range", h + "2019,398,156,010122,1e999,\n"},
		{"bad quantity", h + "2019,398,156,010122,1,x\n"},
		{"empty value", h + "2019,398,156,010122,,1\n"},
		{"unknown country", h + rows + "2019,999,156,010122,1,\n"},
		{"empty country", h + "2019,,156,010122,1,\n"},
		{"letters as country", h + "2019,KAZ,156,010122,1,\n"},
		{"bad year", h + "1899,398,156,010122,1,\n"},
		{"short year", h + "19,398,156,010122,1,\n"},
		{"signed year", h + "+2019,398,156,010122,1,\n"},
		{"empty product", h + "2019,398,156, ,1,\n"},
		{"product with a space", h + "2019,398,156,01 01,1,\n"},
		{"too few fields", h + rows + "2019,398,156\n"},
		{"too many fields", h + "2019,398,156,010121,1,2,3\n"},
		{"trailing comma", h + "2019,398,156,010121,1,2,\n"},
		{"NUL", h + "2019,398,156,0101\x0021,1,2\n"},
		{"stray quote", h + "2019,398,156,01\"01,1,2\n"},
		{"unterminated quote", h + rows + "2019,398,156,\"0101,1,2\n"},
		{"long line of spaces", h + "2019,398,156,010121,1," + strings.Repeat(" ", 2<<20) + "2\n"},
		{"long product", h + "2019,398,156," + strings.Repeat("9", 70<<10) + ",1,2\n"},
		{"aggregate-looking codes", h + "2019,0,899,010121,1,2\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { sameAsGeneral(t, tc.in) })
	}
}

// Many rows, chunks cut at every batch size, an error near the end.
func TestBACIFastLong(t *testing.T) {
	var b strings.Builder
	b.WriteString("t,i,j,k,v,q\n")
	codes := []string{"398", "417", "156", "643", "860", "842"}
	for n := 0; n < 2000; n++ {
		fmt.Fprintf(&b, "2019,%s,%s,%06d,%d.%03d,", codes[n%6], codes[(n/6)%6], n, n, n%1000)
		if n%50 != 0 {
			fmt.Fprintf(&b, "%d.5", n)
		}
		b.WriteString("\n")
	}
	in := b.String()
	sameAsGeneral(t, in)
	sameAsGeneral(t, in+"2019,398,156,010122,bad,\n")
	rows, err := readBACIPath(t, strings.NewReader(in), true, 64<<10)
	if err != nil || len(rows) != 2000 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
}

// A read error (a truncated gzip file) is reported as the general path
// reports it, after the rows before it.
func TestBACIFastReadError(t *testing.T) {
	var text bytes.Buffer
	text.WriteString("t,i,j,k,v,q\n")
	for n := 0; n < 20000; n++ {
		fmt.Fprintf(&text, "2019,398,156,%06d,%d,\n", n, n)
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(text.Bytes())
	zw.Close()
	cut := z.Bytes()[:z.Len()*2/3]
	for _, batch := range []int{1000, 64 << 10} {
		open := func() io.Reader {
			zr, err := gzip.NewReader(bytes.NewReader(cut))
			if err != nil {
				t.Fatal(err)
			}
			return zr
		}
		_, werr := readBACIPath(t, open(), false, batch)
		_, gerr := readBACIPath(t, open(), true, batch)
		if werr == nil || !errors.Is(gerr, ErrTruncated) || werr.Error() != gerr.Error() {
			t.Fatalf("batch %d: error %v, want %v", batch, gerr, werr)
		}
	}
}

// FuzzBACIFast: whatever the bytes after the header, the fast reader gives
// the general path's rows and error.
func FuzzBACIFast(f *testing.F) {
	f.Add([]byte("2019,398,156,010121,1234.5,\n2019,842,417,270900,0.5,12.25\n"))
	f.Add([]byte("2019,398,156,\"0101\n21\",1,2\r\n\n2019,4,8,1,1e3,\n"))
	f.Add([]byte("2019,999,156,010121,1,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		in := "t,i,j,k,v,q\n" + string(data)
		for _, batch := range []int{1, 3, 64 << 10} {
			want, werr := readBACIPath(t, strings.NewReader(in), false, batch)
			got, gerr := readBACIPath(t, strings.NewReader(in), true, batch)
			if fmt.Sprint(werr) != fmt.Sprint(gerr) {
				t.Fatalf("batch %d: error\n%v\nwant\n%v", batch, gerr, werr)
			}
			if werr == nil && strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("batch %d: rows differ:\n%s\nwant\n%s", batch, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		}
	})
}

func TestFastDecimal(t *testing.T) {
	for _, s := range []string{"0", "1", "0.1", "0.3", "1234.567", "999999999999999", "0.000000000000001",
		"12.", ".5", "100000.000", "3.141592653589793", "0.1000000000000000055511151231257827"} {
		v, ok := fastDecimal([]byte(s))
		w, err := parseNumber([]byte(s))
		if ok && (err != nil || v != w) {
			t.Errorf("fastDecimal(%q) = %v, ParseFloat %v (%v)", s, v, w, err)
		}
	}
	for _, s := range []string{"", ".", "1.2.3", "1e3", "-1", "1234567890123456", " 1"} {
		if _, ok := fastDecimal([]byte(s)); ok {
			t.Errorf("fastDecimal(%q) took a form it should leave to parseNumber", s)
		}
	}
}
