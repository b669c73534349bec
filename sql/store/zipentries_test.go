package store

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
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

// loadAll loads every source of the files at paths with one LoadAll.
func loadAll(t *testing.T, s *Store, paths ...string) []LoadResult {
	t.Helper()
	var srcs []ingest.Source
	for _, p := range paths {
		ss, err := ingest.Sources(p)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, ss...)
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

// Issue 17: the entries of a zip loaded together (batch.go) leave the
// database as loading them one at a time, in order, does: the model's rows
// (revisions among the entries and of earlier files, keys repeated within
// an entry, entries of other datasets and an exchange-rate entry between
// them, the same text twice), the same results entry by entry (status,
// rows, rows replaced: against a second database that loads the same
// entries with Load, one at a time) and totals equal to their recomputation
// from the rows.
func TestPropertyZipFollowsTheModel(t *testing.T) {
	t.Parallel()
	codes := testCodes(t)
	for seed := range propertySeeds() {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(seed, 17))
			var files []*genFile
			for i := range 25 {
				var f *genFile
				switch k := r.IntN(12); {
				case k == 0 && i > 0:
					again := *files[r.IntN(len(files))]
					f = &again
				case k == 1:
					f = genFX(r, fmt.Sprintf("fx%d", i), "rates")
				default:
					f = genTrade(r, fmt.Sprintf("t%d", i), []string{"nso", "nso", "nso", "comtrade"}[r.IntN(4)], []int{2018, 2019})
				}
				f.name = fmt.Sprintf("e%02d.zip", i) // identity: the entry's text
				files = append(files, f)
			}
			var b bytes.Buffer
			w := zip.NewWriter(&b)
			for i, f := range files {
				e, err := w.Create(fmt.Sprintf("e%02d.csv", i))
				if err != nil {
					t.Fatal(err)
				}
				e.Write(f.text)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			path := write(t, dir, "entries.zip", b.Bytes())
			srcs, err := ingest.Sources(path)
			if err != nil {
				t.Fatal(err)
			}
			s, one := openTest(t), openTest(t)
			// Both start from an earlier file the entries may revise.
			first := genTrade(r, "first", "nso", []int{2018, 2019})
			m := newModel()
			m.load(first)
			for _, st := range []*Store{s, one} {
				if res := loadGen(t, st, dir, first, codes, ReplaceKeys); res.Err != nil {
					t.Fatal(res.Err)
				}
			}
			opts := func(i int) LoadOptions { return LoadOptions{Dataset: files[i].dataset, Codes: codes} }
			got := make([]LoadResult, len(srcs))
			s.LoadAll(context.Background(), srcs, opts, func(i int, res LoadResult) { got[i] = res })
			for i, f := range files {
				want := one.Load(context.Background(), srcs[i], opts(i))
				loaded := m.load(f)
				g := got[i]
				if g.Err != nil || want.Err != nil {
					t.Fatalf("entry %d: %v; one at a time: %v", i, g.Err, want.Err)
				}
				if (g.Status == Loaded) != loaded || g.Status != want.Status || g.Rows != want.Rows || g.Replaced != want.Replaced {
					t.Errorf("entry %d: %s, %d rows, %d replaced; one at a time: %s, %d rows, %d replaced; model: loaded %v",
						i, g.Status, g.Rows, g.Replaced, want.Status, want.Rows, want.Replaced, loaded)
				}
				if g.Status == Skipped && (g.Earlier != want.Earlier || g.EarlierDataset != want.EarlierDataset) {
					t.Errorf("entry %d skipped as %s (%s); one at a time as %s (%s)", i, g.Earlier, g.EarlierDataset, want.Earlier, want.EarlierDataset)
				}
			}
			gotT, gotF := dumpDB(t, s)
			wantT, wantF := m.dump()
			diff(t, "trade", gotT, wantT)
			diff(t, "fx_rates", gotF, wantF)
			checkTotals(t, s, false)
			var ledger, ledgerOne []string
			for _, p := range []struct {
				st  *Store
				out *[]string
			}{{s, &ledger}, {one, &ledgerOne}} {
				rows, err := p.st.db.Query(`SELECT concat_ws('|', coalesce(entry, 'first'), sha256, dataset, rows, replaced, format) FROM files ORDER BY file_id`)
				if err != nil {
					t.Fatal(err)
				}
				for rows.Next() {
					var l string
					rows.Scan(&l)
					*p.out = append(*p.out, l)
				}
				rows.Close()
			}
			if !slices.Equal(ledger, ledgerOne) {
				t.Errorf("ledger:\n%s\none at a time:\n%s", strings.Join(ledger, "\n"), strings.Join(ledgerOne, "\n"))
			}
		})
	}
}
