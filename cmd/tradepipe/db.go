package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tradepipe/tradepipe/sql/store"
)

// dbFlag is the --db flag every database command takes.
type dbFlag struct {
	DB       string        `name:"db" env:"TRADEPIPE_DB" default:"tradepipe.duckdb" help:"DuckDB file (default: $$TRADEPIPE_DB, else tradepipe.duckdb here); created with its schema on first use." type:"path"`
	LockWait time.Duration `name:"lock-wait" default:"30s" help:"How long to wait for another tradepipe process that has the database open (e.g. 0s, 30s, 10m)."`
}

func (d dbFlag) open(ctx context.Context, opts ...store.Option) (*store.Store, error) {
	s, err := store.Open(ctx, d.DB, append([]store.Option{store.LockWait(d.LockWait)}, opts...)...)
	if errors.Is(err, store.ErrLocked) {
		return nil, fmt.Errorf("%w; try again when it finishes, or wait longer with --lock-wait", err)
	}
	return s, err
}
