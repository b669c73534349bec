package store

import (
	"context"
	"path/filepath"
	"testing"
)

// The database keeps transform's macros; a read-only open of one whose
// macros are another version's uses its own, and the next open for
// writing replaces them and drops those this version has not.
func TestKeptMacros(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "t.duckdb")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if !s.macros {
		t.Error("a store opened for writing does not keep the macros")
	}
	// Another version's macros: one changed, one this version lacks.
	for _, q := range []string{
		`CREATE OR REPLACE MACRO tp_shown(partial, ok, v) AS 'stale'`,
		`CREATE MACRO tp_obsolete() AS TABLE SELECT 1 AS x`,
		`UPDATE meta SET value = 'another version' WHERE key = 'transform_sql'`,
	} {
		if _, err := s.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()

	shown := func(s *Store) string {
		t.Helper()
		c, err := s.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		var v string
		if err := c.QueryRowContext(ctx, `SELECT tp_shown('show', false, 'fresh')`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	ro, err := Open(ctx, path, ReadOnly())
	if err != nil {
		t.Fatal(err)
	}
	if ro.macros || shown(ro) != "fresh" {
		t.Errorf("read-only open of another version's macros: kept %v, tp_shown gives %q", ro.macros, shown(ro))
	}
	ro.Close()

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var obsolete int
	if err := s.db.QueryRow(`SELECT count(*) FROM duckdb_functions() WHERE function_name = 'tp_obsolete'`).Scan(&obsolete); err != nil {
		t.Fatal(err)
	}
	if !s.macros || shown(s) != "fresh" || obsolete != 0 {
		t.Errorf("after an open for writing: kept %v, tp_shown gives %q, tp_obsolete %d", s.macros, shown(s), obsolete)
	}
}
