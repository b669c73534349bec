package store

import (
	"context"
	dsql "database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Compaction rewrites the database file whole. DuckDB never gives a
// file's space back: a revision of a 10M-row BACI year took its database
// from 110 MB to 216 MB, and forgetting the year's file left 110 MB of
// nothing (5 MB compacted). A database loaded file by file also keeps its
// catalog where each load's checkpoint left it: after the ten yearly
// files of a BACI history, in 12 metadata blocks spread over the file, of
// which a one-year report reads 11 (31 block reads of 5.8 MB, against 25
// of 4.3 MB compacted).
// DuckDB has no statement that rewrites a database in place; COPY FROM
// DATABASE writes every table, view, macro and sequence into a new file,
// the catalog together at its end (docs/performance-log.md).

// compactAs is the name the new file is attached as while it is written.
const compactAs = "tp_compact"

// compactMemory is DuckDB's memory limit while it copies, where the
// database's is higher: copying the bench's 100M-row history took 16.8 s
// and 2.5 GB of RSS under the default limit (80% of the machine's
// memory), 12.4 s and 1.1 GB under 1 GiB, 23 s and 645 MB under 512 MiB.
const compactMemory = 1 << 30

// ErrNoRoom is returned by Compact when the file system lacks the room
// for a second copy of the database.
var ErrNoRoom = errors.New("not enough free space for a compacted copy")

// A Compaction says what Compact did.
type Compaction struct {
	Before, After int64 // the file's size in bytes
	Tables        int   // tables copied, each checked row for row by count
}

// Compact rewrites the database into a new file beside it and puts that
// in its place. It needs a writable store and room for a second copy. The
// store holds DuckDB's lock on the old file until the new one is in
// place, so another process waiting for the database opens the new one;
// the store then opens the new file. Any failure before the swap leaves
// the database as it was and removes the partial copy (a copy a killed
// process left is removed by the next Compact).
func (s *Store) Compact(ctx context.Context) (Compaction, error) {
	var res Compaction
	if s.readOnly {
		return res, errors.New("database opened read-only")
	}
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	if _, err := s.db.ExecContext(ctx, `CHECKPOINT`); err != nil {
		return res, fmt.Errorf("checkpoint before compacting: %w", err)
	}
	st, err := os.Stat(s.path)
	if err != nil {
		return res, err
	}
	res.Before = st.Size()
	dir, stem := filepath.Dir(s.path), "."+filepath.Base(s.path)+".compact-"
	removeStale(dir, stem)
	if free, ok := freeSpace(dir); ok && free < uint64(res.Before) {
		return res, fmt.Errorf("%s: %w (%d MB free, the database is %d MB)", s.path, ErrNoRoom, free>>20, res.Before>>20)
	}
	tmp := filepath.Join(dir, stem+strconv.FormatUint(rand.Uint64(), 36))
	defer func() {
		os.Remove(tmp)
		os.Remove(tmp + ".wal")
	}()
	lowered := s.lowerMemory(context.WithoutCancel(ctx), compactMemory)
	res.Tables, err = s.copyTo(ctx, tmp)
	if lowered {
		s.setMemoryLimit(context.WithoutCancel(ctx), s.memLimit)
	}
	if err != nil {
		return res, fmt.Errorf("compacting %s: %w", s.path, err)
	}
	if err := syncFile(tmp); err != nil {
		return res, err
	}
	// The swap, while this process still holds the lock on the old file.
	if err := os.Rename(tmp, s.path); err != nil {
		return res, err
	}
	syncDir(dir)
	if err := s.reopen(ctx); err != nil {
		return res, fmt.Errorf("opening the compacted database: %w", err)
	}
	if err := s.keepMemoryLimit(ctx); err != nil {
		return res, err
	}
	if st, err := os.Stat(s.path); err == nil {
		res.After = st.Size()
	}
	return res, nil
}

// copyTo writes the database into a new file at path and checks that
// every table holds as many rows there.
func (s *Store) copyTo(ctx context.Context, path string) (tables int, err error) {
	c, err := s.db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	var name string
	if err := c.QueryRowContext(ctx, `SELECT current_database()`).Scan(&name); err != nil {
		return 0, err
	}
	if _, err := c.ExecContext(ctx, `ATTACH `+quote(path)+` AS `+compactAs); err != nil {
		return 0, err
	}
	attached := true
	defer func() {
		if attached {
			c.ExecContext(context.WithoutCancel(ctx), `DETACH `+compactAs)
		}
	}()
	if _, err := c.ExecContext(ctx, `COPY FROM DATABASE `+quoteIdent(name)+` TO `+compactAs); err != nil {
		return 0, err
	}
	if tables, err = sameCounts(ctx, c, name); err != nil {
		return 0, err
	}
	attached = false
	if _, err := c.ExecContext(ctx, `DETACH `+compactAs); err != nil {
		return 0, err
	}
	if _, err := os.Stat(path + ".wal"); err == nil {
		return 0, fmt.Errorf("%s: closed with a WAL", path)
	}
	return tables, nil
}

// sameCounts compares the row count of every table of the database name
// with the copy's.
func sameCounts(ctx context.Context, c *dsql.Conn, name string) (int, error) {
	rows, err := c.QueryContext(ctx, `SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ? ORDER BY ALL`, name)
	if err != nil {
		return 0, err
	}
	var tables [][2]string
	for rows.Next() {
		var t [2]string
		if err := rows.Scan(&t[0], &t[1]); err != nil {
			rows.Close()
			return 0, err
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, t := range tables {
		rel := quoteIdent(t[0]) + "." + quoteIdent(t[1])
		var a, b int64
		q := `SELECT (SELECT count(*) FROM ` + quoteIdent(name) + `.` + rel + `), (SELECT count(*) FROM ` + compactAs + `.` + rel + `)`
		if err := c.QueryRowContext(ctx, q).Scan(&a, &b); err != nil {
			return 0, err
		}
		if a != b {
			return 0, fmt.Errorf("table %s: %d rows copied of %d", strings.Join(t[:], "."), b, a)
		}
	}
	return len(tables), nil
}

// removeStale removes the files in dir whose names start with stem: the
// copies of a compaction a killed process left.
func removeStale(dir, stem string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), stem) {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncDir makes a rename in dir durable, where the system allows.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
