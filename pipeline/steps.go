package pipeline

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/tradepipe/tradepipe/ingest"
	"github.com/tradepipe/tradepipe/sql/export"
	"github.com/tradepipe/tradepipe/sql/report"
	"github.com/tradepipe/tradepipe/sql/report/brief"
	"github.com/tradepipe/tradepipe/sql/report/render"
	"github.com/tradepipe/tradepipe/sql/store"
	"github.com/tradepipe/tradepipe/transform"
	"github.com/tradepipe/tradepipe/transform/country"
)

// hashKey identifies one state of an inbox file (or zip entry): while its
// size and modification time stay the same, its sha256 is not computed
// again.
type hashKey struct {
	path, entry string
	size, mod   int64
	index       int // a zip entry's position: two entries may share a name
}

func (r *Runner) hash(src ingest.Source, f inboxFile) (string, error) {
	k := hashKey{f.path, src.Entry, f.size, f.mod.UnixNano(), src.Index}
	r.mu.Lock()
	h, ok := r.hashes[k]
	r.mu.Unlock()
	if ok {
		return h, nil
	}
	h, err := src.Hash()
	if err != nil {
		return "", err
	}
	r.mu.Lock()
	if r.hashes == nil {
		r.hashes = map[hashKey]string{}
	}
	r.hashes[k] = h
	r.hashesDirty = true
	r.mu.Unlock()
	return h, nil
}

// prune forgets the hashes of files no longer in the inbox or changed.
func (r *Runner) prune(files []inboxFile) {
	now := map[hashKey]bool{}
	for _, f := range files {
		now[hashKey{path: f.path, size: f.size, mod: f.mod.UnixNano()}] = true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for k := range r.hashes {
		if !now[hashKey{path: k.path, size: k.size, mod: k.mod}] {
			delete(r.hashes, k)
			r.hashesDirty = true
		}
	}
}

// recallHashes fills the hashes from the database the first time this
// Runner opens it: a one-off run over an unchanged inbox hashes nothing,
// as the daemon's later runs do.
func (r *Runner) recallHashes(ctx context.Context, st *store.Store) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.hashesRecalled {
		return nil
	}
	hs, err := st.InboxHashes(ctx)
	if err != nil {
		return err
	}
	if r.hashes == nil {
		r.hashes = map[hashKey]string{}
	}
	for _, h := range hs {
		r.hashes[hashKey{h.Path, h.Entry, h.Size, h.ModNanos, h.Index}] = h.SHA256
	}
	r.hashesRecalled = true
	return nil
}

// keepHashes writes the hashes back to the database when they changed.
func (r *Runner) keepHashes(ctx context.Context, st *store.Store) {
	r.mu.Lock()
	if !r.hashesDirty {
		r.mu.Unlock()
		return
	}
	hs := make([]store.InboxHash, 0, len(r.hashes))
	for k, h := range r.hashes {
		hs = append(hs, store.InboxHash{Path: k.path, Entry: k.entry, Index: k.index, Size: k.size, ModNanos: k.mod, SHA256: h})
	}
	r.mu.Unlock()
	if err := st.SaveInboxHashes(ctx, hs); err != nil {
		r.jlog.Warn("could not remember the inbox's hashes: the next run hashes its files again", "error", err)
		return
	}
	r.mu.Lock()
	r.hashesDirty = false
	r.mu.Unlock()
}

