package store

import (
	"context"
	dsql "database/sql"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/tradepipe/tradepipe/sql/sqlfile"
)

// migration is one schema file, schema/NNN_name.sql: NNN is the schema
// version it brings the database to.
type migration struct {
	version int
	sqlfile.File
}

// migrations returns the schema files in order of their numbers. The
// numbers are the versions: a gap is allowed (a file that was withdrawn
// keeps its number unused), two files with one number are not.
func migrations() ([]migration, error) { return migrationsIn(sqlFS) }

func migrationsIn(fsys fs.FS) ([]migration, error) {
	files, err := sqlfile.Dir(fsys, "schema")
	if err != nil {
		return nil, err
	}
	out := make([]migration, len(files))
	for i, f := range files {
		num, _, ok := strings.Cut(path.Base(f.Path), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("%s: a schema file is named NNN_what.sql, NNN its version", f.Path)
		}
		out[i] = migration{v, f}
	}
	slices.SortFunc(out, func(a, b migration) int { return a.version - b.version })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("%s and %s have one version, %d", out[i-1].Path, out[i].Path, out[i].version)
		}
	}
	return out, nil
}

// schemaVersion is the version the database's schema is at: 0 for a new
// database, which has no meta table. The table is asked for directly:
// listing the catalog (information_schema) took most of a read-only
// open's checks.
func (s *Store) schemaVersion(ctx context.Context) (int, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'schema_version'`).Scan(&v)
	var de *duckdb.Error
	switch {
	case errors.Is(err, dsql.ErrNoRows):
		return 0, nil
	case errors.As(err, &de) && de.Type == duckdb.ErrorTypeCatalog && !s.hasMeta(ctx):
		return 0, nil
	case err != nil:
		return 0, err
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("meta: schema_version %q is not a number", v)
	}
	return n, nil
}

// hasMeta says whether the database has its meta table.
func (s *Store) hasMeta(ctx context.Context) bool {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables()
		WHERE database_name = current_database() AND schema_name = 'main' AND table_name = 'meta'`).Scan(&n)
	return err == nil && n > 0
}

// migrate applies the schema files of a version above the database's, in
// order, each in its own transaction (as they always were), then brings
// the reference tables (reference.go), transform's macros (macros.go) and
// the tables the reports read (totals.go) up to date. A new database is
// made whole in one transaction instead (create).
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	have, err := s.schemaVersion(ctx)
	if err != nil {
		return err
	}
	if n := len(ms); n > 0 && have > ms[n-1].version {
		return fmt.Errorf("%s: the database's schema is version %d, newer than this tradepipe knows (%d): use a newer tradepipe", s.path, have, ms[n-1].version)
	}
	var pending []migration
	for _, m := range ms {
		if m.version > have {
			pending = append(pending, m)
		}
	}
	if have == 0 && len(pending) > 0 {
		return s.create(ctx, pending)
	}
	for _, m := range pending {
		if err := s.apply(ctx, m); err != nil {
			return err
		}
	}
	if err := s.syncReference(ctx); err != nil {
		return err
	}
	if err := s.syncMacros(ctx); err != nil {
		return err
	}
	s.macros = true
	return s.syncTotals(ctx)
}

// create makes a new database whole in one transaction: every schema
// file, the reference tables, the kept macros and the note that its
// (empty) report tables are made by this version's rule. One commit
// instead of four, which was most of a new database's cost before its
// first row, and nothing half-made if it fails: the next open starts
// again from nothing.
func (s *Store) create(ctx context.Context, ms []migration) error {
	seeds, err := referenceSeeds()
	if err != nil {
		return err
	}
	stale, note, err := staleSeeds(seeds, nil)
	if err != nil {
		return err
	}
	macros, sum, err := transformSQL(true)
	if err != nil {
		return err
	}
	err = s.inRefTx(ctx, func(tx refTx) error {
		if err := applyIn(ctx, tx, ms); err != nil {
			return err
		}
		if err := writeSeeds(ctx, tx, stale, note); err != nil {
			return err
		}
		if err := writeMacros(ctx, tx, macros, sum); err != nil {
			return err
		}
		// No rows, so no totals to make: the rule's hash is all that
		// syncTotals would have written.
		return noteBilateralRule(ctx, tx)
	})
	if err != nil {
		return err
	}
	s.macros = true
	return nil
}

// apply applies the schema files ms, in order, in one transaction, and
// sets the schema version to the last one's.
func (s *Store) apply(ctx context.Context, ms ...migration) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := applyIn(ctx, tx, ms); err != nil {
		return err
	}
	return tx.Commit()
}

// applyIn applies the schema files ms, in order, in tx, and sets the
// schema version to the last one's.
func applyIn(ctx context.Context, tx execer, ms []migration) error {
	for _, m := range ms {
		if _, err := tx.ExecContext(ctx, m.Text); err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)`, strconv.Itoa(ms[len(ms)-1].version))
	return err
}

// SchemaVersion is the version the database's schema is at.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) { return s.schemaVersion(ctx) }
