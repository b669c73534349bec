package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/tradepipe/tradepipe/sql/store"
)

// dbFlag is the --db flag every database command takes.
type dbFlag struct {
	DB       string        `name:"db" env:"TRADEPIPE_DB" default:"tradepipe.duckdb" help:"DuckDB file (default: $$TRADEPIPE_DB, else tradepipe.duckdb here; now ${db_now}); created with its schema, and its folder, on first use." type:"path"`
	LockWait time.Duration `name:"lock-wait" default:"30s" help:"How long to wait for another tradepipe process that has the database open (e.g. 0s, 30s, 10m)."`
}

// dbNow says which database --db would use when not given: for its help.
func dbNow() string {
	if v := os.Getenv("TRADEPIPE_DB"); v != "" {
		return v + ", from $TRADEPIPE_DB"
	}
	return "tradepipe.duckdb in the working directory"
}

// openWrite opens the database for writing, creating its folder first
// (as the config's db key does): a path under a folder not made yet,
// TRADEPIPE_DB=$HOME/trade/tradepipe.duckdb say, is not an error.
func (d dbFlag) openWrite(ctx context.Context, opts ...store.Option) (*store.Store, error) {
	if dir := filepath.Dir(d.DB); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("creating the database's folder: %w", err)
		}
	}
	return d.open(ctx, opts...)
}

func (d dbFlag) open(ctx context.Context, opts ...store.Option) (*store.Store, error) {
	if d.LockWait < 0 {
		return nil, usageError("--lock-wait %s: a duration of 0s or more", d.LockWait)
	}
	s, err := store.Open(ctx, d.DB, append([]store.Option{store.LockWait(d.LockWait)}, opts...)...)
	if errors.Is(err, store.ErrLocked) {
		return nil, fmt.Errorf("%w; try again when it finishes, or wait longer with --lock-wait", err)
	}
	return s, err
}
