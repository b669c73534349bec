package store

import (
	"context"
	dsql "database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math/bits"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/duckdb/duckdb-go/v2"

	"github.com/tradepipe/tradepipe/ingest"
	"github.com/tradepipe/tradepipe/transform/country"
)

// LoadOptions says how to load one source.
type LoadOptions struct {
	Dataset   string // default: the format's name
	Format    string // default: detected from the header
	Codes     ingest.Codes
	Allocator memory.Allocator
	BatchRows int // rows per Arrow batch; default one DuckDB row group (122,880)
	// Progress, if set, is called with the bytes of (decompressed) text each
	// read consumed: for progress bars.
	Progress func(n int64)
	// Stage, if set, is called as the load moves past reading to each of
	// its later steps ("writing codes and products", "replacing earlier
	// rows", "recording the file", "committing"), so a bar at 100% can say
	// what the load is doing.
	Stage func(what string)
	// Replace is how a revision finds the earlier rows it replaces: by a
	// bitmap of the new file's keys where they fit one (the default), or
	// by statement (ReplacePacked, ReplaceGeneral; tests and measurements
	// ask for them).
	Replace ReplaceForm
	// Ahead, if set, is the source's reader opened before the database was
	// (ReadAhead): the load takes it instead of opening its own where it
	// would have opened the same one then, and closes it otherwise.
	Ahead *Ahead
	// last: the load is the last of its LoadAll, so the close's
	// checkpoint comes right after its commit (directWorth).
	last bool
}

// ReplaceForm names one of the ways a trade revision finds the rows it
// replaces (keyset.go, replace/*.sql).
type ReplaceForm string

const (
	// ReplaceKeys looks the earlier rows' keys up in a bitmap of the new
	// file's where its key space fits one (keyset.go), else replaces as
	// ReplacePacked does.
	ReplaceKeys ReplaceForm = ""
	// ReplacePacked compares the whole natural key as one 64-bit number
	// where the ids fit (replace/trade_packed.sql), else as three.
	ReplacePacked ReplaceForm = "packed"
	// ReplaceGeneral always compares three numbers (replace/trade.sql).
	ReplaceGeneral ReplaceForm = "general"
)

// CheckDataset checks a dataset name given for a load ("" is the
// format's name: fine) by the rule a rename's new name meets.
func CheckDataset(name string) error {
	if name == "" {
		return nil
	}
	return checkDatasetName(name)
}

// Load outcomes.
const (
	Loaded  = "loaded"
	Skipped = "skipped"
	Failed  = "failed"
)

// LoadResult tells what happened to one source.
type LoadResult struct {
	Source   ingest.Source
	Status   string // loaded, skipped or failed
	FileID   int64
	SHA256   string
	Format   string
	Dataset  string
	Rows     int64     // rows loaded
	Replaced int64     // earlier rows replaced by this file's natural keys
	LoadedAt time.Time // for skipped: when the earlier load happened
	Earlier  string    // for skipped: the path the same bytes were loaded from
	// for skipped: the dataset and ledger id of the earlier load
	EarlierDataset string
	EarlierID      int64
	Err            error
	// for loaded: the encoding the text was read as (ingest.EncodingUTF8
	// ...) and the publisher's release it belongs to ("" if none): BACI's
	// V202401, the publication date a Comtrade+ bulk file's name carries
	Encoding, Vintage string
	// for loaded: the release's country-code file that read the codes
	// (BACI), "" if none
	ReleaseCodes string
	// Skipped: the rows the file held and did not load, and why
	// (aggregate reporters such as the EU-28).
	Skipped ingest.Skipped
}

