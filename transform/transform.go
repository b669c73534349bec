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
var BilateralRule = Rule{"tp_rates", "tp_period_rates", "tp_is_services", "tp_row_totals", "tp_goods", "tp_classifications", "tp_bilateral",
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
