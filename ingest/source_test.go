package ingest

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const baciText = "t,i,j,k,v,q\n2019,398,156,010121,1234.5,\n"

func writeFile(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func zipOf(entries map[string]string) []byte {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for name, text := range entries {
		f, _ := w.Create(name)
		io.WriteString(f, text)
	}
	w.Close()
	return buf.Bytes()
}

// readSource reads a source through detection, returning rows or the error.
func readSource(t *testing.T, src Source) (int, error) {
	fr, err := OpenReader(src, "", WithCodes(testCodes{}))
	if err != nil {
		return 0, err
	}
	defer fr.Close()
	defer fr.Release()
	n := 0
	for fr.Next() {
		n += int(fr.RecordBatch().NumRows())
	}
	return n, fr.Err()
}

func TestSources(t *testing.T) {
	dir := t.TempDir()
	plain := writeFile(t, dir, "plain.csv", []byte(baciText))
	gzp := writeFile(t, dir, "data.csv.gz", gz([]byte(baciText)))
	full := gz([]byte(strings.Repeat(baciText[:12], 1) + strings.Repeat("2019,398,156,010121,1234.5,\n", 5000)))
	trunc := writeFile(t, dir, "trunc.csv.gz", full[:len(full)/2])
	zp := writeFile(t, dir, "bundle.zip", zipOf(map[string]string{
		"../../etc/evil.csv": baciText, "b/second.CSV": baciText, "readme.txt": "not data",
	}))
	badZip := writeFile(t, dir, "bad.zip", zipOf(map[string]string{"a.csv": baciText})[:30])

	srcs, err := Sources(plain)
	if err != nil || len(srcs) != 1 || srcs[0].Compression != "none" {
		t.Fatalf("plain: %v %+v", err, srcs)
	}
	if n, err := readSource(t, srcs[0]); n != 1 || err != nil {
		t.Errorf("plain: %d rows, %v", n, err)
	}

	srcs, err = Sources(gzp)
	if err != nil || srcs[0].Compression != "gzip" {
		t.Fatalf("gzip: %v %+v", err, srcs)
	}
	if n, err := readSource(t, srcs[0]); n != 1 || err != nil {
		t.Errorf("gzip: %d rows, %v", n, err)
	}

	srcs, err = Sources(zp)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range srcs {
		names = append(names, s.Entry)
		if n, err := readSource(t, s); n != 1 || err != nil {
			t.Errorf("zip entry %s: %d rows, %v", s.Entry, n, err)
		}
	}
	if strings.Join(names, "|") != "../../etc/evil.csv|b/second.CSV" {
		t.Errorf("zip entries = %q", names)
	}
	if _, err := os.Stat(filepath.Join(dir, "..", "..", "etc", "evil.csv")); err == nil {
		t.Errorf("a zip entry name became a path on disk")
	}
	if srcs[0].Name != zp+"!../../etc/evil.csv" {
		t.Errorf("zip entry name = %q", srcs[0].Name)
	}
	h1, _ := srcs[0].Hash()
	h2, _ := srcs[1].Hash()
	if h1 == "" || h1 != h2 {
		t.Errorf("entries with the same bytes hash differently: %s %s", h1, h2)
	}

	srcs, err = Sources(trunc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := readSource(t, srcs[0]); !errors.Is(err, ErrTruncated) {
		t.Errorf("truncated gzip: err = %v, want ErrTruncated", err)
	}
	if _, err := Sources(badZip); !errors.Is(err, ErrTruncated) {
		t.Errorf("truncated zip: err = %v, want ErrTruncated", err)
	}
}

// A reader opened WithSHA256 gives Source.Hash's sum for every kind of
// source, whether it was read to the end, stopped early by an error, or
// not read at all; a gzip file with bytes after its stream is hashed whole.
func TestReaderSHA256(t *testing.T) {
	dir := t.TempDir()
	long := baciText + strings.Repeat("2019,398,156,010121,1234.5,\n", 20000)
	bad := baciText + "2019,398,156,010121,x,\n" + strings.Repeat("2019,398,156,010121,1,\n", 20000)
	var srcs []Source
	for _, p := range []string{
		writeFile(t, dir, "plain.csv", []byte(long)),
		writeFile(t, dir, "bad.csv", []byte(bad)),
		writeFile(t, dir, "data.csv.gz", gz([]byte(long))),
		writeFile(t, dir, "trailing.csv.gz", append(gz([]byte(long)), 0, 0, 0, 0)),
		writeFile(t, dir, "bundle.zip", zipOf(map[string]string{"a.csv": long, "b.csv": bad})),
	} {
		s, err := Sources(p)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, s...)
	}
	for _, src := range srcs {
		want, err := src.Hash()
		if err != nil {
			t.Fatal(err)
		}
		for _, batches := range []int{0, 1, -1} { // none, one, all
			fr, err := OpenReader(src, "", WithCodes(testCodes{}), WithSHA256(), WithBatchRows(1000))
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; (batches < 0 || i < batches) && fr.Next(); i++ {
			}
			got, err := fr.SHA256()
			fr.Release()
			fr.Close()
			if err != nil || got != want {
				t.Errorf("%s after %d batches: SHA256() = %s, %v; Hash() = %s", src.Name, batches, got, err, want)
			}
		}
	}
	fr, err := OpenReader(srcs[0], "", WithCodes(testCodes{}))
	if err != nil {
		t.Fatal(err)
	}
	defer fr.Close()
	defer fr.Release()
	if _, err := fr.SHA256(); err == nil {
		t.Error("SHA256 of a reader opened without WithSHA256: no error")
	}
}

// A zip entry is read where the listing found it (the archive's directory
// is read once, by Sources), and checked as archive/zip checks it: the
// text of each entry, stored or deflated, is its own; bytes changed in
// place under the same size and modification time fail its CRC-32.
func TestZipEntryFromListing(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	texts := []string{baciText, strings.Repeat(baciText, 50), "x"}
	for i, text := range texts {
		method := zip.Deflate
		if i == 0 {
			method = zip.Store
		}
		f, err := w.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("e%d.csv", i), Method: method})
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(f, text)
	}
	w.Close()
	p := writeFile(t, t.TempDir(), "a.zip", buf.Bytes())
	srcs, err := Sources(p)
	if err != nil || len(srcs) != len(texts) {
		t.Fatal(srcs, err)
	}
	for i, src := range srcs {
		if src.at == nil {
			t.Fatalf("%s: no location from the listing", src.Name)
		}
		rc, err := src.Open()
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || string(got) != texts[i] {
			t.Errorf("%s: %q, %v; want %q", src.Name, got, err, texts[i])
		}
	}
	// The stored entry's text changed in place, the archive's size and
	// time kept.
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	b := bytes.Replace(buf.Bytes(), []byte("1234.5"), []byte("9234.5"), 1)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, st.ModTime(), st.ModTime()); err != nil {
		t.Fatal(err)
	}
	rc, err := srcs[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(rc)
	rc.Close()
	if !errors.Is(err, zip.ErrChecksum) {
		t.Errorf("changed entry read with error %v, want %v", err, zip.ErrChecksum)
	}
}

