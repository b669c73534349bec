package store

import (
	"context"
	dsql "database/sql"
	"database/sql/driver"
	"fmt"

	"github.com/tradepipe/tradepipe/ingest"
)

// Many-entry zip archives (issue 17). A load's fixed costs (its
// transaction, the totals it makes again, the codes and products it reads
// before its rows, the cache it lets go of) are nothing beside a file of a
// million rows and everything beside a zip entry of ten: a 10,000-entry
// zip loaded one entry a transaction ran at 1/89 of the speed of the same
// rows in one file. So consecutive entries of one archive load in groups,
// each group in one transaction: every entry still takes its own file id,
// its own steps up to its own ledger row, and is skipped where the ledger
// (the group's own rows included) holds its bytes; the totals are made
// once for the group, the codes and products read once, the cache let go
// of once.
//
// An entry is still whole or not at all, alone: DuckDB has no savepoints,
// so when an entry of a group fails, the group is rolled back and loaded
// again as the entries before the bad one (a group), the bad one alone (a
// load of its own, which fails as it would have, named and recorded), and
// the entries after it (groups again). The other entries of the archive
// load as they did one at a time. A cancelled group is rolled back whole:
// the entry being read fails, recorded as cancelled; the entries before it
// in the group are not loaded (the next run loads them).

// A group holds at most groupEntries entries and groupBytes of text
// (their listed sizes); an entry bigger than that loads alone.
const (
	groupEntries = 1000
	groupBytes   = 64 << 20
)

// LoadAll loads the sources in order, each as Load loads it, consecutive
// entries of one zip archive in groups (above). opts gives the options of
// the i-th source; done is called with each source's result, in order,
// once its transaction has ended (for the entries of a group: after the
// group's commit). After a cancellation it stops: the sources not tried
// get no result.
//
// After a group that loaded at least bigLoad rows, the database is opened
// again before the next (afresh: what DuckDB keeps of a big load stays in
// the process until then). Where that fails, the sources left fail with
// its error.
//
// The last source's load commits with a checkpoint where the disk has
// room, the others through the WAL (directWorth): a caller with several
// files to load gives them to one LoadAll.
func (s *Store) LoadAll(ctx context.Context, srcs []ingest.Source, opts func(i int) LoadOptions, done func(i int, r LoadResult)) {
	given := opts
	opts = func(i int) LoadOptions {
		o := given(i)
		o.last = i == len(srcs)-1
		return o
	}
	for i := 0; i < len(srcs) && ctx.Err() == nil; {
		j := i + 1
		if !s.readOnly {
			j = groupEnd(srcs, i)
		}
		var rows int64
		s.loadGroup(ctx, srcs, i, j, opts, func(k int, r LoadResult) {
			rows += r.Rows + r.Replaced
			done(k, r)
		})
		i = j
		if i < len(srcs) && rows >= s.afreshRows() && ctx.Err() == nil {
			if err := s.afresh(ctx); err != nil {
				for ; i < len(srcs); i++ {
					o := opts(i)
					done(i, LoadResult{Source: srcs[i], Status: Failed, Format: o.Format, Dataset: o.Dataset,
						Err: fmt.Errorf("%s: %w", srcs[i].Name, err)})
				}
			}
		}
	}
}

// afreshRows is how many rows a group loads before the database is opened
// again (bigLoad; the tests set less).
func (s *Store) afreshRows() int64 {
	if s.afreshAfter > 0 {
		return s.afreshAfter
	}
	return bigLoad
}

// groupEnd is the end of the group that starts at srcs[i].
func groupEnd(srcs []ingest.Source, i int) int {
	if !groupable(srcs[i]) {
		return i + 1
	}
	j, size := i+1, srcs[i].Size
	for ; j < len(srcs) && j-i < groupEntries && groupable(srcs[j]) && srcs[j].Path == srcs[i].Path; j++ {
		if size += srcs[j].Size; size > groupBytes {
			break
		}
	}
	return j
}

func groupable(src ingest.Source) bool {
	return src.Compression == "zip" && src.Size >= 0 && src.Size <= groupBytes
}

// loadGroup loads srcs[from:to]: its leading trade entries of one dataset
// as one batch (batch.go), the rest as groups of their own; a group whose
// first entry is not a trade file in one transaction, each entry through
// its own steps (eachGroup).
func (s *Store) loadGroup(ctx context.Context, srcs []ingest.Source, from, to int, opts func(int) LoadOptions, done func(int, LoadResult)) {
	if to-from <= 1 {
		if to > from {
			done(from, s.Load(ctx, srcs[from], opts(from)))
		}
		return
	}
	results, n, bad, err := s.tryBatch(ctx, srcs[from:to], from, opts)
	switch {
	case err == nil && n == 0:
		s.eachGroup(ctx, srcs, from, to, opts, done)
	case err == nil:
		for k, r := range results {
			done(from+k, r)
		}
		if from+n < to && ctx.Err() == nil {
			s.loadGroup(ctx, srcs, from+n, to, opts, done)
		}
	default:
		s.around(ctx, srcs, from, to, bad, opts, done, s.loadGroup)
	}
}

