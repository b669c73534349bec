// Package export writes tradepipe's data as Parquet that other engines
// (DuckDB, Spark, Trino, Polars, pyarrow) read as tables: the cleaned trade
// rows with their USD values, the flows table, the exchange rates, the
// group membership and any named report.
//
// An export is one folder. Each table is a subfolder of Hive-style
// partitions (trade/year=2019/data_0.parquet) or of one file
// (group_membership/data_0.parquet), and manifest.json beside them says
// what the folder holds: the tables with their row counts, columns and
// files, the source files with their sha256, the dataset, basis, tradepipe
// version and time. Run writes the whole folder beside its destination,
// syncs it to disk and swaps it in with two renames, so a reader sees the
// previous export or the new one, never a mixture, and a failed or
// interrupted export leaves the previous one as it was.
//
// Tables are written by DuckDB's COPY (the statements are tables/*.sql);
// reports, which are small and already in memory, through a temporary
// table that COPY writes the same way (parquet.go).
// docs/export.md describes the layout and types for readers.
package export

import (
	"context"
	dsql "database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/tradepipe/tradepipe/sql/report"
	"github.com/tradepipe/tradepipe/sql/store"
)

// Options say what to export and where.
type Options struct {
	// Out is the export folder. It is replaced as a whole; it must not
	// exist, be empty, or hold an earlier export (a manifest.json).
	Out string
	// Names lists the tables (see Tables) and reports (report.List) to
	// export, in order; empty means DefaultNames.
	Names []string
	// Dataset is the trade dataset exported (trade, flows and reports);
	// empty means the only one loaded.
	Dataset string
	// PartitionBy is "year" (the default when empty), "year,reporter",
	// "reporter" or "none". Each table is partitioned by those of the
	// columns it has: trade by both, flows and fx_rates by year;
	// group_membership and reports are one file each.
	PartitionBy string
	// Compression is zstd (the default when empty), snappy or none.
	Compression string
	// Basis builds the flows table: flow for a flow table such as BACI,
	// or importer-first, exporter-first or average from reporter data.
	// Empty: flow for a flow table, importer-first otherwise. When set it
	// is the reports' basis too.
	Basis string
	// CIFFOB is the CIF/FOB factor for flows and reports (default: the
	// reports', report.Defaults).
	CIFFOB float64
	// Report holds the reports' other parameters (group, years, ...), as
	// report.Run takes them; Dataset, and Basis and CIFFOB where set above,
	// come from these Options.
	Report report.Params
	// Version is the tradepipe version recorded in the manifest.
	Version string
	// Progress, if set, is called as each table or report starts and
	// when it is written.
	Progress func(Event)
	// Now gives the export's time (default time.Now).
	Now func() time.Time
}

// Event reports progress: a table or report starting (Done false) or
// written (Done true, with its row count).
type Event struct {
	Name  string
	Index int // 1-based position in the export
	Count int // tables and reports in the export
	Done  bool
	Rows  int64
}

// Manifest describes one export; it is written as manifest.json.
type Manifest struct {
	ManifestVersion  int       `json:"manifest_version"`
	TradepipeVersion string    `json:"tradepipe_version"`
	CreatedAt        time.Time `json:"created_at"`
	Database         string    `json:"database"`
	Dataset          string    `json:"dataset"`
	// Basis is the flows table's, else the reports', else the basis the
	// reports would take for the dataset ("" without a dataset).
	Basis       string           `json:"basis"`
	CIFFOB      float64          `json:"cif_fob"`
	Format      string           `json:"format"`
	Compression string           `json:"compression"`
	PartitionBy []string         `json:"partition_by"`
	Tables      []Table          `json:"tables"`
	Sources     []store.FileInfo `json:"sources"`
	// Fingerprint is what the partitions of trade, totals and flows
	// depend on besides their rows (see Part); a later export into the
	// same folder with the same fingerprint writes again only the
	// partitions that changed.
	Fingerprint string `json:"fingerprint,omitempty"`
	// Kept names the tables of an earlier export that this one kept (not
	// in the file: its tables are all alike).
	Kept []string `json:"-"`
}

// Table is one exported table or report.
type Table struct {
	Name         string   `json:"name"`
	Kind         string   `json:"kind"` // table or report
	Path         string   `json:"path"` // folder, relative to the export, with a trailing slash
	Rows         int64    `json:"rows"`
	Partitioning []string `json:"partitioning"` // Hive partition columns, outermost first
	Columns      []Column `json:"columns"`
	Files        []string `json:"files"` // relative to the export, slash-separated
	Notes        []string `json:"notes,omitempty"`
	// Basis is the basis the flows table or a report was made with; the
	// other tables have none.
	Basis string `json:"basis,omitempty"`
	// Parts are the partitions of trade, totals and flows, with the state
	// of the rows each was made from.
	Parts []Part `json:"parts,omitempty"`
}

