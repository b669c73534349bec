package store

import (
	"context"
	"crypto/sha256"
	dsql "database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/duckdb/duckdb-go/v2"

	"github.com/tradepipe/tradepipe/transform"
)

// The reports are built from two tables the store keeps in step with the
// rows, in the same transaction as every change to them, so that nothing
// recomputes them from all rows:
//
//   - trade_sums, the sums of every file's rows by slice, period, reporter,
//     partner and product level (sums.go), a few rows for each thousand
//     trade rows. A load makes its file's as the rows stream in; a
//     revision makes again those of the files whose rows it replaced.
//     transform's tp_bilateral reads them on their integer keys.
//   - trade_bilateral, one total per dataset, year, reporter, partner and
//     flow, in USD (transform's tp_bilateral), made from the sums: a load
//     makes again those of the years and reporters it holds, an
//     exchange-rate load those in its currencies. When the rule that
//     makes them changes (its hash is in meta), the store makes them all
//     again.
//   - trade_own and trade_world, each reporter's own total per year and
//     flow and each country's total per year (transform's tp_own_totals
//     and tp_country_totals), made from trade_bilateral whenever it is:
//     what every report derives from the totals, so that a report joins
//     small tables.

// revisedSums makes again the sums of the dataset's other files in the
// years a revision replaced rows in.
func revisedSums(ctx context.Context, tx *dsql.Tx, dataset string, fileID int64, from, to int32) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM trade_sums WHERE year BETWEEN ? AND ?
		AND slice_id IN (SELECT slice_id FROM trade_slices WHERE dataset = ? AND file_id <> ?)`, from, to, dataset, fileID); err != nil {
		return fmt.Errorf("trade_sums: %w", err)
	}
	return remakeSums(ctx, tx, dataset, fileID, nil, from, to)
}

// remakeSums inserts the sums of rows (replace/trade_sums.sql); the
// parameters are those of the statement, nil for NULL.
func remakeSums(ctx context.Context, tx *dsql.Tx, dataset, fileID, files, from, to any) error {
	_, err := execStatement(ctx, tx, "trade_sums", map[string]any{"dataset": dataset, "file_id": fileID, "files": files, "from": from, "to": to})
	return err
}

// remakeBilateral replaces the dataset's totals of the years and
// reporters given (nil: all) with those tp_bilateral makes now, and the
// small tables made from them (trade_own, trade_world, trade_years).
func remakeBilateral(ctx context.Context, tx *dsql.Tx, dataset string, years []int32, reporters []string) error {
	yl, rl := anyList(years), anyList(reporters)
	if _, err := tx.ExecContext(ctx, `DELETE FROM trade_bilateral WHERE dataset = ?
		AND (?::INTEGER[] IS NULL OR list_contains(?::INTEGER[], year))
		AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], reporter))`, dataset, yl, yl, rl, rl); err != nil {
		return fmt.Errorf("trade_bilateral: %w", err)
	}
	err := asWritten(ctx, tx, func() error {
		_, err := tx.ExecContext(ctx, `INSERT INTO trade_bilateral SELECT ?, * FROM tp_bilateral(?, ?::INTEGER[], ?::VARCHAR[])`,
			dataset, dataset, yl, rl)
		return err
	})
	if err != nil {
		return fmt.Errorf("trade_bilateral: %w", err)
	}
	// Each reporter's own totals depend only on its totals of the year:
	// those of the years and reporters given. A country's total in the
	// pairs of a flow table depends on every reporter's totals of the
	// year: the years given, whole.
	if _, err := tx.ExecContext(ctx, `DELETE FROM trade_own WHERE dataset = ?
		AND (?::INTEGER[] IS NULL OR list_contains(?::INTEGER[], year))
		AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], reporter))`, dataset, yl, yl, rl, rl); err != nil {
		return fmt.Errorf("trade_own: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO trade_own SELECT * FROM tp_own_totals(?, ?::INTEGER[], ?::VARCHAR[])`,
		dataset, yl, rl); err != nil {
		return fmt.Errorf("trade_own: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM trade_world WHERE dataset = ?
		AND (?::INTEGER[] IS NULL OR list_contains(?::INTEGER[], year))`, dataset, yl, yl); err != nil {
		return fmt.Errorf("trade_world: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO trade_world SELECT * FROM tp_country_totals(?, ?::INTEGER[])`,
		dataset, yl); err != nil {
		return fmt.Errorf("trade_world: %w", err)
	}
	for _, q := range []string{`DELETE FROM trade_years WHERE dataset = ?`,
		`INSERT INTO trade_years SELECT DISTINCT dataset, year FROM trade_bilateral WHERE dataset = ? ORDER BY year`} {
		if _, err := tx.ExecContext(ctx, q, dataset); err != nil {
			return fmt.Errorf("trade_years: %w", err)
		}
	}
	return nil
}

