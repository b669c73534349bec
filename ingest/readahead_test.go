package ingest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// readPathAhead opens path's only source, reads ahead if asked, and renders
// every row, its error and its hash; nothing may leak.
func readPathAhead(t *testing.T, path string, ahead bool) (rows []string, sum string, err error) {
	t.Helper()
	srcs, err := Sources(path)
	if err != nil {
		t.Fatal(err)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	fr, err := OpenReader(srcs[0], "", WithCodes(testCodes{}), WithAllocator(mem), WithBatchRows(1000), WithSHA256())
	if err != nil {
		t.Fatal(err)
	}
	defer fr.Close()
	defer fr.Release()
	if ahead {
		fr.ReadAhead()
		time.Sleep(20 * time.Millisecond) // let it read ahead
	}
	for fr.Next() {
		rows = append(rows, renderBatch(fr.RecordBatch())...)
	}
	err = fr.Err()
	if sum, herr := fr.SHA256(); herr == nil {
		return rows, sum, err
	}
	return rows, "", err
}

// A reader that read ahead gives the rows, the positioned error and the
// hash that one read from the first Next gives: on the fast paths'
// goroutines and on one goroutine (a small text), with an error in the
// first chunk, in a later one, or none.
func TestReadAheadSameRows(t *testing.T) {
	good := "2019,KZT,382.75\n2019-01,KZT,370.2\n"
	cases := []struct {
		name, text string
		wantErr    bool
	}{
		{"parallel", fxHead + strings.Repeat(good, 60000), false},
		{"small", fxHead + strings.Repeat(good, 100), false},
		{"bad in the first chunk", fxHead + strings.Repeat(good, 10) + "2019,KZT,abc\n" + strings.Repeat(good, 60000), true},
		{"bad in a later chunk", fxHead + strings.Repeat(good, 60000) + "2019,KZT,abc\n" + strings.Repeat(good, 10), true},
	}
	head, lines := comtradeSample(t)
	body := strings.Join(lines, "\n") + "\n"
	cases = append(cases, struct {
		name, text string
		wantErr    bool
	}{"Comtrade+ on parallelReader", head + "\n" + strings.Repeat(body, 1+(2<<20)/len(body)), false})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "fx.csv", []byte(c.text))
			want, wsum, werr := readPathAhead(t, path, false)
			got, gsum, gerr := readPathAhead(t, path, true)
			if (werr != nil) != c.wantErr {
				t.Fatalf("error %v; want one: %v", werr, c.wantErr)
			}
			if fmt.Sprint(gerr) != fmt.Sprint(werr) {
				t.Errorf("error after reading ahead:\n%v\nwant\n%v", gerr, werr)
			}
			if len(got) != len(want) || strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("%d rows after reading ahead, want %d (or they differ)", len(got), len(want))
			}
			if gsum != wsum || wsum == "" {
				t.Errorf("hash after reading ahead %q, want %q", gsum, wsum)
			}
		})
	}
}
