package store

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/tradepipe/tradepipe/ingest"
	"github.com/tradepipe/tradepipe/transform/country"
)

// growRows gives a trade-long text of n rows from year y on (values
// illustrative).
func growRows(y, n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%d,,KAZ,CHN,X,TOTAL,%d,USD\n", y+i, 1000+i)
	}
	return b.String()
}

func gz(t *testing.T, s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func zipOf(t *testing.T, name, s string) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	f, _ := w.Create(name)
	f.Write([]byte(s))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Issue 17, case 3: a file that grows while it is read (the reader reaches
// its end, then more bytes arrive) is either loaded as it was when opened,
// with the size and hash of those bytes, or fails saying it changed; the
// next load takes it whole, never "Duplicate key".
func TestFileGrowsDuringLoad(t *testing.T) {
	t.Parallel()
	const header = "year,month,reporter,partner,flow,product,value,currency\n"
	first, more := header+growRows(1996, 5), growRows(2001, 3)
	for _, tc := range []struct {
		name        string
		file, grown []byte // as stored before and after it grows
		appendOnly  bool   // grown starts with file
	}{
		{"plain", []byte(first), []byte(first + more), true},
		{"gzip", gz(t, first), append(gz(t, first), gz(t, more)...), true},
		{"zip", zipOf(t, "t.csv", first), zipOf(t, "t.csv", first+more), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := openTest(t)
			p := write(t, t.TempDir(), "t."+tc.name, tc.file)
			cs, err := country.Load()
			if err != nil {
				t.Fatal(err)
			}
			load := func(grow func(read int64)) LoadResult {
				srcs, err := ingest.Sources(p)
				if err != nil || len(srcs) != 1 {
					t.Fatalf("sources: %v %v", srcs, err)
				}
				var read int64
				o := LoadOptions{Codes: cs, Progress: func(n int64) {
					read += n
					if grow != nil {
						grow(read)
					}
				}}
				return s.Load(context.Background(), srcs[0], o)
			}
			grown := false
			res := load(func(read int64) {
				if grown || read < int64(len(first)) {
					return
				}
				grown = true
				if tc.appendOnly {
					f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
					if err != nil {
						t.Fatal(err)
					}
					f.Write(tc.grown[len(tc.file):])
					f.Close()
				} else if err := os.WriteFile(p, tc.grown, 0o644); err != nil {
					t.Fatal(err)
				}
			})
			if !grown {
				t.Fatal("the file was not grown during the load")
			}
			sum := sha256.Sum256(tc.file)
			if tc.name == "zip" {
				sum = sha256.Sum256([]byte(first))
			}
			var n, size int64
			var sha string
			switch res.Status {
			case Loaded:
				if err := s.db.QueryRow(`SELECT size, sha256 FROM files`).Scan(&size, &sha); err != nil {
					t.Fatal(err)
				}
				want := int64(len(tc.file))
				if tc.name == "zip" {
					want = int64(len(first))
				}
				if res.Rows != 5 || size != want || sha != hex.EncodeToString(sum[:]) {
					t.Errorf("loaded %d rows, ledger size %d sha %s; want the 5 rows and the %d bytes there were at open", res.Rows, size, sha, want)
				}
			case Failed:
				if !errors.Is(res.Err, ingest.ErrChanged) || !strings.HasPrefix(res.Err.Error(), p) {
					t.Errorf("failed with %v; want %v naming the file", res.Err, ingest.ErrChanged)
				}
				if k := Classify(res.Err); !k.RetryLater() {
					t.Errorf("kind %s is not tried again", k)
				}
			default:
				t.Fatalf("status %s %v", res.Status, res.Err)
			}
			again := load(nil)
			if again.Status != Loaded || again.Err != nil {
				t.Fatalf("next load: %s %v", again.Status, again.Err)
			}
			if err := s.db.QueryRow(`SELECT count(*) FROM trade`).Scan(&n); err != nil || n != 8 {
				t.Errorf("trade holds %d rows (%v), want the 8 of the grown file", n, err)
			}
			st, _ := os.Stat(p)
			if err := s.db.QueryRow(`SELECT size FROM files WHERE file_id = ?`, again.FileID).Scan(&size); err != nil ||
				(tc.name != "zip" && size != st.Size()) {
				t.Errorf("ledger size %d (%v), file %d", size, err, st.Size())
			}
		})
	}
}
