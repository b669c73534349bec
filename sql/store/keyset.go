package store

import (
	"context"
	dsql "database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/duckdb/duckdb-go/v2"
)

// A revision deletes the earlier rows whose natural key its file has
// (replace/trade.sql). As one statement, that is DuckDB's hash anti-join
// of the earlier rows' keys with the new file's: for a 10M-row BACI
// revision, 1.2-1.5 s of a 4 s load, most of it the join's hash table of
// ten million keys (docs/performance-log.md). Numbered densely within the
// ranges the new file's rows hold (its shared parts, reporters, partners,
// products and periods), the keys of a year's file fit a bitmap: BACI's
// 227 countries squared and 5,000 products of one year are 32 MB. So
// where they fit keysetMaxBits, the store sets a bit for each of the new
// file's keys, looks up each earlier row's key in them, and deletes every
// earlier row of the shared slices in the file's years but those whose
// key it did not find (one outside the ranges is not the file's). Where
// they do not fit (a file of many years, or of ids spread wide), the
// statement does it.

// keysetMaxBits bounds the bitmap: 128 MB.
const keysetMaxBits = 1 << 30

// errNoKeyset: a key of the new file falls outside its key space, so
// the bitmap cannot hold the file's keys.
var errNoKeyset = errors.New("a key outside the key space")

