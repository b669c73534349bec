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

// totalsRule matches the statements that define the sums the store keeps
// (tp_row_totals and what it uses).
var totalsRule = regexp.MustCompile(`(?s)CREATE OR REPLACE TEMP MACRO (tp_is_services|tp_row_totals)\(.*?;`)

// TotalsRule is the text of the rule that makes the sums the store keeps
// of every file (tp_row_totals in sql/totals.sql, with tp_is_services):
// when it changes, the store computes them again.
func TotalsRule() (string, error) {
	fs, err := SQL()
	if err != nil {
		return "", err
	}
	f, ok := sqlfile.Find(fs, "totals")
	if !ok {
		return "", fmt.Errorf("transform: no totals.sql")
	}
	parts := totalsRule.FindAllString(f.Text, -1)
	if len(parts) != 2 {
		return "", fmt.Errorf("transform: totals.sql: want tp_is_services and tp_row_totals, found %d", len(parts))
	}
	return strings.Join(parts, "\n"), nil
}
