package store

import (
	"context"
	"crypto/sha256"
	dsql "database/sql"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/tradepipe/tradepipe/transform/country"
)

// syncCountries refreshes the countries and country_codes tables from the
// repository's seed when the seed changed since the last refresh.
func (s *Store) syncCountries(ctx context.Context) error {
	cs, err := country.Load()
	if err != nil {
		return err
	}
	all, codes := cs.All(), cs.Codes()
	h := sha256.New()
	for _, c := range all {
		fmt.Fprintf(h, "%s|%s|%s|%s\n", c.Code, c.Name, c.Kind, c.Currency)
	}
	for _, c := range codes {
		fmt.Fprintf(h, "%s|%s|%s\n", c.Scheme, c.Code, c.Country)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	var have string
	err = s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'country_seed'`).Scan(&have)
	if err == nil && have == sum {
		return nil
	}
	if err != nil && !errors.Is(err, dsql.ErrNoRows) {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, q := range []string{`DELETE FROM country_codes`, `DELETE FROM countries`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	// A few thousand rows: batched multi-row VALUES keep this quick.
	if err := insertBatched(ctx, tx, `INSERT INTO countries VALUES `, 4, len(all), func(i int) []any {
		c := all[i]
		return []any{c.Code, c.Name, string(c.Kind), c.Currency}
	}); err != nil {
		return fmt.Errorf("seeding countries: %w", err)
	}
	if err := insertBatched(ctx, tx, `INSERT INTO country_codes VALUES `, 3, len(codes), func(i int) []any {
		c := codes[i]
		return []any{string(c.Scheme), c.Code, c.Country}
	}); err != nil {
		return fmt.Errorf("seeding country codes: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO meta VALUES ('country_seed', ?)`, sum); err != nil {
		return err
	}
	return tx.Commit()
}

func insertBatched(ctx context.Context, tx *dsql.Tx, prefix string, width, n int, row func(int) []any) error {
	const per = 500
	for start := 0; start < n; start += per {
		end := min(start+per, n)
		q := []byte(prefix)
		args := make([]any, 0, (end-start)*width)
		for i := start; i < end; i++ {
			if i > start {
				q = append(q, ',')
			}
			q = append(q, '(')
			for j := 0; j < width; j++ {
				if j > 0 {
					q = append(q, ',')
				}
				q = append(q, '?')
			}
			q = append(q, ')')
			args = append(args, row(i)...)
		}
		if _, err := tx.ExecContext(ctx, string(q), args...); err != nil {
			return err
		}
	}
	return nil
}
