package store

import (
	"context"
	"errors"
	"strconv"
	"testing"
)

// TestOutdatedRefusedReadOnly: a read-only open refuses a database whose
// schema is older than this version's, or whose totals were made by
// another rule (theirs, or product levels another rule gave), saying how to
// bring it up to date; an open for writing does, after which the read-only
// open works.
func TestOutdatedRefusedReadOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		name, update string
		upgrades     bool // a writable open brings it up to date
	}{
		{"an older rule", `UPDATE meta SET value = 'other' WHERE key = 'bilateral_rule'`, true},
		// A product level another rule gave: one product, and one with none.
		{"a product's level", `UPDATE trade_products SET level = level + 1 WHERE product_id = (SELECT max(product_id) FROM trade_products)`, true},
		{"a product with no level", `UPDATE trade_products SET level = NULL WHERE product_id = (SELECT min(product_id) FROM trade_products)`, true},
		{"an older schema", `UPDATE meta SET value = CAST(CAST(value AS INTEGER) - 1 AS VARCHAR) WHERE key = 'schema_version'`, false},
		{"a newer schema", `UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS VARCHAR) WHERE key = 'schema_version'`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTest(t)
			loadSample(t, s, "a", "baci_sample.csv")
			if _, err := s.db.ExecContext(ctx, tc.update); err != nil {
				t.Fatal(err)
			}
			path := s.Path()
			s.Close()
			_, err := Open(ctx, path, ReadOnly())
			if !errors.Is(err, ErrOutdated) {
				t.Fatalf("read-only open: %v, want ErrOutdated", err)
			}
			if !tc.upgrades {
				return
			}
			w, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			w.Close()
			r, err := Open(ctx, path, ReadOnly())
			if err != nil {
				t.Fatalf("after the upgrade: %v", err)
			}
			v, _ := r.SchemaVersion(ctx)
			stale, err := r.staleLevels(ctx)
			r.Close()
			if err != nil || len(stale) > 0 {
				t.Errorf("after the upgrade: stale levels %v, %v", stale, err)
			}
			if v <= 0 {
				t.Errorf("schema version %s", strconv.Itoa(v))
			}
		})
	}
}