// Column is one column with its SQL type (DuckDB's names). Partition
// columns live in the folder names, not in the files.
type Column struct {
	Name      string `json:"name"`
	Type      string `json:"type"`
	Partition bool   `json:"partition,omitempty"`
}

// ManifestName is the manifest's file name inside the export folder.
const ManifestName = "manifest.json"

// ErrUsage marks a mistake in the options: an unknown table or report, a
// bad partitioning or compression, an output folder that is not an export.
var ErrUsage = report.ErrUsage

// DefaultNames are exported when Options.Names is empty.
var DefaultNames = []string{"trade", "totals", "flows", "fx_rates", "group_membership"}

// table is the allow-list entry of one exportable table.
type table struct {
	name       string
	partitions []string // columns it may be partitioned by
	dataset    bool     // reads one trade dataset
}

var tables = []table{
	{name: "trade", partitions: []string{"year", "reporter"}, dataset: true},
	{name: "totals", partitions: []string{"year", "reporter"}, dataset: true},
	{name: "flows", partitions: []string{"year"}, dataset: true},
	{name: "fx_rates", partitions: []string{"year"}},
	{name: "group_membership"},
}

// Tables lists the names of the exportable tables.
func Tables() []string {
	out := make([]string, len(tables))
	for i, t := range tables {
		out[i] = t.name
	}
	return out
}

var partitionColumns = []string{"year", "reporter"}

var compressions = map[string]string{"zstd": "zstd", "snappy": "snappy", "none": "uncompressed"}

// item is one thing to export: a table or a report.
type item struct {
	name  string
	table *table
}

// Run exports the tables and reports of opts from st into opts.Out and
// returns the manifest written there. st must allow external access (COPY
// writes files); a read-only store does.
func Run(ctx context.Context, st *store.Store, opts Options) (*Manifest, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.CIFFOB == 0 {
		d, err := opts.Report.WithDefaults() // the reports' CIF/FOB factor
		if err != nil {
			return nil, err
		}
		opts.CIFFOB = d.CIFFOB
	}
	if opts.Compression == "" {
		opts.Compression = "zstd"
	}
	codec, ok := compressions[opts.Compression]
	if !ok {
		return nil, fmt.Errorf("%w: compression %q (want zstd, snappy or none)", ErrUsage, opts.Compression)
	}
	parts, err := parsePartitionBy(opts.PartitionBy)
	if err != nil {
		return nil, err
	}
	items, err := resolveNames(opts.Names)
	if err != nil {
		return nil, err
	}
	out, err := checkOut(opts.Out, st.Path())
	if err != nil {
		return nil, err
	}
	// Tables named: an earlier export keeps its other tables. Named or
	// not, the partitions of the earlier export that did not change are
	// taken from it.
	var old, prev *Manifest
	if len(opts.Names) > 0 {
		if old, err = readManifest(out); err != nil {
			return nil, err
		}
		prev = old
	} else if prev, err = readManifest(out); err != nil {
		prev = nil // not one to take from: the export is written whole
	}

	conn, err := st.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	m := &Manifest{
		ManifestVersion:  1,
		TradepipeVersion: opts.Version,
		CreatedAt:        opts.Now().UTC().Truncate(time.Second),
		Database:         filepath.Base(st.Path()),
		CIFFOB:           opts.CIFFOB,
		Format:           "parquet",
		Compression:      opts.Compression,
		PartitionBy:      parts,
	}
	if needsDataset(items) {
		flows := hasItem(items, "flows")
		var basis string
		if m.Dataset, basis, err = resolveDataset(ctx, conn, opts.Dataset, opts.Basis, flows); err != nil {
			return nil, err
		}
		if flows {
			m.Basis = basis
		} else {
			m.Basis = opts.Basis
		}
	}
	kept, err := keep(old, items, m)
	if err != nil {
		return nil, err
	}
	if m.Basis == "" && m.Dataset != "" {
		// No flows table and no --basis: the basis the reports take for
		// the dataset, as they would say it.
		d, err := report.Defaults()
		if err != nil {
			return nil, err
		}
		if _, m.Basis, err = report.ResolveDataset(ctx, conn, m.Dataset, "", d["basis"]); err != nil {
			return nil, err
		}
	}

	w, err := newWorkDir(out)
	if err != nil {
		return nil, err
	}
	defer w.discard()
	args := map[string]any{"dataset": m.Dataset, "basis": m.Basis, "cif_fob": m.CIFFOB, "compression": codec}
	var ys []yearState
	if m.Dataset != "" {
		if m.Fingerprint, err = fingerprint(ctx, conn, m); err != nil {
			return nil, err
		}
		if ys, err = yearStates(ctx, conn, m.Dataset); err != nil {
			return nil, err
		}
	}
	for i, it := range items {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if opts.Progress != nil {
			opts.Progress(Event{Name: it.name, Index: i + 1, Count: len(items)})
		}
		var t *Table
		if it.table != nil {
			var re *reuse
			if m.Fingerprint != "" && incremental(it.name) {
				by := tableParts(*it.table, parts)
				re = &reuse{old: reusable(prev, m.Fingerprint, it.name, by), prevDir: out, states: partStates(ys, by)}
				if it.name == "trade" {
					re.dataset = m.Dataset
				}
			}
			t, err = copyTable(ctx, conn, w.dir, *it.table, parts, args, re)
			if err == nil && it.name == "flows" {
				t.Basis = m.Basis
			}
		} else {
			t, err = writeReport(ctx, st, conn, w.dir, it.name, reportParams(opts, m.Dataset), opts.Compression)
		}
		if err != nil {
			return nil, err
		}
		m.Tables = append(m.Tables, *t)
		if opts.Progress != nil {
			opts.Progress(Event{Name: it.name, Index: i + 1, Count: len(items), Done: true, Rows: t.Rows})
		}
	}
	if len(kept) > 0 {
		for _, t := range kept {
			m.Kept = append(m.Kept, t.Name)
		}
		if m.Tables, err = w.keep(out, old, kept, m.Tables); err != nil {
			return nil, err
		}
		m.Basis = manifestBasis(m)
	}
	if m.Sources, err = sources(ctx, st, m.Dataset); err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(w.dir, ManifestName), append(b, '\n'), 0o644); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := w.commit(); err != nil {
		return nil, err
	}
	return m, nil
}

