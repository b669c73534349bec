package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// Between the loads of one LoadAll, after a big one, the database is
// opened again (afresh); the loads after it, and the database, are as
// they would have been.
func TestLoadAllOpensAfresh(t *testing.T) {
	t.Parallel()
	const header = "year,month,reporter,partner,flow,product,value,currency\n"
	dir := t.TempDir()
	var paths []string
	for i, y := range []int{1996, 2001, 2006} {
		paths = append(paths, write(t, dir, string(rune('a'+i))+".csv", []byte(header+growRows(y, 3+i))))
	}
	var limits []string
	for _, tc := range []struct {
		name   string
		after  int64
		afresh bool
	}{
		{"small loads", 0, false}, // bigLoad rows: none of these
		{"big loads", 3, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTest(t)
			s.afreshAfter = tc.after
			first, memLimit := s.db, s.memLimit
			res := loadAll(t, s, paths...)
			for i, r := range res {
				if r.Status != Loaded || r.Err != nil || r.Rows != int64(3+i) {
					t.Errorf("file %d: %s, %d rows, %v", i+1, r.Status, r.Rows, r.Err)
				}
			}
			if got := s.db != first; got != tc.afresh {
				t.Errorf("opened again: %v, want %v", got, tc.afresh)
			}
			var n, files int
			if err := s.db.QueryRow(`SELECT (SELECT count(*) FROM trade), (SELECT count(*) FROM files)`).Scan(&n, &files); err != nil || n != 12 || files != 3 {
				t.Errorf("trade %d rows, files %d (%v), want 12 and 3", n, files, err)
			}
			// The memory limit is the one a store sets (memory.go),
			// whether or not it opened the database again.
			if s.memLimit != memLimit {
				t.Errorf("the store's memory limit %q, was %q at open", s.memLimit, memLimit)
			}
			var limit string
			if err := s.db.QueryRow(`SELECT current_setting('memory_limit')`).Scan(&limit); err != nil {
				t.Fatal(err)
			}
			if limits = append(limits, limit); limit != limits[0] {
				t.Errorf("memory limit %q, %q without opening again", limit, limits[0])
			}
		})
	}
}

// Where the database cannot be opened again, the files left fail with
// that error, each named; the ones before it stay loaded.
func TestLoadAllAfreshFails(t *testing.T) {
	t.Parallel()
	const header = "year,month,reporter,partner,flow,product,value,currency\n"
	dir := t.TempDir()
	a := write(t, dir, "a.csv", []byte(header+growRows(1996, 3)))
	b := write(t, dir, "b.csv", []byte(header+growRows(2001, 3)))
	p := filepath.Join(t.TempDir(), "t.duckdb")
	s, err := Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.afreshAfter = 1
	// What it opens again is now a folder.
	s.dsn = t.TempDir()
	res := loadAll(t, s, a, b)
	if res[0].Status != Loaded || res[0].Err != nil {
		t.Errorf("first file: %s %v", res[0].Status, res[0].Err)
	}
	if res[1].Status != Failed || res[1].Err == nil || !strings.HasPrefix(res[1].Err.Error(), res[1].Source.Name+": opening the database again between files: ") {
		t.Errorf("second file: %s %v", res[1].Status, res[1].Err)
	}
	s2, err := Open(context.Background(), p, ReadOnly())
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	var n int
	if err := s2.db.QueryRow(`SELECT count(*) FROM trade`).Scan(&n); err != nil || n != 3 {
		t.Errorf("trade %d rows (%v), want the first file's 3", n, err)
	}
}
