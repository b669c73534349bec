package store

import (
	"context"
	"crypto/sha256"
	dsql "database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/tradepipe/tradepipe/transform"
)

// transform's macros are kept in the database: a store opened for writing
// creates them there (CREATE MACRO) whenever their text changed since it
// last did (its hash is in meta), so that no connection pays for making
// them, a report's least of all. A connection to a database whose macros
// are not this tradepipe's (opened read-only, or by an older version)
// gets them as temporary macros, which come first in DuckDB's search path
// and so hide the kept ones, each file's and those its macros call.

// transformSQL is transform's SQL as statements that keep the macros in
// the database (persistent) or on one connection (temporary), and its
// hash.
func transformSQL(persistent bool) ([]string, string, error) {
	files, err := transform.SQL()
	if err != nil {
		return nil, "", err
	}
	h := sha256.New()
	var out []string
	for _, f := range files {
		h.Write([]byte(f.Text))
		text := f.Text
		if persistent {
			text = strings.ReplaceAll(text, "CREATE OR REPLACE TEMP MACRO ", "CREATE OR REPLACE MACRO ")
		}
		out = append(out, text)
	}
	return out, hex.EncodeToString(h.Sum(nil)), nil
}

type execer interface {
	ExecContext(context.Context, string, ...any) (dsql.Result, error)
}

// createMacros creates transform's macros on a connection, temporary.
func createMacros(ctx context.Context, c execer) error {
	stmts, _, err := transformSQL(false)
	if err != nil {
		return err
	}
	for _, s := range stmts {
		if _, err := c.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("transform: %w", err)
		}
	}
	return nil
}

// keptMacros says whether the database holds this tradepipe's macros.
func (s *Store) keptMacros(ctx context.Context) (bool, error) {
	have, err := s.keptMacroHash(ctx)
	if err != nil || have == "" {
		return false, err
	}
	_, sum, err := transformSQL(true)
	return err == nil && have == sum, err
}

// keptMacroHash is the hash of the macros the database keeps, "" if it
// never kept any.
func (s *Store) keptMacroHash(ctx context.Context) (string, error) {
	var have string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'transform_sql'`).Scan(&have)
	if errors.Is(err, dsql.ErrNoRows) {
		return "", nil
	}
	return have, err
}

// syncMacros keeps transform's macros in the database, replacing those of
// another version and dropping the ones this version no longer has, in
// one transaction.
func (s *Store) syncMacros(ctx context.Context) error {
	have, err := s.keptMacroHash(ctx)
	if err != nil {
		return err
	}
	stmts, sum, err := transformSQL(true)
	if err != nil || have == sum {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var drops []string
	if have != "" {
		// Only a database that kept macros has any to drop: listing them
		// scans every function DuckDB has, built-ins included.
		if drops, err = keptMacroDrops(ctx, tx); err != nil {
			return err
		}
	}
	if err := writeMacros(ctx, tx, append(drops, stmts...), sum); err != nil {
		return err
	}
	return tx.Commit()
}

// writeMacros runs the statements that keep the macros (and drop those
// of another version) in tx, and notes their hash, sum, in meta.
func writeMacros(ctx context.Context, tx execer, stmts []string, sum string) error {
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("transform macros: %w", err)
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO meta VALUES ('transform_sql', ?)`, sum)
	return err
}

// keptMacroDrops are the statements that drop the tp_ macros the database
// keeps.
func keptMacroDrops(ctx context.Context, tx *dsql.Tx) ([]string, error) {
	old, err := tx.QueryContext(ctx, `SELECT DISTINCT function_name, function_type FROM duckdb_functions()
		WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal
		  AND function_type IN ('macro', 'table_macro') AND function_name LIKE 'tp\_%' ESCAPE '\'`)
	if err != nil {
		return nil, err
	}
	var drops []string
	for old.Next() {
		var name, kind string
		if err := old.Scan(&name, &kind); err != nil {
			old.Close()
			return nil, err
		}
		if kind == "table_macro" {
			drops = append(drops, `DROP MACRO TABLE main."`+name+`"`)
		} else {
			drops = append(drops, `DROP MACRO main."`+name+`"`)
		}
	}
	return drops, errors.Join(old.Err(), old.Close())
}

// ViewFor makes the member view on c (from Conn) the one basis reads
// alone (transform.ViewFor): a report knows its basis, and planning the
// other bases' branches was most of its time. The returned func puts the
// union back before c goes back to the pool: by dropping the branch where
// the database keeps the macros, by making the union again where c's
// macros are its own.
func (s *Store) ViewFor(ctx context.Context, c execer, basis string) (undo func() error, err error) {
	stmt, err := transform.ViewFor(basis)
	if err != nil {
		return nil, err
	}
	back := transform.DropView
	if !s.macros {
		if back, err = transform.GenericView(); err != nil {
			return nil, err
		}
	}
	if _, err := c.ExecContext(ctx, stmt); err != nil {
		return nil, fmt.Errorf("member view for basis %s: %w", basis, err)
	}
	return func() error {
		_, err := c.ExecContext(context.WithoutCancel(ctx), back)
		return err
	}, nil
}
