package store

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tradepipe/tradepipe/transform"
	"github.com/tradepipe/tradepipe/transform/country"
)

// TestNewDatabaseReferenceTables: the reference tables of a new database
// hold their seeds, row for row. The database's side is plain SQL (a
// count, and the md5 of the rows as text in byte order); the expected
// side is the seeds as package country and transform read them, written
// as text in Go. NULL is written <null>; doubles with 17 significant
// digits, which tell every double apart.
func TestNewDatabaseReferenceTables(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "t.duckdb"), noTemplate())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cs, err := country.Load()
	if err != nil {
		t.Fatal(err)
	}
	cur, err := country.LoadCurrencies()
	if err != nil {
		t.Fatal(err)
	}
	groups, err := transform.SeededGroups()
	if err != nil {
		t.Fatal(err)
	}
	world, err := transform.WorldTrade()
	if err != nil {
		t.Fatal(err)
	}
	g17 := func(f float64) string { return strconv.FormatFloat(f, 'g', 17, 64) }
	orNull := func(s string) string {
		if s == "" {
			return "<null>"
		}
		return s
	}
	var want = map[string][]string{}
	for _, c := range cs.All() {
		want["countries"] = append(want["countries"], join(c.Code, c.Name, string(c.Kind), c.Currency))
	}
	for _, c := range cs.Codes() {
		want["country_codes"] = append(want["country_codes"], join(string(c.Scheme), c.Code, c.Country))
	}
	for _, p := range cur.Periods() {
		want["currencies"] = append(want["currencies"], join(p.Country, p.Currency, p.Numeric, orNull(p.From), orNull(p.To)))
	}
	for _, c := range cur.Changes() {
		want["currency_changes"] = append(want["currency_changes"], join(c.Country, c.Old, c.New, g17(c.Ratio), c.Date, c.Kind, c.Source))
	}
	for _, m := range groups {
		want["group_membership"] = append(want["group_membership"], join(m.Group, m.Country, m.From.Format(time.DateOnly), orNull(dateOrNone(m.To)), "seed"))
	}
	for _, w := range world {
		want["world_trade"] = append(want["world_trade"], join(strconv.Itoa(w.Year), g17(w.Exports), g17(w.Imports), w.Source))
	}
	for _, tc := range []struct {
		table string
		row   string // the row as text, in SQL
	}{
		{"countries", `concat_ws('|', code, name, kind, currency)`},
		{"country_codes", `concat_ws('|', scheme, code, country)`},
		{"currencies", `concat_ws('|', country, currency, numeric, coalesce(valid_from, '<null>'), coalesce(valid_to, '<null>'))`},
		{"currency_changes", `concat_ws('|', country, old_currency, new_currency, printf('%.17g', ratio), changed_on::VARCHAR, kind, source)`},
		{"group_membership", `concat_ws('|', group_name, country, valid_from::VARCHAR, coalesce(valid_to::VARCHAR, '<null>'), source)`},
		{"world_trade", `concat_ws('|', year::VARCHAR, printf('%.17g', exports_usd), printf('%.17g', imports_usd), source)`},
	} {
		t.Run(tc.table, func(t *testing.T) {
			var n int
			var sum, text string
			q := `SELECT count(*), md5(coalesce(string_agg(r, chr(10) ORDER BY r), '')), coalesce(string_agg(r, chr(10) ORDER BY r), '')
				FROM (SELECT ` + tc.row + ` AS r FROM ` + tc.table + `)`
			if err := s.db.QueryRowContext(ctx, q).Scan(&n, &sum, &text); err != nil {
				t.Fatal(err)
			}
			rows := slices.Clone(want[tc.table])
			slices.Sort(rows)
			h := md5.Sum([]byte(strings.Join(rows, "\n")))
			if n != len(rows) || sum != hex.EncodeToString(h[:]) {
				got := strings.Split(text, "\n")
				for i := range min(len(got), len(rows)) {
					if got[i] != rows[i] {
						t.Fatalf("%d rows, md5 %s; want %d rows, md5 %x; first difference, row %d:\n got %s\nwant %s", n, sum, len(rows), h, i+1, got[i], rows[i])
					}
				}
				t.Fatalf("%d rows, md5 %s; want %d rows, md5 %x", n, sum, len(rows), h)
			}
			if n == 0 {
				t.Fatalf("no rows in %s: the seed is empty", tc.table)
			}
		})
	}
}

func join(fields ...string) string { return strings.Join(fields, "|") }

// TestNewDatabaseSchema: a new database, whose schema files run in one
// transaction, has the schema that running them one transaction each (as
// an older database takes them) gives: the same tables, columns, types,
// defaults, constraints, indexes, views and sequences.
func TestNewDatabaseSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	batch, err := Open(ctx, filepath.Join(t.TempDir(), "batch.duckdb"), noTemplate())
	if err != nil {
		t.Fatal(err)
	}
	defer batch.Close()
	path := filepath.Join(t.TempDir(), "each.duckdb")
	db, err := openWritable(ctx, path, 0)
	if err != nil {
		t.Fatal(err)
	}
	each := &Store{db: db, path: path}
	defer each.Close()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if err := each.apply(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range append(slices.Clone(schemaQueries), `SELECT value FROM meta WHERE key = 'schema_version'`) {
		if got, want := textRows(t, batch, q), textRows(t, each, q); !slices.Equal(got, want) {
			t.Errorf("%s\nnew database:\n%s\none schema file a transaction:\n%s", q, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// schemaQueries list a database's schema: its tables, columns, types,
// defaults, constraints, indexes, views and sequences.
var schemaQueries = []string{
	`SELECT table_name, column_name, ordinal_position, data_type, is_nullable, coalesce(column_default, '') FROM information_schema.columns
		WHERE table_catalog = current_database() ORDER BY ALL`,
	`SELECT table_name, constraint_type, constraint_text FROM duckdb_constraints() WHERE database_name = current_database() ORDER BY ALL`,
	`SELECT table_name, index_name, coalesce(sql, '') FROM duckdb_indexes() WHERE database_name = current_database() ORDER BY ALL`,
	`SELECT view_name, sql FROM duckdb_views() WHERE database_name = current_database() AND NOT internal ORDER BY ALL`,
	`SELECT sequence_name, start_value, increment_by FROM duckdb_sequences() WHERE database_name = current_database() ORDER BY ALL`,
}

// textRows is a query's rows, each as its columns' text joined by |.
func textRows(t *testing.T, s *Store, q string) []string {
	t.Helper()
	rows, err := s.db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vs := make([]any, len(cols))
		ps := make([]any, len(cols))
		for i := range vs {
			ps[i] = &vs[i]
		}
		if err := rows.Scan(ps...); err != nil {
			t.Fatal(err)
		}
		fs := make([]string, len(vs))
		for i, v := range vs {
			fs[i] = strings.TrimSpace(strings.ReplaceAll(fmt.Sprint(v), "\n", " "))
		}
		out = append(out, join(fs...))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
