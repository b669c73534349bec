package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/tradepipe/tradepipe/sql/report/render"
	"github.com/tradepipe/tradepipe/sql/store"
)

type queryCmd struct {
	dbFlag
	Format        string        `short:"o" enum:",table,csv,json,markdown" default:"" help:"Output: table, csv, json or markdown (default: from --out's extension, else table). CSV and JSON are written as the rows come; table and markdown hold up to 100,000 rows to lay them out."`
	Out           string        `help:"Write to this file instead of standard output (replaced whole when the statement succeeds); its extension sets the format." type:"path"`
	Columns       []string      `placeholder:"COLUMN,..." help:"Only these columns of the result, in this order."`
	File          string        `short:"f" name:"file" help:"Read the SQL from this file, or from standard input with -f - (as when no SQL is given and standard input is not a terminal)."`
	AllowExternal bool          `name:"allow-external-access" help:"Let the SQL read or write files and attach databases (off by default)."`
	Timeout       time.Duration `help:"Stop the statement after this long (e.g. 30s, 10m; default: no limit)."`
	MaxRows       int64         `name:"max-rows" help:"Write at most this many rows, then stop the statement (default: every row)."`
	SQL           string        `arg:"" optional:"" name:"SQL" help:"The statement to run."`
}

func (c *queryCmd) Run(e *env) error {
	text := c.SQL
	switch {
	case c.File != "" && text != "":
		return usageError("give the SQL as an argument or with -f, not both")
	case c.File == "-" || (c.File == "" && text == "" && e.stdin != nil && !isTerminal(e.stdin)):
		b, err := io.ReadAll(io.LimitReader(e.stdin, maxSQL+1))
		if err != nil {
			return fmt.Errorf("reading the SQL from standard input: %w", err)
		}
		if len(b) > maxSQL {
			return usageError("the SQL on standard input is longer than %d bytes", maxSQL)
		}
		text = string(b)
	case c.File != "":
		b, err := os.ReadFile(c.File)
		if err != nil {
			return usageError("%v", err)
		}
		text = string(b)
	}
	if strings.TrimSpace(text) == "" {
		return usageError("no SQL given: as an argument, with -f FILE, or on standard input")
	}
	format, err := outputFormat(c.Format, c.Out)
	if err != nil {
		return err
	}
	switch format {
	case "table", "csv", "json", "markdown":
	default:
		return usageError("query writes table, csv, json or markdown, not %s", format)
	}
	if c.Timeout < 0 {
		return usageError("--timeout %s: a duration of 0s (no limit) or more", c.Timeout)
	}
	if c.MaxRows < 0 {
		return usageError("--max-rows %d: a count of rows, 0 (every row) or more", c.MaxRows)
	}
	st, err := c.open(e.ctx, store.ReadOnly(), store.AllowExternalAccess(c.AllowExternal))
	if err != nil {
		return err
	}
	defer release(st)
	ctx, cancel := e.ctx, context.CancelFunc(func() {})
	if c.Timeout > 0 {
		ctx, cancel = context.WithTimeout(e.ctx, c.Timeout)
	}
	defer cancel()
	rows, err := st.DB().QueryContext(ctx, text)
	if err != nil {
		return c.explain(c.timedOut(ctx, err))
	}
	defer rows.Close()
	all, err := rows.Columns()
	if err != nil {
		return err
	}
	cols, pick, err := pickColumns(all, c.Columns)
	if err != nil {
		return err
	}
	var n int64
	more := false
	next := func() ([]any, bool, error) {
		if !rows.Next() {
			return nil, false, rows.Err()
		}
		if c.MaxRows > 0 && n == c.MaxRows {
			more = true
			return nil, false, nil
		}
		n++
		vals := make([]any, len(all))
		ptrs := make([]any, len(all))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, false, err
		}
		if pick == nil {
			return vals, true, nil
		}
		out := make([]any, len(pick))
		for i, j := range pick {
			out[i] = vals[j]
		}
		return out, true, nil
	}
	write := func(w io.Writer) error { return render.Stream(w, format, cols, next) }
	if c.Out != "" {
		err = render.WriteAtomic(c.Out, write)
	} else {
		err = write(e.stdout)
	}
	if err != nil {
		return c.explain(c.timedOut(ctx, err))
	}
	if more {
		fmt.Fprintf(e.stderr, "tradepipe: stopped after %d rows (--max-rows); the statement gives more\n", c.MaxRows)
	}
	return nil
}

// timedOut words an error that the timeout caused.
func (c *queryCmd) timedOut(ctx context.Context, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("the statement ran longer than --timeout %s: %w", c.Timeout, err)
	}
	return err
}

// maxSQL bounds the SQL read from standard input.
const maxSQL = 16 << 20

// pickColumns resolves --columns against the result's columns: the names
// in their order and each one's position (nil: every column as it is).
func pickColumns(all, want []string) ([]string, []int, error) {
	if len(want) == 0 {
		return all, nil, nil
	}
	var pick []int
	for _, w := range want {
		i := slices.Index(all, w)
		if i < 0 {
			return nil, nil, usageError("--columns: the result has no column %q (it has %s)", w, strings.Join(all, ", "))
		}
		pick = append(pick, i)
	}
	return want, pick, nil
}

// explain says what to do where the sandbox refused a file access: DuckDB
// itself only says the feature is "disabled by configuration".
func (c *queryCmd) explain(err error) error {
	if err != nil && !c.AllowExternal && strings.Contains(err.Error(), "disabled by configuration") {
		return fmt.Errorf("%w\n(query reads the database only: to read or write other files, give --allow-external-access)", err)
	}
	return err
}
