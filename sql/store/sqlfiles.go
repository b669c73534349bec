package store

import (
	"context"
	dsql "database/sql"
	"embed"
	"fmt"

	"github.com/tradepipe/tradepipe/sql/sqlfile"
)

// The store's own SQL: the schema migrations (schema/NNN_name.sql, applied
// in the order of their numbers) and the statements a load runs to replace
// revised rows (replace/*.sql), and what the store tells of its state
// (state/*.sql).
//
//go:embed schema/*.sql replace/*.sql state/*.sql
var sqlFS embed.FS

// statement returns the replace statement of that name.
func statement(name string) (sqlfile.File, error) {
	fs, err := sqlfile.Dir(sqlFS, "replace")
	if err != nil {
		return sqlfile.File{}, err
	}
	f, ok := sqlfile.Find(fs, name)
	if !ok {
		return sqlfile.File{}, fmt.Errorf("sql/store/replace: no statement %q", name)
	}
	return f, nil
}

// execStatement runs the replace statement of that name with the values
// of its parameters.
func execStatement(ctx context.Context, tx *dsql.Tx, name string, values map[string]any) (dsql.Result, error) {
	f, err := statement(name)
	if err != nil {
		return nil, err
	}
	args, err := f.Bind(values)
	if err != nil {
		return nil, err
	}
	r, err := tx.ExecContext(ctx, f.Text, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return r, nil
}