// Load loads one source in one transaction: all its rows or none. The same
// bytes already in the ledger are skipped. Rows whose natural key an earlier
// file of the same dataset holds replace that file's rows.
func (s *Store) Load(ctx context.Context, src ingest.Source, o LoadOptions) (res LoadResult) {
	res = LoadResult{Source: src, Format: o.Format, Dataset: o.Dataset}
	defer func() {
		if res.Err != nil {
			// Every failure names its file (DuckDB's errors, a
			// cancellation, a full disk come without one).
			if !strings.HasPrefix(res.Err.Error(), src.Name) {
				res.Err = fmt.Errorf("%s: %w", src.Name, res.Err)
			}
			res.Status = Failed
			s.recordFailure(src, &res)
		}
	}()
	if s.readOnly {
		res.Err = errors.New("database opened read-only")
		return
	}
	if res.Err = CheckDataset(o.Dataset); res.Err != nil {
		return
	}
	fr, err := s.open(ctx, s.db, src, o, &res)
	if err != nil || fr == nil {
		res.Err = err
		return
	}
	defer fr.Close()
	defer fr.Release()
	if res.SHA256 == "" {
		// A failed load is recorded with its hash too (the pipeline does
		// not retry the same bytes).
		defer func() {
			if res.SHA256 == "" {
				res.SHA256, _ = fr.SHA256()
			}
		}()
	}
	res.Format = fr.Format.Name
	if res.Dataset == "" {
		res.Dataset = fr.Format.Name
	}
	l := &load{src: src, fr: fr, opts: o, res: &res}
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	restore, lowered := s.limitForLoad(ctx)
	defer func() { restore(res.Rows+res.Replaced >= bigLoad) }()
	l.direct = directWorth(src, o) && s.directRoom(src)
	res.Err = s.withConn(ctx, func(c *dsql.Conn, dc driver.Conn) error { return l.run(ctx, c, dc) })
	// Each retry below runs the load again, from a new read of the
	// source: the failed one was rolled back whole.
	again := func() {
		fr, err := s.open(ctx, s.db, src, o, &res)
		if err != nil || fr == nil {
			res.Err = err
			return
		}
		defer fr.Close()
		defer fr.Release()
		l.fr = fr
		res.Err = s.withConn(ctx, func(c *dsql.Conn, dc driver.Conn) error { return l.run(ctx, c, dc) })
	}
	if lowered && ctx.Err() == nil && Classify(res.Err) == FailMemory {
		// What DuckDB could not spill did not fit under the load's limit:
		// it runs again under the limit the database opened with.
		if err := s.setMemoryLimit(context.WithoutCancel(ctx), s.memLimit); err != nil {
			return
		}
		again()
	}
	var direct *directCommitError
	if errors.As(res.Err, &direct) && ctx.Err() == nil && s.directFailed(ctx, &res) {
		if lowered {
			s.limitForLoad(ctx)
		}
		l.direct = false
		again()
	}
	var same *sameBytes
	if errors.As(res.Err, &same) {
		res.Err, res.FileID = nil, 0
		res.Status, res.LoadedAt, res.Earlier, res.EarlierDataset, res.EarlierID = Skipped, same.at, same.path, same.dataset, same.id
	}
	return
}

// querier is a database or a transaction: what open asks the ledger with.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *dsql.Row
}

