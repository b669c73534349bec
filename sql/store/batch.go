package store

import (
	"context"
	dsql "database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/duckdb/duckdb-go/v2"

	"github.com/tradepipe/tradepipe/ingest"
)

// A group of zip entries that are trade files of one dataset loads as one
// load of many files (issue 17): taking each entry through a load's steps
// of its own (group.go) still cost 75 ms an entry, most of it in steps
// whose cost is per statement or grows with the rows before it (the
// replace compared each entry's keys with every earlier row). Here the
// group's entries are
//
//   - checked against the ledger together: one query for the sizes the
//     ledger holds, the entries of such a size (or of a size another entry
//     of the group has) hashed first, one query for those hashes;
//   - streamed through one INSERT: the entries' readers one after the
//     other, each entry's rows with its own slices (so its own file id);
//   - replaced together (replace/trade_batch.sql): the rows a later file
//     holds the key of go, as loading the files one at a time would leave
//     them, each counted against the file that would have replaced it;
//   - recorded in the ledger in one INSERT, each with its own row.
//
// An entry is still whole or not at all: where one fails, the group
// fails and is loaded again around it, as group.go does. The batch ends
// before the first entry that is not a trade file of the group's dataset;
// the entries from there on load in groups of their own.

// batchEntry is one entry of a batch.
type batchEntry struct {
	opts   LoadOptions
	res    LoadResult
	hashed bool // res.SHA256 was read before the entry's load
	skip   bool // skipped: its bytes are in the ledger, or an earlier entry's
	same   int  // for skipped: the earlier entry of the batch with its bytes, -1 if none
	kind   ingest.Kind
	rows   int64
	years  struct {
		min, max int32
		seen     bool
	}
}

// tryBatch loads the leading entries of srcs (a group: group.go) that are
// trade files of one dataset in one transaction. It returns their results
// and how many entries they are; none (n 0) when the first entry is not
// a trade file. On an error nothing is loaded, and bad is the entry it
// came from (-1: the batch's own steps).
func (s *Store) tryBatch(ctx context.Context, srcs []ingest.Source, base int, opts func(int) LoadOptions) (results []LoadResult, n, bad int, err error) {
	bad = -1
	var entries []*batchEntry
	err = s.inGroupTx(ctx, func(tx *dsql.Tx, dc driver.Conn) (int64, bool, error) {
		entries = make([]*batchEntry, len(srcs))
		for k, src := range srcs {
			o := opts(base + k)
			entries[k] = &batchEntry{opts: o, res: LoadResult{Source: src, Format: o.Format, Dataset: o.Dataset}, same: -1}
			if err := CheckDataset(o.Dataset); err != nil {
				bad = k
				return 0, false, err
			}
		}
		if k, err := skipLoaded(ctx, tx, entries); err != nil {
			bad = k
			return 0, false, err
		}
		b := &batch{ctx: ctx, srcs: srcs, entries: entries, cur: -1, bad: -1, stop: len(srcs)}
		var err error
		if b.ids, err = fileIDs(ctx, tx, entries); err != nil {
			return 0, false, err
		}
		if b.dims, err = loadInterner(ctx, tx); err != nil {
			return 0, false, err
		}
		if err = b.stream(ctx, tx, dc); err != nil {
			bad = b.bad
			return 0, false, err
		}
		if n = b.stop; n == 0 {
			return 0, false, nil
		}
		entries = entries[:n]
		var rows int64
		for _, e := range entries {
			rows += e.rows
		}
		if err = b.dims.write(dc, b.dataset); err != nil {
			return 0, false, err
		}
		replaced, err := b.replace(ctx, tx)
		if err != nil {
			return 0, false, err
		}
		var t pending
		for _, e := range entries {
			if !e.skip && e.years.seen {
				t.trade(b.dataset, e.res.FileID, e.years.min, e.years.max)
			}
		}
		if err = t.make(ctx, tx); err != nil {
			return 0, false, err
		}
		if k, err := b.ledger(ctx, tx, dc); err != nil {
			bad = k
			return 0, false, err
		}
		return rows + replaced, true, nil
	})
	if err != nil || n == 0 {
		return nil, 0, bad, err
	}
	for _, e := range entries {
		if !e.skip {
			e.res.Status, e.res.Rows = Loaded, e.rows
		}
		results = append(results, e.res)
	}
	return results, n, bad, nil
}

