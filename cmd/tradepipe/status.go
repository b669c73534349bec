package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/tradepipe/tradepipe/sql/store"
)

type statusCmd struct {
	dbFlag
	Format string `short:"o" enum:"table,json" default:"table" help:"Output: table or json."`
}

func (c *statusCmd) Run(e *env) error {
	st, err := c.open(e.ctx, store.ReadOnly())
	if err != nil {
		return err
	}
	defer release(st)
	s, err := st.Status(e.ctx)
	if err != nil {
		return err
	}
	if c.Format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "database: %s\n\nfiles loaded: %d\n", s.Database, len(s.Files))
	if len(s.Files) > 0 {
		fmt.Fprintln(w, "id\tpath\tsha256\tformat\tdataset\trows\treplaced\tloaded_at\tencoding\tvintage")
		for _, f := range s.Files {
			p := f.Path
			if f.Entry != "" {
				p += "!" + f.Entry
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\n", f.FileID, p, f.SHA256[:12], f.Format, f.Dataset, f.Rows, f.Replaced, f.LoadedAt.Format(time.RFC3339), orDash(f.Encoding), orDash(f.Vintage))
		}
		notes := false
		for _, f := range s.Files {
			if f.Vintage != "" || f.Skipped > 0 {
				if !notes {
					fmt.Fprintln(w, "\nfile\tvintage\trows skipped\twhy")
					notes = true
				}
				fmt.Fprintf(w, "%d\t%s\t%d\t%s\n", f.FileID, f.Vintage, f.Skipped, f.SkippedReason)
			}
		}
	}
	if len(s.Services) == 0 {
		fmt.Fprintln(w, "\ndataset\trows")
		for _, k := range sortedKeys(s.Datasets) {
			fmt.Fprintf(w, "%s\t%d\n", k, s.Datasets[k])
		}
	} else {
		// Services rows are kept apart: never in the goods totals.
		fmt.Fprintln(w, "\ndataset\trows\tof which services")
		for _, k := range sortedKeys(s.Datasets) {
			fmt.Fprintf(w, "%s\t%d\t%d\n", k, s.Datasets[k], s.Services[k])
		}
	}
	fmt.Fprintln(w, "\ntable\trows")
	for _, k := range sortedKeys(s.Tables) {
		fmt.Fprintf(w, "%s\t%d\n", k, s.Tables[k])
	}
	if len(s.Failures) > 0 {
		fmt.Fprintln(w, "\nrecent failed loads\tat\tkind\terror")
		for _, f := range s.Failures {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", oneLine(f.Path), f.FailedAt.UTC().Format(time.RFC3339), f.Kind, oneLine(f.Error))
		}
	}
	if len(s.Runs) > 0 {
		fmt.Fprintln(w, "\nrun\tjob\tstarted\tended\toutcome\tfiles\trows\terror")
		for _, r := range s.Runs {
			end := ""
			if r.EndedAt != nil {
				end = r.EndedAt.Format(time.RFC3339)
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%d\t%d\t%s\n", r.RunID, r.Job, r.StartedAt.UTC().Format(time.RFC3339), end, r.Outcome, r.FilesLoaded, r.RowsLoaded, oneLine(r.Error))
		}
	}
	return w.Flush()
}

func sortedKeys(m map[string]int64) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// orDash shows "-" for a value the ledger does not have.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// oneLine flattens text for one row of a table: each run of line breaks,
// tabs and other control characters becomes " | " or a space, so a
// multi-line error (DuckDB's show the statement and a caret) keeps to its
// row.
func oneLine(s string) string {
	lines := strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' })
	for i, l := range lines {
		lines[i] = strings.Join(strings.FieldsFunc(l, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	}
	out := lines[:0]
	for _, l := range lines {
		if l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, " | ")
}