// open checks the ledger for the same bytes and opens the reader. A nil
// reader with a nil error means the bytes were loaded before (res says
// when and from where).
func (s *Store) open(ctx context.Context, q querier, src ingest.Source, o LoadOptions, res *LoadResult) (*ingest.FileReader, error) {
	// The same bytes have the same size: only when the ledger holds a
	// file of this size is the source hashed before it is read, to skip it
	// if it was loaded. Otherwise it is hashed as it is read, in the one
	// pass the load makes.
	var sameSize bool
	if err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM files WHERE size = ?)`, src.Size).Scan(&sameSize); err != nil {
		return nil, err
	}
	if !sameSize {
		if fr := o.Ahead.take(src); fr != nil {
			return fr, nil
		}
	}
	o.Ahead.Close() // not the one it would open now
	if sameSize {
		sha, err := src.HashContext(ctx)
		if err != nil {
			return nil, err
		}
		res.SHA256 = sha
		var earlier, dataset string
		var at time.Time
		var id int64
		err = q.QueryRowContext(ctx, `SELECT path || coalesce('!' || entry, ''), loaded_at, dataset, file_id FROM files WHERE sha256 = ?`, sha).Scan(&earlier, &at, &dataset, &id)
		if err == nil {
			res.Status, res.LoadedAt, res.Earlier, res.EarlierDataset, res.EarlierID = Skipped, at, earlier, dataset, id
			return nil, nil
		}
		if !errors.Is(err, dsql.ErrNoRows) {
			return nil, err
		}
	}
	return openReader(ctx, src, o, res, sameSize)
}

// openReader opens the source's reader, which hashes the bytes as it reads
// them unless they were hashed before (hashed: res.SHA256 holds it).
func openReader(ctx context.Context, src ingest.Source, o LoadOptions, res *LoadResult, hashed bool) (*ingest.FileReader, error) {
	opts, err := readerOptions(ctx, o, hashed)
	if err != nil {
		return nil, err
	}
	fr, err := ingest.OpenReader(src, o.Format, opts...)
	if err != nil {
		if res.SHA256 == "" {
			res.SHA256, _ = src.HashContext(ctx) // for the failure record, if it can be read
		}
		return nil, err
	}
	return fr, nil
}

// readerOptions are the options a load opens its reader with.
func readerOptions(ctx context.Context, o LoadOptions, hashed bool) ([]ingest.Option, error) {
	currencies, err := country.LoadCurrencies()
	if err != nil {
		return nil, err
	}
	opts := []ingest.Option{ingest.WithCodes(o.Codes), ingest.WithContext(ctx), ingest.WithCurrencies(currencies)}
	if !hashed {
		opts = append(opts, ingest.WithSHA256())
	}
	if o.Allocator != nil {
		opts = append(opts, ingest.WithAllocator(o.Allocator))
	}
	// Batches of one DuckDB row group each: the insert then writes each
	// batch out as it comes, instead of holding batches in memory until
	// they can be merged into whole row groups.
	batchRows := duckdbRowGroupRows
	if o.BatchRows > 0 {
		batchRows = o.BatchRows
	}
	opts = append(opts, ingest.WithBatchRows(batchRows))
	if o.Progress != nil {
		opts = append(opts, ingest.WithProgress(o.Progress))
	}
	return opts, nil
}

// load is one source on its way into the database, in one transaction.
// run takes it through the steps below in order; each step takes what the
// step before it gave, so they cannot run out of order:
//
//	begin       the transaction and the file's id
//	stream      the reader's batches into trade_rows (through the
//	            narrower, which gives each row its slice, code and product
//	            ids) or fx_rates; DuckDB pulls the batches, so the parse runs
//	            inside the INSERT and the reader's own error comes first
//	dimensions  the slices, codes and products first seen in this file
//	replace     the earlier rows of the dataset that this file revises
//	totals      the tables the reports read (totals.go): this file's sums
//	            and those of the files whose rows it replaced, and the
//	            totals they change
//	ledger      the file's row in files
//	commit
type load struct {
	src  ingest.Source
	fr   *ingest.FileReader
	opts LoadOptions
	res  *LoadResult
	// dims, if set, are the codes and products an earlier load of the
	// same transaction left (group.go): not read again.
	dims *interner
	// direct commits with a checkpoint instead of a WAL (commitLoad).
	direct bool
}

// streamed is what the stream step wrote.
type streamed struct {
	fileID int64
	rows   int64
	years  *yearRange  // trade: the years the rows hold (keys')
	keys   *keySpan    // trade: the ranges of the key's parts the rows hold
	dims   *interner   // trade: the ids handed out, new ones to write
	rates  *fxCopies   // exchange rates: whether the file repeats a rate's key
	series *fxNarrower // exchange rates: the file's series
}

func (l *load) run(ctx context.Context, c *dsql.Conn, dc driver.Conn) (err error) {
	tx, err := loadTx(ctx, c)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	var t pending
	st, replaced, err := l.steps(ctx, tx, dc, &t)
	if err != nil {
		return err
	}
	if err = t.make(ctx, tx); err != nil {
		return fmt.Errorf("%s: %w", l.src.Name, err)
	}
	if err = ctx.Err(); err != nil {
		return err
	}
	l.stage("committing")
	if err = commitLoad(ctx, c, tx, l.direct); err != nil {
		return err
	}
	l.done(st, replaced)
	return nil
}

// commitLoad commits a load's transaction. With direct, DuckDB
// checkpoints as it commits (checkpoint_threshold nothing, for the
// commit), and where it estimates the changes above its
// auto_checkpoint_skip_wal_threshold (every load measured was) it writes
// them into the database file alone: not first into the WAL and then
// again from it by the checkpoint of the database's close (which loads
// commit so: directWorth). A commit whose checkpoint fails gives a
// *directCommitError, for the caller to see whether the load was made
// durable before it (directFailed).
func commitLoad(ctx context.Context, c *dsql.Conn, tx *dsql.Tx, direct bool) error {
	if !direct {
		return tx.Commit()
	}
	if _, err := c.ExecContext(ctx, `SET checkpoint_threshold = '0B'`); err != nil {
		return err
	}
	err := tx.Commit()
	// Later commits write their WAL as before. Should this fail, they
	// would checkpoint too: slower, no less whole.
	c.ExecContext(context.WithoutCancel(ctx), `RESET checkpoint_threshold`)
	if err != nil {
		return &directCommitError{err}
	}
	return nil
}

// directFailed takes over after a load's commit failed with its
// checkpoint (commitLoad), which leaves the database unusable until it is
// opened again: it opens it again. DuckDB may have made the commit durable
// in its WAL before the checkpoint (it says so), or not: the ledger tells.
// A load found there is loaded (res says so); one not found was rolled
// back whole and is to be run again, committing through the WAL, which
// may fit where the checkpoint did not (retry).
func (s *Store) directFailed(ctx context.Context, res *LoadResult) (retry bool) {
	ctx = context.WithoutCancel(ctx)
	err := s.reopen(ctx)
	if err == nil {
		err = s.keepMemoryLimit(ctx)
	}
	if err != nil {
		res.Err = fmt.Errorf("%w; opening the database again after it: %v", res.Err, err)
		return false
	}
	var rows, replaced int64
	err = s.db.QueryRowContext(ctx, `SELECT rows, replaced FROM files WHERE file_id = ? AND sha256 = ?`,
		res.FileID, res.SHA256).Scan(&rows, &replaced)
	switch {
	case err == nil:
		res.Err, res.Rows, res.Replaced, res.Status = nil, rows, replaced, Loaded
		return false
	case !errors.Is(err, dsql.ErrNoRows):
		res.Err = fmt.Errorf("%w; reading the ledger after it: %v", res.Err, err)
		return false
	}
	return true
}

// directWorth tells whether a load's commit with a checkpoint saves
// time. It saves the WAL's write and the checkpoint of the close after it
// (5-9% of a trade-long, SDMX-CSV or fx-long ingest), but each such commit
// pays a checkpoint of its own: an ingest of 200 files of 10 rows took
// 19.4 s so against 12.5 s through the WAL, a zip of 10,000 entries in
// groups 2.45 s against 2.06 s. So only the last load of a LoadAll
// commits so, and any of a source of directBig or more, whose load the
// checkpoint's own cost is small beside.
func directWorth(src ingest.Source, o LoadOptions) bool {
	return o.last || src.Size >= directBig
}

// directBig is the size of a source whose load commits with a
// checkpoint wherever it comes in its LoadAll (directWorth).
const directBig = 64 << 20

// directRoom tells whether the disk has room for a load of src to commit
// with a checkpoint (commitLoad). A checkpoint writes new blocks for every
// table the load changed before it frees the old ones, where a WAL holds
// only the changes, and one that fails can leave the file grown by what it
// wrote: on a 3 MB file system a 1-row load's checkpoint failed, and its
// WAL then failed too, where the WAL alone held 20,000 rows
// (diskfull_linux_test.go). So a load commits that way only with
// directFree (1 GiB) to spare beyond four times its source's size (the
// columns take less than the text they come from); with less, or where
// the free space cannot be read, through the WAL.
func (s *Store) directRoom(src ingest.Source) bool {
	if s.path == ":memory:" {
		return false
	}
	spare := s.directSpare
	if spare == 0 {
		spare = directFree
	}
	free, ok := freeSpace(filepath.Dir(s.path))
	return ok && free >= spare+4*uint64(max(src.Size, 0))
}

// directFree is the free space, beyond what the load itself may take,
// that a commit with a checkpoint needs (directRoom).
const directFree = 1 << 30

// directCommitError is a load's commit that failed with its checkpoint.
type directCommitError struct{ err error }

func (e *directCommitError) Error() string { return e.err.Error() }
func (e *directCommitError) Unwrap() error { return e.err }

// steps takes the source through every step but the commit, inside tx,
// leaving to t the totals that can wait for the end of the transaction
// (several zip entries share them: group.go).
func (l *load) steps(ctx context.Context, tx *dsql.Tx, dc driver.Conn, t *pending) (*streamed, int64, error) {
	fileID, err := l.begin(ctx, tx)
	if err != nil {
		return nil, 0, err
	}
	st, err := l.stream(ctx, tx, dc, fileID)
	if err != nil {
		return nil, 0, err
	}
	if st.rows >= bigLoad {
		// The sums and batches the stream held are garbage now: give
		// their memory back before the totals, which are DuckDB's to
		// make (a WITS file's 2.5 million sums held 600 MB of Go's heap).
		debug.FreeOSMemory()
	}
	if st.dims != nil {
		l.stage("writing codes and products")
	}
	if err = l.dimensions(dc, st); err != nil {
		return nil, 0, err
	}
	replaced, err := l.replace(ctx, tx, dc, st)
	if err != nil {
		return nil, 0, err
	}
	l.stage("making the totals")
	if err = l.totals(ctx, tx, st, replaced, t); err != nil {
		return nil, 0, err
	}
	l.stage("recording the file")
	if err = l.ledger(ctx, tx, st, replaced); err != nil {
		return nil, 0, err
	}
	return st, replaced, nil
}

// done notes in the result what the committed load wrote.
func (l *load) done(st *streamed, replaced int64) {
	l.res.FileID, l.res.Rows, l.res.Replaced, l.res.Status = st.fileID, st.rows, replaced, Loaded
}

func (l *load) trade() bool { return l.fr.Format.Kind == ingest.KindTrade }

// reference tells a file of reference data (a BACI release's product and
// country codes): its rows go to their own table, replacing the same keys.
func (l *load) reference() bool { return l.fr.Format.Kind == ingest.KindReference }

// referenceInsert is the statement that stores a reference format's rows.
// Every column of the reader is selected: duckdb-go's Arrow scan fails on a
// projection of some of them.
func referenceInsert(format string) string {
	if format == "baci-products" {
		return `INSERT OR REPLACE INTO product_descriptions (file_id, line, classification, code, description)
			SELECT ?, line, classification, code, description FROM tp_incoming`
	}
	return `INSERT OR REPLACE INTO release_countries (file_id, line, vintage, code, name, iso2, iso3, country)
		SELECT ?, line, vintage, code, name, iso2, iso3, country FROM tp_incoming`
}

// stage tells LoadOptions.Stage what the load does next.
func (l *load) stage(what string) {
	if l.opts.Stage != nil {
		l.opts.Stage(what)
	}
}

// begin takes the file's id.
func (l *load) begin(ctx context.Context, tx *dsql.Tx) (int64, error) {
	var id int64
	if err := tx.QueryRowContext(ctx, `SELECT nextval('file_id_seq')`).Scan(&id); err != nil {
		return 0, err
	}
	l.res.FileID = id
	return id, nil
}

// stream inserts the reader's rows. Trade rows go narrow: the interner is
// read first and the narrower made with it, so every batch DuckDB pulls
// gets its ids. DuckDB's Arrow scan registers a view of the database
// itself, not a temporary one: made inside the transaction and dropped
// before the commit, it never reaches the file (where it would point at
// freed memory).
func (l *load) stream(ctx context.Context, tx *dsql.Tx, dc driver.Conn, fileID int64) (*streamed, error) {
	ar, err := duckdb.NewArrowFromConn(dc)
	if err != nil {
		return nil, err
	}
	st := &streamed{fileID: fileID}
	var incoming array.RecordReader = l.fr
	insert := `INSERT INTO trade_rows SELECT * FROM tp_incoming`
	var args []any
	if l.trade() {
		if l.dims != nil {
			st.dims = l.dims
		} else if st.dims, err = loadInterner(ctx, tx); err != nil {
			return nil, err
		}
		st.dims.startFile(fileID)
		n := newNarrower(l.fr, l.opts.Allocator, st.dims)
		defer n.Release()
		st.keys = newKeySpan(n)
		st.years = &st.keys.years
		incoming = st.keys
	} else if l.reference() {
		insert, args = referenceInsert(l.fr.Format.Name), []any{fileID}
	} else {
		first, err := nextSeries(ctx, tx)
		if err != nil {
			return nil, err
		}
		insert = `INSERT INTO fx_values SELECT * FROM tp_incoming`
		st.rates = newFXCopies(l.fr)
		st.series = newFXNarrower(st.rates, l.opts.Allocator, first)
		defer st.series.Release()
		incoming = st.series
	}
	r, err := insertFrom(ctx, tx, ar, incoming, "tp_incoming", insert, args...)
	// The reader's own error carries the file, line and column: report it first.
	if rerr := l.fr.Err(); rerr != nil {
		return nil, rerr
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", l.src.Name, err)
	}
	st.rows, _ = r.RowsAffected()
	if st.series != nil {
		if err := st.series.write(dc, l.res.Dataset, fileID); err != nil {
			return nil, fmt.Errorf("%s: %w", l.src.Name, err)
		}
	}
	if st.keys != nil {
		if err := writeSums(ctx, tx, ar, st.keys.sums.reader(l.opts.Allocator)); err != nil {
			return nil, fmt.Errorf("%s: %w", l.src.Name, err)
		}
	}
	return st, nil
}

// writeSums inserts the sums the narrower made of the file's rows.
func writeSums(ctx context.Context, tx *dsql.Tx, ar *duckdb.Arrow, rr array.RecordReader) error {
	defer rr.Release()
	if _, err := insertFrom(ctx, tx, ar, rr, "tp_sums", `INSERT INTO trade_sums SELECT * FROM tp_sums`); err != nil {
		return fmt.Errorf("writing trade_sums: %w", err)
	}
	return nil
}

// insertFrom runs insert on tx over rr, registered as the view named
// view, and drops the view. DuckDB cleans up a statement over an Arrow
// view that failed or was interrupted at the connection's next
// statement, and may still call on the stream then: an ingest
// interrupted during its insert panicked in the rollback, the stream
// already let go of. So where either fails, tx is rolled back here, while
// the stream (and rr, which the caller lets go of after) are alive. The
// loads' transactions are begun without the caller's cancellation
// (loadTx), so that no rollback of database/sql's runs beside this one.
func insertFrom(ctx context.Context, tx *dsql.Tx, ar *duckdb.Arrow, rr array.RecordReader, view, insert string, args ...any) (dsql.Result, error) {
	release, err := ar.RegisterView(rr, view)
	if err != nil {
		return nil, err
	}
	defer release()
	r, err := tx.ExecContext(ctx, insert, args...)
	if err == nil {
		_, err = tx.ExecContext(ctx, `DROP VIEW `+view)
	}
	if err != nil {
		tx.Rollback()
		return nil, err
	}
	return r, nil
}

// loadTx begins a load's transaction on c. Its context is ctx without
// the cancellation: a cancelled ctx still stops each statement (DuckDB's
// interrupt) and the load before its commit, but database/sql does not
// roll the transaction back on a goroutine of its own at that moment,
// which could run beside a statement's clean-up (insertFrom). The load
// rolls back itself.
func loadTx(ctx context.Context, c *dsql.Conn) (*dsql.Tx, error) {
	return c.BeginTx(context.WithoutCancel(ctx), nil)
}

// dimensions writes the slices, codes and products the stream handed out
// first, before the replace compares ids.
func (l *load) dimensions(dc driver.Conn, st *streamed) error {
	if st.dims == nil {
		return nil
	}
	if err := st.dims.write(dc, l.res.Dataset); err != nil {
		return fmt.Errorf("%s: %w", l.src.Name, err)
	}
	return nil
}

// replace deletes the earlier rows of the dataset whose natural key the
// new file has. Only earlier rows in the file's years can share a key with
// it; with none (a first load, a new year) there is nothing to do.
func (l *load) replace(ctx context.Context, tx *dsql.Tx, dc driver.Conn, st *streamed) (int64, error) {
	if l.reference() {
		return 0, nil // INSERT OR REPLACE did it
	}
	name := "replace_fx"
	if l.trade() {
		name = "replace_trade"
		if !st.years.seen {
			return 0, nil
		}
		var earlier bool
		err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM trade_rows JOIN trade_slices USING (slice_id)
			WHERE dataset = ? AND file_id <> ? AND year BETWEEN ? AND ?)`,
			l.res.Dataset, st.fileID, st.years.min, st.years.max).Scan(&earlier)
		if err != nil || !earlier {
			return 0, err
		}
	}
	// Rates: a dataset that holds no other file's rates has none to
	// replace, nor copies of this file's rows but those the file gives.
	alone := false
	if !l.trade() {
		if err := tx.QueryRowContext(ctx, `SELECT NOT EXISTS (SELECT 1 FROM fx_rates WHERE dataset = ? AND file_id <> ?)`,
			l.res.Dataset, st.fileID).Scan(&alone); err != nil {
			return 0, err
		}
	}
	l.stage("replacing earlier rows")
	if l.trade() && l.opts.Replace == ReplaceKeys {
		n, ok, err := replaceByKeys(ctx, tx, dc, st, l.res.Dataset)
		if err != nil {
			return 0, fmt.Errorf("%s: replacing revised rows: %w", l.src.Name, err)
		}
		if ok {
			return n, nil
		}
	}
	stmt, err := statement(name)
	if err != nil {
		return 0, err
	}
	text, args := stmt.Text, []any{dsql.Named("file_id", st.fileID), dsql.Named("dataset", l.res.Dataset)}
	if l.trade() && l.opts.Replace != ReplaceGeneral {
		if text, args, err = packedReplace(ctx, tx, st, text, args); err != nil {
			return 0, err
		}
	}
	var n int64
	if !alone {
		r, err := tx.ExecContext(ctx, text, args...)
		if err != nil {
			return 0, fmt.Errorf("%s: replacing revised rows: %w", l.src.Name, err)
		}
		if n, err = r.RowsAffected(); err != nil || l.trade() {
			return n, err
		}
	}
	// Rates labelled with a currency newer than their series take the
	// one it replaced (replace/fx_series_currency.sql); then one rate per
	// currency and period in the dataset (replace/fx_one_rate.sql).
	series, err := statement("fx_series_currency")
	if err != nil {
		return 0, err
	}
	var relabelled dsql.Result
	err = asWritten(ctx, tx, func() (err error) {
		relabelled, err = tx.ExecContext(ctx, series.Text, args[:2]...)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("%s: labelling rates by their series' currency: %w", l.src.Name, err)
	}
	// With no other file's rates, no relabelled row and no key twice in
	// the file, every currency and period has one rate already.
	if moved, err := relabelled.RowsAffected(); err != nil || (alone && moved == 0 && !st.rates.copies) {
		return n, err
	}
	one, err := statement("fx_one_rate")
	if err != nil {
		return 0, err
	}
	var d dsql.Result
	err = asWritten(ctx, tx, func() (err error) {
		d, err = tx.ExecContext(ctx, one.Text, args[:2]...)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("%s: keeping one rate per currency and period: %w", l.src.Name, err)
	}
	deleted, _ := d.RowsAffected()
	// The file's rows are those it keeps; the copies of earlier files it
	// set aside count as replaced.
	kept := st.rows
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM fx_rates WHERE file_id = ?`, st.fileID).Scan(&kept); err != nil {
		return 0, err
	}
	n += deleted - (st.rows - kept)
	st.rows = kept
	return n, nil
}

// totals keeps the tables the reports read in step (totals.go): for
// trade, where the file replaced rows the sums of the dataset's other
// files in its years (its own were written as it streamed); the totals
// of its years and reporters, and for exchange rates those in the
// file's currencies, are left to t.
func (l *load) totals(ctx context.Context, tx *dsql.Tx, st *streamed, replaced int64, t *pending) error {
	if l.reference() {
		return nil
	}
	if !l.trade() {
		t.rates = append(t.rates, st.fileID)
		return nil
	}
	if !st.years.seen {
		return nil
	}
	if replaced > 0 {
		if err := revisedSums(ctx, tx, l.res.Dataset, st.fileID, st.years.min, st.years.max); err != nil {
			return fmt.Errorf("%s: %w", l.src.Name, err)
		}
	}
	t.trade(l.res.Dataset, st.fileID, st.years.min, st.years.max)
	return nil
}

// packedReplace gives the packed trade replace (replace/trade_packed.sql)
// when the key's ids fit in one 64-bit number, else the general one given.
func packedReplace(ctx context.Context, tx *dsql.Tx, st *streamed, text string, args []any) (string, []any, error) {
	var shared, maxCode, maxProduct int64
	err := tx.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM (SELECT DISTINCT partner2, flow, freq, classification, customs, mot, trade_type FROM trade_slices WHERE file_id = ?)),
		(SELECT coalesce(max(code_id), 0) FROM trade_codes), (SELECT coalesce(max(product_id), 0) FROM trade_products)`,
		st.fileID).Scan(&shared, &maxCode, &maxProduct)
	if err != nil {
		return "", nil, err
	}
	years := st.years
	codeBits, productBits := bits.Len64(uint64(maxCode)), bits.Len64(uint64(maxProduct))
	periodBits := bits.Len64(uint64(int64(years.max-years.min)*13 + 12))
	if bits.Len64(uint64(shared))+2*codeBits+productBits+periodBits > 62 {
		return text, args, nil
	}
	packed, err := statement("replace_trade_packed")
	if err != nil {
		return "", nil, err
	}
	return packed.Text, append(args, dsql.Named("code_bits", codeBits), dsql.Named("product_bits", productBits),
		dsql.Named("period_bits", periodBits), dsql.Named("year_min", years.min), dsql.Named("year_max", years.max)), nil
}

