package store

import (
	"context"
	dsql "database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCompact compacts a database that loads, a revision, a removal, an
// exchange-rate file and a failed load made, and finds every table the
// same, row for row, against a copy of the file taken before (read by a
// DuckDB of its own); the store loads after it, its ids going on; a copy
// a killed compaction left is gone; a read-only store refuses.
func TestCompact(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "t.duckdb")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close() }()
	loadFile(t, s, write(t, dir, "v1.csv", []byte(longRows("1", "2", "3"))), LoadOptions{})
	loadFile(t, s, write(t, dir, "v2.csv", []byte(longRows("100", "200"))), LoadOptions{}) // a revision
	gone := loadFile(t, s, write(t, dir, "o.csv", []byte(longRows("7", "8"))), LoadOptions{Dataset: "other"})
	if _, err := s.Forget(ctx, []int64{gone[0].FileID}); err != nil {
		t.Fatal(err)
	}
	loadFile(t, s, write(t, dir, "o2.csv", []byte(longRows("9"))), LoadOptions{Dataset: "other"})
	loadFile(t, s, "testdata/fx/wdi_currencies.csv", LoadOptions{Dataset: "wdi"})
	if r := loadFile(t, s, write(t, dir, "bad.csv", []byte(longHeader+"2019,,KGZ,KAZ,X,TOTAL,oops,USD\n")), LoadOptions{}); r[0].Status != Failed {
		t.Fatalf("the bad file: %+v", r[0])
	}
	if _, err := s.db.ExecContext(ctx, `CHECKPOINT`); err != nil {
		t.Fatal(err)
	}
	before := filepath.Join(t.TempDir(), "before.duckdb")
	copyFile(t, path, before)
	stale := filepath.Join(dir, ".t.duckdb.compact-killed")
	write(t, dir, filepath.Base(stale), []byte("a copy a killed compaction left"))
	want := counts(t, s)

	res, err := s.Compact(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Tables < 20 || res.Before <= 0 || res.After <= 0 {
		t.Errorf("compaction %+v", res)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the killed compaction's copy: %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".t.duckdb.compact-*")); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
	if got := counts(t, s); got != want {
		t.Errorf("after: %s, want %s", got, want)
	}
	sameTables(t, before, path, res.Tables)

	// The store goes on: the next file gets the next id.
	var last int64
	if err := s.db.QueryRowContext(ctx, `SELECT max(file_id) FROM files`).Scan(&last); err != nil {
		t.Fatal(err)
	}
	r := loadFile(t, s, write(t, dir, "v3.csv", []byte(longRows("5", "6", "7", "8"))), LoadOptions{})
	if r[0].Status != Loaded || r[0].FileID <= last {
		t.Errorf("a load after: %+v (the last id before %d)", r[0], last)
	}
	// ... into the file now at the path, not the one it replaced.
	after := counts(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := Open(ctx, path, ReadOnly())
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if got := counts(t, again); got != after || got == want {
		t.Errorf("the file at the path holds %s; the store held %s (before the load %s)", got, after, want)
	}

	ro, err := Open(ctx, before, ReadOnly())
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.Compact(ctx); err == nil {
		t.Error("a read-only store compacted")
	}
}

// sameTables checks, in a DuckDB of its own, that every table of the
// database a holds the rows of b's, row for row, and that they have the
// same tables, n of them.
func sameTables(t *testing.T, a, b string, n int) {
	t.Helper()
	db, err := dsql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{`ATTACH '` + a + `' AS a (READ_ONLY)`, `ATTACH '` + b + `' AS b (READ_ONLY)`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	list := func(cat string) []string {
		rows, err := db.Query(`SELECT schema_name || '.' || table_name FROM duckdb_tables() WHERE database_name = ? ORDER BY 1`, cat)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			rows.Scan(&s)
			out = append(out, s)
		}
		return out
	}
	ta, tb := list("a"), list("b")
	if strings.Join(ta, ",") != strings.Join(tb, ",") || len(ta) != n {
		t.Fatalf("tables before %v, after %v (%d copied)", ta, tb, n)
	}
	for _, tab := range ta {
		var diff int64
		q := `SELECT (SELECT count(*) FROM (FROM a.` + tab + ` EXCEPT ALL FROM b.` + tab + `)) + (SELECT count(*) FROM (FROM b.` + tab + ` EXCEPT ALL FROM a.` + tab + `))`
		if err := db.QueryRow(q).Scan(&diff); err != nil {
			t.Fatalf("%s: %v", tab, err)
		}
		if diff != 0 {
			t.Errorf("%s: %d rows differ", tab, diff)
		}
	}
	// The sequences go on from where they were, and the macros and views are there.
	for _, q := range []string{
		`SELECT string_agg(sequence_name || '=' || coalesce(last_value, -1), ',' ORDER BY sequence_name) FROM duckdb_sequences() WHERE database_name = ?`,
		`SELECT string_agg(function_name, ',' ORDER BY function_name) FROM duckdb_functions() WHERE database_name = ?`,
		`SELECT string_agg(view_name, ',' ORDER BY view_name) FROM duckdb_views() WHERE database_name = ? AND NOT internal`,
	} {
		var x, y dsql.NullString
		db.QueryRow(q, "a").Scan(&x)
		db.QueryRow(q, "b").Scan(&y)
		if x != y || !x.Valid {
			t.Errorf("%s\nbefore %q\nafter  %q", q, x.String, y.String)
		}
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err == nil {
		err = os.WriteFile(to, b, 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
}
