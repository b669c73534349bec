package main

import (
	"context"
	dsql "database/sql"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // the "duckdb" database/sql driver, for the native baselines

	"github.com/tradepipe/tradepipe/sql/export"
	"github.com/tradepipe/tradepipe/sql/report"
	"github.com/tradepipe/tradepipe/sql/store"
	"github.com/tradepipe/tradepipe/transform"
)

// The children: each run of a measured operation is a process of its own,
// so that its peak RSS is its own and no run warms another's memory.

//go:embed sql/*.sql
var benchSQL embed.FS

// sqlText returns bench/sql/name.sql without its header comment lines.
func sqlText(name string) (string, error) {
	b, err := benchSQL.ReadFile("sql/" + name + ".sql")
	if err != nil {
		return "", err
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(l, "--") {
			out = append(out, l)
		}
	}
	return strings.TrimSpace(strings.Join(out, "\n")), nil
}

// openNative opens a DuckDB file directly (not through the store), with
// the thread count the tradepipe side gets.
func openNative(path string, readOnly bool, threads int) (*dsql.DB, error) {
	dsn := fmt.Sprintf("%s?threads=%d", path, threads)
	if readOnly {
		dsn += "&access_mode=read_only"
	}
	db, err := dsql.Open("duckdb", dsn)
	if err != nil {
		return nil, err
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// childNativeCSV: DuckDB's read_csv with explicit column types into a new
// file database (targets 1 and 3). Timed by the parent, process and all.
func childNativeCSV(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("native-csv", flag.ContinueOnError)
	db := fs.String("db", "", "database file to create")
	file := fs.String("file", "", "CSV file")
	layout := fs.String("layout", "baci", "baci, comtrade, comtradebulk, long, fxlong, sdmx or wits")
	threads := fs.Int("threads", 2, "DuckDB threads")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return execNative(stdout, "native_"+*layout, *layout, *db, *threads, dsql.Named("path", *file))
}

// childNativeRows: DuckDB alone inserting generated rows into a table of
// trade_rows' shape (context for target 1's memory). Timed by the parent.
func childNativeRows(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("native-rows", flag.ContinueOnError)
	db := fs.String("db", "", "database file to create")
	rows := fs.Int64("rows", 1_000_000, "rows")
	threads := fs.Int("threads", 2, "DuckDB threads")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return execNative(stdout, "native_rows", "rows_only", *db, *threads, dsql.Named("rows", *rows))
}

// execNative runs bench/sql/name.sql on the database file db, one
// statement at a time, each given the parameters it names, and prints the
// rows the table holds afterwards.
func execNative(stdout io.Writer, name, table, db string, threads int, params ...dsql.NamedArg) error {
	text, err := sqlText(name)
	if err != nil {
		return err
	}
	d, err := openNative(db, false, threads)
	if err != nil {
		return err
	}
	defer d.Close()
	for _, stmt := range strings.Split(text, ";\n") {
		var args []any
		for _, p := range params {
			if strings.Contains(stmt, "$"+p.Name) {
				args = append(args, p)
			}
		}
		if _, err := d.Exec(stmt, args...); err != nil {
			return err
		}
	}
	var n int64
	if err := d.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "rows %d\n", n)
	return d.Close()
}

// childExport writes the trade table of a tradepipe database to Parquet:
// export.Run (tradepipe: the default layout, partitioned by year, values
// in USD, a manifest, written beside and swapped in) or DuckDB's own COPY
// to the same layout (native); target 4. It prints the time the export
// itself took.
func childExport(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	db := fs.String("db", "", "tradepipe database")
	out := fs.String("out", "", "folder to write (must not exist)")
	mode := fs.String("mode", "tradepipe", "tradepipe or native")
	threads := fs.Int("threads", 2, "DuckDB threads (native)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx := context.Background()
	switch *mode {
	case "tradepipe":
		st, err := store.Open(ctx, *db, store.ReadOnly(), store.AllowExternalAccess(true))
		if err != nil {
			return err
		}
		defer st.Close()
		start := time.Now()
		m, err := export.Run(ctx, st, export.Options{Out: *out, Names: []string{"trade"}, Dataset: "baci"})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "elapsed_ns %d\nrows %d\n", time.Since(start).Nanoseconds(), m.Tables[0].Rows)
		return nil
	case "native":
		text, err := sqlText("copy_parquet")
		if err != nil {
			return err
		}
		d, err := openNative(*db, true, *threads)
		if err != nil {
			return err
		}
		defer d.Close()
		start := time.Now()
		if _, err := d.ExecContext(ctx, text, dsql.Named("out", *out)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "elapsed_ns %d\n", time.Since(start).Nanoseconds())
		return nil
	}
	return fmt.Errorf("unknown mode %q", *mode)
}

// childReport runs the headline report over a tradepipe database:
// report.Run (tradepipe) or the same SQL, library macros and report text
// with the parameters report.Run binds, run directly on DuckDB (native);
// target 5. It prints the time the report itself took and its rows.
func childReport(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	db := fs.String("db", "", "tradepipe database")
	mode := fs.String("mode", "tradepipe", "tradepipe or native")
	threads := fs.Int("threads", 2, "DuckDB threads (native)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx := context.Background()
	p := report.Params{Dataset: "baci", Group: "C5", Basis: "flow"}
	switch *mode {
	case "tradepipe":
		st, err := store.Open(ctx, *db, store.ReadOnly())
		if err != nil {
			return err
		}
		defer st.Close()
		start := time.Now()
		t, err := report.Run(ctx, st, "regional-shares", p)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "elapsed_ns %d\nrows %d\n", time.Since(start).Nanoseconds(), len(t.Rows))
		return nil
	case "native":
		d, err := openNative(*db, true, *threads)
		if err != nil {
			return err
		}
		defer d.Close()
		lib, err := transform.SQL()
		if err != nil {
			return err
		}
		f, ok, err := report.SQLFile("regional-shares")
		if err != nil || !ok {
			return errors.Join(err, errors.New("no report regional-shares"))
		}
		// The values report.Run resolves these parameters to.
		rp, err := p.WithDefaults()
		if err != nil {
			return err
		}
		bind, err := report.Args(f, rp)
		if err != nil {
			return err
		}
		conn, err := d.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		start := time.Now()
		for _, l := range lib {
			if _, err := conn.ExecContext(ctx, l.Text); err != nil {
				return err
			}
		}
		rows, err := conn.QueryContext(ctx, f.Text, bind...)
		if err != nil {
			return err
		}
		cols, _ := rows.Columns()
		n := 0
		vs := make([]any, len(cols))
		ps := make([]any, len(cols))
		for i := range vs {
			ps[i] = &vs[i]
		}
		for rows.Next() {
			if err := rows.Scan(ps...); err != nil {
				return err
			}
			n++
		}
		if err := rows.Err(); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "elapsed_ns %d\nrows %d\n", time.Since(start).Nanoseconds(), n)
		return nil
	}
	return fmt.Errorf("unknown mode %q", *mode)
}

