package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/alecthomas/kong"

	"github.com/tradepipe/tradepipe/sql/report"
	"github.com/tradepipe/tradepipe/sql/report/render"
	"github.com/tradepipe/tradepipe/sql/store"
)

type reportCmd struct {
	dbFlag
	List          bool     `help:"List the reports, one line each."`
	Dataset       string   `help:"Dataset to read (default: the only one loaded)."`
	Group         string   `default:"${group}" help:"Group: C5, ASEAN, EAEU, CU2010, SCO, CSTO, one defined in the config (any case: c5 is C5), or one for this run only: NAME=KAZ,KGZ,... (in quotes)."`
	Compare       []string `sep:"none" help:"Further groups for group-compare (repeatable, or comma separated); for regional-shares the one group whose intra share is shown beside (default ${compare}; none for none). A group for this run only: NAME=KAZ,KGZ,..."`
	Partners      string   `default:"${partners}" help:"bloc-shares: the partner group whose members (as it stands at the end of the last year) each member's trade with is measured."`
	From          int      `help:"First year."`
	To            int      `help:"Last year."`
	Basis         string   `help:"reporter (each member's own reports, mirror-filled), flow (BACI), importer-first, exporter-first or average (default: by the data)."`
	Membership    string   `enum:"as-of,fixed" default:"${membership}" help:"as-of: members on 31 December of each year; fixed: today's members for every year."`
	CIFFOB        float64  `name:"cif-fob" default:"${cif_fob}" help:"CIF/FOB factor for mirror values."`
	Top           int      `default:"${top}" help:"partner-shares: top partners listed per member."`
	Flows         string   `default:"${flows}" enum:"all,X,M" help:"regional-shares, partner-shares, group-compare: count exports (X), imports (M) or both (all)."`
	MinReporters  int      `name:"min-reporters" default:"${min_reporters}" help:"Countries with known totals a year needs before world figures (intensity, introversion) are computed."`
	Partial       string   `default:"${partial}" enum:"omit,show" help:"A share built on incomplete figures (a mirror from too few reporters, a partner with no row, part of a year): omit leaves it empty, show fills it; complete and incomplete_reason say which."`
	Coverage      string   `enum:",world" default:"" help:"world: the dataset holds every country's trade with every other (as BACI does), so a partner-sum is complete and a partner with no row is zero."`
	MinWorldShare float64  `name:"min-world-share" default:"${min_world_share}" help:"Per cent of world trade a mirror's reporters must cover for the mirror to be complete."`
	MinPartners   float64  `name:"min-partner-share" default:"${min_partner_share}" help:"Per cent of a total its partner rows must add up to before a partner with no row counts as zero."`
	Format        string   `short:"o" enum:",table,csv,json,markdown,html,png,svg" default:"" help:"Output: table, csv, json, markdown, html (one self-contained page: the table, a chart, the source files), png or svg (the chart alone; png is not written to a terminal). Default: from --out's extension (.csv, .json, .md, .html, .png, .svg), else table."`
	Out           string   `help:"Write to this file instead of standard output; its extension sets the format." type:"path"`
	Columns       []string `placeholder:"COLUMN,..." help:"Only these columns, in this order (the chart of an HTML page still draws on them all)."`
	AllowExternal bool     `name:"allow-external-access" help:"Let SQL touch files (off by default)."`
	Name          string   `arg:"" optional:"" name:"NAME" help:"Report to run." completion-predictor:"report"`
}

func (c *reportCmd) Run(e *env, kctx *kong.Context) error {
	if c.List {
		rs, err := report.List()
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		for _, r := range rs {
			fmt.Fprintf(w, "%s\t%s\n", r.Name, firstSentence(r.Purpose))
		}
		return w.Flush()
	}
	if c.Name == "" {
		return usageError("name a report, or --list them")
	}
	format, err := outputFormat(c.Format, c.Out)
	if err != nil {
		return err
	}
	c.Format = format
	if len(c.Columns) > 0 && (c.Format == "png" || c.Format == "svg") {
		return usageError("--columns picks table columns: a %s is the chart alone", c.Format)
	}
	group, compare, defs, err := report.ParseGroups(c.Group, c.Compare)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	p := report.Params{Dataset: c.Dataset, Group: group, Compare: compare, Partners: c.Partners, From: c.From, To: c.To,
		Basis: c.Basis, Membership: c.Membership, CIFFOB: c.CIFFOB, Top: c.Top, MinReporters: c.MinReporters, Flows: c.Flows,
		Partial: c.Partial, Coverage: c.Coverage, MinWorldShare: c.MinWorldShare, MinPartnerShare: c.MinPartners,
		Define: defs, Given: givenParams(kctx)}
	// One thread: a report reads the small tables the store keeps
	// (store.Threads).
	st, err := c.open(e.ctx, store.ReadOnly(), store.AllowExternalAccess(c.AllowExternal), store.Threads(1))
	if err != nil {
		return err
	}
	defer release(st)
	t, err := report.Run(e.ctx, st, c.Name, p)
	if errors.Is(err, report.ErrUsage) {
		return &exitError{code: 2, err: err}
	}
	if err != nil {
		return err
	}
	shown := t
	if c.Format != "html" {
		if shown, err = render.SelectColumns(t, c.Columns); err != nil {
			return &exitError{code: 2, err: err}
		}
	} else if _, err := render.SelectColumns(t, c.Columns); err != nil {
		return &exitError{code: 2, err: err}
	}
	write := func(w io.Writer) error { return render.Write(w, shown, c.Format) }
	switch c.Format {
	case "html":
		made := time.Now()
		write = func(w io.Writer) error { return render.WriteHTML(w, t, made, render.TableColumns(c.Columns)) }
	case "png", "svg":
		if !render.HasChart(t) {
			return usageError("report %s has no chart: use --format html, table, csv, json or markdown", c.Name)
		}
		if c.Out == "" && c.Format == "png" && isTerminal(e.stdout) {
			return usageError("a PNG is not written to a terminal: give --out FILE.png or redirect standard output")
		}
		write = func(w io.Writer) error { return render.WriteChart(w, t, c.Format) }
	}
	if c.Out != "" {
		return render.WriteAtomic(c.Out, write)
	}
	return write(e.stdout)
}

// givenParams names the report parameters set on the command line (as
// report.ParamFlags names them), for report.Params.Given.
func givenParams(kctx *kong.Context) []string {
	var out []string
	for _, p := range kctx.Path {
		if p.Flag == nil {
			continue
		}
		name := strings.ReplaceAll(p.Flag.Name, "-", "_")
		if slices.Contains(report.ParamFlags, name) && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// outputFormat is the format asked for, or the one --out's extension
// names; the two disagreeing is a usage error.
func outputFormat(format, out string) (string, error) {
	byName, known := render.FormatForFile(out)
	switch {
	case format == "" && known:
		return byName, nil
	case format == "":
		return "table", nil
	case known && byName != format:
		return "", usageError("--format %s but --out %s is a .%s file: give one or the other, or make them agree", format, out, strings.TrimPrefix(strings.ToLower(filepath.Ext(out)), "."))
	}
	return format, nil
}

func firstSentence(s string) string {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '.' && s[i+1] == ' ' {
			return s[:i+1]
		}
	}
	return s
}
