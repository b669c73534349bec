package store

import (
	"context"
	"path/filepath"
	"strings"
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

// ViewFor puts the member view's one branch on a connection, and its undo
// leaves the union there again: the kept one where the database keeps
// the macros, the connection's own where they are another version's.
func TestViewForUndo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "t.duckdb")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	views := func(s *Store) []string {
		t.Helper()
		c, err := s.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		// Where tp_view_rows comes from, before, during and after.
		var out []string
		where := func() {
			var schema string
			var union bool
			if err := c.QueryRowContext(ctx, `SELECT database_name, contains(macro_definition, 'UNION ALL')
				FROM duckdb_functions() WHERE function_name = 'tp_view_rows'
				ORDER BY database_name = 'temp' DESC LIMIT 1`).Scan(&schema, &union); err != nil {
				t.Fatal(err)
			}
			kind := "branch"
			if union {
				kind = "union"
			}
			out = append(out, schema+" "+kind)
		}
		where()
		undo, err := s.ViewFor(ctx, c, "flow")
		if err != nil {
			t.Fatal(err)
		}
		where()
		if err := undo(); err != nil {
			t.Fatal(err)
		}
		where()
		return out
	}
	for _, tc := range []struct {
		name  string
		stale bool
		want  string
	}{
		{"kept", false, attachedAs + " union, temp branch, " + attachedAs + " union"},
		{"another version's", true, "temp union, temp branch, temp union"},
	} {
		if tc.stale {
			w, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.db.Exec(`UPDATE meta SET value = 'another version' WHERE key = 'transform_sql'`); err != nil {
				t.Fatal(err)
			}
			w.Close()
		}
		ro, err := Open(ctx, path, ReadOnly())
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(views(ro), ", "); got != tc.want {
			t.Errorf("%s macros: tp_view_rows %s, want %s", tc.name, got, tc.want)
		}
		ro.Close()
	}
}
