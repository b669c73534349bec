package main

import (
	"os"
	"strings"

	"github.com/tradepipe/tradepipe/sql/report"
	"github.com/tradepipe/tradepipe/sql/report/render"
	"github.com/tradepipe/tradepipe/sql/store"
)

type queryCmd struct {
	dbFlag
	Format        string `enum:"table,csv,json,markdown" default:"table" help:"Output: table, csv, json or markdown."`
	File          string `short:"f" name:"file" help:"Read the SQL from this file." type:"existingfile"`
	AllowExternal bool   `name:"allow-external-access" help:"Let the SQL read or write files and attach databases (off by default)."`
	SQL           string `arg:"" optional:"" name:"SQL" help:"The statement to run."`
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
	st, err := c.open(e.ctx, store.ReadOnly(), store.AllowExternalAccess(c.AllowExternal))
	if err != nil {
		return err
	}
	defer st.Close()
	rows, err := st.DB().QueryContext(e.ctx, text)
	if err != nil {
		return err
	}
	t, err := report.FromRows(rows)
	if err != nil {
		return err
	}
	return render.Write(e.stdout, t, c.Format)
}
