package ingest

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// readComtradePath reads a Comtrade+ text in parallel chunks or on one
// goroutine, and renders every row; nothing may leak.
func readComtradePath(t testing.TB, r io.Reader, parallel bool, batchRows int) (rows []string, fellBack bool, err error) {
	return readFormatPath(t, "comtrade", r, parallel, batchRows)
}

// readFormatPath is readComtradePath for any chunkable format.
func readFormatPath(t testing.TB, format string, r io.Reader, parallel bool, batchRows int) (rows []string, fellBack bool, err error) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	opts := []Option{WithName("c.csv"), WithCodes(testCodes{}), WithAllocator(mem), WithBatchRows(batchRows)}
	if !parallel {
		opts = append(opts, withSequential())
	}
	f, _ := FormatByName(format)
	rr, err := f.NewReader(r, opts...)
	if err != nil {
		return nil, false, err
	}
	pr, ok := rr.(piped)
	if ok != parallel {
		t.Fatalf("parallel %v: got a %T", parallel, rr)
	}
	defer rr.Release()
	for rr.Next() {
		rows = append(rows, renderBatch(rr.RecordBatch())...)
	}
	return rows, ok && pr.pipe().slow != nil, rr.Err()
}

// piped is a reader of chunks (parallelReader, or a format's fast path).
type piped interface{ pipe() *chunkPipe }

func (p *chunkPipe) pipe() *chunkPipe { return p }

// sameInParallel checks that parallel chunks give exactly the rows and the
// error of one pass, at batch sizes that put chunk boundaries everywhere,
// and that a file read without error was read in chunks throughout (the
// one-pass fallback would hide a chunk cut in the wrong place).
func sameInParallel(t testing.TB, in string, batches ...int) {
	t.Helper()
	sameFormatInParallel(t, "comtrade", in, batches...)
}

