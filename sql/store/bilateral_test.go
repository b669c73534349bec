package store

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestNarrowTotalsMigration: a database of schema version 14, its totals
// in the table trade_bilateral, holds the same totals, column for column,
// through the view once 015 ran and the store made them again from the
// sums (the old table cannot be split: the choice behind it is not kept).
// The database is this version's, turned back: every sample file loaded,
// the totals copied into a table of 014's shape, the two new tables
// dropped, the schema version and the rule's hash set back.
func TestNarrowTotalsMigration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.duckdb")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	loadSample(t, s, "sample", "baci_sample.csv", "c5_comtrade_2017_2020.csv", "tkm_dots_2017_2020.csv",
		"kgz_national_kgs_2019.csv", "fx_kgs_monthly_2019.csv", "asean_long_1996_2020.csv")
	q := `SELECT * FROM trade_bilateral ORDER BY ALL`
	before := textRows(t, s, q)
	if len(before) < 100 {
		t.Fatalf("%d totals: the samples should give more", len(before))
	}
	for _, stmt := range []string{
		`CREATE TABLE old_totals AS SELECT * FROM trade_bilateral`,
		`DROP VIEW trade_bilateral`,
		`DROP TABLE trade_bilateral_pairs`,
		`DROP TABLE trade_bilateral_sets`,
		`ALTER TABLE old_totals RENAME TO trade_bilateral`,
		`UPDATE meta SET value = '14' WHERE key = 'schema_version'`,
		`UPDATE meta SET value = 'the rule of 014' WHERE key = 'bilateral_rule'`,
	} {
		if _, err := s.db.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, err := s.SchemaVersion(ctx); err != nil || v < 15 {
		t.Fatalf("schema version %d after the upgrade (%v)", v, err)
	}
	if after := textRows(t, s, q); !slices.Equal(after, before) {
		t.Fatalf("after 015: %d totals\n%s\nbefore: %d\n%s", len(after), strings.Join(after[:min(len(after), 20)], "\n"),
			len(before), strings.Join(before[:20], "\n"))
	}
	if got := textRows(t, s, `SELECT table_type FROM information_schema.tables WHERE table_name = 'trade_bilateral'`); len(got) != 1 || got[0] != "VIEW" {
		t.Errorf("trade_bilateral is %v after 015, want a view", got)
	}
}
