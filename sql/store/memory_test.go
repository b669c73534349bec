package store

import (
	"context"
	"testing"
)

// TestReleaseCacheKeepsTheLimit: letting go of the cache leaves DuckDB's
// memory limit as it was, again and again: a statement that needs far more
// than the moment's 64 MB (a list it cannot spill) still runs after it.
func TestReleaseCacheKeepsTheLimit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTest(t)
	loadSample(t, s, "a", "baci_sample.csv")
	limit := func() string {
		t.Helper()
		var v string
		if err := s.db.QueryRowContext(ctx, `SELECT current_setting('memory_limit')`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	before := limit()
	for range 3 {
		s.releaseCache(ctx)
		if after := limit(); after != before {
			t.Errorf("memory limit %s after releasing the cache, %s before", after, before)
		}
	}
	for range 3 { // any connection of the pool
		var n int64
		if err := s.db.QueryRowContext(ctx, `SELECT len(list(i)) FROM range(30000000) t(i)`).Scan(&n); err != nil || n != 30000000 {
			t.Fatalf("a 240 MB list after releasing the cache: %d, %v", n, err)
		}
	}
}
