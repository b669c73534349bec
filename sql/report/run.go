package report

import (
	"context"
	dsql "database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tradepipe/tradepipe/sql/sqlfile"
	"github.com/tradepipe/tradepipe/sql/store"
)

// Params are the knobs every report takes; each report uses those its
// header declares. A zero field takes the default its report header
// declares (Defaults); Run resolves them and puts them in Table.Params.
type Params struct {
	Dataset string
	Group   string
	// Compare is the comparison groups, comma separated: regional-shares
	// shows the first one's intra share beside the group's, group-compare
	// shows them all. "none" for none; resolved, the group itself and
	// "none" are left out.
	Compare string
	Groups  []string // resolved: Group, then the Compare groups
	// Partners is bloc-shares' partner group: the group whose members, as
	// they stand at the end of the last year, each member's trade with is
	// measured.
	Partners   string
	From, To   int
	Basis      string // reporter, flow, importer-first, exporter-first, average ("" = by the data)
	Membership string // as-of or fixed
	CIFFOB     float64
	Top        int // partner-shares: partners listed per member
	// MinReporters is how many countries with known totals a year needs
	// before world figures (intensity, introversion) are computed.
	MinReporters int
	// Flows limits partner-shares to exports ("X") or imports ("M");
	// "all" or resolved "X,M" for both.
	Flows string
	// Partial is what a share built on incomplete figures shows: "omit"
	// (empty) or "show" (the figure, with complete false).
	Partial string
	// Coverage "world" declares the dataset a world matrix (every
	// country's trade with every other), as a flow table such as BACI is.
	Coverage string
	// MinWorldShare is the share of world trade (per cent) a mirror's
	// reporters must cover; MinPartnerShare the share of a total (per
	// cent) its partner rows must reach before a partner with no row
	// counts as zero.
	MinWorldShare, MinPartnerShare float64

	// Define are groups made for this run only (NAME=A,B,C; ParseGroups):
	// Group and Compare may name them.
	Define []Group
	// Given names the parameters the caller set (ParamFlags): a report
	// that does not take one of them is a usage error, as regional-shares
	// is with --top (CheckGiven). Zero values the caller left to their
	// defaults are not in it.
	Given []string

	// Resolved by Run: whether the dataset is a world matrix, and with
	// membership fixed the year whose members count in every year.
	World     bool
	FixedYear int
}

// The CIF/FOB factors a report takes: an importer's CIF value is its FOB
// value plus freight and insurance, never less, and never double.
const (
	MinCIFFOB = 1.0
	MaxCIFFOB = 2.0
)

// Bases lists the --basis values.
var Bases = []string{"reporter", "flow", "importer-first", "exporter-first", "average"}

// ErrUsage marks a mistake in the parameters (an unknown group, say).
var ErrUsage = errors.New("bad report parameters")

// Entry is one line of the report list.
type Entry struct{ Name, Purpose string }

// List returns the reports with their purpose.
func List() ([]Entry, error) {
	rs, err := reportFiles()
	if err != nil {
		return nil, err
	}
	out := make([]Entry, len(rs))
	for i, r := range rs {
		out[i] = Entry{r.Name, r.Purpose}
	}
	return out, nil
}

