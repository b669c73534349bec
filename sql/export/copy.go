package export

import (
	"context"
	dsql "database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"

	"github.com/tradepipe/tradepipe/sql/report"
	"github.com/tradepipe/tradepipe/sql/sqlfile"
)

// The markers copy.sql holds for the parts that cannot be bound.
const (
	queryMarker     = "/*query*/"
	partitionMarker = "/*partition_by*/"
	dataFile        = "data_0.parquet" // DuckDB's name for a partition's file; ours for an unpartitioned table
)

// The export's statements, one .sql file a table (tables/*.sql), and the
// COPY that writes any of them (tables/copy.sql); and what an export reads
// to tell which partitions changed since the last (state/*.sql).
//
//go:embed tables/*.sql state/*.sql
var tablesFS embed.FS

// statement returns the export statement of that name.
func statement(name string) (sqlfile.File, error) { return find("tables", name) }

// stateStatement returns the state query of that name.
func stateStatement(name string) (sqlfile.File, error) { return find("state", name) }

func find(dir, name string) (sqlfile.File, error) {
	fs, err := sqlfile.Dir(tablesFS, dir)
	if err != nil {
		return sqlfile.File{}, err
	}
	f, ok := sqlfile.Find(fs, name)
	if !ok {
		return sqlfile.File{}, fmt.Errorf("sql/export/%s: no statement %q", dir, name)
	}
	return f, nil
}

// reuse is what an incremental table may take from the earlier export:
// the earlier table (nil: none) in the folder prevDir, and the state of
// each partition the table will have.
type reuse struct {
	old     *Table
	prevDir string
	states  map[string]string
	wrote   bool // set by copyParts: some partition was written
	// dataset is set for the trade table: its partitions by year may
	// be written a year a statement (years.go).
	dataset string
}

// tableParts are the columns of parts a table is partitioned by.
func tableParts(t table, parts []string) []string {
	var by []string
	for _, p := range parts {
		if slices.Contains(t.partitions, p) {
			by = append(by, p)
		}
	}
	return by
}

