package main

import (
	"fmt"
	"os"
	"time"

	"github.com/tradepipe/tradepipe/sql/store"
)

type compactCmd struct {
	dbFlag
}

// Run rewrites the database file whole (store.Compact): after a history
// loaded year by year, or many revisions and removals, its catalog is
// spread over the file and its freed blocks are kept; a compacted file
// has the catalog together and gives the free blocks back.
func (c *compactCmd) Run(e *env) error {
	if _, err := os.Stat(c.DB); err != nil {
		return fmt.Errorf("%s: %w", c.DB, store.ErrNoDatabase)
	}
	st, err := c.open(e.ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	res, err := st.Compact(e.ctx)
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: compacted in %.1f s, %.1f MB to %.1f MB (%d tables, each with as many rows as before)\n",
		c.DB, time.Since(start).Seconds(), float64(res.Before)/(1<<20), float64(res.After)/(1<<20), res.Tables)
	return nil
}
