package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/tradepipe/tradepipe/sql/export"
	"github.com/tradepipe/tradepipe/sql/report"
	"github.com/tradepipe/tradepipe/sql/store"
)

type exportCmd struct {
	dbFlag
	Out         string   `required:"" type:"path" help:"Folder to write: new, empty or an earlier export. Without names it is replaced as a whole; with names those tables' folders are replaced and the others kept, at once, with the manifest updated."`
	Dataset     string   `help:"Trade dataset to export (default: the only one loaded)."`
	PartitionBy string   `name:"partition-by" default:"year" help:"Hive partitions: year, year,reporter, reporter or none. Each table takes those of the columns it has."`
	Compression string   `enum:"zstd,snappy,none" default:"zstd" help:"Parquet compression: zstd, snappy or none."`
	Basis       string   `help:"Basis of the flows table (flow for BACI; importer-first, exporter-first or average for reporter data; default: flow for BACI, importer-first otherwise) and, when given, of the reports."`
	Group       string   `default:"${group}" help:"Group for the reports."`
	CIFFOB      float64  `name:"cif-fob" default:"${cif_fob}" help:"CIF/FOB factor for mirror values and the flows table."`
	Names       []string `arg:"" optional:"" name:"TABLE|REPORT" help:"Tables (trade, flows, fx_rates, group_membership) and reports to export (default: the four tables)."`
}

func (c *exportCmd) Run(e *env) error {
	if err := (report.Params{CIFFOB: c.CIFFOB, Given: []string{"cif_fob"}}).Check(); err != nil {
		return &exitError{code: 2, err: err}
	}
	st, err := c.open(e.ctx, store.ReadOnly(), store.AllowExternalAccess(true))
	if err != nil {
		return err
	}
	defer st.Close()
	m, err := export.Run(e.ctx, st, export.Options{
		Out: c.Out, Names: c.Names, Dataset: c.Dataset, PartitionBy: c.PartitionBy, Compression: c.Compression,
		Basis: c.Basis, CIFFOB: c.CIFFOB, Version: version,
		// As 'tradepipe report' runs them, with the reports' defaults.
		Report:   report.Params{Group: c.Group},
		Progress: exportProgress(e.stderr, time.Now),
	})
	if errors.Is(err, export.ErrUsage) || errors.Is(err, report.ErrUsage) {
		return &exitError{code: 2, err: err}
	}
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	for _, t := range m.Tables {
		if !slices.Contains(m.Kept, t.Name) {
			fmt.Fprintf(w, "%s\t%d rows\t%d file(s)\t%s\n", t.Name, t.Rows, len(t.Files), t.Path)
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if len(m.Kept) > 0 {
		fmt.Fprintf(e.stdout, "kept %s from the earlier export\n", strings.Join(m.Kept, ", "))
	}
	_, err = fmt.Fprintf(e.stdout, "wrote %s (%s: dataset %s, %d source file(s))\n", c.Out, export.ManifestName, orNone(m.Dataset), len(m.Sources))
	return err
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// exportProgress shows an export's progress on standard error: on a
// terminal a bar over the tables and reports (each is one COPY, so the bar
// moves a table at a time, with the rate and an estimate); elsewhere one
// plain line per table as it finishes, with its rows and time.
func exportProgress(w io.Writer, now func() time.Time) func(export.Event) {
	var bar *progressbar.ProgressBar
	var started time.Time
	return func(ev export.Event) {
		if !ev.Done {
			started = now()
			if isTerminal(w) {
				if bar == nil {
					bar = progressbar.NewOptions(ev.Count, progressbar.OptionSetWriter(w),
						progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true),
						progressbar.OptionClearOnFinish())
				}
				bar.Describe("exporting " + ev.Name)
			}
			return
		}
		if bar != nil {
			bar.Add(1)
			return
		}
		fmt.Fprintf(w, "exported %s (%d/%d): %d rows in %s\n", ev.Name, ev.Index, ev.Count, ev.Rows, now().Sub(started).Round(time.Millisecond))
	}
}
