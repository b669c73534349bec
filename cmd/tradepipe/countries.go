package main

import (
	"fmt"

	"github.com/tradepipe/tradepipe/sql/report"
	"github.com/tradepipe/tradepipe/sql/report/render"
)

type countriesCmd struct {
	dbFlag
	Format string `short:"o" enum:"table,csv,json" default:"table" help:"Output: table, csv or json."`
	Search string `arg:"" optional:"" name:"SEARCH" help:"Part of a code or name (kyrgyz, KG, 417); default: every country."`
}

func (c *countriesCmd) Run(e *env) error {
	st, err := c.reference(e.ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	cs, err := st.Countries(e.ctx, c.Search)
	if err != nil {
		return err
	}
	if c.Format == "json" {
		return writeJSON(e.stdout, cs)
	}
	t := &report.Table{Columns: []string{"country", "name", "kind", "currency", "scheme", "code"}}
	for _, x := range cs {
		t.Rows = append(t.Rows, []any{x.Country, x.Name, x.Kind, x.Currency, x.Scheme, x.Code})
	}
	if c.Format == "table" {
		t.Notes = []string{"a file's code or name is found when it equals one of these in its scheme; names are compared in lower case, without accents, typographic quotes or a final full stop (so \"Kyrgyz Rep.\" is \"kyrgyz rep\")"}
		if len(cs) == 0 {
			t.Notes = []string{fmt.Sprintf("no country's code or name contains %q: the readers would not know it; add it to transform/country/seed/aliases.csv", c.Search)}
		}
	}
	return render.Write(e.stdout, t, c.Format)
}
