package transform

import (
	"embed"
	"fmt"

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
