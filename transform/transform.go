package transform

import (
	"embed"
	"fmt"
	"regexp"
	"strings"

	"github.com/tradepipe/tradepipe/sql/sqlfile"
)

//go:embed sql/*.sql
var sqlFS embed.FS

// flow is the order the transforms build on each other, data first: each
// file uses only macros of the files before it.
var flow = []string{"usd", "totals", "membership", "mirror", "flows", "view", "coverage", "metrics"}

// SQL returns the transform files in the order of flow, to be run on a
// connection before anything that uses their macros.
func SQL() ([]sqlfile.File, error) {
	fs, err := sqlfile.Dir(sqlFS, "sql")
	if err != nil {
		return nil, err
	}
	if len(fs) != len(flow) {
		return nil, fmt.Errorf("transform: %d .sql files, but flow names %d", len(fs), len(flow))
	}
	out := make([]sqlfile.File, len(flow))
	for i, name := range flow {
		f, ok := sqlfile.Find(fs, name)
		if !ok {
			return nil, fmt.Errorf("transform: flow names %q, which no .sql file is", name)
		}
		out[i] = f
	}
	return out, nil
}

// BilateralRule makes trade_bilateral, the totals the reports read, from
// the sums the store keeps of every file's rows and the exchange rates:
// when its text changes, the store makes the table again, and the small
// tables made from it (trade_own by tp_own_totals, trade_world by
// tp_country_totals).
var BilateralRule = Rule{"tp_rates", "tp_period_rates", "tp_is_services", "tp_goods_slices", "tp_bilateral",
	"tp_own_totals", "tp_country_totals"}

// A Rule names the macros that make a table the store keeps.
type Rule []string

// Text is the text of the statements that create the rule's macros, in
// the order of flow: what the store hashes to know its table is current.
func (r Rule) Text() (string, error) {
	fs, err := SQL()
	if err != nil {
		return "", err
	}
	var parts []string
	for _, name := range r {
		re := regexp.MustCompile(`(?s)CREATE OR REPLACE TEMP MACRO ` + regexp.QuoteMeta(name) + `\(.*?;\n`)
		var found []string
		for _, f := range fs {
			found = append(found, re.FindAllString(f.Text, -1)...)
		}
		if len(found) != 1 {
			return "", fmt.Errorf("transform: macro %s: %d definitions, want 1", name, len(found))
		}
		parts = append(parts, found[0])
	}
	return strings.Join(parts, "\n"), nil
}

// viewBranches are the branches of tp_view_rows (view.sql, flows.sql):
// for each family of bases, the one macro that gives its member view,
// kept to its bases by the same filter as in the union.
var viewBranches = []struct {
	bases  []string
	branch string
}{
	{[]string{"reporter"}, `tp_reporter_view(ds, grps, cif, fixed_year, yfrom := yfrom, yto := yto) WHERE basis = 'reporter'`},
	{[]string{"flow"}, `tp_table_view(ds, grps, basis, cif, fixed_year, yfrom := yfrom, yto := yto) WHERE basis = 'flow'`},
	{[]string{"importer-first", "exporter-first", "average"},
		`tp_pairs_view(ds, grps, basis, cif, fixed_year, yfrom := yfrom, yto := yto) WHERE basis NOT IN ('reporter', 'flow')`},
}

// ViewFor is the statement that makes tp_view_rows, on the connection it
// runs on, the branch of one basis alone: a temporary macro, which hides
// the union (DuckDB plans every branch of a UNION, and under basis flow
// the reporter view it drops was most of a report's planning). The rows
// are the union's for that basis; any other basis gets none. Where the
// database keeps the macros, DropView undoes it; where they are temporary
// on the connection, GenericView.
func ViewFor(basis string) (string, error) {
	for _, b := range viewBranches {
		for _, x := range b.bases {
			if x == basis {
				return viewRowsHead + `
    SELECT * FROM ` + b.branch, nil
			}
		}
	}
	return "", fmt.Errorf("transform: no member view for basis %q", basis)
}

const viewRowsHead = `CREATE OR REPLACE TEMP MACRO tp_view_rows(ds, grps, basis, cif, fixed_year, yfrom := NULL, yto := NULL) AS TABLE`

// DropView drops what ViewFor made, leaving the union the database keeps.
const DropView = `DROP MACRO TABLE IF EXISTS temp.tp_view_rows`

// GenericView is the statement that makes tp_view_rows the union again,
// as view.sql has it, on a connection whose macros are temporary.
func GenericView() (string, error) {
	text, err := Rule{"tp_view_rows"}.Text()
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(text, viewRowsHead) {
		return "", fmt.Errorf("transform: view.sql's tp_view_rows does not start %q", viewRowsHead)
	}
	return text, nil
}