// skipLoaded marks the entries whose bytes the ledger holds, or an
// earlier entry of the batch has. The same bytes have the same size: only
// an entry of a size the ledger holds, or another entry has, is hashed
// before it is read; the others are hashed as they are read. On an error,
// k is the entry it came from.
func skipLoaded(ctx context.Context, tx *dsql.Tx, entries []*batchEntry) (k int, err error) {
	sizes := make([]int64, len(entries))
	count := map[int64]int{}
	for i, e := range entries {
		sizes[i] = e.res.Source.Size
		count[sizes[i]]++
	}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT size FROM files WHERE list_contains(?::BIGINT[], size)`, sizes)
	if err != nil {
		return -1, err
	}
	for rows.Next() {
		var size int64
		if err := rows.Scan(&size); err != nil {
			rows.Close()
			return -1, err
		}
		count[size] += 2 // the ledger's: hash
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return -1, err
	}
	var hashes []string
	for i, e := range entries {
		if count[sizes[i]] < 2 {
			continue
		}
		if e.res.SHA256, err = e.res.Source.HashContext(ctx); err != nil {
			return i, err
		}
		e.hashed = true
		hashes = append(hashes, e.res.SHA256)
	}
	if len(hashes) == 0 {
		return -1, nil
	}
	earlier, err := loadedByHash(ctx, tx, hashes)
	if err != nil {
		return -1, err
	}
	first := map[string]int{}
	for i, e := range entries {
		if !e.hashed {
			continue
		}
		if r, ok := earlier[e.res.SHA256]; ok {
			e.skip = true
			e.res.Status, e.res.LoadedAt, e.res.Earlier, e.res.EarlierDataset, e.res.EarlierID = Skipped, r.at, r.path, r.dataset, r.id
		} else if j, ok := first[e.res.SHA256]; ok {
			e.skip, e.same, e.res.Status = true, j, Skipped
		} else {
			first[e.res.SHA256] = i
		}
	}
	return -1, nil
}

// loadedByHash gives, of the hashes, those the ledger holds: the file
// each was loaded from.
func loadedByHash(ctx context.Context, tx *dsql.Tx, hashes []string) (map[string]*sameBytes, error) {
	out := map[string]*sameBytes{}
	if len(hashes) == 0 {
		return out, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT sha256, path || coalesce('!' || entry, ''), loaded_at, dataset, file_id FROM files
		WHERE list_contains(?::VARCHAR[], sha256)`, hashes)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var sha string
		r := &sameBytes{}
		if err := rows.Scan(&sha, &r.path, &r.at, &r.dataset, &r.id); err != nil {
			return nil, err
		}
		out[sha] = r
	}
	return out, rows.Err()
}

