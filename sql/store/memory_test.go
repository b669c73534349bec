package store

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/tradepipe/tradepipe/ingest"
	"github.com/tradepipe/tradepipe/transform/country"
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

// TestLoadLimitsMemory: while a load runs (seen from each of its later
// steps) DuckDB's memory limit is loadMemory, and after it the limit the
// database opened with.
func TestLoadLimitsMemory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTest(t)
	limit := func() int64 {
		t.Helper()
		var v string
		if err := s.db.QueryRowContext(ctx, `SELECT current_setting('memory_limit')`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		n, ok := parseSize(v)
		if !ok {
			t.Fatalf("memory limit %q: not a size", v)
		}
		return n
	}
	before := limit()
	if before <= loadMemory {
		t.Skipf("DuckDB's limit here, %d bytes, is not above the load's", before)
	}
	codes, err := country.Load()
	if err != nil {
		t.Fatal(err)
	}
	srcs, err := ingest.Sources(filepath.Join("..", "..", "testdata", "sample", "baci_sample.csv"))
	if err != nil {
		t.Fatal(err)
	}
	during := map[string]int64{}
	r := s.Load(ctx, srcs[0], LoadOptions{Codes: codes, Stage: func(what string) { during[what] = limit() }})
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if len(during) == 0 {
		t.Fatal("the load told no step")
	}
	for what, n := range during {
		if n != loadMemory {
			t.Errorf("memory limit %d while %s; want %d", n, what, int64(loadMemory))
		}
	}
	if after := limit(); after != before {
		t.Errorf("memory limit %d after the load, %d before", after, before)
	}
}

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		text string
		want int64
		ok   bool
	}{
		{"2.0 GiB", 2 << 30, true},
		{"512.0 MiB", 512 << 20, true},
		{"1.5 GB", 1_500_000_000, true},
		{"1000 bytes", 1000, true},
		{"64MB", 0, false},
		{"lots", 0, false},
		{"-1 GiB", 0, false},
	} {
		got, ok := parseSize(tc.text)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseSize(%q) = %d, %v; want %d, %v", tc.text, got, ok, tc.want, tc.ok)
		}
	}
}
