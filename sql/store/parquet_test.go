package store

import (
	"context"
	dsql "database/sql"
	"database/sql/driver"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestWriteParquet writes the same rows through each kind of store that
// exports (a writable one; a read-only one that may reach files) and reads
// them back with a DuckDB of its own; a locked read-only store writes no
// file; a row's error is returned; the temporary table is gone after each.
func TestWriteParquet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "t.duckdb")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	day := time.Date(2019, 12, 31, 0, 0, 0, 0, time.UTC)
	cols := []ParquetColumn{{"year", "BIGINT"}, {"share", "DOUBLE"}, {`odd "name"`, "VARCHAR"}, {"ok", "BOOLEAN"},
		{"day", "DATE"}, {"at", "TIMESTAMP WITH TIME ZONE"}}
	rows := [][]driver.Value{
		{int64(2019), 12.5, "KAZ", true, day, day.Add(13*time.Hour + 123456*time.Microsecond)},
		{int64(2020), nil, nil, false, nil, nil},
		{int64(2021), -0.25, "a,b\n\"c\"", nil, day.AddDate(1, 0, 0), day},
	}
	fill := func(i int, vals []driver.Value) error { copy(vals, rows[i]); return nil }
	want := "2019|12.5|KAZ|true|2019-12-31|2019-12-31 13:00:00.123456+00\n" +
		"2020|NULL|NULL|false|NULL|NULL\n" +
		"2021|-0.25|a,b\n\"c\"|NULL|2020-12-31|2019-12-31 00:00:00+00\n"

	reader, err := dsql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	if _, err := reader.Exec(`SET TimeZone = 'UTC'`); err != nil {
		t.Fatal(err)
	}
	readBack := func(t *testing.T, file string) string {
		t.Helper()
		r, err := reader.Query(`SELECT concat_ws('|', year, coalesce(share::VARCHAR, 'NULL'), coalesce("odd ""name""", 'NULL'),
		        coalesce(ok::VARCHAR, 'NULL'), coalesce(day::VARCHAR, 'NULL'), coalesce("at"::VARCHAR, 'NULL'))
		    FROM read_parquet(?) ORDER BY year`, file)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		var b strings.Builder
		for r.Next() {
			var l string
			if err := r.Scan(&l); err != nil {
				t.Fatal(err)
			}
			b.WriteString(l + "\n")
		}
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	noTable := func(t *testing.T, c *dsql.Conn) {
		t.Helper()
		var n int
		if err := c.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE table_name = ?`, parquetTable).Scan(&n); err != nil || n != 0 {
			t.Errorf("%d temporary tables left (%v)", n, err)
		}
	}
	for _, c := range []struct {
		name string
		opts []Option
		ok   bool
	}{
		{"writable", nil, true},
		{"read-only", []Option{ReadOnly(), AllowExternalAccess(true)}, true},
		{"locked", []Option{ReadOnly()}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := Open(ctx, path, c.opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			conn, err := s.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			file := filepath.Join(t.TempDir(), "r.parquet")
			err = WriteParquet(ctx, conn, file, cols, len(rows), fill, "zstd")
			switch _, serr := os.Stat(file); {
			case !c.ok && (err == nil || serr == nil):
				t.Errorf("wrote %s (%v, %v)", file, err, serr)
			case c.ok && err != nil:
				t.Fatal(err)
			case c.ok:
				if got := readBack(t, file); got != want {
					t.Errorf("read back\n%s\nwant\n%s", got, want)
				}
			}
			noTable(t, conn)
			// Twice on one connection, and a row's error returned as it is.
			bad := errors.New("row 1 is bad")
			err = WriteParquet(ctx, conn, file, cols, len(rows), func(i int, vals []driver.Value) error {
				if i == 1 {
					return bad
				}
				return fill(i, vals)
			}, "snappy")
			if !errors.Is(err, bad) {
				t.Errorf("a row's error: %v", err)
			}
			noTable(t, conn)
		})
	}
}

// TestWriteParquetCompression: only the three codecs are taken, and any
// other name is refused before it reaches a statement.
func TestWriteParquetCompression(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	conn, err := s.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	file := filepath.Join(t.TempDir(), "r.parquet")
	one := func(i int, vals []driver.Value) error { vals[0] = int64(i); return nil }
	for _, c := range []string{"zstd", "snappy", "uncompressed"} {
		if err := WriteParquet(context.Background(), conn, file, []ParquetColumn{{"n", "BIGINT"}}, 3, one, c); err != nil {
			t.Errorf("%s: %v", c, err)
		}
	}
	for _, c := range []string{"", "none", "gzip", "gzip) TO 'elsewhere' --"} {
		err := WriteParquet(context.Background(), conn, file, []ParquetColumn{{"n", "BIGINT"}}, 3, one, c)
		if err == nil || !strings.HasPrefix(err.Error(), "parquet compression") {
			t.Errorf("compression %q: %v", c, err)
		}
	}
}
