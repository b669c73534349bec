package report

import (
	dsql "database/sql"
	"errors"
	"fmt"
	"math"
	"time"
)

// Table is a report's result, held in memory (reports are small): its
// columns and rows, what the reader must know about them, and what it was
// made from. Package render writes it as text, CSV, JSON, Markdown, HTML
// or a chart.
type Table struct {
	Columns []string
	Rows    [][]any
	Notes   []string // what the reader must know: basis, mirror policy, figures that cannot be computed
	// Report and Params are the report's name and its parameters as
	// resolved (dataset, basis, ...): set by Run, for captions and charts.
	Report string
	Params Params
	// Purpose is the report's purpose, from its .sql header.
	Purpose string
	// Sources are the ledger rows of the files the figures come from: the
	// dataset's files and the exchange-rate files.
	Sources []Source
}

// Source is one loaded file a table's figures come from.
type Source struct {
	FileID   int64
	Path     string // as loaded (absolute)
	Entry    string // the zip entry, "" for a plain or gzip file
	SHA256   string
	Format   string
	Kind     string // trade or fx
	Dataset  string
	Rows     int64
	LoadedAt time.Time
}

// ErrOverflow: a figure of a report is not a finite number, as when a sum
// overflowed; the report fails rather than print Inf.
var ErrOverflow = errors.New("a figure is not a finite number (a sum overflowed)")

// finite checks that every number of the table is finite.
func (t *Table) finite() error {
	for i, r := range t.Rows {
		for j, v := range r {
			if f, ok := v.(float64); ok && (math.IsInf(f, 0) || math.IsNaN(f)) {
				return fmt.Errorf("%w: column %s, row %d, is %v", ErrOverflow, t.Columns[j], i+1, f)
			}
		}
	}
	return nil
}

// FromRows reads all rows of a query.
func FromRows(rows *dsql.Rows) (*Table, error) {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	t := &Table{Columns: cols}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		t.Rows = append(t.Rows, vals)
	}
	return t, rows.Err()
}
