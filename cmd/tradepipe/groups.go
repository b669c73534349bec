package main

import (
	"context"
	"os"
	"strings"

	"github.com/tradepipe/tradepipe/sql/report"
	"github.com/tradepipe/tradepipe/sql/report/render"
	"github.com/tradepipe/tradepipe/sql/store"
)

type groupsCmd struct {
	dbFlag
	Format string `short:"o" enum:"table,csv,json" default:"table" help:"Output: table, csv or json."`
	Name   string `arg:"" optional:"" name:"NAME" help:"Only this group (any case: c5 is C5)."`
}

func (c *groupsCmd) Run(e *env) error {
	st, err := c.reference(e.ctx)
	if err != nil {
		return err
	}
	defer release(st)
	ms, err := st.Groups(e.ctx, c.Name)
	if err != nil {
		return err
	}
	if len(ms) == 0 && c.Name != "" {
		all, err := st.Groups(e.ctx, "")
		if err != nil {
			return err
		}
		var names []string
		for _, m := range all {
			if len(names) == 0 || names[len(names)-1] != m.Group {
				names = append(names, m.Group)
			}
		}
		return usageError("no group %q (groups: %s)", c.Name, joinOrNone(names))
	}
	if c.Format == "json" {
		return writeJSON(e.stdout, ms)
	}
	t := &report.Table{Columns: []string{"group", "country", "name", "from", "to", "source"}}
	for _, m := range ms {
		t.Rows = append(t.Rows, []any{m.Group, m.Country, m.Name, m.From, m.To, m.Source})
	}
	t.Notes = []string{"a country counts as a member in year t when it is one on 31 December of t; to empty: still a member",
		"seed: transform/seed/groups.csv; config: a config's groups, as its last transform step wrote them"}
	if c.Format == "csv" {
		t.Notes = nil
	}
	return render.Write(e.stdout, t, c.Format)
}

// reference opens the database read-only to read its reference tables
// (groups, countries); where there is no database yet, a new one in
// memory holds the seeded ones.
func (d dbFlag) reference(ctx context.Context) (*store.Store, error) {
	if _, err := os.Stat(d.DB); os.IsNotExist(err) {
		return store.Open(ctx, ":memory:")
	}
	return d.open(ctx, store.ReadOnly())
}

func joinOrNone(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return strings.Join(xs, ", ")
}
