package ingest

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
)

// repeatReader yields a header, then the same block of rows n times: a
// file of any length without holding it.
type repeatReader struct {
	head, body []byte
	n          int
	pos        int // in head, then in the current body copy
	inBody     bool
}

func (r *repeatReader) Read(p []byte) (int, error) {
	total := 0
	for len(p) > 0 {
		src := r.head
		if r.inBody {
			if r.n == 0 {
				break
			}
			src = r.body
		}
		k := copy(p, src[r.pos:])
		p, r.pos, total = p[k:], r.pos+k, total+k
		if r.pos == len(src) {
			r.pos = 0
			if r.inBody {
				r.n--
			}
			r.inBody = true
		}
	}
	if total == 0 {
		return 0, io.EOF
	}
	return total, nil
}

// baciBlock is 1000 BACI rows over the test table's countries, about 2% of
// them without a quantity.
func baciBlock() string {
	codes := []string{"398", "417", "156", "643", "860", "842"}
	var b strings.Builder
	for n := 0; n < 1000; n++ {
		fmt.Fprintf(&b, "2019,%s,%s,%06d,%d.%03d,", codes[n%6], codes[(n/6)%6], 10101+n*97%900000, n*37%100000, n%1000)
		if n%50 != 0 {
			fmt.Fprintf(&b, "%d.%03d", n*13%9999, n%997)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// benchReader reads a file of blocks copies of block per iteration with the
// format's reader (or, with general set, the general scanner and parser
// alone) and reports rows per second.
func benchReader(b *testing.B, format string, general bool, head, block string, blocks int) {
	b.SetBytes(int64(len(head) + len(block)*blocks))
	b.ReportAllocs()
	f, _ := FormatByName(format)
	rows := int64(0)
	for b.Loop() {
		src := &repeatReader{head: []byte(head), body: []byte(block), n: blocks}
		opts := []Option{WithName("bench.csv"), WithCodes(testCodes{})}
		var rr array.RecordReader
		if general && format != "baci" {
			opts = append(opts, withSequential())
		}
		if general && format == "baci" {
			o := buildOptions(opts)
			p, err := newBACIParser(newScanner(o.name, src), o)
			if err != nil {
				b.Fatal(err)
			}
			rr = newBatchReader(TradeSchema, o, p.(*baciReader).baciParser)
		} else {
			var err error
			if rr, err = f.NewReader(src, opts...); err != nil {
				b.Fatal(err)
			}
		}
		for rr.Next() {
			rows += rr.RecordBatch().NumRows()
		}
		if err := rr.Err(); err != nil {
			b.Fatal(err)
		}
		rr.Release()
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkBACIReader: the fast path (two goroutines), 200k rows a file.
func BenchmarkBACIReader(b *testing.B) {
	benchReader(b, "baci", false, "t,i,j,k,v,q\n", baciBlock(), 200)
}

// BenchmarkBACIReaderGeneral: the same file through the general scanner
// and parser, for comparison.
func BenchmarkBACIReaderGeneral(b *testing.B) {
	benchReader(b, "baci", true, "t,i,j,k,v,q\n", baciBlock(), 200)
}

// BenchmarkComtradeReader: Comtrade+ rows (47 quoted columns), 20k rows a file.
func BenchmarkComtradeReader(b *testing.B) {
	var block strings.Builder
	for n := 0; n < 500; n++ {
		block.WriteString(comtradeRow("2019", "398", "M", "156", fmt.Sprintf("%06d", 10101+n), fmt.Sprintf("%d.%02d", n*7919, n%100)))
		block.WriteString(comtradeRow("2019", "398", "X", "643", fmt.Sprintf("%06d", 10101+n), fmt.Sprintf("%d.%02d", n*104729, n%100)))
	}
	benchReader(b, "comtrade", false, comtradeHeader, block.String(), 20)
}

// BenchmarkBACIReaderDecoded: the fast path behind the decoder that
// OpenReader puts under every format (UTF-8 passes through it checked).
func BenchmarkBACIReaderDecoded(b *testing.B) {
	head, block, blocks := "t,i,j,k,v,q\n", baciBlock(), 200
	b.SetBytes(int64(len(head) + len(block)*blocks))
	b.ReportAllocs()
	f, _ := FormatByName("baci")
	rows := int64(0)
	for b.Loop() {
		src := newDecodeReader("bench.csv", &repeatReader{head: []byte(head), body: []byte(block), n: blocks}, -1)
		rr, err := f.NewReader(src, WithName("bench.csv"), WithCodes(testCodes{}))
		if err != nil {
			b.Fatal(err)
		}
		for rr.Next() {
			rows += rr.RecordBatch().NumRows()
		}
		if err := rr.Err(); err != nil {
			b.Fatal(err)
		}
		rr.Release()
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// longBlock is 1000 trade-long rows over the test table's codes, as
// gen.WriteLong writes them.
func longBlock() string {
	codes := []string{"KAZ", "KGZ", "CHN", "RUS", "UZB", "USA"}
	var b strings.Builder
	for n := 0; n < 1000; n++ {
		fmt.Fprintf(&b, "2019,,%s,%s,X,%06d,%d.%03d,USD\n", codes[n%6], codes[(n/6)%6], 10101+n*97%900000, n*37%100000, n%1000)
	}
	return b.String()
}

// BenchmarkLongReader: the trade-long fast path, 200k rows a file.
func BenchmarkLongReader(b *testing.B) {
	benchReader(b, "trade-long", false, "year,month,reporter,partner,flow,product,value,currency\n", longBlock(), 200)
}

// BenchmarkLongReaderGeneral: the same file through the general scanner
// and parser, for comparison.
func BenchmarkLongReaderGeneral(b *testing.B) {
	benchReader(b, "trade-long", true, "year,month,reporter,partner,flow,product,value,currency\n", longBlock(), 200)
}

// witsBlock is 60 records of WITS's partner time series over the test
// table's countries, each a flow of 1995-2018 between two of them, a few
// years empty.
func witsBlock() string {
	names := []string{"Kazakhstan", "Kyrgyz Republic", "China", "Russian Federation", "Uzbekistan", "United States"}
	var b strings.Builder
	for n := 0; n < 60; n++ {
		fmt.Fprintf(&b, "%s,%s,%s,All Products,Trade (US$ Thousand)", names[n%6], names[(n%6+1+n/6%5)%6], []string{"Export", "Import"}[n%2])
		for y := 0; y < 24; y++ {
			if (n+y)%11 == 0 {
				b.WriteString(",")
			} else {
				fmt.Fprintf(&b, ",%d.%03d", n*131+y*17, (n*y)%1000)
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// BenchmarkWITSReader: WITS's partner time series in parallel chunks,
// 24,000 records (about 520k rows, 6 MB) a file.
func BenchmarkWITSReader(b *testing.B) {
	head := "Reporter Name,Partner Name,Trade Flow,Product Group,Indicator"
	for y := 1995; y <= 2018; y++ {
		head += fmt.Sprintf(",%d", y)
	}
	benchReader(b, "wits", false, head+"\n", witsBlock(), 400)
}
