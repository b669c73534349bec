package main

import (
	"context"

	"github.com/tradepipe/tradepipe/sql/store"
)

// dbFlag is the --db flag every database command takes.
type dbFlag struct {
	DB string `name:"db" env:"TRADEPIPE_DB" default:"tradepipe.duckdb" help:"DuckDB file (default: $$TRADEPIPE_DB, else tradepipe.duckdb here); created with its schema on first use." type:"path"`
}

func (d dbFlag) open(ctx context.Context, opts ...store.Option) (*store.Store, error) {
	return store.Open(ctx, d.DB, opts...)
}