// replaceByKeys deletes the earlier rows of the dataset that the new
// file's rows replace, by a bitmap of the new file's keys, and gives how
// many it deleted. ok is false, with nothing deleted, where the key space
// does not fit the bitmap: the caller replaces by statement then.
func replaceByKeys(ctx context.Context, tx *dsql.Tx, dc driver.Conn, st *streamed, dataset string) (n int64, ok bool, err error) {
	if !st.years.seen {
		return 0, false, nil
	}
	defer func() {
		for _, t := range []string{"tp_replace_slices", "tp_replace_countries", "tp_replace_kept"} {
			if _, derr := tx.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS `+t); err == nil {
				err = derr
			}
		}
	}()
	if _, err := execStatement(ctx, tx, "trade_shared_slices", map[string]any{"file_id": st.fileID, "dataset": dataset}); err != nil {
		return 0, false, err
	}
	if _, err := execStatement(ctx, tx, "trade_country_ranks", nil); err != nil {
		return 0, false, err
	}
	span := st.keys
	space, err := statement("trade_key_space")
	if err != nil {
		return 0, false, err
	}
	args, err := space.Bind(map[string]any{"reporter_first": span.first[spanReporter], "reporter_last": span.last[spanReporter],
		"partner_first": span.first[spanPartner], "partner_last": span.last[spanPartner]})
	if err != nil {
		return 0, false, err
	}
	var shared, reporterMin, reporterMax, partnerMin, partnerMax dsql.NullInt64
	if err := tx.QueryRowContext(ctx, space.Text, args...).Scan(&shared, &reporterMin, &reporterMax, &partnerMin, &partnerMax); err != nil {
		return 0, false, fmt.Errorf("trade_key_space: %w", err)
	}
	if !shared.Valid || !reporterMin.Valid || !partnerMin.Valid {
		return 0, false, nil
	}
	// A period is (year - year_min) * 13 + month: from the first year's
	// first month to the last year's last.
	productMin, productMax := int64(span.first[spanProduct]), int64(span.last[spanProduct])
	periodMin, periodMax := int64(span.first[spanMonth]), int64(st.years.max-st.years.min)*13+int64(span.last[spanMonth])
	size, fits := keySpace(shared.Int64, reporterMax.Int64-reporterMin.Int64+1, partnerMax.Int64-partnerMin.Int64+1,
		productMax-productMin+1, periodMax-periodMin+1)
	if !fits {
		return 0, false, nil
	}
	values := map[string]any{"year_min": st.years.min, "year_max": st.years.max,
		"reporter_min": reporterMin.Int64, "reporter_max": reporterMax.Int64,
		"partner_min": partnerMin.Int64, "partner_max": partnerMax.Int64,
		"product_min": productMin, "product_max": productMax, "period_min": periodMin, "period_max": periodMax}
	ar, err := duckdb.NewArrowFromConn(dc)
	if err != nil {
		return 0, false, err
	}
	keys := func(isNew bool, f func(rid, k *array.Int64) error) error {
		values["new"] = isNew
		return scanKeys(ctx, ar, values, f)
	}
	set := make([]uint64, (size+63)/64)
	err = keys(true, func(_, k *array.Int64) error {
		for i, v := range k.Int64Values() {
			if k.IsNull(i) || v < 0 || v >= size {
				return errNoKeyset
			}
			set[v>>6] |= 1 << (v & 63)
		}
		return nil
	})
	if errors.Is(err, errNoKeyset) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	var kept []int64
	err = keys(false, func(rid, k *array.Int64) error {
		for i, v := range k.Int64Values() {
			if k.IsNull(i) || v < 0 || v >= size || set[v>>6]&(1<<(v&63)) == 0 {
				kept = append(kept, rid.Value(i))
			}
		}
		return nil
	})
	if err != nil {
		return 0, false, err
	}
	set = nil
	if _, err := tx.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE tp_replace_kept (rid BIGINT)`); err != nil {
		return 0, false, err
	}
	if len(kept) > 0 {
		err := appendRows(dc, "tp_replace_kept", nil, len(kept), func(i int) ([]driver.Value, error) {
			return []driver.Value{kept[i]}, nil
		})
		if err != nil {
			return 0, false, err
		}
	}
	res, err := execStatement(ctx, tx, "trade_delete_kept", map[string]any{"year_min": st.years.min, "year_max": st.years.max})
	if err != nil {
		return 0, false, err
	}
	n, err = res.RowsAffected()
	return n, err == nil, err
}

// keySpace multiplies the sizes of the key's parts, and tells whether the
// product fits the bitmap.
func keySpace(parts ...int64) (int64, bool) {
	size := uint64(1)
	for _, p := range parts {
		if p <= 0 {
			return 0, false
		}
		hi, lo := bits.Mul64(size, uint64(p))
		if hi != 0 || lo > keysetMaxBits {
			return 0, false
		}
		size = lo
	}
	return int64(size), true
}

// scanKeys runs replace/trade_keys.sql as Arrow and hands f each batch's
// row ids and keys.
func scanKeys(ctx context.Context, ar *duckdb.Arrow, values map[string]any, f func(rid, k *array.Int64) error) error {
	q, err := statement("trade_keys")
	if err != nil {
		return err
	}
	args, err := q.Bind(values)
	if err != nil {
		return err
	}
	rr, err := ar.QueryContext(ctx, q.Text, args...)
	if err != nil {
		return fmt.Errorf("trade_keys: %w", err)
	}
	defer rr.Release()
	for rr.Next() {
		rec := rr.RecordBatch()
		rid, ok1 := rec.Column(0).(*array.Int64)
		k, ok2 := rec.Column(1).(*array.Int64)
		if !ok1 || !ok2 {
			return fmt.Errorf("trade_keys as Arrow: columns %s, %s", rec.Column(0).DataType(), rec.Column(1).DataType())
		}
		if err := f(rid, k); err != nil {
			return err
		}
	}
	return rr.Err()
}

// keySpan is the narrower's batches on their way into DuckDB, with the
// years they hold and the first and last id of the key's other parts: the
// bitmap's space.
type keySpan struct {
	*narrower
	years       yearRange
	first, last [len(keySpanColumns)]int32
}

// keySpanColumns are the columns of trade_rows (rowsSchema) a keySpan
// watches, in the order of its ranges (spanReporter ...).
var keySpanColumns = [...]string{"reporter", "partner", "product", "month", "year"}

// The ranges of a keySpan.
const (
	spanReporter = iota
	spanPartner
	spanProduct
	spanMonth
	spanYear
)

// keySpanIndex are their indices in rowsSchema.
var keySpanIndex = func() (idx [len(keySpanColumns)]int) {
	for i, name := range keySpanColumns {
		idx[i] = rowsSchema.FieldIndices(name)[0]
	}
	return idx
}()

func newKeySpan(n *narrower) *keySpan { return &keySpan{narrower: n} }

func (k *keySpan) Next() bool {
	if !k.narrower.Next() {
		return false
	}
	rec := k.RecordBatch()
	if rec.NumRows() == 0 {
		return true
	}
	if !k.years.seen {
		for i := range k.first {
			k.first[i], k.last[i] = math.MaxInt32, math.MinInt32
		}
		k.years.seen = true
	}
	for i, c := range keySpanIndex {
		vals := rec.Column(c).(*array.Int32).Int32Values()
		k.first[i], k.last[i] = min(k.first[i], slices.Min(vals)), max(k.last[i], slices.Max(vals))
	}
	k.years.min, k.years.max = k.first[spanYear], k.last[spanYear]
	return true
}