// parsePartitionBy reads "year", "year,reporter", "reporter" or "none".
func parsePartitionBy(s string) ([]string, error) {
	switch strings.TrimSpace(s) {
	case "":
		return []string{"year"}, nil
	case "none":
		return []string{}, nil
	}
	var out []string
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if !slices.Contains(partitionColumns, p) {
			return nil, fmt.Errorf("%w: cannot partition by %q (want year, reporter, year,reporter or none)", ErrUsage, p)
		}
		if slices.Contains(out, p) {
			return nil, fmt.Errorf("%w: --partition-by names %q twice", ErrUsage, p)
		}
		out = append(out, p)
	}
	return out, nil
}

// resolveNames checks the names against the tables and the reports.
func resolveNames(names []string) ([]item, error) {
	if len(names) == 0 {
		names = DefaultNames
	}
	reps, err := report.List()
	if err != nil {
		return nil, err
	}
	var items []item
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			continue
		}
		seen[n] = true
		if i := slices.IndexFunc(tables, func(t table) bool { return t.name == n }); i >= 0 {
			items = append(items, item{name: n, table: &tables[i]})
			continue
		}
		if slices.ContainsFunc(reps, func(e report.Entry) bool { return e.Name == n }) {
			items = append(items, item{name: n})
			continue
		}
		var rn []string
		for _, r := range reps {
			rn = append(rn, r.Name)
		}
		return nil, fmt.Errorf("%w: no table or report %q (tables: %s; reports: %s)", ErrUsage, n,
			strings.Join(Tables(), ", "), strings.Join(rn, ", "))
	}
	return items, nil
}

func needsDataset(items []item) bool {
	return slices.ContainsFunc(items, func(it item) bool { return it.table == nil || it.table.dataset })
}

func hasItem(items []item, name string) bool {
	return slices.ContainsFunc(items, func(it item) bool { return it.name == name })
}

// resolveDataset picks the dataset and the flows table's basis: as the
// reports do, but a flows table cannot have basis reporter, so its default
// for reporter-based data is the one tables/flows.sql declares.
func resolveDataset(ctx context.Context, conn *dsql.Conn, dataset, basis string, flows bool) (string, string, error) {
	if basis == "reporter" && flows {
		return "", "", fmt.Errorf("%w: the flows table needs a flow basis: flow (BACI), importer-first, exporter-first or average, not reporter", ErrUsage)
	}
	f, err := statement("flows")
	if err != nil {
		return "", "", err
	}
	def := ""
	for _, p := range f.Parameters {
		if p.Name == "basis" {
			def = p.Default
		}
	}
	return report.ResolveDataset(ctx, conn, dataset, basis, def)
}

// reportParams are the parameters a report is run with.
func reportParams(opts Options, dataset string) report.Params {
	p := opts.Report
	p.Dataset = dataset
	if opts.Basis != "" {
		p.Basis = opts.Basis
	}
	p.CIFFOB = opts.CIFFOB
	return p
}

// sources are the ledger's files behind the export: the dataset's and the
// exchange rates (they make the USD values).
func sources(ctx context.Context, st *store.Store, dataset string) ([]store.FileInfo, error) {
	files, err := st.Files(ctx) // the ledger alone: Status would count every table's rows
	if err != nil {
		return nil, err
	}
	out := []store.FileInfo{}
	for _, f := range files {
		if (dataset != "" && f.Dataset == dataset) || f.Kind == "fx" {
			out = append(out, f)
		}
	}
	return out, nil
}