// ingest loads the inbox files the ledger does not know. Files failing
// do not stop the others: their errors come back as bad; err is what
// stopped the step.
func (r *Runner) ingest(ctx context.Context, st *store.Store, res *Result) (bad error, err error) {
	files, err := scanInbox(r.Config.Inbox)
	if err != nil {
		return nil, err
	}
	if err := r.recallHashes(ctx, st); err != nil {
		return nil, err
	}
	r.prune(files)
	defer r.keepHashes(ctx, st)
	known, err := st.KnownHashes(ctx)
	if err != nil {
		return nil, err
	}
	cs, err := country.Load()
	if err != nil {
		return nil, err
	}
	codes := cs
	now := r.now()
	var fails []error
	failed := func(name string, err error) {
		res.Failed++
		fails = append(fails, err)
		if store.Classify(err).RetryLater() {
			r.jlog.Warn("file failed; it will be tried again at the next run", "file", name, "error", err)
			return
		}
		r.jlog.Warn("file failed; it stays in the inbox and is not tried again until its bytes change", "file", name, "error", err)
	}
	held := func(name string, f store.Failure) {
		res.Held++
		r.jlog.Debug("file failed before and has not changed: left alone", "file", name, "failed_at", f.FailedAt, "error", f.Error)
	}
	// The sources to load, of every file: not loaded already, not failed
	// for good. They load in one LoadAll, as ingest loads its files: a
	// zip's entries in groups, and only the last load commits with a
	// checkpoint (store's directWorth), not one a file.
	var todo []ingest.Source
	var shas []string
	var optsOf []store.LoadOptions
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if age := now.Sub(f.mod); age < r.Config.Settle {
			res.Waiting++
			r.jlog.Info("file still being written: waits for the next run", "file", f.path, "modified_ago", age.Round(time.Millisecond))
			continue
		}
		opts := store.LoadOptions{Codes: codes}
		if ds := r.Config.datasetFor(f.path); ds != nil {
			opts.Dataset, opts.Format = ds.Name, ds.Format
		}
		srcs, serr := ingest.Sources(f.path)
		if serr != nil { // a broken archive: remember the file as a whole
			sha, herr := r.hash(ingest.Source{Name: f.path, Path: f.path, Compression: "none"}, f)
			if herr == nil {
				if fl, ok := known.Failed[sha]; ok && !fl.Kind.RetryLater() {
					held(f.path, fl)
					continue
				}
			}
			st.RecordFailure(f.path, sha, serr)
			failed(f.path, serr)
			continue
		}
		for _, src := range srcs {
			sha, err := r.hash(src, f)
			if err != nil {
				failed(src.Name, err)
				continue
			}
			if known.Loaded[sha] {
				continue
			}
			if fl, ok := known.Failed[sha]; ok && !fl.Kind.RetryLater() {
				held(src.Name, fl)
				continue
			}
			todo, shas, optsOf = append(todo, src), append(shas, sha), append(optsOf, opts)
		}
	}
	var cancelled error
	optsFor := func(i int) store.LoadOptions {
		o := optsOf[i]
		if r.progress != nil {
			name := todo[i].Name
			o.Progress = func(n int64) { r.progress(name, n) }
		}
		return o
	}
	st.LoadAll(ctx, todo, optsFor, func(i int, lr store.LoadResult) {
		src := todo[i]
		switch lr.Status {
		case store.Loaded:
			res.Files++
			res.Rows += lr.Rows
			known.Loaded[lr.SHA256] = true
			attrs := []any{"file", src.Name, "rows", lr.Rows, "replaced", lr.Replaced, "format", lr.Format, "dataset", lr.Dataset}
			if lr.Vintage != "" {
				attrs = append(attrs, "vintage", lr.Vintage)
			}
			if lr.Skipped.Rows > 0 { // rows read and not loaded (aggregate reporters), and why
				attrs = append(attrs, "skipped", lr.Skipped.Rows, "skipped_reason", lr.Skipped.Reason)
			}
			r.jlog.Info("file loaded", attrs...)
		case store.Skipped: // the same bytes under another name, loaded earlier in this run
			known.Loaded[shas[i]] = true
		default:
			if err := ctx.Err(); err != nil {
				if cancelled == nil {
					cancelled = fmt.Errorf("%s: %w (its load was rolled back)", src.Name, err)
				}
				return
			}
			failed(src.Name, lr.Err)
		}
	})
	if cancelled != nil {
		return nil, cancelled
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(fails) == 0 {
		return nil, nil
	}
	return fmt.Errorf("%d file(s) failed: %w", len(fails), joinErrors(fails)), nil
}

// refreshGroups runs the transform step: it brings the config's
// reference data, its groups, into group_membership (source 'config'),
// replacing the ones an earlier config put there. (The transforms
// themselves are SQL, package transform, run by every report; the seeded
// groups are synced by the store on open.)
func (r *Runner) refreshGroups(ctx context.Context, st *store.Store) error {
	seeded, err := st.GroupNames(ctx, "seed")
	if err != nil {
		return err
	}
	var ms []transform.Member
	for i, g := range r.Config.Groups {
		// Parse refuses these already; the database's seeded groups are
		// asked all the same, should they differ from this binary's seed.
		if slices.ContainsFunc(seeded, func(s string) bool { return strings.EqualFold(s, g.Name) }) {
			return &ConfigError{File: r.Config.File, Line: g.Line, Key: fmt.Sprintf("groups[%d].name", i),
				Msg: fmt.Sprintf("%q is a seeded group (%s): give yours another name", g.Name, strings.Join(seeded, ", "))}
		}
		for _, m := range g.Members {
			ms = append(ms, transform.Member{Group: g.Name, Country: m.Country, From: m.From, To: m.To})
		}
	}
	removed, err := st.ReplaceConfigGroups(ctx, ms)
	if err != nil {
		return err
	}
	r.jlog.Info("config groups refreshed", "groups", len(r.Config.Groups), "rows", len(ms), "rows_replaced", removed)
	return nil
}

// report runs the step's reports and writes each as
// outputs/reports/NAME.csv and NAME.md; it adds each table to pages, which
// the run writes as NAME.html with an index.html once its steps are done.
func (r *Runner) report(ctx context.Context, st *store.Store, s Step, pages map[string]render.Page, written *[]string) error {
	dir := filepath.Join(r.Config.Outputs, "reports")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, name := range s.Names {
		p := r.reportParams(s.Options)
		p.Given = report.Taken(name, p.Given) // the step's flags go to the reports that take them
		if !report.Takes(name, "compare") {
			p.Compare = ""
		}
		t, err := report.Run(ctx, st, name, p)
		if err != nil {
			return err
		}
		for _, out := range []struct{ ext, format string }{{".csv", "csv"}, {".md", "markdown"}} {
			path := filepath.Join(dir, name+out.ext)
			err := render.WriteAtomic(path, func(w io.Writer) error { return render.Write(w, t, out.format) })
			if err != nil {
				return fmt.Errorf("report %s: %w", name, err)
			}
			*written = append(*written, path)
		}
		pages[name] = render.Page{Name: name, Table: t}
		r.jlog.Info("report written", "report", name, "rows", len(t.Rows), "to", filepath.Join(dir, name+".{csv,md}"))
	}
	return nil
}

