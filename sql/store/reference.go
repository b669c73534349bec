package store

import (
	"context"
	"crypto/sha256"
	dsql "database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/duckdb/duckdb-go/v2"

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
	seeds, err := referenceSeeds()
	if err != nil {
		return err
	}
	return s.syncSeeds(ctx, seeds)
}

//go:generate go test -tags duckdb_arrow -run TestBuiltSeedSums -update-seed-sums .

// referenceSeeds are the seeds of every reference table, as built into
// the binary: their hashes are known (builtSeedSums), so a seed is parsed
// only when a database's table of it must be written. Parsing them and
// hashing their rows took about 6 ms of a process's first writable open
// (1.7 ms to parse, 4.2 ms to hash), or of its template's key for a new
// database: a 200k-row fx-long ingest took 131 ms without, 135 ms with
// (docs/performance-log.md).
func referenceSeeds() ([]seed, error) {
	out := make([]seed, len(seedSources))
	for i, src := range seedSources {
		out[i] = builtSeed(src.name, src.parse)
	}
	return out, nil
}

// seedSources are the seeds of every reference table, in the order they
// are synced: each one's name (its key in meta's reference_seed and in
// builtSeedSums) and how to parse it.
var seedSources = []struct {
	name  string
	parse func() (seed, error)
}{
	{"countries", func() (seed, error) { return countrySeed(), nil }},
	{"groups", func() (seed, error) {
		ms, err := transform.SeededGroups()
		return groupSeed(ms), err
	}},
	{"world", func() (seed, error) {
		ws, err := transform.WorldTrade()
		return worldSeed(ws), err
	}},
	{"currencies", func() (seed, error) { return currencySeed(), nil }},
}

// parsedSeeds are the seeds of every reference table, parsed and hashed
// from the seeds themselves: what builtSeedSums must hold
// (TestBuiltSeedSums).
func parsedSeeds() ([]seed, error) {
	out := make([]seed, len(seedSources))
	for i, src := range seedSources {
		sd, err := src.parse()
		if err != nil {
			return nil, err
		}
		if sd.name != src.name {
			return nil, fmt.Errorf("seed %q parses as %q", src.name, sd.name)
		}
		out[i] = sd
	}
	return out, nil
}

// builtSeed is the seed of that name, whose hash is builtSeedSums': parse
// makes it, once, when it is to be written (or its hash is not there).
func builtSeed(name string, parse func() (seed, error)) seed {
	parsed := sync.OnceValues(parse)
	sum := builtSeedSums[name]
	return seed{name: name,
		sum: func() (string, error) {
			if sum != "" {
				return sum, nil
			}
			sd, err := parsed()
			if err != nil {
				return "", err
			}
			return sd.sum()
		},
		write: func(ctx context.Context, tx refTx) error {
			sd, err := parsed()
			if err != nil {
				return err
			}
			return sd.write(ctx, tx)
		},
	}
}

// seed is one reference table's sync: the hash of its seed and how to
// write the table from it.
type seed struct {
	name  string
	sum   func() (string, error)
	write func(ctx context.Context, tx refTx) error
}

// refTx is the transaction the reference tables are written in, with the
// driver connection it runs on: the rows go in through DuckDB's Appender
// on that connection, which appends inside the open transaction.
type refTx struct {
	*dsql.Tx
	dc driver.Conn
}

// appendRows appends n rows to table, row(i) giving
// the values of row i in the order of the table's columns.
func (tx refTx) appendRows(table string, n int, row func(int) ([]driver.Value, error)) error {
	return appendRows(tx.dc, table, nil, n, row)
}

