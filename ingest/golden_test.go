package ingest_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/tradepipe/tradepipe/ingest"
	"github.com/tradepipe/tradepipe/transform/country"
)

var update = flag.Bool("update", false, "rewrite testdata/golden")

// TestGoldenSamples reads every bundled sample file with the real country
// table and compares every row, as text, with testdata/golden/FILE.txt.
func TestGoldenSamples(t *testing.T) {
	cs, err := country.Load()
	if err != nil {
		t.Fatal(err)
	}
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", "sample", "*.csv"))
	if len(paths) < 7 {
		t.Fatalf("sample files: %v", paths)
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			srcs, err := ingest.Sources(p)
			if err != nil {
				t.Fatal(err)
			}
			fr, err := ingest.OpenReader(srcs[0], "", ingest.WithCodes(cs), ingest.WithAllocator(mem), ingest.WithBatchRows(100))
			if err != nil {
				t.Fatal(err)
			}
			defer fr.Close()
			defer fr.Release()
			var b bytes.Buffer
			fmt.Fprintf(&b, "format %s\n%s\n", fr.Format.Name, strings.Join(fieldNames(fr), ","))
			for fr.Next() {
				rec := fr.RecordBatch()
				for i := 0; i < int(rec.NumRows()); i++ {
					cells := make([]string, rec.NumCols())
					for c, col := range rec.Columns() {
						if col.IsNull(i) {
							cells[c] = "<null>"
						} else {
							cells[c] = col.ValueStr(i)
						}
					}
					b.WriteString(strings.Join(cells, ",") + "\n")
				}
			}
			if err := fr.Err(); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "golden", strings.TrimSuffix(filepath.Base(p), ".csv")+".txt")
			if *update {
				os.MkdirAll(filepath.Dir(golden), 0o755)
				os.WriteFile(golden, b.Bytes(), 0o644)
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				gl, wl := strings.Split(b.String(), "\n"), strings.Split(string(want), "\n")
				for i := range min(len(gl), len(wl)) {
					if gl[i] != wl[i] {
						t.Fatalf("line %d:\n got  %s\n want %s", i+1, gl[i], wl[i])
					}
				}
				t.Fatalf("%d lines, golden has %d", len(gl), len(wl))
			}
		})
	}
}

func fieldNames(rr array.RecordReader) []string {
	var out []string
	for _, f := range rr.Schema().Fields() {
		out = append(out, f.Name)
	}
	return out
}
