package store

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/tradepipe/tradepipe/ingest"
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

// manyEntries is a zip of n trade-long entries of three rows: entry k
// holds rows of its own keys (reporters, years and products cycling),
// except that entry revise revises entry 1 (the same keys, other values)
// and entry bad has a bad number in its second row (line 3, column 22).
// It returns the archive and, per entry, its text.
func manyEntries(t *testing.T, n, revise, bad int) ([]byte, []string) {
	t.Helper()
	const header = "year,month,reporter,partner,flow,product,value,currency\n"
	reporters := []string{"KAZ", "CHN", "USA", "DEU", "FRA", "KGZ", "UZB"}
	text := func(k, val int, broken bool) string {
		var b strings.Builder
		b.WriteString(header)
		for i := range 3 {
			v := strconv.Itoa(val + i)
			if broken && i == 1 {
				v = "12.5x"
			}
			fmt.Fprintf(&b, "%d,,%s,%s,X,%02d%02d,%s,USD\n", 1995+k%7, reporters[k%len(reporters)], reporters[(k+1+i)%len(reporters)],
				k%97, i, v)
		}
		return b.String()
	}
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	var texts []string
	for k := 1; k <= n; k++ {
		s := text(k, 1000*k, k == bad)
		if k == revise {
			s = text(1, 7, false)
		}
		f, err := w.Create(fmt.Sprintf("e%04d.csv", k))
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(s))
		texts = append(texts, s)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), texts
}

// loadAll loads every source of the file at path with LoadAll.
func loadAll(t *testing.T, s *Store, path string) []LoadResult {
	t.Helper()
	srcs, err := ingest.Sources(path)
	if err != nil {
		t.Fatal(err)
	}
	codes := testCodes(t)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	out := make([]LoadResult, len(srcs))
	s.LoadAll(context.Background(), srcs, func(int) LoadOptions { return LoadOptions{Codes: codes, Allocator: mem} },
		func(i int, r LoadResult) { out[i] = r })
	mem.AssertSize(t, 0)
	return out
}

// Issue 17: the entries of a many-entry zip load in groups, one
// transaction a group, and each is still its own file: its own ledger
// row with its own row count, whole or not at all; a bad entry in the
// middle fails alone, named, and the database is as the good entries
// make it, totals included; loading the archive again skips every entry.
func TestZipManyEntries(t *testing.T) {
	t.Parallel()
	const n, revise, bad = 150, 75, 100
	dir := t.TempDir()
	archive, texts := manyEntries(t, n, revise, bad)
	path := write(t, dir, "many.zip", archive)
	s := openTest(t)
	res := loadAll(t, s, path)
	for i, r := range res {
		k := i + 1
		switch {
		case k == bad:
			want := fmt.Sprintf("%s!e%04d.csv:3:22: ", path, k)
			if r.Status != Failed || r.Err == nil || !strings.HasPrefix(r.Err.Error(), want) {
				t.Errorf("entry %d: %s %v, want failed with %q...", k, r.Status, r.Err, want)
			}
		case r.Status != Loaded || r.Rows != 3:
			t.Errorf("entry %d: %s, %d rows (%v), want loaded, 3 rows", k, r.Status, r.Rows, r.Err)
		case k == revise && r.Replaced != 3, k != revise && r.Replaced != 0:
			t.Errorf("entry %d replaced %d rows", k, r.Replaced)
		}
	}
	var files, ids, rows, trade, failures int
	err := s.db.QueryRow(`SELECT count(*), count(DISTINCT file_id), sum(rows), (SELECT count(*) FROM trade),
		(SELECT count(*) FROM load_failures WHERE path = ?) FROM files WHERE path = ?`,
		fmt.Sprintf("%s!e%04d.csv", path, bad), path).Scan(&files, &ids, &rows, &trade, &failures)
	if err != nil {
		t.Fatal(err)
	}
	if files != n-1 || ids != n-1 || rows != 3*(n-1) || trade != 3*(n-2) || failures != 1 {
		t.Errorf("files: %d rows, %d ids, %d rows in all; trade: %d rows; failures: %d; want %d, %d, %d, %d, 1",
			files, ids, rows, trade, failures, n-1, n-1, 3*(n-1), 3*(n-2))
	}
	checkTotals(t, s, false)
	// The same rows as one file of the good entries' rows would give
	// but those entry 1's revision replaced.
	plain := texts[0][:strings.Index(texts[0], "\n")+1]
	for i, text := range texts {
		if k := i + 1; k != 1 && k != bad {
			plain += text[strings.Index(text, "\n")+1:]
		}
	}
	one := openTest(t)
	if r := loadFile(t, one, write(t, dir, "good.csv", []byte(plain)), LoadOptions{}); r[0].Status != Loaded {
		t.Fatalf("the good rows in one file: %s %v", r[0].Status, r[0].Err)
	}
	gotTrade, _ := dumpDB(t, s)
	wantTrade, _ := dumpDB(t, one)
	diff(t, "trade", gotTrade, wantTrade)
	for i, r := range loadAll(t, s, path) {
		if k := i + 1; k != bad && r.Status != Skipped {
			t.Errorf("again, entry %d: %s %v", k, r.Status, r.Err)
		}
	}
}