// anyList is a list argument for DuckDB: NULL for nil.
func anyList[T any](l []T) any {
	if l == nil {
		return nil
	}
	return l
}

// ratesChanged makes again the totals in the currencies of the exchange
// rates a load added or replaced: those of every dataset, of every
// reporter with values in them. USD values need no rate.
func ratesChanged(ctx context.Context, tx *dsql.Tx, currencies []string) error {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT dataset, reporter FROM trade_file_sums
		WHERE currency <> 'USD' AND list_contains(?::VARCHAR[], currency) ORDER BY ALL`, currencies)
	if err != nil {
		return err
	}
	type key struct {
		dataset   string
		reporters []string
	}
	var keys []key
	for rows.Next() {
		var d, r string
		if err := rows.Scan(&d, &r); err != nil {
			rows.Close()
			return err
		}
		if n := len(keys); n == 0 || keys[n-1].dataset != d {
			keys = append(keys, key{dataset: d})
		}
		keys[len(keys)-1].reporters = append(keys[len(keys)-1].reporters, r)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	for _, k := range keys {
		if err := remakeBilateral(ctx, tx, k.dataset, nil, k.reporters); err != nil {
			return err
		}
	}
	return nil
}

// syncTotals brings the kept tables up to date when the store opens for
// writing: the product levels and the sums, where a product's level is
// not what transform.ProductLevel says (a database from before the sums,
// or a changed rule); then the totals, where their rule changed since they
// were made, or the sums were made again. One transaction.
func (s *Store) syncTotals(ctx context.Context) error {
	levels, err := s.staleLevels(ctx)
	if err != nil {
		return err
	}
	sum, err := ruleHash(transform.BilateralRule)
	if err != nil {
		return err
	}
	var have string
	err = s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'bilateral_rule'`).Scan(&have)
	if err != nil && !errors.Is(err, dsql.ErrNoRows) {
		return err
	}
	if len(levels) == 0 && have == sum {
		return nil
	}
	return s.remake(ctx, levels, len(levels) > 0)
}

// staleLevels are the products whose kept level is not their level.
// Every open checks them, a read-only one too, and a history holds tens of
// thousands of products (32,351 in the bench's ten years): they are read
// as Arrow columns, where database/sql's row-by-row scan took 20 ms of a
// report over them.
func (s *Store) staleLevels(ctx context.Context) (map[int32]int, error) {
	stale := map[int32]int{}
	err := s.withConn(ctx, func(_ *dsql.Conn, dc driver.Conn) error {
		ar, err := duckdb.NewArrowFromConn(dc)
		if err != nil {
			return err
		}
		rr, err := ar.QueryContext(ctx, `SELECT product_id, product, level FROM trade_products`)
		if err != nil {
			return err
		}
		defer rr.Release()
		for rr.Next() {
			rec := rr.RecordBatch()
			ids, ok1 := rec.Column(0).(*array.Int32)
			products, ok2 := rec.Column(1).(*array.String)
			levels, ok3 := rec.Column(2).(*array.Int32)
			if !ok1 || !ok2 || !ok3 {
				return fmt.Errorf("trade_products as Arrow: columns %s, %s, %s", rec.Column(0).DataType(), rec.Column(1).DataType(), rec.Column(2).DataType())
			}
			for i := range ids.Len() {
				if want := transform.ProductLevel(products.Value(i)); levels.IsNull(i) || int(levels.Value(i)) != want {
					stale[ids.Value(i)] = want
				}
			}
		}
		return rr.Err()
	})
	return stale, err
}

