package store

import (
	"context"
	dsql "database/sql"
	"database/sql/driver"
	"fmt"
	"strings"

	"github.com/duckdb/duckdb-go/v2"
)

// parquetTable is the temporary table WriteParquet's rows go through.
const parquetTable = "tp_parquet_rows"

// A ParquetColumn is a column of a table WriteParquet writes: its name and
// SQL type.
type ParquetColumn struct{ Name, Type string }

// WriteParquet writes n rows, each filled by row into vals (one value a
// column, as database/sql takes them), as one Parquet file at path by
// DuckDB's COPY with the given compression (zstd, snappy, uncompressed):
// the writer the exported tables have. The rows go through a temporary
// table of the columns' types on c, which a read-only database takes as
// well, dropped after. For small tables held in memory, such as a report's.
func WriteParquet(ctx context.Context, c *dsql.Conn, path string, cols []ParquetColumn, n int,
	row func(i int, vals []driver.Value) error, compression string) (err error) {
	defs := make([]string, len(cols))
	for j, col := range cols {
		defs[j] = quoteIdent(col.Name) + " " + col.Type
	}
	if _, err := c.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE "+parquetTable+" ("+strings.Join(defs, ", ")+")"); err != nil {
		return err
	}
	defer func() {
		if _, derr := c.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS temp.main."+parquetTable); err == nil {
			err = derr
		}
	}()
	if err := appendParquetRows(c, len(cols), n, row); err != nil {
		return err
	}
	switch compression {
	case "zstd", "snappy", "uncompressed":
	default:
		return fmt.Errorf("parquet compression %q (want zstd, snappy or uncompressed)", compression)
	}
	_, err = c.ExecContext(ctx, "COPY temp.main."+parquetTable+" TO $path (FORMAT parquet, COMPRESSION "+compression+")",
		dsql.Named("path", path))
	return err
}

// appendParquetRows appends the rows to parquetTable.
func appendParquetRows(c *dsql.Conn, cols, n int, row func(i int, vals []driver.Value) error) (err error) {
	var dc driver.Conn
	if err := c.Raw(func(x any) error { dc = x.(driver.Conn); return nil }); err != nil {
		return err
	}
	a, err := duckdb.NewAppender(dc, "temp", "main", parquetTable)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := a.Close(); err == nil {
			err = cerr
		}
	}()
	vals := make([]driver.Value, cols)
	for i := range n {
		if err := row(i, vals); err != nil {
			return err
		}
		if err := a.AppendRow(vals...); err != nil {
			return err
		}
	}
	return nil
}
