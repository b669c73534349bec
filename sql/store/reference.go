package store

import (
	"context"
	"crypto/sha256"
	dsql "database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tradepipe/tradepipe/transform"
	"github.com/tradepipe/tradepipe/transform/country"
)

// The reference tables are the repository's seeds as the database holds
// them: countries and country_codes (package transform/country), the
// seeded rows of group_membership and world_trade (package transform). Each is synced on
// every writable open when its seed changed since the last sync, told by
// a hash kept in meta, so a corrected date or code reaches databases made
// before the correction. A migration would not: it runs once.

// syncReference brings every reference table up to date. meta's
// reference_seed holds the hash of each seed as last synced
// ("countries=...;groups=..."); a table is rewritten when its seed's hash
// differs, all in one transaction. (Databases from before the groups were
// a seed kept the country hash alone, as country_seed: it is taken over.)
func (s *Store) syncReference(ctx context.Context) error {
	groups, err := transform.SeededGroups()
	if err != nil {
		return err
	}
	world, err := transform.WorldTrade()
	if err != nil {
		return err
	}
	return s.syncSeeds(ctx, []seed{countrySeed(), groupSeed(groups), worldSeed(world), currencySeed()})
}

// seed is one reference table's sync: the hash of its seed and how to
// write the table from it.
type seed struct {
	name  string
	sum   func() (string, error)
	write func(ctx context.Context, tx *dsql.Tx) error
}