// RebuildTotals makes the tables the reports read (trade_sums and
// trade_bilateral) again from the rows, in one transaction: for a
// database whose rows were written by other means than a load (a test's,
// or an export read back).
func (s *Store) RebuildTotals(ctx context.Context) error {
	levels, err := s.staleLevels(ctx)
	if err != nil {
		return err
	}
	return s.remake(ctx, levels, true)
}

// remake sets the product levels given, makes the sums again if sums says
// so, then every dataset's totals, and records the hash of their rule.
func (s *Store) remake(ctx context.Context, levels map[int32]int, sums bool) error {
	if s.readOnly {
		return fmt.Errorf("%s: opened read-only: the report tables cannot be made", s.path)
	}
	c, err := s.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	tx, err := c.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for id, level := range levels {
		if _, err := tx.ExecContext(ctx, `UPDATE trade_products SET level = ? WHERE product_id = ?`, level, id); err != nil {
			return fmt.Errorf("trade_products: %w", err)
		}
	}
	if sums {
		if _, err := tx.ExecContext(ctx, `DELETE FROM trade_sums`); err != nil {
			return fmt.Errorf("trade_sums: %w", err)
		}
		if err := remakeSums(ctx, tx, nil, nil, nil, nil, nil); err != nil {
			return err
		}
	}
	for _, table := range []string{"trade_bilateral", "trade_own", "trade_world", "trade_years"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table); err != nil {
			return fmt.Errorf("%s: %w", table, err)
		}
	}
	ds, err := strings1(ctx, tx, `SELECT DISTINCT dataset FROM trade_file_sums ORDER BY 1`)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if err := remakeBilateral(ctx, tx, d, nil, nil); err != nil {
			return err
		}
	}
	if err := noteBilateralRule(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

// noteBilateralRule notes in meta that the report tables are made by
// this version's rule (its hash), in tx.
func noteBilateralRule(ctx context.Context, tx execer) error {
	sum, err := ruleHash(transform.BilateralRule)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO meta VALUES ('bilateral_rule', ?)`, sum)
	return err
}

// ruleHash is the hash of a rule's text, as meta keeps it.
func ruleHash(r transform.Rule) (string, error) {
	text, err := r.Text()
	if err != nil {
		return "", err
	}
	h := sha256.Sum256([]byte(text))
	return hex.EncodeToString(h[:]), nil
}

// strings1 is the first column of a query's rows.
func strings1(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*dsql.Rows, error)
}, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// touched collects what a removal takes away, for the totals to be made
// again after it: per dataset the years and reporters of its trade rows,
// and the currencies of its exchange rates.
type touched struct {
	trade      map[string]*keys
	currencies []string
}

type keys struct {
	years     []int32
	reporters []string
}

// add records what the rows of the slices and rates where (a condition on
// trade_slices and fx_rates alike, such as "file_id = ?") hold, before
// they are deleted, and deletes the slices' sums.
func (t *touched) add(ctx context.Context, tx *dsql.Tx, where string, args ...any) error {
	if t.trade == nil {
		t.trade = map[string]*keys{}
	}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT dataset, year, reporter FROM trade_file_sums WHERE `+where+` ORDER BY ALL`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var d, r string
		var y int32
		if err := rows.Scan(&d, &y, &r); err != nil {
			return err
		}
		k := t.trade[d]
		if k == nil {
			k = &keys{}
			t.trade[d] = k
		}
		if !slices.Contains(k.years, y) {
			k.years = append(k.years, y)
		}
		if !slices.Contains(k.reporters, r) {
			k.reporters = append(k.reporters, r)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	cs, err := strings1(ctx, tx, `SELECT DISTINCT currency FROM fx_rates WHERE `+where, args...)
	if err != nil {
		return err
	}
	for _, c := range cs {
		if !slices.Contains(t.currencies, c) {
			t.currencies = append(t.currencies, c)
		}
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM trade_sums WHERE slice_id IN (SELECT slice_id FROM trade_slices WHERE `+where+`)`, args...)
	return err
}

// remake makes the totals again, once the rows are deleted.
func (t *touched) remake(ctx context.Context, tx *dsql.Tx) error {
	for d, k := range t.trade {
		if err := remakeBilateral(ctx, tx, d, k.years, k.reporters); err != nil {
			return err
		}
	}
	if len(t.currencies) > 0 {
		return ratesChanged(ctx, tx, t.currencies)
	}
	return nil
}

// pending are the totals a transaction's loads leave to its end, made
// once for all of them (a group of zip entries: group.go; a single load
// makes its own the same way): per dataset the years and the files whose
// reporters' totals change, and the exchange-rate files whose
// currencies' totals change.
type pending struct {
	years map[string][]int32
	files map[string][]int64
	rates []int64
}

// trade notes a trade file's years and id.
func (t *pending) trade(dataset string, fileID int64, from, to int32) {
	if t.years == nil {
		t.years, t.files = map[string][]int32{}, map[string][]int64{}
	}
	for y := from; y <= to; y++ {
		if !slices.Contains(t.years[dataset], y) {
			t.years[dataset] = append(t.years[dataset], y)
		}
	}
	t.files[dataset] = append(t.files[dataset], fileID)
}

// make makes the totals: those of each dataset's years and of the
// reporters its files' rows name (a revision only replaces rows with a
// key of the new file, its reporter among them), then those in the
// currencies of the exchange-rate files.
func (t *pending) make(ctx context.Context, tx *dsql.Tx) error {
	datasets := make([]string, 0, len(t.files))
	for d := range t.files {
		datasets = append(datasets, d)
	}
	slices.Sort(datasets)
	for _, d := range datasets {
		// A dataset of these files alone (its first load) has all its
		// totals made: the same totals without the lists of years and
		// reporters to test every sum against, nor the query of the
		// reporters. A WITS file's 27 years and 2.5 million sums took
		// 2.28-2.40 s so, against 2.06-2.24 s (docs/performance-log.md).
		var others int64
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM trade_slices WHERE dataset = ? AND NOT list_contains(?::BIGINT[], file_id)`,
			d, t.files[d]).Scan(&others); err != nil {
			return err
		}
		if others == 0 {
			if err := remakeBilateral(ctx, tx, d, nil, nil); err != nil {
				return err
			}
			continue
		}
		reporters, err := strings1(ctx, tx, `SELECT DISTINCT reporter FROM trade_file_sums WHERE list_contains(?::BIGINT[], file_id) ORDER BY 1`, t.files[d])
		if err != nil {
			return err
		}
		if len(reporters) == 0 {
			continue
		}
		years := slices.Clone(t.years[d])
		slices.Sort(years)
		if err := remakeBilateral(ctx, tx, d, years, reporters); err != nil {
			return err
		}
	}
	if len(t.rates) == 0 {
		return nil
	}
	// The files' series' currencies (after their relabelling): read from
	// fx_series, 1 ms for a 200,000-rate file where fx_rates, a join with
	// every rate, took 5-6 ms. A series whose every rate went as a copy
	// of another file's still names its currency: the totals in it are
	// made again, the same.
	cs, err := strings1(ctx, tx, `SELECT DISTINCT currency FROM fx_series WHERE list_contains(?::BIGINT[], file_id) ORDER BY 1`, t.rates)
	if err == nil && len(cs) > 0 {
		err = ratesChanged(ctx, tx, cs)
	}
	return err
}
