package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/tradepipe/tradepipe/sql/report"
	"github.com/tradepipe/tradepipe/sql/report/render"
	"github.com/tradepipe/tradepipe/sql/store"
)

type datasetsCmd struct {
	dbFlag
	Format string `short:"o" enum:"table,csv,json" default:"table" help:"Output: table, csv or json."`
	Rename string `placeholder:"OLD" help:"Rename dataset OLD to NEW (the argument): its files, rows and rates, at once; asks nothing."`
	Drop   string `placeholder:"NAME" help:"Remove dataset NAME: its rows, rates and ledger entries, at once; asks nothing."`
	New    string `arg:"" optional:"" name:"NEW" help:"With --rename: the new name."`
}

func (c *datasetsCmd) Run(e *env) error {
	switch {
	case c.Rename != "" && c.Drop != "":
		return usageError("--rename or --drop, not both")
	case c.Rename != "" && c.New == "":
		return usageError("--rename OLD NEW: name the new dataset")
	case c.Rename == "" && c.New != "":
		return usageError("unexpected argument %q (to rename a dataset: --rename OLD NEW)", c.New)
	case c.Rename != "" || c.Drop != "":
		return c.change(e)
	}
	st, err := c.open(e.ctx, store.ReadOnly())
	if err != nil {
		return err
	}
	defer release(st)
	ds, err := st.Datasets(e.ctx)
	if err != nil {
		return err
	}
	if c.Format == "json" {
		return writeJSON(e.stdout, ds)
	}
	t := &report.Table{Columns: []string{"dataset", "kind", "formats", "files", "rows", "reporters", "years", "classifications"}}
	for _, d := range ds {
		classes := make([]string, len(d.Classifications))
		for i, cl := range d.Classifications {
			classes[i] = cmp(cl, "(none)")
		}
		t.Rows = append(t.Rows, []any{d.Name, d.Kind, strings.Join(d.Formats, ", "), d.Files, d.Rows, d.Reporters,
			yearRanges(d.Years), strings.Join(classes, ", ")})
	}
	if len(ds) == 0 {
		t.Notes = []string{"no files loaded: load some with 'tradepipe ingest'"}
	}
	return render.Write(e.stdout, t, c.Format)
}

func (c *datasetsCmd) change(e *env) error {
	st, err := c.openWrite(e.ctx)
	if err != nil {
		return err
	}
	defer release(st)
	var ch store.DatasetChange
	var what string
	if c.Drop != "" {
		ch, err = st.DropDataset(e.ctx, c.Drop)
		what = "dropped dataset " + c.Drop
	} else {
		ch, err = st.RenameDataset(e.ctx, c.Rename, c.New)
		what = fmt.Sprintf("renamed dataset %s to %s", c.Rename, c.New)
	}
	if errors.Is(err, store.ErrNoDataset) || errors.Is(err, store.ErrBadDataset) {
		return &exitError{code: 2, err: err}
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "%s: %d file(s), %d trade rows, %d exchange rates\n", what, ch.Files, ch.TradeRows, ch.FXRates)
	return err
}

// yearRanges writes years as "1996-2000, 2005, 2010-2020".
func yearRanges(ys []int) string {
	var parts []string
	for i := 0; i < len(ys); {
		j := i
		for j+1 < len(ys) && ys[j+1] == ys[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, strconv.Itoa(ys[i])+"-"+strconv.Itoa(ys[j]))
		} else {
			parts = append(parts, strconv.Itoa(ys[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

func cmp(s, ifEmpty string) string {
	if s == "" {
		return ifEmpty
	}
	return s
}

// writeJSON writes v indented, as status does.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
