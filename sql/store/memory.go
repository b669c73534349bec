package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// bigLoad is the size of a load (rows) after which the store lets go of
// DuckDB's cached blocks.
const bigLoad = 1 << 20

// loadMemory is DuckDB's memory limit while a load runs, where the limit
// the database opened with is higher. A load's hash tables (the totals
// of a file with millions of bilateral pairs: WITS's 2.5 million made
// DuckDB grow to 2.2 GB) then spill to the database's temp directory
// instead of growing; a BACI year of 10M rows needs less and runs as
// fast. (At 768 MiB the WITS totals spilled less, but ran out of memory
// in three runs of four, and ran again (Load); at 512 MiB in none of
// thirteen. The load's peak, about 950 MB, is then the stream's.)
const loadMemory = 512 << 20

// limitForLoad lowers DuckDB's memory limit to loadMemory for a load, and
// returns what puts it back (and whether it lowered it) as it was when the store opened the database,
// as current_setting wrote it then ("18.8 GiB"): that text, rounded as it
// is, is the limit from then on, set the same way each time, so it does
// not drift. (RESET does not do: it leaves the global limit where SET put
// it.) Both are set as GLOBAL. A failure changes nothing but the memory
// used.
//
// With release, the limit goes down to 64 MB for a moment first, which
// makes DuckDB let go of the table blocks it keeps cached after a big
// load. DuckDB keeps every block a load wrote in its buffer pool (up to
// its memory limit, 80% of the machine's memory by default), so a process
// loading a whole BACI history, one yearly file after another, grew by
// about 100 MB a file to 1.4 GB for ten files. Those blocks are on disk
// and clean: evicting them, the next load starts from what one file
// needs.
func (s *Store) limitForLoad(ctx context.Context) (restore func(release bool), lowered bool) {
	if s.memLimit == "" {
		return func(bool) {}, false
	}
	ctx = context.WithoutCancel(ctx)
	lowered = s.lowerMemory(ctx, loadMemory)
	return func(release bool) {
		if release {
			s.releaseCache(ctx)
			return
		}
		s.setMemoryLimit(ctx, s.memLimit)
	}, lowered
}

// releaseCache makes DuckDB let go of the table blocks it keeps cached,
// and sets the memory limit back as the store opened with.
func (s *Store) releaseCache(ctx context.Context) {
	if s.memLimit == "" {
		return
	}
	s.setMemoryLimit(ctx, "64MB")
	s.setMemoryLimit(ctx, s.memLimit)
}

// afresh closes the database and opens it again, between the loads of
// one LoadAll after a big one. Once its cached blocks are let go of
// (releaseCache), DuckDB still holds in the process much of what a big
// load built, which only closing the database frees: three yearly BACI
// files of 10M rows loaded by one ingest peaked at 483-489 MB of RSS,
// against 405-416 MB each in a process of its own, and at 420-428 MB
// with the database opened again between them. A load is whole on its
// own, so nothing is lost between two; another process waiting for the
// database may take it in that moment, and reopen waits for it as Open
// does. After a failure the store has no database: the loads after it
// fail with that error.
func (s *Store) afresh(ctx context.Context) error {
	if err := s.reopen(ctx); err != nil {
		return fmt.Errorf("opening the database again between files: %w", err)
	}
	return s.keepMemoryLimit(ctx)
}

// lowerMemory sets DuckDB's memory limit to limit where the limit the
// store opened with is higher, and reports whether it did.
func (s *Store) lowerMemory(ctx context.Context, limit int64) bool {
	n, ok := parseSize(s.memLimit)
	return ok && n > limit && s.setMemoryLimit(ctx, strconv.FormatInt(limit>>20, 10)+"MiB") == nil
}

func (s *Store) setMemoryLimit(ctx context.Context, limit string) error {
	_, err := s.db.ExecContext(ctx, `SET GLOBAL memory_limit = '`+strings.ReplaceAll(limit, "'", "''")+`'`)
	return err
}

// parseSize reads a size as DuckDB's current_setting writes it: "18.8
// GiB", "512.0 MiB", "1.5 GB", "1000 bytes".
func parseSize(text string) (int64, bool) {
	num, unit, _ := strings.Cut(strings.TrimSpace(text), " ")
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 {
		return 0, false
	}
	units := map[string]float64{"": 1, "bytes": 1, "b": 1,
		"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
		"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12}
	m, ok := units[strings.ToLower(strings.TrimSpace(unit))]
	if !ok {
		return 0, false
	}
	return int64(f * m), true
}

// keepMemoryLimit notes the memory limit the database opened with, and
// sets it as written, for limitForLoad to put back.
func (s *Store) keepMemoryLimit(ctx context.Context) error {
	var limit string
	if err := s.db.QueryRowContext(ctx, `SELECT current_setting('memory_limit')`).Scan(&limit); err != nil {
		return err
	}
	if _, err := s.db.ExecContext(ctx, `SET GLOBAL memory_limit = '`+strings.ReplaceAll(limit, "'", "''")+`'`); err != nil {
		return err
	}
	s.memLimit = limit
	return nil
}
