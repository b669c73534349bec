package report

import (
	dsql "database/sql"
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