// ledger records the file in files, with the hash of the bytes loaded.
func (l *load) ledger(ctx context.Context, tx *dsql.Tx, st *streamed, replaced int64) error {
	res := l.res
	if res.SHA256 == "" {
		sha, err := l.fr.SHA256()
		if err != nil {
			return err
		}
		res.SHA256 = sha
	}
	// The same bytes under another name: found before the read where the
	// ledger holds a file of the same size; here where it did not (a zip
	// entry whose listed size was not its own).
	var same sameBytes
	err := tx.QueryRowContext(ctx, `SELECT path || coalesce('!' || entry, ''), loaded_at, dataset, file_id FROM files WHERE sha256 = ?`,
		res.SHA256).Scan(&same.path, &same.at, &same.dataset, &same.id)
	if err == nil {
		return &same
	}
	if !errors.Is(err, dsql.ErrNoRows) {
		return err
	}
	res.LoadedAt = time.Now().UTC().Truncate(time.Microsecond)
	readerFacts(l.fr, res)
	_, err = tx.ExecContext(ctx, `INSERT INTO files (`+filesColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ledgerRow(res, l.fr.Format.Kind, st.rows, replaced)...)
	if err != nil {
		return fmt.Errorf("%s: recording the file: %w", l.src.Name, err)
	}
	return nil
}