// appendRows appends n rows to table through DuckDB's Appender on dc,
// inside the transaction open on it: row(i) gives the values of row i, in
// the order of columns (nil: the table's). A statement binds every value
// as a parameter, which costs more than the row (a zip's 1,000 entries'
// ledger rows took 1.6 s as INSERTs).
func appendRows(dc driver.Conn, table string, columns []string, n int, row func(int) ([]driver.Value, error)) error {
	var a *duckdb.Appender
	var err error
	if columns == nil {
		a, err = duckdb.NewAppenderFromConn(dc, "", table)
	} else {
		a, err = duckdb.NewAppenderWithColumns(dc, "", "", table, columns)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", table, err)
	}
	for i := 0; i < n; i++ {
		vs, err := row(i)
		if err == nil {
			err = a.AppendRow(vs...)
		}
		if err != nil {
			a.Close()
			return fmt.Errorf("%s: row %d: %w", table, i+1, err)
		}
	}
	if err := a.Close(); err != nil {
		return fmt.Errorf("%s: %w", table, err)
	}
	return nil
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
	stale, note, err := staleSeeds(seeds, have)
	if err != nil || len(stale) == 0 {
		return err
	}
	return s.inRefTx(ctx, func(tx refTx) error { return writeSeeds(ctx, tx, stale, note) })
}

// staleSeeds are the seeds whose hash is not the one in have (by name),
// and what meta's reference_seed becomes once they are written.
func staleSeeds(seeds []seed, have map[string]string) (stale []seed, note string, err error) {
	var parts []string
	for _, sd := range seeds {
		sum, err := sd.sum()
		if err != nil {
			return nil, "", err
		}
		parts = append(parts, sd.name+"="+sum)
		if have[sd.name] != sum {
			stale = append(stale, sd)
		}
	}
	return stale, strings.Join(parts, ";"), nil
}

// writeSeeds writes the tables of the seeds given and notes the hashes
// (note) in meta, in tx.
func writeSeeds(ctx context.Context, tx refTx, stale []seed, note string) error {
	for _, sd := range stale {
		if err := sd.write(ctx, tx); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM meta WHERE key = 'country_seed'`); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO meta VALUES ('reference_seed', ?)`, note)
	return err
}

// inRefTx runs f in one transaction on one connection, and commits if f
// returns nil.
func (s *Store) inRefTx(ctx context.Context, f func(tx refTx) error) error {
	return s.withConn(ctx, func(c *dsql.Conn, dc driver.Conn) error {
		tx, err := c.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if err := f(refTx{tx, dc}); err != nil {
			return err
		}
		return tx.Commit()
	})
}

// countrySeed syncs the countries and country_codes tables from the
// country table.
func countrySeed() seed {
	return seed{name: "countries",
		sum: func() (string, error) {
			cs, err := country.Load()
			if err != nil {
				return "", err
			}
			all, codes := cs.All(), cs.Codes()
			// The rows' text made by hand: the bytes fmt.Fprintf wrote,
			// in 0.54 ms a sum against 0.85 ms.
			var b []byte
			row := func(fields ...string) {
				for i, f := range fields {
					if i > 0 {
						b = append(b, '|')
					}
					b = append(b, f...)
				}
				b = append(b, '\n')
			}
			for _, c := range all {
				row(c.Code, c.Name, string(c.Kind), c.Currency)
			}
			for _, c := range codes {
				row(string(c.Scheme), c.Code, c.Country)
			}
			h := sha256.Sum256(b)
			return hex.EncodeToString(h[:]), nil
		},
		write: func(ctx context.Context, tx refTx) error {
			cs, err := country.Load()
			if err != nil {
				return err
			}
			return writeCountries(ctx, tx, cs.All(), cs.Codes())
		},
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
		write: func(ctx context.Context, tx refTx) error {
			_, err := writeGroups(ctx, tx, "seed", ms)
			return err
		},
	}
}