// copyTable writes one table with COPY into dir/<name>/, partitioned by
// those of parts the table allows. With re, only the partitions whose
// state changed are written; the others are linked from the earlier
// export.
func copyTable(ctx context.Context, conn *dsql.Conn, dir string, t table, parts []string, args map[string]any, re *reuse) (*Table, error) {
	q, err := statement(t.name)
	if err != nil {
		return nil, err
	}
	cp, err := statement("copy")
	if err != nil {
		return nil, err
	}
	query := strings.TrimRight(strings.TrimSpace(q.Text), ";")
	by := tableParts(t, parts)
	out := &Table{Name: t.name, Kind: "table", Path: t.name + "/", Partitioning: []string{}}
	qargs, err := q.Bind(args)
	if err != nil {
		return nil, err
	}
	if out.Columns, err = columns(ctx, conn, query, qargs, by); err != nil {
		return nil, fmt.Errorf("export %s: %w", t.name, err)
	}
	tdir := filepath.Join(dir, t.name)
	c := copier{conn: conn, name: t.name, tmpl: cp, query: query, qargs: qargs, args: args}
	if re != nil && len(re.states) > 0 {
		if err := copyParts(ctx, tdir, by, out, re, c); err != nil {
			return nil, err
		}
	} else if len(by) > 0 {
		if out.Rows, err = c.all(ctx, tdir, by, nil); err != nil {
			return nil, err
		}
		out.Partitioning = by
	}
	if out.Parts == nil && (len(by) == 0 || out.Rows == 0) {
		// No partitions, or no rows to make any: one file, which keeps the
		// schema even when it holds no rows.
		if err := mkdir(tdir); err != nil {
			return nil, err
		}
		if out.Rows, err = c.all(ctx, filepath.Join(tdir, dataFile), nil, nil); err != nil {
			return nil, err
		}
		out.Partitioning = []string{}
		for i := range out.Columns {
			out.Columns[i].Partition = false
		}
	}
	if out.Files, err = listFiles(dir, tdir); err != nil {
		return nil, err
	}
	switch {
	case t.name != "trade":
	case re != nil && re.old != nil && out.Parts != nil && !re.wrote:
		// Every partition taken from the earlier export: so are its notes
		// (the rows and the rates they were made from are the same).
		out.Notes = re.old.Notes
	default:
		if out.Notes, err = unconverted(ctx, conn, args["dataset"]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// copier writes one table's query with copy.sql.
type copier struct {
	conn  *dsql.Conn
	name  string
	tmpl  sqlfile.File // copy.sql
	query string       // the table's statement, its parameters qargs
	qargs []any
	args  map[string]any // the export's values, for copy.sql's parameters
}

// all writes the query's rows to path, partitioned by by (none: path is a
// file); with only, the rows of those partitions only.
func (c copier) all(ctx context.Context, path string, by, only []string) (int64, error) {
	if only == nil {
		return c.exec(ctx, path, c.query, by)
	}
	sel := "SELECT * FROM (\n" + c.query + "\n) AS q WHERE list_contains($tp_parts, " + keyExpr(by) + ")"
	return c.exec(ctx, path, sel, by, dsql.Named("tp_parts", only))
}

// year writes the rows of one year, without the year column (as
// PARTITION_BY leaves a partition's columns out of its files), to path:
// a file, or with rest a folder partitioned by rest. With only, the rows
// of those partitions (keys of year and rest) only.
func (c copier) year(ctx context.Context, path string, year int, rest, only []string) (int64, error) {
	f, err := statement("one_year")
	if err != nil {
		return 0, err
	}
	sel, extra, err := c.wrap(f, map[string]any{"year": year})
	if err != nil {
		return 0, err
	}
	if only != nil {
		sel += " AND list_contains($tp_parts, " + keyExpr(append([]string{"year"}, rest...)) + ")"
		extra = append(extra, dsql.Named("tp_parts", only))
	}
	return c.exec(ctx, path, sel, rest, extra...)
}

// outside counts the query's rows in none of years.
func (c copier) outside(ctx context.Context, years []int) (int64, error) {
	f, err := stateStatement("rows_outside")
	if err != nil {
		return 0, err
	}
	ys := make([]int64, len(years))
	for i, y := range years {
		ys[i] = int64(y)
	}
	text, args, err := c.wrap(f, map[string]any{"years": ys})
	if err != nil {
		return 0, err
	}
	var n int64
	if err := c.conn.QueryRowContext(ctx, text, append(slices.Clip(c.qargs), args...)...).Scan(&n); err != nil {
		return 0, fmt.Errorf("export %s: %w", c.name, err)
	}
	return n, nil
}

func (c copier) exec(ctx context.Context, path, sel string, by []string, extra ...any) (int64, error) {
	text, err := copyText(c.tmpl.Text, sel, by)
	if err != nil {
		return 0, err
	}
	a := map[string]any{"path": path}
	for k, v := range c.args {
		a[k] = v
	}
	cargs, err := c.tmpl.Bind(a)
	if err != nil {
		return 0, err
	}
	res, err := c.conn.ExecContext(ctx, text, append(append(cargs, c.qargs...), extra...)...)
	if err != nil {
		return 0, fmt.Errorf("export %s: %w", c.name, err)
	}
	return res.RowsAffected()
}

// wrap puts the table's query in place of f's query marker and binds f's
// own parameters from values.
func (c copier) wrap(f sqlfile.File, values map[string]any) (string, []any, error) {
	if strings.Count(f.Text, queryMarker) != 1 {
		return "", nil, fmt.Errorf("sql/export: %s: want one %s", f.Name, queryMarker)
	}
	args, err := f.Bind(values)
	if err != nil {
		return "", nil, err
	}
	return strings.TrimRight(strings.TrimSpace(strings.Replace(f.Text, queryMarker, c.query, 1)), ";"), args, nil
}

// copyText splices the query and the partition clause into copy.sql. The
// partition columns come from the allow-list; they are quoted all the same.
func copyText(tmpl, query string, by []string) (string, error) {
	if strings.Count(tmpl, queryMarker) != 1 || strings.Count(tmpl, partitionMarker) != 1 {
		return "", fmt.Errorf("sql/export/tables/copy.sql: want one %s and one %s", queryMarker, partitionMarker)
	}
	clause := ""
	if len(by) > 0 {
		q := make([]string, len(by))
		for i, c := range by {
			q[i] = quoteIdent(c)
		}
		clause = ", PARTITION_BY (" + strings.Join(q, ", ") + ")"
	}
	return strings.Replace(strings.Replace(tmpl, queryMarker, query, 1), partitionMarker, clause, 1), nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// columns reads the query's column names and types without running it.
func columns(ctx context.Context, conn *dsql.Conn, query string, args []any, parts []string) ([]Column, error) {
	rows, err := conn.QueryContext(ctx, "SELECT * FROM (\n"+query+"\n) LIMIT 0", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cts, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	out := make([]Column, len(cts))
	for i, c := range cts {
		out[i] = Column{Name: c.Name(), Type: c.DatabaseTypeName(), Partition: slices.Contains(parts, c.Name())}
	}
	return out, rows.Err()
}

// unconverted says which trade values have no exchange rate (value_usd
// NULL in the export).
func unconverted(ctx context.Context, conn *dsql.Conn, dataset any) ([]string, error) {
	ds, _ := dataset.(string)
	missing, err := report.Unconverted(ctx, conn, ds)
	var out []string
	for _, m := range missing {
		out = append(out, fmt.Sprintf("%d value(s) in %s for %s have no exchange rate loaded: value_usd is NULL", m.Rows, m.Currency, m.Period))
	}
	return out, err
}

func listFiles(dir, tdir string) ([]string, error) {
	out := []string{}
	err := filepath.WalkDir(tdir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	slices.Sort(out)
	return out, err
}
