package store

import (
	"context"
	dsql "database/sql"
	"errors"
	"strings"
)

// planAsWritten are the optimizers asWritten turns off.
const planAsWritten = "join_order,build_side_probe_side"

// asWritten runs f, a statement over the rows a load wrote in its own
// transaction, with DuckDB's join order and build side optimizers off, so
// that each hash join builds on its right side, as the statement writes
// it: the small tables. DuckDB estimates a table by its committed rows,
// never the transaction's own, so inside a load it takes the file's rows
// for none and builds its hash tables on them. A WITS file's totals
// (tp_bilateral over its 2.5 million sums) took 8.9 s of its load into a
// database holding other datasets, against 2.8 s planned as written (the
// same INSERT in an open transaction: 6.4-6.8 s against 2.8-3.0 s); an
// IMF exchange-rate file's relabelling of 4,020 rates
// (fx_series_currency) 310-330 ms against 29 ms. The setting is DuckDB's
// global one; the store runs one load at a time on its instance, and puts
// the setting back.
func asWritten(ctx context.Context, tx *dsql.Tx, f func() error) error {
	var was string
	if err := tx.QueryRowContext(ctx, `SELECT current_setting('disabled_optimizers')`).Scan(&was); err != nil {
		return err
	}
	set := func(v string) error {
		_, err := tx.ExecContext(context.WithoutCancel(ctx), `SET disabled_optimizers = '`+strings.ReplaceAll(v, "'", "''")+`'`)
		return err
	}
	off := planAsWritten
	if was != "" {
		off = was + "," + planAsWritten
	}
	if err := set(off); err != nil {
		return err
	}
	err := f()
	return errors.Join(err, set(was))
}
