package main

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/tradepipe/tradepipe/ingest"
	"github.com/tradepipe/tradepipe/sql/store"
)

type forgetCmd struct {
	dbFlag
	FileID []int64  `name:"file-id" placeholder:"N" help:"Forget the file with this id ('tradepipe status' lists them; repeatable)."`
	Files  []string `arg:"" optional:"" name:"FILE" help:"Forget the file loaded from this path (every entry of a zip), or loaded with the same bytes." type:"path"`
}

// Run removes files from the database, each with its rows and its ledger
// entry in one transaction, so the bytes can be loaded again (into the
// right dataset, say). It asks nothing and prints what went.
func (c *forgetCmd) Run(e *env) error {
	if len(c.FileID) == 0 && len(c.Files) == 0 {
		return usageError("name a FILE or give --file-id N")
	}
	st, err := c.openWrite(e.ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	ids := c.FileID
	for _, p := range c.Files {
		abs, err := filepath.Abs(p)
		if err != nil {
			return err
		}
		// Matched by path first; a file moved or renamed since by its
		// bytes (each zip entry's).
		var sums []string
		if srcs, err := ingest.Sources(p); err == nil {
			for _, s := range srcs {
				if sha, err := s.Hash(); err == nil {
					sums = append(sums, sha)
				}
			}
		}
		fs, err := st.FindFiles(e.ctx, abs, sums)
		if err != nil {
			return err
		}
		if len(fs) == 0 {
			return usageError("%s: not in the ledger, by path or by its bytes ('tradepipe status' lists the files loaded)", p)
		}
		for _, f := range fs {
			ids = append(ids, f.FileID)
		}
	}
	gone, err := st.Forget(e.ctx, ids)
	if errors.Is(err, store.ErrNoFile) {
		return &exitError{code: 2, err: err}
	}
	if err != nil {
		return err
	}
	for _, g := range gone {
		f := g.File
		name := f.Path
		if f.Entry != "" {
			name += "!" + f.Entry
		}
		fmt.Fprintf(e.stdout, "forgot  %s (file %d, dataset %s): %d trade rows, %d exchange rates; its bytes can be loaded again\n",
			name, f.FileID, f.Dataset, g.TradeRows, g.FXRates)
		if f.Replaced > 0 {
			fmt.Fprintf(e.stdout, "note: when it was loaded it replaced %d earlier rows of dataset %s; they are not brought back: forget the files they came from and load them again\n",
				f.Replaced, f.Dataset)
		}
	}
	return nil
}
