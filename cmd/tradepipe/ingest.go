package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/tradepipe/tradepipe/ingest"
	"github.com/tradepipe/tradepipe/sql/store"
	"github.com/tradepipe/tradepipe/transform/country"
)

type ingestCmd struct {
	dbFlag
	Dataset string   `help:"Dataset the files belong to (default: the format's name)."`
	Format  string   `help:"Skip detection and read every file as this format (see 'tradepipe formats')."`
	Files   []string `arg:"" name:"FILE" help:"Files to load: .csv, .csv.gz or .zip (every .csv entry is a file of its own)." type:"path"`
}

func (c *ingestCmd) Run(e *env) error {
	if c.Format != "" {
		if _, ok := ingest.FormatByName(c.Format); !ok {
			return usageError("unknown --format %q (known: %s)", c.Format, strings.Join(ingest.FormatNames(), ", "))
		}
	}
	if err := store.CheckDataset(c.Dataset); err != nil {
		return &exitError{code: 2, err: err}
	}
	codes, err := country.Load()
	if err != nil {
		return err
	}
	// The files are listed, and the first one's reading started, before
	// the database opens: DuckDB opens it on one thread while the other
	// core parses the file's first chunks (store.ReadAhead). A file that
	// cannot be listed is reported once the database is open, as before.
	var srcs []ingest.Source
	var unlisted []error
	for _, path := range c.Files {
		s, err := ingest.Sources(path)
		if err != nil {
			unlisted = append(unlisted, err)
			continue
		}
		srcs = append(srcs, s...)
	}
	progs := map[int]*progress{}
	opts := func(i int) store.LoadOptions {
		prog := newProgress(e.stderr, srcs[i], time.Now)
		progs[i] = prog
		return store.LoadOptions{Dataset: c.Dataset, Format: c.Format, Codes: codes, Progress: prog.add, Stage: prog.stage}
	}
	var first store.LoadOptions
	if len(srcs) > 0 && e.ctx.Err() == nil {
		first = opts(0)
		first.Ahead = store.ReadAhead(e.ctx, srcs, first)
		defer first.Ahead.Close() // where no load took it
		given := opts
		opts = func(i int) store.LoadOptions {
			if i == 0 {
				return first
			}
			return given(i)
		}
	}
	st, err := c.openWrite(e.ctx)
	if err != nil {
		for _, p := range progs {
			p.done() // a bar the reading ahead drew, cleared before the error
		}
		return err
	}
	defer st.Close()
	failed := len(unlisted)
	for _, err := range unlisted {
		fmt.Fprintf(e.stderr, "failed  %v\n", err) // names the path
	}
	if e.ctx.Err() != nil {
		return e.ctx.Err()
	}
	st.LoadAll(e.ctx, srcs, opts, func(i int, r store.LoadResult) {
		progs[i].done()
		delete(progs, i)
		if !c.report(e, r) {
			failed++
		}
	})
	for _, p := range progs {
		p.done()
	}
	if err := e.ctx.Err(); err != nil && failed == 0 {
		return err // stopped between two files: those after it not tried
	}
	if failed > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%d of the files failed; the database holds none of their rows", failed)}
	}
	return nil
}

// report prints a load's outcome: false if it failed.
func (c *ingestCmd) report(e *env, r store.LoadResult) bool {
	src := r.Source
	switch r.Status {
	case store.Loaded:
		extra := ""
		if r.Replaced > 0 {
			extra = fmt.Sprintf(", replaced %d earlier rows", r.Replaced)
		}
		if strings.HasPrefix(r.Encoding, ingest.EncodingWindows1252) {
			extra += ", read as " + r.Encoding
		}
		if r.ReleaseCodes != "" {
			extra += ", codes of " + filepath.Base(strings.ReplaceAll(r.ReleaseCodes, "!", "/"))
		}
		if r.Vintage != "" {
			extra += ", vintage " + r.Vintage
		}
		if r.Skipped.Rows > 0 {
			extra += fmt.Sprintf("; skipped %d rows: %s", r.Skipped.Rows, r.Skipped.Reason)
		}
		fmt.Fprintf(e.stdout, "loaded  %s: %d rows (format %s, dataset %s%s)\n", src.Name, r.Rows, r.Format, r.Dataset, extra)
	case store.Skipped:
		hint := ""
		if c.Dataset != "" && c.Dataset != r.EarlierDataset {
			hint = fmt.Sprintf("; to load it into %s instead: tradepipe forget --file-id %d, then ingest it again", c.Dataset, r.EarlierID)
		}
		fmt.Fprintf(e.stdout, "skipped %s: already loaded at %s (as %s, file %d, in dataset %s)%s\n", src.Name,
			r.LoadedAt.UTC().Format(time.RFC3339), r.Earlier, r.EarlierID, r.EarlierDataset, hint)
	default:
		fmt.Fprintf(e.stderr, "failed  %s\n", r.Err)
		return false
	}
	return true
}

type formatsCmd struct{}

func (formatsCmd) Run(e *env) error {
	for _, f := range ingest.Formats() {
		fmt.Fprintf(e.stdout, "%-16s %-9s %s\n%16s           header: %s\n", f.Name, f.Kind, f.Title, "", f.Example())
	}
	return nil
}
