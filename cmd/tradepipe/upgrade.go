package main

import (
	"fmt"
	"os"

	"github.com/tradepipe/tradepipe/sql/store"
)

type upgradeCmd struct {
	dbFlag
}

// Run brings a database an older tradepipe made up to date: opening it
// for writing applies the schema changes since and makes again the totals
// whose rules changed. Read-only commands (report, query, status, export)
// refuse such a database and say to run this.
func (c *upgradeCmd) Run(e *env) error {
	if _, err := os.Stat(c.DB); err != nil {
		return fmt.Errorf("%s: %w", c.DB, store.ErrNoDatabase)
	}
	st, err := c.open(e.ctx)
	if err != nil {
		return err
	}
	v, err := st.SchemaVersion(e.ctx)
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: up to date (schema version %d)\n", c.DB, v)
	return nil
}