// fileIDs takes a file id for every entry not skipped, in order.
func fileIDs(ctx context.Context, tx *dsql.Tx, entries []*batchEntry) ([]int64, error) {
	n := 0
	for _, e := range entries {
		if !e.skip {
			n++
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT nextval('file_id_seq') AS id FROM range(?) ORDER BY id`, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := make([]int64, 0, n)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// batch is a batch on its way in. As a record reader it gives the
// entries' trade batches one entry after the other (the narrower makes
// them trade_rows batches), opening each entry's reader when the one
// before it ends.
type batch struct {
	ctx     context.Context
	srcs    []ingest.Source
	entries []*batchEntry
	ids     []int64 // file ids, in the order of the entries not skipped
	next    int     // the next of ids
	dims    *interner
	dataset string // the first entry's: the batch's

	cur  int // the entry being read
	fr   *ingest.FileReader
	err  error
	bad  int // the entry that failed, -1 if none
	stop int // the entries of the batch are entries[:stop]
}

// stream inserts the entries' rows and their sums.
func (b *batch) stream(ctx context.Context, tx *dsql.Tx, dc driver.Conn) error {
	defer b.close()
	ar, err := duckdb.NewArrowFromConn(dc)
	if err != nil {
		return err
	}
	mem := b.entries[0].opts.Allocator
	n := newNarrower(b, mem, b.dims)
	defer n.Release()
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	in := &coalesced{src: n, mem: mem}
	defer in.Release()
	_, err = insertFrom(ctx, tx, ar, in, "tp_incoming", `INSERT INTO trade_rows SELECT * FROM tp_incoming`)
	// The reader's own error carries the file, line and column: report it first.
	if b.err != nil {
		return b.err
	}
	if err == nil {
		err = in.err
	}
	if err != nil {
		if b.cur >= 0 && b.cur < len(b.entries) {
			b.bad = b.cur
			return fmt.Errorf("%s: %w", b.srcs[b.cur].Name, err)
		}
		return err
	}
	if b.stop == 0 {
		return nil
	}
	if err := writeSums(ctx, tx, ar, n.sums.reader(mem)); err != nil {
		return err
	}
	return nil
}

func (b *batch) Retain()                        {}
func (b *batch) Release()                       {}
func (b *batch) Schema() *arrow.Schema          { return ingest.TradeSchema }
func (b *batch) Err() error                     { return b.err }
func (b *batch) RecordBatch() arrow.RecordBatch { return b.fr.RecordBatch() }
func (b *batch) Record() arrow.RecordBatch      { return b.fr.RecordBatch() }

func (b *batch) Next() bool {
	for b.err == nil {
		if b.fr != nil {
			if b.fr.Next() {
				b.note(b.entries[b.cur], b.fr.RecordBatch())
				return true
			}
			if b.err = b.finish(); b.err != nil {
				b.bad = b.cur
				return false
			}
		}
		if b.cur++; b.cur < len(b.entries) && b.entries[b.cur].skip {
			continue
		}
		if b.cur >= b.stop || !b.begin() {
			return false
		}
	}
	return false
}

// begin opens the reader of entries[b.cur]; false where the batch ends
// before it (b.stop), or it fails (b.err).
func (b *batch) begin() bool {
	e := b.entries[b.cur]
	o := e.opts
	fr, err := openReader(b.ctx, e.res.Source, o, &e.res, e.hashed)
	if err != nil {
		b.err, b.bad = err, b.cur
		return false
	}
	dataset := o.Dataset
	if dataset == "" {
		dataset = fr.Format.Name
	}
	if b.dataset == "" && fr.Format.Kind == ingest.KindTrade {
		b.dataset = dataset
	}
	if fr.Format.Kind != ingest.KindTrade || dataset != b.dataset {
		fr.Release()
		fr.Close()
		b.stop = b.cur
		return false
	}
	e.kind, e.res.Format, e.res.Dataset = fr.Format.Kind, fr.Format.Name, dataset
	e.res.FileID = b.ids[b.next]
	b.next++
	b.dims.startFile(e.res.FileID)
	b.fr = fr
	return true
}

// note counts a batch's rows and years against its entry.
func (b *batch) note(e *batchEntry, rec arrow.RecordBatch) {
	e.rows += rec.NumRows()
	for _, y := range rec.Column(tradeYear).(*array.Int32).Int32Values() {
		if !e.years.seen {
			e.years.min, e.years.max, e.years.seen = y, y, true
		}
		e.years.min, e.years.max = min(e.years.min, y), max(e.years.max, y)
	}
}

var tradeYear = ingest.TradeSchema.FieldIndices("year")[0]

// finish ends the entry whose reader reached its end: its error, its
// hash and what it found are noted, and it is closed.
func (b *batch) finish() error {
	e, fr := b.entries[b.cur], b.fr
	defer b.close()
	if err := fr.Err(); err != nil {
		return err
	}
	if !e.hashed {
		sha, err := fr.SHA256()
		if err != nil {
			return err
		}
		e.res.SHA256 = sha
	}
	readerFacts(fr, &e.res)
	return nil
}

func (b *batch) close() {
	if b.fr != nil {
		b.fr.Release()
		b.fr.Close()
		b.fr = nil
	}
}

// replace deletes the rows the batch's files replace (replace/trade_batch.sql)
// and counts them against the files that replace them; the sums of the
// files that lost rows are made again in the batch's years.
func (b *batch) replace(ctx context.Context, tx *dsql.Tx) (int64, error) {
	var ymin, ymax int32
	seen := false
	for _, e := range b.entries[:b.stop] {
		if e.skip || !e.years.seen {
			continue
		}
		if !seen {
			ymin, ymax, seen = e.years.min, e.years.max, true
		}
		ymin, ymax = min(ymin, e.years.min), max(ymax, e.years.max)
	}
	if !seen {
		return 0, nil
	}
	stmt, err := statement("replace_trade_batch")
	if err != nil {
		return 0, err
	}
	args, err := stmt.Bind(map[string]any{"dataset": b.dataset, "file_min": b.ids[0], "file_max": b.ids[b.next-1],
		"year_min": ymin, "year_max": ymax})
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, stmt.Text, args...); err != nil {
		return 0, fmt.Errorf("replacing revised rows: %w", err)
	}
	defer tx.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS tp_replaced`)
	byFile := map[int64]int64{}
	var lost []int64
	rows, err := tx.QueryContext(ctx, `SELECT by_file, count(*), NULL FROM tp_replaced GROUP BY by_file
		UNION ALL SELECT DISTINCT NULL, NULL, file_id FROM tp_replaced`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var total int64
	for rows.Next() {
		var by, n, file dsql.NullInt64
		if err := rows.Scan(&by, &n, &file); err != nil {
			return 0, err
		}
		if by.Valid {
			byFile[by.Int64] = n.Int64
			total += n.Int64
		} else {
			lost = append(lost, file.Int64)
		}
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if total == 0 {
		return 0, nil
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM trade_rows WHERE rowid IN (SELECT rid FROM tp_replaced)`); err != nil {
		return 0, fmt.Errorf("replacing revised rows: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM trade_sums WHERE year BETWEEN ? AND ?
		AND slice_id IN (SELECT slice_id FROM trade_slices WHERE list_contains(?::BIGINT[], file_id))`, ymin, ymax, lost); err != nil {
		return 0, fmt.Errorf("trade_sums: %w", err)
	}
	if err := remakeSums(ctx, tx, b.dataset, nil, lost, ymin, ymax); err != nil {
		return 0, err
	}
	for _, e := range b.entries[:b.stop] {
		e.res.Replaced = byFile[e.res.FileID]
	}
	return total, nil
}

// ledger records the batch's files in one INSERT. An entry whose bytes
// the ledger or an earlier entry holds after all (its listed size was not
// its own, so it was not hashed first) fails the batch: k, loaded again
// alone, is skipped.
func (b *batch) ledger(ctx context.Context, tx *dsql.Tx, dc driver.Conn) (k int, err error) {
	var loaded []*batchEntry
	var hashes []string
	seen := map[string]int{}
	for i, e := range b.entries[:b.stop] {
		if e.skip {
			continue
		}
		if _, dup := seen[e.res.SHA256]; dup {
			return i, &sameBytes{path: b.srcs[seen[e.res.SHA256]].Name}
		}
		seen[e.res.SHA256] = i
		loaded = append(loaded, e)
		hashes = append(hashes, e.res.SHA256)
	}
	earlier, err := loadedByHash(ctx, tx, hashes)
	if err != nil {
		return -1, err
	}
	for _, e := range loaded {
		if same, ok := earlier[e.res.SHA256]; ok {
			return seen[e.res.SHA256], same
		}
	}
	at := time.Now().UTC().Truncate(time.Microsecond)
	for _, e := range loaded {
		e.res.LoadedAt = at
	}
	for _, e := range b.entries[:b.stop] {
		if e.same >= 0 {
			j := b.entries[e.same]
			abs, err := filepath.Abs(j.res.Source.Path)
			if err != nil {
				abs = j.res.Source.Path
			}
			e.res.LoadedAt, e.res.Earlier, e.res.EarlierDataset, e.res.EarlierID = at, abs+"!"+j.res.Source.Entry, j.res.Dataset, j.res.FileID
		}
	}
	err = appendRows(dc, "files", strings.Fields(strings.ReplaceAll(filesColumns, ",", " ")), len(loaded), func(i int) ([]driver.Value, error) {
		e := loaded[i]
		vs := ledgerRow(&e.res, e.kind, e.rows, e.res.Replaced)
		out := make([]driver.Value, len(vs))
		for i, v := range vs {
			out[i] = v
		}
		return out, nil
	})
	if err != nil {
		return -1, fmt.Errorf("recording the files: %w", err)
	}
	return -1, nil
}

// coalesced passes trade_rows batches on, joining small ones (a zip
// entry of ten rows gives a batch of ten) into batches of at least
// coalesceRows rows: DuckDB's cost for each batch it scans is about
// that of a thousand rows.
type coalesced struct {
	src  array.RecordReader
	mem  memory.Allocator
	cur  arrow.RecordBatch
	held []arrow.RecordBatch
	rows int64
	err  error
}

const coalesceRows = 16 << 10

func (c *coalesced) Retain()                        {}
func (c *coalesced) Schema() *arrow.Schema          { return rowsSchema }
func (c *coalesced) Err() error                     { return errors.Join(c.src.Err(), c.err) }
func (c *coalesced) RecordBatch() arrow.RecordBatch { return c.cur }
func (c *coalesced) Record() arrow.RecordBatch      { return c.cur }

func (c *coalesced) Release() {
	if c.cur != nil {
		c.cur.Release()
		c.cur = nil
	}
	for _, r := range c.held {
		r.Release()
	}
	c.held = nil
}

func (c *coalesced) Next() bool {
	c.Release()
	if c.err != nil {
		return false
	}
	for c.rows < coalesceRows && c.src.Next() {
		rec := c.src.RecordBatch()
		if len(c.held) == 0 && rec.NumRows() >= coalesceRows {
			rec.Retain()
			c.cur = rec
			return true
		}
		rec.Retain()
		c.held = append(c.held, rec)
		c.rows += rec.NumRows()
	}
	c.rows = 0
	switch len(c.held) {
	case 0:
		return false
	case 1:
		c.cur, c.held = c.held[0], nil
		return true
	}
	cols := make([]arrow.Array, rowsSchema.NumFields())
	defer func() {
		for _, a := range cols {
			if a != nil {
				a.Release()
			}
		}
	}()
	var n int64
	parts := make([]arrow.Array, len(c.held))
	for i := range cols {
		for j, r := range c.held {
			parts[j] = r.Column(i)
		}
		a, err := array.Concatenate(parts, c.mem)
		if err != nil {
			c.err = err
			return false
		}
		cols[i] = a
	}
	for _, r := range c.held {
		n += r.NumRows()
		r.Release()
	}
	c.held = nil
	c.cur = array.NewRecordBatch(rowsSchema, cols, n)
	return true
}
