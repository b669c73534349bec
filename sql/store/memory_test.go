package store

import (
	"context"
	"testing"
)

// TestReleaseCacheKeepsTheLimit: letting go of the cache leaves DuckDB's
// memory limit at its default, again and again.
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
}
