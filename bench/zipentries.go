package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tradepipe/tradepipe/bench/gen"
)

// zipEntries and zipEntryRows shape the zip-entries target (issue 17):
// 10,000 small trade-long entries, the same rows as one plain file.
const (
	zipEntries   = 10_000
	zipEntryRows = 10
)

// zipEntriesTarget: tradepipe ingest of a zip of 10,000 small trade-long
// entries against tradepipe ingest of the same rows as one plain file.
// The ratio is the zip's speed as a share of the plain file's.
func (r *runner) zipEntriesTarget() error {
	zipPath, plain, err := prepareZipEntries(r.dir, r.log)
	if err != nil {
		return err
	}
	za, pa := filepath.Join(r.dbDir, "zipentries-zip.duckdb"), filepath.Join(r.dbDir, "zipentries-plain.duckdb")
	defer removeDB(za)
	defer removeDB(pa)
	rows := zipEntries * zipEntryRows
	a, b, err := r.pairsOf(fmt.Sprintf("trade-long %d rows: a zip of %d entries, one plain file", rows, zipEntries), r.pairs,
		func() (sample, error) {
			removeDB(za)
			s, err := runProc(r.ctx, r.tp, "ingest", "--db", za, "--format", "trade-long", zipPath)
			if err == nil {
				if n := strings.Count("\n"+s.out, "\nloaded  "); n != zipEntries {
					err = fmt.Errorf("tradepipe ingest of the zip: %d entries loaded, want %d", n, zipEntries)
				}
			}
			return s, err
		},
		func() (sample, error) {
			removeDB(pa)
			s, err := runProc(r.ctx, r.tp, "ingest", "--db", pa, "--format", "trade-long", plain)
			if err == nil && !strings.Contains(s.out, fmt.Sprintf(": %d rows", rows)) {
				err = fmt.Errorf("tradepipe ingest of the plain file: unexpected output %q", s.out)
			}
			return s, err
		})
	if err != nil {
		return err
	}
	res := result{target: "zip-entries", what: fmt.Sprintf("ingest a zip of %s trade-long entries of %d rows", count(zipEntries), zipEntryRows),
		a: a, b: b, aName: "the zip", bName: "the same rows, one file"}
	res.ratio = b.median().Seconds() / a.median().Seconds()
	res.ratioText = fmt.Sprintf("%.3fx speed", res.ratio)
	res.goal, res.met = ">= 0.1x", res.ratio >= 0.1
	res.note = fmt.Sprintf("%.0f entries a second", zipEntries/a.median().Seconds())
	r.results = append(r.results, res)
	return nil
}

// prepareZipEntries writes (or finds) the zip and the plain file: the
// rows of gen.WriteLong, cut into entries of zipEntryRows rows, each
// entry with the header, named by its number.
func prepareZipEntries(dir string, log func(string, ...any)) (zipPath, plain string, err error) {
	d := filepath.Join(dir, fmt.Sprintf("zipentries-%dx%d-v%s", zipEntries, zipEntryRows, genVersion))
	zipPath, plain = filepath.Join(d, "entries.zip"), filepath.Join(d, "entries.csv")
	if _, err := os.Stat(zipPath); err == nil {
		return zipPath, plain, nil
	}
	if err := os.MkdirAll(d, 0o755); err != nil {
		return "", "", err
	}
	start := time.Now()
	var text bytes.Buffer
	if err := gen.WriteLong(&text, gen.Options{Rows: zipEntries * zipEntryRows, Year: 2019, KeySeed: 2019, ValueSeed: 1}); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(plain, text.Bytes(), 0o644); err != nil {
		return "", "", err
	}
	header, body, _ := bytes.Cut(text.Bytes(), []byte("\n"))
	header = append(header, '\n')
	f, err := os.Create(zipPath + ".tmp")
	if err != nil {
		return "", "", err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	zw := zip.NewWriter(bw)
	sc := bufio.NewScanner(bytes.NewReader(body))
	for i := 0; i < zipEntries; i++ {
		// A fixed time: the same bytes on every run.
		w, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("entry_%05d.csv", i+1), Method: zip.Deflate,
			Modified: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			f.Close()
			return "", "", err
		}
		w.Write(header)
		for j := 0; j < zipEntryRows && sc.Scan(); j++ {
			w.Write(sc.Bytes())
			w.Write([]byte{'\n'})
		}
	}
	err = errors.Join(sc.Err(), zw.Close(), bw.Flush(), f.Close())
	if err == nil {
		err = os.Rename(zipPath+".tmp", zipPath)
	}
	if err != nil {
		os.Remove(zipPath + ".tmp")
		return "", "", err
	}
	log("generated %s: %d entries of %d rows in %s", zipPath, zipEntries, zipEntryRows, time.Since(start).Round(time.Millisecond))
	return zipPath, plain, nil
}