// around loads srcs[from:to] again after their group failed at entry bad
// (relative to from; -1: in the group's own steps), with again for the
// entries before and after the bad one. A cancellation ends it: the entry
// being read fails (its load, tried again, says cancelled and records it);
// the group's others did not load.
func (s *Store) around(ctx context.Context, srcs []ingest.Source, from, to, bad int, opts func(int) LoadOptions, done func(int, LoadResult),
	again func(context.Context, []ingest.Source, int, int, func(int) LoadOptions, func(int, LoadResult))) {
	switch {
	case ctx.Err() != nil:
		k := from + max(bad, 0)
		done(k, s.Load(ctx, srcs[k], opts(k)))
	case bad < 0:
		// The group's own steps failed (its totals, its commit): one
		// entry at a time.
		for k := from; k < to && ctx.Err() == nil; k++ {
			done(k, s.Load(ctx, srcs[k], opts(k)))
		}
	default:
		again(ctx, srcs, from, from+bad, opts, done)
		if ctx.Err() == nil {
			done(from+bad, s.Load(ctx, srcs[from+bad], opts(from+bad)))
			again(ctx, srcs, from+bad+1, to, opts, done)
		}
	}
}

// eachGroup loads srcs[from:to] in one transaction, each entry through a
// load's steps of its own; where an entry fails, as described above.
func (s *Store) eachGroup(ctx context.Context, srcs []ingest.Source, from, to int, opts func(int) LoadOptions, done func(int, LoadResult)) {
	if to-from <= 1 {
		if to > from {
			done(from, s.Load(ctx, srcs[from], opts(from)))
		}
		return
	}
	results, bad, err := s.tryGroup(ctx, srcs[from:to], from, opts)
	if err != nil {
		s.around(ctx, srcs, from, to, bad, opts, done, s.eachGroup)
		return
	}
	for k, r := range results {
		done(from+k, r)
	}
}

// inGroupTx runs f in one transaction, under the load lock, and commits
// where f says so (rows: what it wrote; commit false: roll back, nothing
// to keep). After a commit of bigLoad rows or more, the cache is let go
// of, as after a big load.
func (s *Store) inGroupTx(ctx context.Context, f func(tx *dsql.Tx, dc driver.Conn) (rows int64, commit bool, err error)) error {
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	var rows int64
	err := s.withConn(ctx, func(c *dsql.Conn, dc driver.Conn) error {
		tx, err := loadTx(ctx, c)
		if err != nil {
			return err
		}
		n, commit, err := f(tx, dc)
		if err == nil && commit {
			err = ctx.Err()
		}
		if err != nil || !commit {
			tx.Rollback()
			return err
		}
		rows = n
		return tx.Commit()
	})
	if err == nil && rows >= bigLoad {
		s.releaseCache(context.WithoutCancel(ctx))
	}
	return err
}

// tryGroup loads the entries in one transaction, each through a load's
// steps of its own. On an error nothing is loaded, and bad is the entry
// it came from (-1: none, the group's own steps).
func (s *Store) tryGroup(ctx context.Context, srcs []ingest.Source, base int, opts func(int) LoadOptions) (results []LoadResult, bad int, err error) {
	bad = -1
	err = s.inGroupTx(ctx, func(tx *dsql.Tx, dc driver.Conn) (int64, bool, error) {
		var t pending
		var dims *interner // the codes and products, read once
		var rows int64
		for k, src := range srcs {
			bad = k
			res, err := s.groupEntry(ctx, tx, dc, src, opts(base+k), &t, &dims)
			if err != nil {
				return 0, false, err
			}
			rows += res.Rows + res.Replaced
			results = append(results, res)
		}
		bad = -1
		return rows, true, t.make(ctx, tx)
	})
	return results, bad, err
}

// groupEntry takes one entry of a group through a load's steps in tx.
func (s *Store) groupEntry(ctx context.Context, tx *dsql.Tx, dc driver.Conn, src ingest.Source, o LoadOptions, t *pending, dims **interner) (LoadResult, error) {
	res := LoadResult{Source: src, Format: o.Format, Dataset: o.Dataset}
	if err := CheckDataset(o.Dataset); err != nil {
		return res, err
	}
	fr, err := s.open(ctx, tx, src, o, &res)
	if err != nil || fr == nil {
		return res, err // nil, nil: skipped
	}
	defer fr.Close()
	defer fr.Release()
	res.Format = fr.Format.Name
	if res.Dataset == "" {
		res.Dataset = fr.Format.Name
	}
	l := &load{src: src, fr: fr, opts: o, res: &res, dims: *dims}
	st, replaced, err := l.steps(ctx, tx, dc, t)
	if err != nil {
		return res, err
	}
	if st.dims != nil {
		*dims = st.dims
	}
	l.done(st, replaced)
	return res, nil
}
