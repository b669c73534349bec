package store

import "context"

// bigLoad is the size of a load (rows) after which the store lets go of
// DuckDB's cached blocks.
const bigLoad = 1 << 20

// releaseCache makes DuckDB let go of the table blocks it keeps cached
// after a big load. DuckDB keeps every block a load wrote in its buffer
// pool (up to its memory limit, 80% of the machine's memory by default),
// so a process loading a whole BACI history, one yearly file after
// another, grew by about 100 MB a file to 1.4 GB for ten files. Those
// blocks are on disk and clean: lowering the memory limit for a moment
// evicts them, and the next load starts from what one file needs. The
// store never sets the limit otherwise, so it is reset to DuckDB's
// default (setting back the value current_setting shows would not do: it
// is rounded, "18.8 GiB"). A failure changes nothing but the memory kept.
func (s *Store) releaseCache(ctx context.Context) {
	if _, err := s.db.ExecContext(ctx, `SET memory_limit = '64MB'`); err != nil {
		return
	}
	s.db.ExecContext(ctx, `RESET memory_limit`)
}
