package store

import (
	"context"
	"strings"
)

// bigLoad is the size of a load (rows) after which the store lets go of
// DuckDB's cached blocks.
const bigLoad = 1 << 20

// releaseCache makes DuckDB let go of the table blocks it keeps cached
// after a big load. DuckDB keeps every block a load wrote in its buffer
// pool (up to its memory limit, 80% of the machine's memory by default),
// so a process loading a whole BACI history, one yearly file after
// another, grew by about 100 MB a file to 1.4 GB for ten files. Those
// blocks are on disk and clean: lowering the memory limit for a moment
// evicts them, and the next load starts from what one file needs.
//
// The limit is put back as it was when the store opened the database, as
// current_setting wrote it then ("18.8 GiB"): that text, rounded as it
// is, is the limit from then on, set the same way each time, so it does
// not drift. (RESET does not do: it leaves the global limit where SET put
// it.) Both are set as GLOBAL, on one connection. A failure changes
// nothing but the memory kept.
func (s *Store) releaseCache(ctx context.Context) {
	if s.memLimit == "" {
		return
	}
	c, err := s.db.Conn(ctx)
	if err != nil {
		return
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, `SET GLOBAL memory_limit = '64MB'`); err != nil {
		return
	}
	c.ExecContext(ctx, `SET GLOBAL memory_limit = '`+strings.ReplaceAll(s.memLimit, "'", "''")+`'`)
}

// keepMemoryLimit notes the memory limit the database opened with, and
// sets it as written, for releaseCache to put back.
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
