package store

import (
	"context"
	dsql "database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tradepipe/tradepipe/transform"
	"github.com/tradepipe/tradepipe/transform/country"
)

// What is in the database, and undoing loads: the datasets with what they
// hold, the groups with their members, the country codes; forgetting a
// file, renaming and dropping a dataset; a report's own groups for one
// connection. The commands datasets, groups, countries and forget read and
// write through these.

// DatasetInfo is one dataset: what its files are and what its rows cover.
type DatasetInfo struct {
	Name    string   `json:"dataset"`
	Kind    string   `json:"kind"` // trade, fx or reference (comma separated, if a name holds several)
	Formats []string `json:"formats"`
	Files   int64    `json:"files"`
	Rows    int64    `json:"rows"`
	// Reporters counts the reporting countries (trade) or the countries
	// with a rate (fx).
	Reporters       int64    `json:"reporters"`
	Years           []int    `json:"years"`
	Classifications []string `json:"classifications"` // trade: HS/SITC/BEC revisions as the files name them; "" when none
}

// Datasets lists every dataset in the ledger, by name.
func (s *Store) Datasets(ctx context.Context) ([]DatasetInfo, error) {
	rows, err := s.db.QueryContext(ctx, `WITH f AS (
			SELECT dataset, string_agg(DISTINCT kind, ',' ORDER BY kind) AS kind, list(DISTINCT format ORDER BY format) AS formats,
			       count(*) AS files
			FROM files GROUP BY dataset
		), t AS (
			SELECT s.dataset, count(*) AS n, count(DISTINCT c.country) AS reporters, list(DISTINCT r.year ORDER BY r.year) AS years
			FROM trade_rows r JOIN trade_slices s USING (slice_id) JOIN trade_codes c ON c.code_id = r.reporter
			GROUP BY s.dataset
		), cl AS (
			SELECT dataset, list(DISTINCT classification ORDER BY classification) AS classifications
			FROM trade_slices GROUP BY dataset
		), x AS (
			SELECT dataset, count(*) AS n, count(DISTINCT country_code) AS reporters, list(DISTINCT year ORDER BY year) AS years
			FROM fx_rates GROUP BY dataset
		), ref AS (
			SELECT f.dataset, count(*) AS n
			FROM (SELECT file_id FROM product_descriptions UNION ALL SELECT file_id FROM release_countries) r JOIN files f USING (file_id)
			GROUP BY f.dataset
		)
		SELECT f.dataset, f.kind, f.formats, f.files, coalesce(t.n, 0) + coalesce(x.n, 0) + coalesce(ref.n, 0),
		       coalesce(t.reporters, 0) + coalesce(x.reporters, 0),
		       list_sort(list_distinct(coalesce(t.years, []) || coalesce(x.years, []))), coalesce(cl.classifications, [])
		FROM f LEFT JOIN t USING (dataset) LEFT JOIN cl USING (dataset) LEFT JOIN x USING (dataset) LEFT JOIN ref USING (dataset)
		ORDER BY f.dataset`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []DatasetInfo{}
	for rows.Next() {
		var d DatasetInfo
		var formats, years, classes any
		if err := rows.Scan(&d.Name, &d.Kind, &formats, &d.Files, &d.Rows, &d.Reporters, &years, &classes); err != nil {
			return nil, err
		}
		d.Formats, d.Classifications = strs(formats), strs(classes)
		for _, y := range list(years) {
			if n, ok := y.(int32); ok {
				d.Years = append(d.Years, int(n))
			}
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func strs(v any) []string {
	out := []string{}
	for _, x := range list(v) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// GroupMember is one membership period of a country in a group.
type GroupMember struct {
	Group   string `json:"group"`
	Country string `json:"country"`
	Name    string `json:"name"`
	From    string `json:"from"` // a date, 2015-01-01
	To      string `json:"to"`   // the last day; "" while still a member
	Source  string `json:"source"`
}

// Groups lists the members of every group, or of the group named (its
// name matched without regard to case), by group, start and country. The
// source is seed (transform/seed/groups.csv) or config (a config's
// groups, as its last transform step wrote them).
func (s *Store) Groups(ctx context.Context, name string) ([]GroupMember, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT g.group_name, g.country, coalesce(c.name, ''), strftime(g.valid_from, '%Y-%m-%d'),
			coalesce(strftime(g.valid_to, '%Y-%m-%d'), ''), g.source
		FROM group_membership g LEFT JOIN countries c ON c.code = g.country
		WHERE ? = '' OR lower(g.group_name) = lower(?)
		ORDER BY g.group_name, g.valid_from, g.country`, name, name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []GroupMember{}
	for rows.Next() {
		var m GroupMember
		if err := rows.Scan(&m.Group, &m.Country, &m.Name, &m.From, &m.To, &m.Source); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// CountryCode is one code or name of a country in one scheme (alpha3,
// alpha2, numeric, comtrade, name) as the readers look it up: names as
// country.NormalizeName writes them.
type CountryCode struct {
	Country  string `json:"country"` // ISO 3166 alpha-3, or tradepipe's own code
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	Currency string `json:"currency"`
	Scheme   string `json:"scheme"`
	Code     string `json:"code"`
}

// Countries lists every code of the countries (and areas, aggregates)
// that search matches: a country's code, name or any of its codes and
// names containing it, without regard to case, accents or typographic
// quotes. An empty search lists all.
func (s *Store) Countries(ctx context.Context, search string) ([]CountryCode, error) {
	norm := country.NormalizeName(search)
	rows, err := s.db.QueryContext(ctx, `WITH hit AS (
			SELECT code AS country FROM countries WHERE ? = '' OR contains(lower(code), ?) OR contains(lower(name), ?)
			UNION
			SELECT country FROM country_codes WHERE ? <> '' AND contains(lower(code), ?)
		)
		SELECT c.code, c.name, c.kind, c.currency, cc.scheme, cc.code
		FROM countries c JOIN hit ON hit.country = c.code JOIN country_codes cc ON cc.country = c.code
		ORDER BY c.code, list_position(['alpha3', 'alpha2', 'numeric', 'comtrade', 'name'], cc.scheme), cc.code`,
		norm, norm, norm, norm, norm)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []CountryCode{}
	for rows.Next() {
		var c CountryCode
		if err := rows.Scan(&c.Country, &c.Name, &c.Kind, &c.Currency, &c.Scheme, &c.Code); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// FindFiles returns the ledger rows of a file: those loaded from path (an
// absolute path; every entry of a zip), else those with one of the sha256
// sums given (the same bytes loaded under another name).
func (s *Store) FindFiles(ctx context.Context, path string, sums []string) ([]FileInfo, error) {
	all, err := s.Files(ctx)
	if err != nil {
		return nil, err
	}
	var out []FileInfo
	for _, f := range all {
		if f.Path == path {
			out = append(out, f)
		}
	}
	if len(out) > 0 {
		return out, nil
	}
	for _, f := range all {
		if slices.Contains(sums, f.SHA256) {
			out = append(out, f)
		}
	}
	return out, nil
}

// Forgotten is what forgetting one file removed.
type Forgotten struct {
	File      FileInfo
	TradeRows int64 // its rows in trade (trade_rows)
	Slices    int64 // its rows in trade_slices
	FXRates   int64 // its rows in fx_rates
}

// ErrNoFile is returned for a file id the ledger does not hold.
var ErrNoFile = errors.New("no such file in the ledger")

// forgetHook, when set (by tests), runs between the deletes of a forget or
// drop: an error from it must leave everything as it was.
var forgetHook func() error

// Forget removes the files with these ids from the database, in one
// transaction: their trade rows and slices, their exchange rates and their
// ledger rows, so their bytes can be loaded again (into another dataset,
// say), and the totals the reports read made again without them. The
// earlier rows a file replaced when it was loaded are not
// brought back: FileInfo.Replaced says how many there were.
func (s *Store) Forget(ctx context.Context, ids []int64) ([]Forgotten, error) {
	if s.readOnly {
		return nil, errors.New("database opened read-only")
	}
	all, err := s.Files(ctx)
	if err != nil {
		return nil, err
	}
	var out []Forgotten
	for _, id := range ids {
		i := slices.IndexFunc(all, func(f FileInfo) bool { return f.FileID == id })
		if i < 0 {
			return nil, fmt.Errorf("file id %d: %w", id, ErrNoFile)
		}
		out = append(out, Forgotten{File: all[i]})
	}
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	c, err := s.Conn(ctx) // the totals are made again with transform's macros
	if err != nil {
		return nil, err
	}
	defer c.Close()
	tx, err := c.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var t touched
	for i := range out {
		f := &out[i]
		id := f.File.FileID
		if err := t.add(ctx, tx, `file_id = ?`, id); err != nil {
			return nil, err
		}
		if f.TradeRows, err = exec(ctx, tx, `DELETE FROM trade_rows WHERE slice_id IN (SELECT slice_id FROM trade_slices WHERE file_id = ?)`, id); err != nil {
			return nil, err
		}
		if forgetHook != nil {
			if err := forgetHook(); err != nil {
				return nil, err
			}
		}
		if f.Slices, err = exec(ctx, tx, `DELETE FROM trade_slices WHERE file_id = ?`, id); err != nil {
			return nil, err
		}
		if f.FXRates, err = dropRates(ctx, tx, `file_id = ?`, id); err != nil {
			return nil, err
		}
		for _, q := range []string{`DELETE FROM product_descriptions WHERE file_id = ?`, `DELETE FROM release_countries WHERE file_id = ?`,
			`DELETE FROM files WHERE file_id = ?`} {
			if _, err = exec(ctx, tx, q, id); err != nil {
				return nil, err
			}
		}
	}
	if err := t.remake(ctx, tx); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return out, nil
}

// DatasetChange is what renaming or dropping a dataset changed.
type DatasetChange struct {
	Files, TradeRows, FXRates int64
}

// RenameDataset gives dataset old the name new: its files, trade rows and
// exchange rates, in one transaction. new must not be a dataset already
// (the two would mix, and revisions of one would replace rows of the
// other).
func (s *Store) RenameDataset(ctx context.Context, old, new string) (DatasetChange, error) {
	var c DatasetChange
	if err := checkDatasetName(new); err != nil {
		return c, err
	}
	ds, err := s.datasetNames(ctx)
	if err != nil {
		return c, err
	}
	switch {
	case !slices.Contains(ds, old):
		return c, fmt.Errorf("%w: no dataset %q (datasets: %s)", ErrNoDataset, old, orNone(ds))
	case old == new:
		return c, fmt.Errorf("%w: dataset %q already has that name", ErrBadDataset, old)
	case slices.Contains(ds, new):
		return c, fmt.Errorf("%w: dataset %q exists: renaming %s to it would mix the two (drop or rename it first)", ErrBadDataset, new, old)
	}
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return c, err
	}
	defer tx.Rollback()
	if err := tradeRowCount(ctx, tx, old, &c.TradeRows); err != nil {
		return c, err
	}
	if _, err := exec(ctx, tx, `UPDATE trade_slices SET dataset = ? WHERE dataset = ?`, new, old); err != nil {
		return c, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM fx_rates WHERE dataset = ?`, old).Scan(&c.FXRates); err != nil {
		return c, err
	}
	if _, err := exec(ctx, tx, `UPDATE fx_series SET dataset = ? WHERE dataset = ?`, new, old); err != nil {
		return c, err
	}
	if c.Files, err = exec(ctx, tx, `UPDATE files SET dataset = ? WHERE dataset = ?`, new, old); err != nil {
		return c, err
	}
	for _, table := range []string{"trade_bilateral", "trade_own", "trade_world", "trade_years"} {
		if _, err := exec(ctx, tx, `UPDATE `+table+` SET dataset = ? WHERE dataset = ?`, new, old); err != nil {
			return c, err
		}
	}
	return c, tx.Commit()
}

// DropDataset removes a dataset: its trade rows and slices, its exchange
// rates and its files' ledger rows, in one transaction, and makes the
// totals the reports read again without them.
func (s *Store) DropDataset(ctx context.Context, name string) (DatasetChange, error) {
	var c DatasetChange
	ds, err := s.datasetNames(ctx)
	if err != nil {
		return c, err
	}
	if !slices.Contains(ds, name) {
		return c, fmt.Errorf("%w: no dataset %q (datasets: %s)", ErrNoDataset, name, orNone(ds))
	}
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	conn, err := s.Conn(ctx) // the totals are made again with transform's macros
	if err != nil {
		return c, err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return c, err
	}
	defer tx.Rollback()
	var t touched
	if err := t.add(ctx, tx, `dataset = ?`, name); err != nil {
		return c, err
	}
	if c.TradeRows, err = exec(ctx, tx, `DELETE FROM trade_rows WHERE slice_id IN (SELECT slice_id FROM trade_slices WHERE dataset = ?)`, name); err != nil {
		return c, err
	}
	if forgetHook != nil {
		if err := forgetHook(); err != nil {
			return c, err
		}
	}
	if _, err := exec(ctx, tx, `DELETE FROM trade_slices WHERE dataset = ?`, name); err != nil {
		return c, err
	}
	if c.FXRates, err = dropRates(ctx, tx, `dataset = ?`, name); err != nil {
		return c, err
	}
	for _, q := range []string{`DELETE FROM product_descriptions WHERE file_id IN (SELECT file_id FROM files WHERE dataset = ?)`,
		`DELETE FROM release_countries WHERE file_id IN (SELECT file_id FROM files WHERE dataset = ?)`} {
		if _, err := exec(ctx, tx, q, name); err != nil {
			return c, err
		}
	}
	if c.Files, err = exec(ctx, tx, `DELETE FROM files WHERE dataset = ?`, name); err != nil {
		return c, err
	}
	if err := t.remake(ctx, tx); err != nil {
		return c, err
	}
	return c, tx.Commit()
}

// ErrNoDataset is returned for a dataset the ledger does not hold,
// ErrBadDataset for a new name that cannot be one.
var (
	ErrNoDataset  = errors.New("no such dataset")
	ErrBadDataset = errors.New("bad dataset name")
)

func (s *Store) datasetNames(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT dataset FROM files ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// checkDatasetName refuses a name that would not print on one line.
func checkDatasetName(name string) error {
	if strings.TrimSpace(name) == "" || strings.TrimSpace(name) != name {
		return fmt.Errorf("%w %q: not empty, no leading or trailing spaces", ErrBadDataset, name)
	}
	if strings.IndexFunc(name, func(r rune) bool { return r < ' ' || r == 0x7f }) >= 0 {
		return fmt.Errorf("%w %q: no control characters", ErrBadDataset, name)
	}
	return nil
}

func tradeRowCount(ctx context.Context, tx *dsql.Tx, dataset string, n *int64) error {
	return tx.QueryRowContext(ctx, `SELECT count(*) FROM trade_rows WHERE slice_id IN (SELECT slice_id FROM trade_slices WHERE dataset = ?)`, dataset).Scan(n)
}

// dropRates deletes the exchange rates of the series that meet where (a
// condition on fx_series with one parameter, arg) and the series, and
// gives how many rates it deleted.
func dropRates(ctx context.Context, tx *dsql.Tx, where string, arg any) (int64, error) {
	n, err := exec(ctx, tx, `DELETE FROM fx_values WHERE series_id IN (SELECT series_id FROM fx_series WHERE `+where+`)`, arg)
	if err != nil {
		return 0, err
	}
	_, err = exec(ctx, tx, `DELETE FROM fx_series WHERE `+where, arg)
	return n, err
}

func exec(ctx context.Context, tx *dsql.Tx, q string, args ...any) (int64, error) {
	r, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

func orNone(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return strings.Join(xs, ", ")
}

// CommandLineSource is the source of the groups a report defines for
// itself (--group NAME=A,B,C): they live on its connection only.
const CommandLineSource = "command line"

// AddTempGroups adds groups to group_membership for conn alone: a
// temporary copy of the table, with ms added as source "command line",
// hides the database's table on that connection (the transforms' macros
// read group_membership by name). Nothing is written to the database, so
// it works on a read-only store; the groups go when conn is closed. A
// group of ms may not share a name (without regard to case) with one the
// database holds.
func AddTempGroups(ctx context.Context, conn *dsql.Conn, ms []transform.Member) error {
	if len(ms) == 0 {
		return nil
	}
	rows, err := conn.QueryContext(ctx, `SELECT DISTINCT group_name FROM group_membership`)
	if err != nil {
		return err
	}
	var have []string
	for rows.Next() {
		var g string
		if err := rows.Scan(&g); err != nil {
			rows.Close()
			return err
		}
		have = append(have, g)
	}
	rows.Close()
	for _, m := range ms {
		for _, g := range have {
			if strings.EqualFold(g, m.Group) {
				return fmt.Errorf("group %q is defined already (as %s): give yours another name", m.Group, g)
			}
		}
	}
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE group_membership AS SELECT * FROM main.group_membership`); err != nil {
		return err
	}
	for _, m := range ms {
		var to any
		if !m.To.IsZero() {
			to = m.To
		}
		from := m.From
		if from.IsZero() {
			from = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO temp.group_membership (group_name, country, valid_from, valid_to, source) VALUES (?, ?, ?, ?, ?)`,
			m.Group, m.Country, from, to, CommandLineSource); err != nil {
			return err
		}
	}
	return nil
}