// childVersion prints DuckDB's version.
func childVersion(stdout io.Writer) error {
	d, err := dsql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer d.Close()
	var v string
	if err := d.QueryRow(`SELECT version()`).Scan(&v); err != nil {
		return err
	}
	fmt.Fprintln(stdout, v)
	return nil
}

// childPlainShares runs bench/sql/plain_shares.sql over a database of raw
// BACI rows (the table native_baci.sql loads): what a user would run
// instead of the report. Timed by the parent, process and all; it prints
// the figures, which the parent compares with the report's.
func childPlainShares(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("plain-shares", flag.ContinueOnError)
	db := fs.String("db", "", "database of raw BACI rows")
	threads := fs.Int("threads", 2, "DuckDB threads")
	if err := fs.Parse(args); err != nil {
		return err
	}
	text, err := sqlText("plain_shares")
	if err != nil {
		return err
	}
	d, err := openNative(*db, true, *threads)
	if err != nil {
		return err
	}
	defer d.Close()
	rows, err := d.Query(text)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var year int
		var total, intra, china, russia float64
		if err := rows.Scan(&year, &total, &intra, &china, &russia); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d total %.6g intra %.6f china %.6f russia %.6f\n", year, total*1000, intra, china, russia)
	}
	return rows.Err()
}
