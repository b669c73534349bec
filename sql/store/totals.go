package store

import (
	"context"
	"crypto/sha256"
	dsql "database/sql"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/tradepipe/tradepipe/transform"
)

// The reports are built from trade_totals: the sums of every file's goods
// rows per reporter, partner, flow, period, classification, product level
// and currency (transform's tp_row_totals), a few rows for each million
// of trade rows. The store keeps them in step with the rows: a load writes
// its file's sums, a revision rewrites the sums of the files whose rows it
// replaced, in the same transaction; nothing recomputes them from all
// rows, except a change of the rule itself (its hash is in meta).

// fileTotals writes the sums of the file's rows. Run inside the load's
// transaction, on a connection with transform's macros.
func fileTotals(ctx context.Context, tx *dsql.Tx, fileID int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO trade_totals SELECT * FROM tp_row_totals() WHERE file_id = ?`, fileID)
	return err
}

// revisedTotals rewrites the sums of the dataset's other files in the
// years a revision replaced rows in.
func revisedTotals(ctx context.Context, tx *dsql.Tx, dataset string, fileID int64, from, to int32) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM trade_totals WHERE dataset = ? AND file_id <> ? AND year BETWEEN ? AND ?`,
		dataset, fileID, from, to); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO trade_totals SELECT * FROM tp_row_totals()
		WHERE dataset = ? AND file_id <> ? AND year BETWEEN ? AND ?`, dataset, fileID, from, to)
	return err
}

// createMacros creates transform's macros on a connection.
func createMacros(ctx context.Context, c interface {
	ExecContext(context.Context, string, ...any) (dsql.Result, error)
}) error {
	files, err := transform.SQL()
	if err != nil {
		return err
	}
	for _, f := range files {
		if _, err := c.ExecContext(ctx, f.Text); err != nil {
			return fmt.Errorf("%s: %w", f.Path, err)
		}
	}
	return nil
}

// syncTotals computes every file's sums again when the rule that makes
// them changed since they were made (or they never were: a database from
// before trade_totals).
func (s *Store) syncTotals(ctx context.Context) error {
	rule, err := transform.TotalsRule()
	if err != nil {
		return err
	}
	h := sha256.Sum256([]byte(rule))
	sum := hex.EncodeToString(h[:])
	var have string
	err = s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'totals_rule'`).Scan(&have)
	if err == nil && have == sum {
		return nil
	}
	if err != nil && !errors.Is(err, dsql.ErrNoRows) {
		return err
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
	for _, q := range []string{`DELETE FROM trade_totals`, `INSERT INTO trade_totals SELECT * FROM tp_row_totals()`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("trade_totals: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO meta VALUES ('totals_rule', ?)`, sum); err != nil {
		return err
	}
	return tx.Commit()
}