// Run runs the named report and returns its table, with notes on the
// dataset, basis and anything that could not be converted or computed.
func Run(ctx context.Context, st *store.Store, name string, p Params) (*Table, error) {
	f, ok, err := reportFile(name)
	if err != nil {
		return nil, err
	}
	if !ok {
		var names []string
		rs, _ := List()
		for _, r := range rs {
			names = append(names, r.Name)
		}
		return nil, fmt.Errorf("%w: no report %q (known: %s)", ErrUsage, name, strings.Join(names, ", "))
	}
	if err := CheckGiven(name, p.Given, p.Compare); err != nil {
		return nil, err
	}
	conn, err := st.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if err := addGroups(ctx, conn, p.Define); err != nil {
		return nil, err
	}
	if len(p.Define) > 0 {
		// The run's own groups end with it: the connection goes back to
		// the pool, and the next report on it must not see them.
		defer conn.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS temp.group_membership`)
	}
	if err := resolve(ctx, conn, f, &p); err != nil {
		return nil, err
	}
	// The member view of the run's basis alone: planning the other bases'
	// branches, to drop them, was most of a report's time.
	undo, err := st.ViewFor(ctx, conn, p.Basis)
	if err != nil {
		return nil, fmt.Errorf("report %s: %w", name, err)
	}
	defer undo()
	args, err := Args(f, p)
	if err != nil {
		return nil, err
	}
	// The notes read nothing the report's query makes: on a connection of
	// their own they run beside it, on the other core (a report's query
	// runs on one DuckDB thread).
	notes := make(chan dataNotes, 1)
	go func() { notes <- readNotes(ctx, st, p) }()
	t, err := query(ctx, conn, name, f.Text, args)
	n := <-notes
	if err != nil {
		return nil, err
	}
	if n.err != nil {
		return nil, n.err
	}
	t.Report, t.Params, t.Purpose, t.Sources = name, p, f.Purpose, n.sources
	t.Notes = append(t.Notes, fmt.Sprintf("dataset %s; basis %s; membership %s; cif/fob factor %g for mirror values", p.Dataset, p.Basis, p.Membership, p.CIFFOB))
	switch p.Basis {
	case "reporter":
	case "flow":
		t.Notes = append(t.Notes, "basis flow: a member's totals are sums over the flow table's pairs")
	default:
		t.Notes = append(t.Notes, fmt.Sprintf("basis %s: partner values from the pairs; each member's totals from its World rows (its own, or mirrored from its partners')", p.Basis))
	}
	if p.Membership == "fixed" {
		t.Notes = append(t.Notes, fmt.Sprintf("membership fixed: the members of %d count in every year", p.FixedYear))
	}
	if note := incompleteNote(t, p); note != "" {
		t.Notes = append(t.Notes, note)
	}
	if n.classification != "" {
		t.Notes = append(t.Notes, n.classification)
	}
	for _, m := range n.missing {
		t.Notes = append(t.Notes, fmt.Sprintf("%d value(s) in %s for %s have no exchange rate loaded: left out of the USD figures", m.Rows, m.Currency, m.Period))
	}
	return t, nil
}

// query runs a report's statement and reads its table.
func query(ctx context.Context, conn *dsql.Conn, name, text string, args []any) (*Table, error) {
	rows, err := conn.QueryContext(ctx, text, args...)
	if err != nil {
		return nil, fmt.Errorf("report %s: %w", name, err)
	}
	t, err := FromRows(rows)
	if err == nil {
		err = t.finite()
	}
	if err != nil {
		return nil, fmt.Errorf("report %s: %w", name, err)
	}
	return t, nil
}

// dataNotes are what a report says of its dataset beside its figures:
// the files they come from, the classifications set aside, the values
// with no exchange rate.
type dataNotes struct {
	sources        []Source
	classification string
	missing        []Missing
	err            error
}

// readNotes reads a report's dataNotes on a connection of its own.
func readNotes(ctx context.Context, st *store.Store, p Params) (n dataNotes) {
	if n.sources, n.err = sources(ctx, st, p.Dataset); n.err != nil {
		return n
	}
	conn, err := st.Conn(ctx)
	if err != nil {
		n.err = err
		return n
	}
	defer conn.Close()
	if n.classification, n.err = classificationNote(ctx, conn, p); n.err != nil {
		return n
	}
	n.missing, n.err = Unconverted(ctx, conn, p.Dataset)
	return n
}

// Check checks what in p needs no database: a known basis and
// membership, a CIF/FOB factor from 1 to 2, --from not after --to, flows
// X, M or all. Zero fields, which take their defaults, pass. The pipeline
// checks its config's report steps with it.
//
// A parameter given (p.Given names it) is checked even when zero: only an
// unset one takes its default, so --cif-fob 0 is an error, not 1.06. Every
// number must be finite: NaN is in no range.
func (p Params) Check() error {
	given := func(name string) bool { return slices.Contains(p.Given, name) }
	year := func(y int, name string) bool { return (y != 0 || given(name)) && !(y >= 1900 && y <= 2100) }
	switch {
	case (p.CIFFOB != 0 || given("cif_fob")) && !(p.CIFFOB >= MinCIFFOB && p.CIFFOB <= MaxCIFFOB):
		return fmt.Errorf("cif/fob factor %g outside %g-%g", p.CIFFOB, MinCIFFOB, MaxCIFFOB)
	case p.Top < 0 || given("top") && p.Top == 0:
		return fmt.Errorf("--top %d: a count of partners, 1 or more", p.Top)
	case p.MinReporters < 0:
		return fmt.Errorf("--min-reporters %d: a count of countries, 0 or more", p.MinReporters)
	case year(p.From, "from"):
		return fmt.Errorf("--from %d: a year from 1900 to 2100", p.From)
	case year(p.To, "to"):
		return fmt.Errorf("--to %d: a year from 1900 to 2100", p.To)
	case given("min_world_share") && !(p.MinWorldShare > 0 && p.MinWorldShare <= 100):
		return fmt.Errorf("min world share %g outside 0-100", p.MinWorldShare)
	case given("min_partner_share") && !(p.MinPartnerShare > 0 && p.MinPartnerShare <= 100):
		return fmt.Errorf("min partner share %g outside 0-100", p.MinPartnerShare)
	case p.Basis != "" && !slices.Contains(Bases, p.Basis):
		return fmt.Errorf("unknown basis %q (known: %s)", p.Basis, strings.Join(Bases, ", "))
	case p.Membership != "" && p.Membership != "as-of" && p.Membership != "fixed":
		return fmt.Errorf("membership %q (want as-of or fixed)", p.Membership)
	case p.From != 0 && p.To != 0 && p.From > p.To:
		return fmt.Errorf("--from %d is after --to %d", p.From, p.To)
	case p.Flows != "" && !slices.Contains([]string{"all", "X,M", "M,X", "X", "M"}, p.Flows):
		return fmt.Errorf("flows %q (want X, M or all)", p.Flows)
	case p.Partial != "" && p.Partial != "omit" && p.Partial != "show":
		return fmt.Errorf("partial %q (want omit or show)", p.Partial)
	case p.Coverage != "" && p.Coverage != "world":
		return fmt.Errorf("coverage %q (want world, or leave it to the data)", p.Coverage)
	case p.MinWorldShare != 0 && !(p.MinWorldShare > 0 && p.MinWorldShare <= 100):
		return fmt.Errorf("min world share %g outside 0-100", p.MinWorldShare)
	case p.MinPartnerShare != 0 && !(p.MinPartnerShare > 0 && p.MinPartnerShare <= 100):
		return fmt.Errorf("min partner share %g outside 0-100", p.MinPartnerShare)
	}
	return nil
}

// resolve fills defaults and checks the parameters of report f against
// the database.
func resolve(ctx context.Context, conn *dsql.Conn, f sqlfile.File, p *Params) error {
	d, err := Defaults()
	if err != nil {
		return err
	}
	if err := p.Check(); err != nil { // before the defaults fill what was given as zero
		return fmt.Errorf("%w: %w", ErrUsage, err)
	}
	if err := p.fill(d); err != nil {
		return err
	}
	if err := p.Check(); err != nil {
		return fmt.Errorf("%w: %w", ErrUsage, err)
	}
	if p.Dataset, p.Basis, err = ResolveDataset(ctx, conn, p.Dataset, p.Basis, d["basis"]); err != nil {
		return err
	}
	// A flow table holds the whole world matrix; other data only when the
	// caller says so.
	p.World = p.Basis == "flow" || p.Coverage == "world"
	if p.Membership == "fixed" {
		// The members of the report's last year: --to, or the last year
		// with data, never the calendar's today.
		var last dsql.NullInt64
		if err := conn.QueryRowContext(ctx, `SELECT max(year) FROM trade WHERE dataset = ?`, p.Dataset).Scan(&last); err != nil {
			return err
		}
		p.FixedYear = p.To
		if last.Valid && int(last.Int64) < p.To {
			p.FixedYear = int(last.Int64)
		}
	}
	if p.Flows == "all" || p.Flows == "M,X" {
		p.Flows = "X,M"
	}
	groups, err := strings1(ctx, conn, `SELECT DISTINCT group_name FROM group_membership ORDER BY 1`)
	if err != nil {
		return err
	}
	// Group names are matched without regard to case: --group c5 is C5.
	p.Group = canonicalGroup(groups, strings.TrimSpace(p.Group))
	// "none" asks a report that shows comparison groups for none; to any
	// other it is a group like the rest, and unknown.
	none := slices.Contains(f.ParamNames(), "compare")
	var compare []string
	for _, g := range strings.Split(p.Compare, ",") {
		g = canonicalGroup(groups, strings.TrimSpace(g))
		if g != "" && !(none && strings.EqualFold(g, "none")) && g != p.Group && !slices.Contains(compare, g) {
			compare = append(compare, g)
		}
	}
	p.Compare = strings.Join(compare, ",")
	p.Groups = append([]string{p.Group}, compare...)
	check := p.Groups
	if slices.Contains(f.ParamNames(), "partners") {
		p.Partners = canonicalGroup(groups, strings.TrimSpace(p.Partners))
		check = append(slices.Clone(check), p.Partners)
	}
	for _, g := range check {
		if !slices.Contains(groups, g) {
			return fmt.Errorf("%w: unknown group %q (known: %s)", ErrUsage, g, strings.Join(groups, ", "))
		}
	}
	return nil
}

// ResolveDataset picks the trade dataset (the one named, or the only one
// loaded) and checks the basis against it: a flow table (BACI) takes basis
// flow, reporter-based data any other. With basis "" it returns flow for a
// flow table and def otherwise. Mistakes wrap ErrUsage.
func ResolveDataset(ctx context.Context, conn *dsql.Conn, dataset, basis, def string) (string, string, error) {
	ds, err := strings1(ctx, conn, `SELECT DISTINCT dataset FROM files WHERE kind = 'trade' ORDER BY 1`)
	if err != nil {
		return "", "", err
	}
	switch {
	case dataset != "":
		if !slices.Contains(ds, dataset) {
			return "", "", fmt.Errorf("%w: no trade dataset %q (loaded: %s)", ErrUsage, dataset, listOrNone(ds))
		}
	case len(ds) == 1:
		dataset = ds[0]
	case len(ds) == 0:
		return "", "", fmt.Errorf("%w: no trade data loaded: load files with 'tradepipe ingest' first", ErrUsage)
	default:
		return "", "", fmt.Errorf("%w: several datasets are loaded; name one with --dataset (loaded: %s)", ErrUsage, strings.Join(ds, ", "))
	}
	formats, err := strings1(ctx, conn, `SELECT DISTINCT format FROM files WHERE dataset = ? ORDER BY 1`, dataset)
	if err != nil {
		return "", "", err
	}
	flowTable := len(formats) == 1 && formats[0] == "baci"
	switch {
	case basis == "" && flowTable:
		basis = "flow"
	case basis == "":
		basis = def
	case !slices.Contains(Bases, basis):
		return "", "", fmt.Errorf("%w: %w", ErrUsage, Params{Basis: basis}.Check())
	case flowTable && basis != "flow":
		return "", "", fmt.Errorf("%w: dataset %s is a flow table (BACI): basis must be flow", ErrUsage, dataset)
	case !flowTable && basis == "flow":
		return "", "", fmt.Errorf("%w: dataset %s is reporter-based (%s): basis flow needs a flow table such as BACI; use reporter, importer-first, exporter-first or average", ErrUsage, dataset, strings.Join(formats, ", "))
	}
	return dataset, basis, nil
}

// Args are the bound arguments of report file f for p: exactly the
// parameters its header declares. Run binds so; the bench binds so to run
// a report's SQL on DuckDB alone.
func Args(f sqlfile.File, p Params) ([]any, error) {
	var fixedYear any // NULL: as-of
	if p.Membership == "fixed" {
		fixedYear = p.FixedYear
	}
	return f.Bind(map[string]any{
		"dataset": p.Dataset, "group": p.Group, "compare": p.Compare, "partners": p.Partners,
		"from": p.From, "to": p.To, "basis": p.Basis, "membership": p.Membership, "cif_fob": p.CIFFOB, "top": p.Top,
		"min_reporters": p.MinReporters, "flows": p.Flows, "partial": p.Partial, "world": p.World,
		"fixed_year": fixedYear, "min_world_share": p.MinWorldShare, "min_partner_share": p.MinPartnerShare,
	})
}

// classificationNote names, where a reporter's rows for a year and flow
// came in more than one classification, the one used and those set
// aside (never added): "KAZ 2019 exports: H5 used, S4 set aside".
func classificationNote(ctx context.Context, conn *dsql.Conn, p Params) (string, error) {
	rows, err := conn.QueryContext(ctx, `SELECT reporter, year, CASE flow WHEN 'X' THEN 'exports' ELSE 'imports' END,
			CASE WHEN any_value(classification) = '' THEN '(none)' ELSE any_value(classification) END, any_value(set_aside)
		FROM tp_totals(?) WHERE set_aside <> '' AND year BETWEEN ? AND ?
		GROUP BY reporter, year, flow ORDER BY ALL`, p.Dataset, p.From, p.To)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var parts []string
	n := 0
	for rows.Next() {
		var rep, flow, used, aside string
		var year int
		if err := rows.Scan(&rep, &year, &flow, &used, &aside); err != nil {
			return "", err
		}
		if n++; n <= 3 {
			parts = append(parts, fmt.Sprintf("%s %d %s: %s used, %s set aside", rep, year, flow, used, aside))
		}
	}
	if err := rows.Err(); err != nil || n == 0 {
		return "", err
	}
	out := "one classification per reporter, year and flow, never two added: " + strings.Join(parts, "; ")
	if n > 3 {
		out += fmt.Sprintf(" (and %d more)", n-3)
	}
	return out, nil
}

// incompleteNote says how many rows of t are incomplete and why, in a
// line: the first reason, and how many more there are.
func incompleteNote(t *Table, p Params) string {
	ci, ri := slices.Index(t.Columns, "complete"), slices.Index(t.Columns, "incomplete_reason")
	if ci < 0 || ri < 0 {
		return ""
	}
	var n int
	var reasons []string
	for _, r := range t.Rows {
		if ok, _ := r[ci].(bool); ok {
			continue
		}
		n++
		s, _ := r[ri].(string)
		for _, x := range strings.Split(s, "; ") {
			if x != "" && !slices.Contains(reasons, x) {
				reasons = append(reasons, x)
			}
		}
	}
	if n == 0 {
		return ""
	}
	what := "their shares are left empty (--partial show fills them)"
	if p.Partial == "show" {
		what = "their shares are shown all the same (--partial show) and are not to be taken as complete"
	}
	out := fmt.Sprintf("%d of %d rows are incomplete: %s", n, len(t.Rows), what)
	if len(reasons) > 0 {
		out += "; for example " + reasons[0]
		if len(reasons) > 1 {
			out += fmt.Sprintf(" (and %d more reasons: see incomplete_reason)", len(reasons)-1)
		}
	}
	return out
}

// sources are the ledger rows of a dataset's files and of the
// exchange-rate files (used for any value not in USD), in load order.
func sources(ctx context.Context, st *store.Store, dataset string) ([]Source, error) {
	files, err := st.Files(ctx)
	if err != nil {
		return nil, err
	}
	var out []Source
	for _, f := range files {
		if f.Dataset == dataset || f.Kind == "fx" {
			out = append(out, Source{FileID: f.FileID, Path: f.Path, Entry: f.Entry, SHA256: f.SHA256, Format: f.Format,
				Kind: f.Kind, Dataset: f.Dataset, Rows: f.Rows, LoadedAt: f.LoadedAt})
		}
	}
	return out, nil
}

// Missing is a currency and period whose values have no exchange rate.
type Missing struct {
	Currency, Period string
	Rows             int64
}

// Unconverted lists the values of a dataset that have no exchange rate
// (value_usd NULL), by currency and period.
func Unconverted(ctx context.Context, conn *dsql.Conn, ds string) ([]Missing, error) {
	// A value's currency is its slice's: a dataset whose slices are all in
	// US dollars has none to convert, and saying so takes one small table
	// where tp_unconverted plans the trade view and the rates (about 20
	// ms, a fifth of a report). Where the rows are not in the store's
	// slices (the trade view over an export's Parquet), it asks the view.
	var n int
	var foreign bool
	if err := conn.QueryRowContext(ctx, `SELECT count(*), coalesce(bool_or(currency <> 'USD'), false)
		FROM trade_slices WHERE dataset = ?`, ds).Scan(&n, &foreign); err != nil {
		return nil, err
	}
	if n > 0 && !foreign {
		return nil, nil
	}
	rows, err := conn.QueryContext(ctx, `SELECT currency, period, rows FROM tp_unconverted(?)`, ds)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Missing
	for rows.Next() {
		var m Missing
		if err := rows.Scan(&m.Currency, &m.Period, &m.Rows); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func strings1(ctx context.Context, conn *dsql.Conn, q string, args ...any) ([]string, error) {
	rows, err := conn.QueryContext(ctx, q, args...)
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

func listOrNone(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return strings.Join(xs, ", ")
}