// readerFacts notes in res what the reader found as it read: the
// encoding, the release, the rows it skipped.
func readerFacts(fr *ingest.FileReader, res *LoadResult) {
	res.Encoding, res.Vintage, res.ReleaseCodes = fr.Encoding(), fr.Vintage, fr.ReleaseCodes
	if res.Vintage == "" && fr.Format.Name == "comtrade" {
		res.Vintage = ingest.ComtradeVintage(res.Source.Name)
	}
	res.Skipped = fr.Skipped()
}

// filesColumns are the ledger's columns ledgerRow gives values for.
const filesColumns = `file_id, path, entry, sha256, size, compression, format, kind, dataset, rows, replaced, loaded_at,
	mtime, encoding, vintage, skipped, skipped_reason`

// ledgerRow is the file's row in files (filesColumns).
func ledgerRow(res *LoadResult, kind ingest.Kind, rows, replaced int64) []any {
	abs, err := filepath.Abs(res.Source.Path)
	if err != nil {
		abs = res.Source.Path
	}
	var entry, mtime, reason any
	if res.Source.Entry != "" {
		entry = res.Source.Entry
	}
	if !res.Source.ModTime.IsZero() {
		mtime = res.Source.ModTime.UTC()
	}
	if res.Skipped.Rows > 0 {
		reason = res.Skipped.Reason
	}
	return []any{res.FileID, abs, entry, res.SHA256, res.Source.Size, res.Source.Compression, res.Format, string(kind),
		res.Dataset, rows, replaced, res.LoadedAt, mtime, nullIfEmpty(res.Encoding), nullIfEmpty(res.Vintage), res.Skipped.Rows, reason}
}