func writeCountries(ctx context.Context, tx refTx, all []country.Country, codes []country.CodeRow) error {
	for _, q := range []string{`DELETE FROM country_codes`, `DELETE FROM countries`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	if err := tx.appendRows("countries", len(all), func(i int) ([]driver.Value, error) {
		c := all[i]
		return []driver.Value{c.Code, c.Name, string(c.Kind), c.Currency}, nil
	}); err != nil {
		return fmt.Errorf("seeding countries: %w", err)
	}
	if err := tx.appendRows("country_codes", len(codes), func(i int) ([]driver.Value, error) {
		c := codes[i]
		return []driver.Value{string(c.Scheme), c.Code, c.Country}, nil
	}); err != nil {
		return fmt.Errorf("seeding country codes: %w", err)
	}
	return nil
}

// currencySeed syncs the currencies and currency_changes tables from the
// table of currencies over time.
func currencySeed() seed {
	return seed{name: "currencies",
		sum: func() (string, error) {
			t, err := country.LoadCurrencies()
			if err != nil {
				return "", err
			}
			ps, cs := t.Periods(), t.Changes()
			h := sha256.New()
			for _, p := range ps {
				fmt.Fprintf(h, "%s|%s|%s|%s|%s\n", p.Country, p.Currency, p.Numeric, p.From, p.To)
			}
			for _, c := range cs {
				fmt.Fprintf(h, "%s|%s|%s|%g|%s|%s|%s\n", c.Country, c.Old, c.New, c.Ratio, c.Date, c.Kind, c.Source)
			}
			return hex.EncodeToString(h.Sum(nil)), nil
		},
		write: func(ctx context.Context, tx refTx) error {
			t, err := country.LoadCurrencies()
			if err != nil {
				return err
			}
			ps, cs := t.Periods(), t.Changes()
			for _, q := range []string{`DELETE FROM currencies`, `DELETE FROM currency_changes`} {
				if _, err := tx.ExecContext(ctx, q); err != nil {
					return err
				}
			}
			if err := tx.appendRows("currencies", len(ps), func(i int) ([]driver.Value, error) {
				p := ps[i]
				return []driver.Value{p.Country, p.Currency, p.Numeric, nullIfEmpty(p.From), nullIfEmpty(p.To)}, nil
			}); err != nil {
				return fmt.Errorf("seeding currencies: %w", err)
			}
			if err := tx.appendRows("currency_changes", len(cs), func(i int) ([]driver.Value, error) {
				c := cs[i]
				on, err := time.Parse(time.DateOnly, c.Date)
				if err != nil {
					return nil, fmt.Errorf("%s %s to %s: %w", c.Country, c.Old, c.New, err)
				}
				return []driver.Value{c.Country, c.Old, c.New, c.Ratio, on, c.Kind, c.Source}, nil
			}); err != nil {
				return fmt.Errorf("seeding currency changes: %w", err)
			}
			return nil
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
		write: func(ctx context.Context, tx refTx) error {
			if _, err := tx.ExecContext(ctx, `DELETE FROM world_trade`); err != nil {
				return err
			}
			if err := tx.appendRows("world_trade", len(ws), func(i int) ([]driver.Value, error) {
				return []driver.Value{int32(ws[i].Year), ws[i].Exports, ws[i].Imports, ws[i].Source}, nil
			}); err != nil {
				return fmt.Errorf("seeding world trade: %w", err)
			}
			return nil
		},
	}
}

// writeGroups replaces the rows of group_membership from source with ms.
func writeGroups(ctx context.Context, tx refTx, source string, ms []transform.Member) (removed int64, err error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM group_membership WHERE source = ?`, source)
	if err != nil {
		return 0, err
	}
	removed, _ = res.RowsAffected()
	// The columns in the table's order: group_name, country, valid_from,
	// valid_to, source.
	err = tx.appendRows("group_membership", len(ms), func(i int) ([]driver.Value, error) {
		m := ms[i]
		var to driver.Value
		if !m.To.IsZero() {
			to = m.To
		}
		return []driver.Value{m.Group, m.Country, m.From, to, source}, nil
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
	err = s.inRefTx(ctx, func(tx refTx) error {
		removed, err = writeGroups(ctx, tx, "config", ms)
		return err
	})
	if err != nil {
		return 0, err
	}
	return removed, nil
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
