package pipeline

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// Plan says, one line a step, what job j would do if it ran now, without
// opening the database: the inbox files an ingest would consider (with
// the dataset and format each would go to, and those still being
// written), the groups a transform would write, the files a report or
// export would write and with which parameters. loaded, if not nil, tells
// whether a file (path and size) is in the ledger already; the load
// itself compares the bytes.
func (c *Config) Plan(j *Job, now time.Time, loaded func(path string, size int64) bool) ([]string, error) {
	var out []string
	for _, s := range j.Steps {
		switch s.Kind {
		case StepIngest:
			files, err := scanInbox(c.Inbox)
			if err != nil {
				return nil, err
			}
			out = append(out, fmt.Sprintf("ingest: %d file(s) in the inbox (%s)", len(files), strings.Join(c.Inbox, ", ")))
			for _, f := range files {
				dataset, format := "the format's name", "detected"
				if ds := c.datasetFor(f.path); ds != nil {
					dataset = ds.Name
					if ds.Format != "" {
						format = ds.Format
					}
				}
				what := "would load"
				switch {
				case now.Sub(f.mod) < c.Settle:
					what = "waits (still being written)"
				case loaded != nil && loaded(f.path, f.size):
					what = "loaded already (by path and size)"
				}
				out = append(out, fmt.Sprintf("  %s: %s (dataset %s, format %s)", f.path, what, dataset, format))
			}
		case StepTransform:
			var gs []string
			for _, g := range c.Groups {
				gs = append(gs, fmt.Sprintf("%s (%d member period(s))", g.Name, len(g.Members)))
			}
			if len(gs) == 0 {
				gs = []string{"none: the config's groups are removed from the database"}
			}
			out = append(out, "transform: writes the config's groups: "+strings.Join(gs, ", "))
		case StepReport:
			dir := filepath.Join(c.Outputs, "reports")
			for _, n := range s.Names {
				out = append(out, fmt.Sprintf("report %s: writes %s.{csv,md,html}%s", n, filepath.Join(dir, n), options(s.Options)))
			}
		case StepBrief:
			out = append(out, fmt.Sprintf("brief: writes %s.{md,html} and its charts%s", filepath.Join(c.Outputs, "reports", "brief"), options(s.Options)))
		case StepExport:
			o := s.Options.Out
			if o == "" {
				o = "parquet"
			}
			names := "trade, flows, fx_rates, group_membership (the whole folder)"
			if len(s.Names) > 0 {
				names = strings.Join(s.Names, ", ") + " (those folders; the others kept)"
			}
			out = append(out, fmt.Sprintf("export: %s into %s%s", names, filepath.Join(c.Outputs, o), options(s.Options)))
		}
	}
	return out, nil
}

// options is a step's options as written, for Plan.
func options(o StepOptions) string {
	var parts []string
	add := func(k, v string) {
		if v != "" && v != "0" {
			parts = append(parts, k+" "+v)
		}
	}
	add("dataset", o.Dataset)
	add("group", o.Group)
	add("compare", o.Compare)
	add("from", fmt.Sprint(o.From))
	add("to", fmt.Sprint(o.To))
	add("basis", o.Basis)
	add("membership", o.Membership)
	add("flows", o.Flows)
	add("partial", o.Partial)
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, "; ") + ")"
}
