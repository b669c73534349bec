package render

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tradepipe/tradepipe/sql/report"
)

// ErrColumn marks a column asked for that the table does not have.
var ErrColumn = errors.New("no such column")

// SelectColumns returns t with only the columns named, in that order
// (--columns year,intra_share_pct): the same notes, sources and
// parameters. A name t lacks is an error (ErrColumn) that lists the
// columns it has; no names is t itself. report and query both take it.
func SelectColumns(t *report.Table, names []string) (*report.Table, error) {
	if len(names) == 0 {
		return t, nil
	}
	idx := make([]int, 0, len(names))
	for _, n := range names {
		n = strings.TrimSpace(n)
		i := slices.Index(t.Columns, n)
		if i < 0 {
			return nil, fmt.Errorf("%w %q (the columns are: %s)", ErrColumn, n, strings.Join(t.Columns, ", "))
		}
		if slices.Contains(idx, i) {
			return nil, fmt.Errorf("column %q named twice", n)
		}
		idx = append(idx, i)
	}
	out := *t
	out.Columns = make([]string, len(idx))
	for j, i := range idx {
		out.Columns[j] = t.Columns[i]
	}
	out.Rows = make([][]any, len(t.Rows))
	for r, row := range t.Rows {
		out.Rows[r] = make([]any, len(idx))
		for j, i := range idx {
			out.Rows[r][j] = row[i]
		}
	}
	return &out, nil
}