// brief writes the brief (package brief) into outputs/reports as
// brief.md with its charts beside it and brief.html, one page.
func (r *Runner) brief(ctx context.Context, st *store.Store, s Step, written *[]string) error {
	dir := filepath.Join(r.Config.Outputs, "reports")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	o := brief.Options{Dataset: s.Options.Dataset, Group: s.Options.Group, Compare: s.Options.Compare, From: s.Options.From, To: s.Options.To}
	if s.Options.Claims != "" {
		c, err := brief.LoadClaims(s.Options.Claims)
		if err != nil {
			return err
		}
		o.Claims = c
	}
	b, err := brief.Build(ctx, st, o)
	if err != nil {
		return err
	}
	files, err := brief.WriteFiles(filepath.Join(dir, "brief.md"), b)
	*written = append(*written, files...)
	if err != nil {
		return err
	}
	page := filepath.Join(dir, "brief.html")
	if err := render.WriteAtomic(page, func(w io.Writer) error { return brief.WriteHTML(w, b) }); err != nil {
		return err
	}
	*written = append(*written, page)
	r.jlog.Info("brief written", "sections", len(b.Sections), "to", filepath.Join(dir, "brief.{md,html}"))
	return nil
}

// reportParams are the parameters of a report: the step's options, then
// the dataset's config; what neither sets takes the report's default
// (report.Defaults, from the reports' headers), as 'tradepipe report' does.
func (r *Runner) reportParams(o StepOptions) report.Params {
	p := report.Params{Dataset: o.Dataset, Group: o.Group, Compare: o.Compare, From: o.From, To: o.To, Basis: o.Basis,
		Membership: o.Membership, CIFFOB: o.CIFFOB, Partial: o.Partial, Flows: o.Flows, Coverage: o.Coverage, Top: o.Top,
		MinReporters: o.MinReporters, MinWorldShare: o.MinWorldShare, MinPartnerShare: o.MinPartnerShare,
		Define: o.Define, Given: o.Given}
	if ds := r.Config.dataset(o.Dataset); ds != nil {
		if p.Coverage == "" {
			p.Coverage = ds.Coverage
		}
		if p.Basis == "" {
			p.Basis = ds.Basis
		}
		if p.CIFFOB == 0 {
			p.CIFFOB = ds.CIFFOB
		}
	}
	return p
}

// export writes Parquet through package export into outputs/OUT (default
// outputs/parquet), replacing the previous export as a whole. The step's
// --basis builds the flows table; the dataset's configured basis applies
// to the reports only (a flows table cannot have basis reporter).
func (r *Runner) export(ctx context.Context, st *store.Store, s Step, written *[]string) error {
	o := s.Options
	out := o.Out
	if out == "" {
		out = "parquet"
	}
	if err := os.MkdirAll(r.Config.Outputs, 0o755); err != nil {
		return err
	}
	rp := r.reportParams(o)
	rp.Given = nil // the step's options are the export's; each report takes those it has
	opts := export.Options{Out: filepath.Join(r.Config.Outputs, out), Names: s.Names, Dataset: o.Dataset,
		PartitionBy: o.PartitionBy, Compression: o.Compression, Basis: o.Basis, CIFFOB: rp.CIFFOB, Report: rp,
		Version: r.Version, Now: r.Now}
	m, err := export.Run(ctx, st, opts)
	if err != nil {
		return err
	}
	var rows int64
	for _, t := range m.Tables {
		rows += t.Rows
	}
	*written = append(*written, filepath.Join(opts.Out, export.ManifestName))
	r.jlog.Info("export written", "to", opts.Out, "dataset", m.Dataset, "tables", len(m.Tables), "rows", rows)
	return nil
}

// writeSite writes this run's report pages and an index.html that links
// them and names the files they were made from, into outputs/reports.
func (r *Runner) writeSite(pages map[string]render.Page, written *[]string) error {
	names := make([]string, 0, len(pages))
	for n := range pages {
		names = append(names, n)
	}
	sort.Strings(names)
	list := make([]render.Page, len(names))
	for i, n := range names {
		list[i] = pages[n]
	}
	dir := filepath.Join(r.Config.Outputs, "reports")
	if err := render.WriteSite(dir, list, r.now()); err != nil {
		return err
	}
	for _, n := range names {
		*written = append(*written, filepath.Join(dir, n+".html"))
	}
	*written = append(*written, filepath.Join(dir, "index.html"))
	r.jlog.Info("report pages written", "pages", len(list), "index", filepath.Join(dir, "index.html"))
	return nil
}