// The deflate readers of entries go back to a pool when closed: entries
// read one after another, some stopped half way, some closed twice, each
// give their own text, and one read after its close fails.
func TestZipEntryInflatersReused(t *testing.T) {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	var texts []string
	for i := range 40 {
		text := strings.Repeat(fmt.Sprintf("2019,%d,156,010121,%d.5,\n", 100+i, i), 1+i*37)
		texts = append(texts, text)
		f, err := w.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("e%02d.csv", i), Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(f, text)
	}
	w.Close()
	srcs, err := Sources(writeFile(t, t.TempDir(), "a.zip", buf.Bytes()))
	if err != nil || len(srcs) != len(texts) {
		t.Fatal(len(srcs), err)
	}
	for round := range 3 {
		for i, src := range srcs {
			rc, err := src.Open()
			if err != nil {
				t.Fatal(err)
			}
			if (i+round)%3 == 0 { // half read, then closed
				io.ReadFull(rc, make([]byte, len(texts[i])/2))
				rc.Close()
				continue
			}
			got, err := io.ReadAll(rc)
			rc.Close()
			rc.Close()
			if err != nil || string(got) != texts[i] {
				t.Fatalf("round %d, %s: %d bytes, %v; want %d", round, src.Name, len(got), err, len(texts[i]))
			}
			if n, err := rc.Read(make([]byte, 8)); n != 0 || err == nil {
				t.Fatalf("%s: a read after close gave %d bytes, %v", src.Name, n, err)
			}
		}
	}
	// After those double closes, entries open at the same time each have
	// a reader of their own: read in turns, 100 bytes each.
	var rcs []io.ReadCloser
	var got []bytes.Buffer
	for _, src := range srcs[30:] {
		rc, err := src.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		rcs, got = append(rcs, rc), append(got, bytes.Buffer{})
	}
	for done := false; !done; {
		done = true
		for i, rc := range rcs {
			if n, _ := io.CopyN(&got[i], rc, 100); n > 0 {
				done = false
			}
		}
	}
	for i := range rcs {
		if got[i].String() != texts[30+i] {
			t.Errorf("%s, read beside others: %d bytes, want %d", srcs[30+i].Name, got[i].Len(), len(texts[30+i]))
		}
	}
}
