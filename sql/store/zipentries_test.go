package store

import (
	"archive/zip"
	"bytes"
	"testing"
)

// Issue 17, case 4: zip entries are distinct by position, not by name:
// two entries named alike both load (the second was skipped as already
// loaded, having been read as the first).
func TestZipEntriesSameName(t *testing.T) {
	t.Parallel()
	const header = "year,month,reporter,partner,flow,product,value,currency\n"
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, text := range []string{header + growRows(1996, 2), header + growRows(2001, 3)} {
		f, err := w.Create("same.csv")
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(text))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	s := openTest(t)
	res := loadFile(t, s, write(t, t.TempDir(), "two.zip", b.Bytes()), LoadOptions{})
	if len(res) != 2 {
		t.Fatalf("%d sources, want 2", len(res))
	}
	for i, r := range res {
		if r.Status != Loaded || r.Err != nil {
			t.Errorf("entry %d (%s): %s %v", i+1, r.Source.Name, r.Status, r.Err)
		}
	}
	if res[0].Source.Name == res[1].Source.Name {
		t.Errorf("both entries are called %s", res[0].Source.Name)
	}
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM trade`).Scan(&n); err != nil || n != 5 {
		t.Errorf("trade holds %d rows (%v), want 2 + 3", n, err)
	}
	// Loading the archive again skips both.
	for i, r := range loadFile(t, s, res[0].Source.Path, LoadOptions{}) {
		if r.Status != Skipped {
			t.Errorf("again, entry %d: %s %v", i+1, r.Status, r.Err)
		}
	}
}