func sameFormatInParallel(t testing.TB, format, in string, batches ...int) {
	t.Helper()
	for _, batch := range batches {
		want, _, werr := readFormatPath(t, format, strings.NewReader(in), false, batch)
		got, fellBack, gerr := readFormatPath(t, format, strings.NewReader(in), true, batch)
		if fmt.Sprint(werr) != fmt.Sprint(gerr) {
			t.Fatalf("batch %d: error\n%v\nwant\n%v", batch, gerr, werr)
		}
		if werr == nil && fellBack {
			t.Fatalf("batch %d: a file without errors fell back to one pass", batch)
		}
		if werr == nil && strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("batch %d: rows\n%s\nwant\n%s", batch, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// comtradeSample returns the bundled sample's header and those of its data
// lines that read without error with the test country codes.
func comtradeSample(t testing.TB) (string, []string) {
	b, err := os.ReadFile("../testdata/sample/c5_comtrade_2017_2020.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	var ok []string
	for _, l := range lines[1:] {
		if rows, _, err := readComtradePath(t, strings.NewReader(lines[0]+"\n"+l+"\n"), false, 10); err == nil && len(rows) == 1 {
			ok = append(ok, l)
		}
	}
	if len(ok) < 20 {
		t.Fatalf("only %d usable sample lines", len(ok))
	}
	return lines[0] + "\n", ok
}

func TestParallelSameAsOnePass(t *testing.T) {
	h, lines := comtradeSample(t)
	rows := strings.Join(lines[:6], "\n") + "\n"
	// A description with commas, quotes and newlines inside its quotes.
	multi := strings.Replace(lines[6], `"Kazakhstan"`, "\"Kazakh,\n\"\"stan\"\"\r\n\n\"", 1) + "\n"
	bad := func(from, to string) string { return strings.Replace(lines[7], from, to, 1) + "\n" }
	tests := []struct{ name, in string }{
		{"plain", h + rows},
		{"no final newline", h + strings.TrimSuffix(rows, "\n")},
		{"crlf", strings.ReplaceAll(h+rows, "\n", "\r\n")},
		{"blank lines", h + "\n" + rows + "\n\n" + rows + "\r\n"},
		{"quoted newlines", h + rows + multi + rows + multi},
		{"quoted newlines at the end", h + rows + strings.TrimSuffix(multi, "\n")},
		{"only header", h},
		{"cr at the end", h + rows + "\r"},
		{"bad number", h + rows + bad(`"29139332000"`, `"29x"`) + rows},
		{"bad number after quoted newlines", h + multi + rows + multi + bad(`"2017","52"`, `"2017","x"`)},
		{"unknown country", h + rows + bad(`"398"`, `"999"`)},
		{"stray quote", h + rows + bad(`"Kazakhstan"`, `"Kaz"akh"`) + rows},
		{"quote in an unquoted field", h + rows + bad(`,,"false"`, `,a"b,"false"`) + rows},
		{"unterminated quote", h + rows + multi + `"C","A","2017` + "\n" + rows},
		{"too few fields", h + rows + `"C","A"` + "\n" + rows},
		{"NUL", h + rows + bad(`"Kazakhstan"`, "\"Kaz\x00\"") + rows},
		{"long field", h + rows + bad(`"Kazakhstan"`, `"`+strings.Repeat("k", 70<<10)+`"`) + rows},
		{"long quoted record", h + rows + bad(`"Kazakhstan"`, `"`+strings.Repeat(strings.Repeat("k", 60<<10)+"\n", 20)+`"`) + rows},
		{"long line", h + rows + bad(`,,"false"`, `,`+strings.Repeat(" ", 2<<20)+`,"false"`) + rows},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { sameInParallel(t, tc.in, 1, 2, 3, 7, 64<<10) })
	}
}

// Random files from the sample's rows, with quoted newlines, CRLF, blank
// lines and now and then one broken row, read at random batch sizes.
func TestParallelRandomFiles(t *testing.T) {
	h, lines := comtradeSample(t)
	r := rand.New(rand.NewPCG(9, 9))
	breaks := []struct{ from, to string }{
		{`"true","false"`, `"true","false","x"`},
		{`"C","A"`, `"C","Q"`},
		{`"Kazakhstan"`, `"Kaz"akh"`},
		{`"H5"`, `H5"`},
	}
	for round := range 60 {
		var b strings.Builder
		b.WriteString(h)
		n := 1 + r.IntN(300)
		for i := range n {
			l := lines[r.IntN(len(lines))]
			if r.IntN(5) == 0 {
				l = strings.Replace(l, `"World"`, "\"Wor\nld,\"\"x\"\"\n\"", 1)
			}
			if r.IntN(400) == 0 {
				br := breaks[r.IntN(len(breaks))]
				l = strings.Replace(l, br.from, br.to, 1)
			}
			b.WriteString(l)
			switch {
			case r.IntN(20) == 0:
				b.WriteString("\r\n")
			case r.IntN(30) == 0:
				b.WriteString("\n\n")
			case i == n-1 && r.IntN(2) == 0:
			default:
				b.WriteString("\n")
			}
		}
		sameInParallel(t, b.String(), 1+r.IntN(9), 1+r.IntN(200))
		_ = round
	}
}

func FuzzComtradeParallel(f *testing.F) {
	b, err := os.ReadFile("../testdata/sample/c5_comtrade_2017_2020.csv")
	if err != nil {
		f.Fatal(err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	h := lines[0]
	f.Add([]byte(strings.Join(lines[1:4], "")))
	f.Add([]byte(strings.Replace(strings.Join(lines[1:3], ""), `"World"`, "\"Wor\nld\"", 1)))
	f.Add([]byte(lines[1] + "\"C\",\"A\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sameInParallel(t, h+string(data), 1, 2, 64<<10)
	})
}

// The legacy Comtrade layout (quoted where a field needs it) reads the same
// in chunks, broken rows included.
func TestParallelLegacy(t *testing.T) {
	b, err := os.ReadFile("../testdata/sample/comtrade_legacy_sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	h := lines[0] + "\n"
	var ok []string
	for _, l := range lines[1:] {
		if rows, _, err := readFormatPath(t, "comtrade-legacy", strings.NewReader(h+l+"\n"), false, 10); err == nil && len(rows) == 1 {
			ok = append(ok, l)
		}
	}
	if len(ok) < 5 {
		t.Fatalf("only %d usable sample lines", len(ok))
	}
	r := rand.New(rand.NewPCG(10, 10))
	for range 40 {
		var sb strings.Builder
		sb.WriteString(h)
		for range 1 + r.IntN(200) {
			l := ok[r.IntN(len(ok))]
			switch r.IntN(30) {
			case 0:
				l = strings.Replace(l, ",World,", ",\"Wor\nld, \"\"x\"\"\",", 1)
			case 1:
				if r.IntN(10) == 0 {
					l = strings.Replace(l, ",World,", ",Wor\"ld,", 1)
				}
			}
			sb.WriteString(l + "\n")
		}
		sameFormatInParallel(t, "comtrade-legacy", sb.String(), 1+r.IntN(9), 1+r.IntN(100))
	}
}

// A reader released after one batch, or whose reading SHA256 stopped,
// leaves no goroutine behind (the cutter reads ahead of Next) and no
// memory.
func TestChunkPipeStops(t *testing.T) {
	text := fxHead + strings.Repeat("2019,KZT,382.75\n2019-01,KZT,370.2\n", 80000) // over smallText: not inline
	path := writeFile(t, t.TempDir(), "fx.csv", []byte(text))
	srcs, err := Sources(path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := srcs[0].Hash()
	if err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	// Let go of after one batch, or after reading ahead (ReadAhead) with
	// no Next at all; with the hash asked for or not.
	for _, ahead := range []bool{false, true} {
		for _, hashed := range []bool{false, true} {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			opts := []Option{WithCodes(testCodes{}), WithAllocator(mem), WithBatchRows(100)}
			if hashed {
				opts = append(opts, WithSHA256())
			}
			fr, err := OpenReader(srcs[0], "", opts...)
			if err != nil {
				t.Fatal(err)
			}
			r, ok := fr.RecordReader.(*longFXReader)
			if !ok || r.inline {
				t.Fatalf("read by a %T, not the fast path on goroutines", fr.RecordReader)
			}
			if ahead {
				if fr.ReadAhead(); r.queue == nil {
					t.Fatal("ReadAhead started no goroutine")
				}
			} else if !fr.Next() {
				t.Fatal(fr.Err())
			}
			if hashed {
				if got, err := fr.SHA256(); err != nil || got != want {
					t.Errorf("ahead %v: SHA256: %s, %v; want %s", ahead, got, err, want)
				}
				if fr.Next() {
					t.Errorf("ahead %v: a batch after SHA256", ahead)
				}
			}
			fr.Release()
			fr.Close()
			mem.AssertSize(t, 0)
		}
	}
	for range 100 {
		if runtime.NumGoroutine() <= before {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("%d goroutines, %d before", runtime.NumGoroutine(), before)
}
