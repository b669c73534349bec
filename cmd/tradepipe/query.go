package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/tradepipe/tradepipe/sql/report/render"
	"github.com/tradepipe/tradepipe/sql/store"
)

type queryCmd struct {
	dbFlag
	Format        string        `enum:"table,csv,json,markdown" default:"table" help:"Output: table, csv, json or markdown. CSV and JSON are written as the rows come; table and markdown hold up to 100,000 rows to lay them out."`
	File          string        `short:"f" name:"file" help:"Read the SQL from this file." type:"existingfile"`
	AllowExternal bool          `name:"allow-external-access" help:"Let the SQL read or write files and attach databases (off by default)."`
	Timeout       time.Duration `help:"Stop the statement after this long (e.g. 30s, 10m; default: no limit)."`
	MaxRows       int64         `name:"max-rows" help:"Write at most this many rows, then stop the statement (default: every row)."`
	SQL           string        `arg:"" optional:"" name:"SQL" help:"The statement to run."`
}

func (c *queryCmd) Run(e *env) error {
	text := c.SQL
	if c.File != "" {
		if text != "" {
			return usageError("give the SQL as an argument or with -f, not both")
		}
		b, err := os.ReadFile(c.File)
		if err != nil {
			return err
		}
		text = string(b)
	}
	if strings.TrimSpace(text) == "" {
		return usageError("no SQL given")
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
	defer st.Close()
	ctx, cancel := e.ctx, context.CancelFunc(func() {})
	if c.Timeout > 0 {
		ctx, cancel = context.WithTimeout(e.ctx, c.Timeout)
	}
	defer cancel()
	rows, err := st.DB().QueryContext(ctx, text)
	if err != nil {
		return c.timedOut(ctx, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
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
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, false, err
		}
		return vals, true, nil
	}
	if err := render.Stream(e.stdout, c.Format, cols, next); err != nil {
		return c.timedOut(ctx, err)
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
