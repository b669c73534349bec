package render

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/tradepipe/tradepipe/sql/report"
)

// MaxHeldRows bounds the rows Stream holds for the formats that size their
// columns from every row (table, markdown). CSV and JSON hold none.
const MaxHeldRows = 100_000

// ErrTooManyRows: a result beyond MaxHeldRows asked for as a table or
// Markdown.
var ErrTooManyRows = fmt.Errorf("more than %d rows to lay out as a table: use --format csv or json, which are written as the rows come, or --max-rows", MaxHeldRows)

// Stream writes the rows next gives, in the named format, with the same
// bytes Write gives for a table of them. CSV and JSON are written as the
// rows come, so a result of any size takes the memory of one row; table
// and Markdown, which size their columns from every row, hold up to
// MaxHeldRows. next returns false at the end; its error ends the output.
func Stream(w io.Writer, format string, columns []string, next func() ([]any, bool, error)) error {
	switch format {
	case "csv":
		return streamCSV(w, columns, next)
	case "json":
		return streamJSON(w, columns, next)
	case "", "table", "markdown", "md":
		t := &report.Table{Columns: columns}
		for {
			r, ok, err := next()
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			if len(t.Rows) == MaxHeldRows {
				return ErrTooManyRows
			}
			t.Rows = append(t.Rows, r)
		}
		return Write(w, t, format)
	}
	return Write(w, &report.Table{}, format) // the unknown format's error
}

func streamCSV(w io.Writer, columns []string, next func() ([]any, bool, error)) error {
	cw := csv.NewWriter(w)
	cw.Write(columns)
	rec := make([]string, len(columns))
	for {
		r, ok, err := next()
		if err != nil {
			cw.Flush()
			return err
		}
		if !ok {
			break
		}
		for i, v := range r {
			rec[i] = exact(v)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func streamJSON(w io.Writer, columns []string, next func() ([]any, bool, error)) error {
	b := bufio.NewWriter(w)
	b.WriteString("{\"columns\":")
	cj, _ := json.Marshal(columns)
	b.Write(cj)
	b.WriteString(",\"rows\":[")
	keys := make([][]byte, len(columns))
	for j, c := range columns {
		keys[j], _ = json.Marshal(c)
	}
	for i := 0; ; i++ {
		r, ok, err := next()
		if err != nil {
			return errors.Join(err, b.Flush())
		}
		if !ok {
			break
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('{')
		for j, v := range r {
			if j > 0 {
				b.WriteByte(',')
			}
			b.Write(keys[j])
			b.WriteByte(':')
			b.Write(jsonValue(v))
		}
		b.WriteByte('}')
	}
	b.WriteString("],\"notes\":[]}\n")
	return b.Flush()
}
