package store

import (
	"context"
	dsql "database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math/bits"
	"path/filepath"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/duckdb/duckdb-go/v2"

	"github.com/tradepipe/tradepipe/ingest"
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
	Err      error
}

// Load loads one source in one transaction: all its rows or none. The same
// bytes already in the ledger are skipped. Rows whose natural key an earlier
// file of the same dataset holds replace that file's rows.
func (s *Store) Load(ctx context.Context, src ingest.Source, o LoadOptions) (res LoadResult) {
	res = LoadResult{Source: src, Format: o.Format, Dataset: o.Dataset}
	defer func() {
		if res.Err != nil {
			res.Status = Failed
			s.recordFailure(src, &res)
		}
	}()
	if s.readOnly {
		res.Err = errors.New("database opened read-only")
		return
	}
	// The same bytes have the same size: only when the ledger holds a
	// file of this size is the source hashed before it is read, to skip it
	// if it was loaded. Otherwise it is hashed as it is read, in the one
	// pass the load makes.
	var sameSize bool
	if err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM files WHERE size = ?)`, src.Size).Scan(&sameSize); err != nil {
		res.Err = err
		return
	}
	opts := []ingest.Option{ingest.WithCodes(o.Codes)}
	if sameSize {
		sha, err := src.Hash()
		if err != nil {
			res.Err = err
			return
		}
		res.SHA256 = sha
		var earlier string
		var at time.Time
		err = s.db.QueryRowContext(ctx, `SELECT path || coalesce('!' || entry, ''), loaded_at FROM files WHERE sha256 = ?`, sha).Scan(&earlier, &at)
		if err == nil {
			res.Status, res.LoadedAt, res.Earlier = Skipped, at, earlier
			return
		}
		if !errors.Is(err, dsql.ErrNoRows) {
			res.Err = err
			return
		}
	} else {
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
	fr, err := ingest.OpenReader(src, o.Format, opts...)
	if err != nil {
		res.Err = err
		if res.SHA256 == "" {
			res.SHA256, _ = src.Hash() // for the failure record, if it can be read
		}
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
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	res.Err = s.withConn(ctx, func(c *dsql.Conn, dc driver.Conn) error {
		return s.loadReader(ctx, c, dc, fr, o.Allocator, &res)
	})
	return
}

func (s *Store) loadReader(ctx context.Context, c *dsql.Conn, dc driver.Conn, fr *ingest.FileReader, mem memory.Allocator, res *LoadResult) (err error) {
	ar, err := duckdb.NewArrowFromConn(dc)
	if err != nil {
		return err
	}
	trade := fr.Format.Kind == ingest.KindTrade
	replace := "replace_fx"
	if trade {
		replace = "replace_trade"
	}
	stmt, err := statement(replace)
	if err != nil {
		return err
	}
	var incoming array.RecordReader = fr
	var years *yearSpan
	var narrow *narrower
	if trade {
		years = &yearSpan{RecordReader: fr, col: ingest.TradeSchema.FieldIndices("year")[0]}
		narrow = newNarrower(years, mem)
		defer narrow.Release()
		incoming = narrow
	}
	tx, err := c.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	// DuckDB's Arrow scan registers a view of the database itself, not a
	// temporary one: made inside the transaction and dropped before the
	// commit, it never reaches the file (where it would point at freed
	// memory).
	release, err := ar.RegisterView(incoming, "tp_incoming")
	if err != nil {
		return err
	}
	defer release()
	if err = tx.QueryRowContext(ctx, `SELECT nextval('file_id_seq')`).Scan(&res.FileID); err != nil {
		return err
	}
	var r dsql.Result
	if trade {
		if narrow.in, err = loadInterner(ctx, tx); err != nil {
			return err
		}
		r, err = tx.ExecContext(ctx, `INSERT INTO trade_rows SELECT * FROM tp_incoming`)
	} else {
		cols := columnList(ingest.FXSchema)
		r, err = tx.ExecContext(ctx, fmt.Sprintf(`INSERT INTO fx_rates (dataset, file_id, %s) SELECT ?, ?, %s FROM tp_incoming`, cols, cols),
			res.Dataset, res.FileID)
	}
	// The reader's own error carries the file, line and column: report it first.
	if rerr := fr.Err(); rerr != nil {
		return rerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", res.Source.Name, err)
	}
	if _, err = tx.ExecContext(ctx, `DROP VIEW tp_incoming`); err != nil {
		return err
	}
	if trade {
		if err = narrow.in.write(ctx, tx, res.Dataset, res.FileID); err != nil {
			return fmt.Errorf("%s: %w", res.Source.Name, err)
		}
	}
	res.Rows, _ = r.RowsAffected()
	// Only earlier rows of the dataset in the file's years can share a
	// natural key with it; with none (a first load, a new year) the
	// replace has nothing to do and is skipped.
	earlier := true
	if years != nil {
		earlier = years.seen
		if earlier {
			err = tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM trade_rows JOIN trade_slices USING (slice_id)
				WHERE dataset = ? AND file_id <> ? AND year BETWEEN ? AND ?)`,
				res.Dataset, res.FileID, years.min, years.max).Scan(&earlier)
			if err != nil {
				return err
			}
		}
	}
	if earlier {
		text, args := stmt.Text, []any{dsql.Named("file_id", res.FileID), dsql.Named("dataset", res.Dataset)}
		if trade {
			if text, args, err = replaceStatement(ctx, tx, res.FileID, years, text, args); err != nil {
				return err
			}
		}
		r, err = tx.ExecContext(ctx, text, args...)
		if err != nil {
			return fmt.Errorf("%s: replacing revised rows: %w", res.Source.Name, err)
		}
		res.Replaced, _ = r.RowsAffected()
	}
	if res.SHA256 == "" {
		if res.SHA256, err = fr.SHA256(); err != nil {
			return err
		}
	}
	abs, aerr := filepath.Abs(res.Source.Path)
	if aerr != nil {
		abs = res.Source.Path
	}
	var entry any
	if res.Source.Entry != "" {
		entry = res.Source.Entry
	}
	res.LoadedAt = time.Now().UTC().Truncate(time.Microsecond)
	_, err = tx.ExecContext(ctx, `INSERT INTO files (file_id, path, entry, sha256, size, compression, format, kind, dataset, rows, replaced, loaded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		res.FileID, abs, entry, res.SHA256, res.Source.Size, res.Source.Compression, res.Format, string(fr.Format.Kind),
		res.Dataset, res.Rows, res.Replaced, res.LoadedAt)
	if err != nil {
		return err
	}
	if err = ctx.Err(); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return err
	}
	res.Status = Loaded
	return nil
}

// packedReplace lets tests run the general replace where the packed one
// would do.
var packedReplace = true

// replaceStatement picks the trade replace: the packed form
// (replace_trade_packed.sql) when the key's ids fit in one 64-bit number,
// else the general one given.
func replaceStatement(ctx context.Context, tx *dsql.Tx, fileID int64, years *yearSpan, text string, args []any) (string, []any, error) {
	var shared, maxCode, maxProduct int64
	err := tx.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM (SELECT DISTINCT partner2, flow, freq, classification, customs, mot FROM trade_slices WHERE file_id = ?)),
		(SELECT coalesce(max(code_id), 0) FROM trade_codes), (SELECT coalesce(max(product_id), 0) FROM trade_products)`,
		fileID).Scan(&shared, &maxCode, &maxProduct)
	if err != nil {
		return "", nil, err
	}
	codeBits, productBits := bits.Len64(uint64(maxCode)), bits.Len64(uint64(maxProduct))
	periodBits := bits.Len64(uint64(int64(years.max-years.min)*13 + 12))
	if !packedReplace || bits.Len64(uint64(shared))+2*codeBits+productBits+periodBits > 62 {
		return text, args, nil
	}
	packed, err := statement("replace_trade_packed")
	if err != nil {
		return "", nil, err
	}
	return packed.Text, append(args, dsql.Named("code_bits", codeBits), dsql.Named("product_bits", productBits),
		dsql.Named("period_bits", periodBits), dsql.Named("year_min", years.min), dsql.Named("year_max", years.max)), nil
}

// duckdbRowGroupRows is DuckDB's row group size (its storage default).
const duckdbRowGroupRows = 122_880

// yearSpan passes a trade reader's batches through and notes the years
// they hold.
type yearSpan struct {
	array.RecordReader
	col      int
	min, max int32
	seen     bool
}

func (y *yearSpan) Next() bool {
	if !y.RecordReader.Next() {
		return false
	}
	for _, v := range y.RecordBatch().Column(y.col).(*array.Int32).Int32Values() {
		if !y.seen {
			y.min, y.max, y.seen = v, v, true
		}
		y.min, y.max = min(y.min, v), max(y.max, v)
	}
	return true
}

func columnList(s *arrow.Schema) string {
	names := make([]string, s.NumFields())
	for i, f := range s.Fields() {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
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
	s.db.ExecContext(ctx, `INSERT INTO load_failures VALUES (?, ?, ?, ?, ?, ?)`,
		name, nullIfEmpty(res.SHA256), nullIfEmpty(res.Format), nullIfEmpty(res.Dataset), res.Err.Error(), time.Now().UTC())
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