func (s *Store) syncSeeds(ctx context.Context, seeds []seed) error {
	have := map[string]string{}
	var value string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'reference_seed'`).Scan(&value)
	if err != nil && !errors.Is(err, dsql.ErrNoRows) {
		return err
	}
	for _, part := range strings.Split(value, ";") {
		if k, v, ok := strings.Cut(part, "="); ok {
			have[k] = v
		}
	}
	var parts []string
	var stale []seed
	for _, sd := range seeds {
		sum, err := sd.sum()
		if err != nil {
			return err
		}
		parts = append(parts, sd.name+"="+sum)
		if have[sd.name] != sum {
			stale = append(stale, sd)
		}
	}
	if len(stale) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, sd := range stale {
		if err := sd.write(ctx, tx); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM meta WHERE key = 'country_seed'`); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO meta VALUES ('reference_seed', ?)`, strings.Join(parts, ";")); err != nil {
		return err
	}
	return tx.Commit()
}

// countrySeed syncs the countries and country_codes tables from the
// country table.
func countrySeed() seed {
	var all []country.Country
	var codes []country.CodeRow
	return seed{name: "countries",
		sum: func() (string, error) {
			cs, err := country.Load()
			if err != nil {
				return "", err
			}
			all, codes = cs.All(), cs.Codes()
			h := sha256.New()
			for _, c := range all {
				fmt.Fprintf(h, "%s|%s|%s|%s\n", c.Code, c.Name, c.Kind, c.Currency)
			}
			for _, c := range codes {
				fmt.Fprintf(h, "%s|%s|%s\n", c.Scheme, c.Code, c.Country)
			}
			return hex.EncodeToString(h.Sum(nil)), nil
		},
		write: func(ctx context.Context, tx *dsql.Tx) error { return writeCountries(ctx, tx, all, codes) },
	}
}

// groupSeed syncs the seeded rows of group_membership (source 'seed')
// from ms; the config's groups (source 'config') are left alone.
func groupSeed(ms []transform.Member) seed {
	return seed{name: "groups",
		sum: func() (string, error) {
			h := sha256.New()
			for _, m := range ms {
				fmt.Fprintf(h, "%s|%s|%s|%s\n", m.Group, m.Country, m.From.Format(time.DateOnly), dateOrNone(m.To))
			}
			return hex.EncodeToString(h.Sum(nil)), nil
		},
		write: func(ctx context.Context, tx *dsql.Tx) error {
			_, err := writeGroups(ctx, tx, "seed", ms)
			return err
		},
	}
}

func writeCountries(ctx context.Context, tx *dsql.Tx, all []country.Country, codes []country.CodeRow) error {
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
	return nil
}

// currencySeed syncs the currencies and currency_changes tables from the
// table of currencies over time.
func currencySeed() seed {
	var ps []country.CurrencyPeriod
	var cs []country.CurrencyChange
	return seed{name: "currencies",
		sum: func() (string, error) {
			t, err := country.LoadCurrencies()
			if err != nil {
				return "", err
			}
			ps, cs = t.Periods(), t.Changes()
			h := sha256.New()
			for _, p := range ps {
				fmt.Fprintf(h, "%s|%s|%s|%s|%s\n", p.Country, p.Currency, p.Numeric, p.From, p.To)
			}
			for _, c := range cs {
				fmt.Fprintf(h, "%s|%s|%s|%g|%s|%s|%s\n", c.Country, c.Old, c.New, c.Ratio, c.Date, c.Kind, c.Source)
			}
			return hex.EncodeToString(h.Sum(nil)), nil
		},
		write: func(ctx context.Context, tx *dsql.Tx) error {
			for _, q := range []string{`DELETE FROM currencies`, `DELETE FROM currency_changes`} {
				if _, err := tx.ExecContext(ctx, q); err != nil {
					return err
				}
			}
			orNull := func(s string) any {
				if s == "" {
					return nil
				}
				return s
			}
			if err := insertBatched(ctx, tx, `INSERT INTO currencies VALUES `, 5, len(ps), func(i int) []any {
				p := ps[i]
				return []any{p.Country, p.Currency, p.Numeric, orNull(p.From), orNull(p.To)}
			}); err != nil {
				return fmt.Errorf("seeding currencies: %w", err)
			}
			return insertBatched(ctx, tx, `INSERT INTO currency_changes VALUES `, 7, len(cs), func(i int) []any {
				c := cs[i]
				return []any{c.Country, c.Old, c.New, c.Ratio, c.Date, c.Kind, c.Source}
			})
		},
	}
}

// worldSeed syncs the world_trade table.
func worldSeed(ws []transform.WorldYear) seed {
	return seed{name: "world",
		sum: func() (string, error) {
			h := sha256.New()
			for _, w := range ws {
				fmt.Fprintf(h, "%d|%g|%g|%s\n", w.Year, w.Exports, w.Imports, w.Source)
			}
			return hex.EncodeToString(h.Sum(nil)), nil
		},
		write: func(ctx context.Context, tx *dsql.Tx) error {
			if _, err := tx.ExecContext(ctx, `DELETE FROM world_trade`); err != nil {
				return err
			}
			return insertBatched(ctx, tx, `INSERT INTO world_trade VALUES `, 4, len(ws), func(i int) []any {
				return []any{ws[i].Year, ws[i].Exports, ws[i].Imports, ws[i].Source}
			})
		},
	}
}

// writeGroups replaces the rows of group_membership from source with ms.
func writeGroups(ctx context.Context, tx *dsql.Tx, source string, ms []transform.Member) (removed int64, err error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM group_membership WHERE source = ?`, source)
	if err != nil {
		return 0, err
	}
	removed, _ = res.RowsAffected()
	err = insertBatched(ctx, tx, `INSERT INTO group_membership (group_name, country, valid_from, valid_to, source) VALUES `, 5, len(ms), func(i int) []any {
		m := ms[i]
		var to any
		if !m.To.IsZero() {
			to = m.To
		}
		return []any{m.Group, m.Country, m.From, to, source}
	})
	if err != nil {
		return 0, fmt.Errorf("writing the %s groups: %w", source, err)
	}
	return removed, nil
}

func dateOrNone(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
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

// ReplaceConfigGroups replaces the rows of group_membership that came from
// the config (source 'config') with ms, in one transaction, and returns
// how many rows it removed. A group of ms may not share a name with a
// seeded group.
func (s *Store) ReplaceConfigGroups(ctx context.Context, ms []transform.Member) (removed int64, err error) {
	seeded, err := s.GroupNames(ctx, "seed")
	if err != nil {
		return 0, err
	}
	for _, m := range ms {
		for _, g := range seeded {
			if g == m.Group {
				return 0, fmt.Errorf("group %q is one of the seeded groups: give yours another name", g)
			}
		}
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if removed, err = writeGroups(ctx, tx, "config", ms); err != nil {
		return 0, err
	}
	return removed, tx.Commit()
}

// GroupNames lists the groups of group_membership from source (seed or
// config), sorted.
func (s *Store) GroupNames(ctx context.Context, source string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT group_name FROM group_membership WHERE source = ? ORDER BY 1`, source)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var g string
		if err := rows.Scan(&g); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}