// sameBytes: the bytes were loaded before, under another name; the load
// is rolled back and reported skipped.
type sameBytes struct {
	path, dataset string
	at            time.Time
	id            int64
}

func (e *sameBytes) Error() string { return "the same bytes were loaded before, from " + e.path }

// duckdbRowGroupRows is DuckDB's row group size (its storage default).
const duckdbRowGroupRows = 122_880

// yearRange is the first and last year a file's rows hold.
type yearRange struct {
	min, max int32
	seen     bool
}

// recordFailure notes a failed attempt outside the (rolled back) load.
func (s *Store) recordFailure(src ingest.Source, res *LoadResult) {
	if s.readOnly {
		return
	}
	name := src.Name
	if abs, err := filepath.Abs(src.Path); err == nil {
		name = abs
		if src.Entry != "" {
			name += "!" + src.Entry
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := s.db.ExecContext(ctx, `INSERT INTO load_failures (path, sha256, format, dataset, error, failed_at, kind) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		name, nullIfEmpty(res.SHA256), nullIfEmpty(res.Format), nullIfEmpty(res.Dataset), res.Err.Error(), time.Now().UTC(), string(Classify(res.Err)))
	if err != nil && strings.Contains(err.Error(), "database has been invalidated") {
		// A fatal error (a checkpoint on a full disk) invalidates the
		// database until it is opened again: open it again, then record.
		if err = s.reopen(ctx); err != nil {
			err = fmt.Errorf("opening %s again: %w", s.path, err)
		} else {
			_, err = s.db.ExecContext(ctx, `INSERT INTO load_failures (path, sha256, format, dataset, error, failed_at, kind) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				name, nullIfEmpty(res.SHA256), nullIfEmpty(res.Format), nullIfEmpty(res.Dataset), res.Err.Error(), time.Now().UTC(), string(Classify(res.Err)))
		}
	}
	if err != nil {
		// Say so rather than lose the failure without a word (a full
		// disk can refuse this row too).
		res.Err = fmt.Errorf("%w (and load_failures could not record it: %v)", res.Err, err)
	}
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
