package sqltest

import (
	"bytes"
	"context"
	dsql "database/sql"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"golang.org/x/tools/txtar"

	"github.com/tradepipe/tradepipe/sql/sqlfile"
	"github.com/tradepipe/tradepipe/transform"
)

const testdata = "../testdata"

// TestFixtures runs every case of every transform.
func TestFixtures(t *testing.T) {
	t.Parallel()
	files, err := transform.SQL()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		cases, err := filepath.Glob(filepath.Join(testdata, f.Name, "*.txtar"))
		if err != nil {
			t.Fatal(err)
		}
		if len(cases) == 0 {
			t.Errorf("transform %s (%s) has no fixture in testdata/%s/", f.Name, f.Path, f.Name)
		}
		for _, c := range cases {
			t.Run(f.Name+"/"+strings.TrimSuffix(filepath.Base(c), ".txtar"), func(t *testing.T) {
				t.Parallel()
				runCase(t, c, files)
			})
		}
	}
}

// newDB is an in-memory database with testdata/tables.sql and the
// transforms' macros.
func newDB(t *testing.T) *dsql.Conn {
	t.Helper()
	db, err := dsql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	tables, err := os.ReadFile(filepath.Join(testdata, "tables.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), string(tables)); err != nil {
		t.Fatalf("tables.sql: %v", err)
	}
	return conn
}

// setUp makes a fixture's database: its tables, the transforms' macros,
// and the tables the store keeps, made from its rows. It returns the
// case's query and the rows it wants.
func setUp(t *testing.T, path string, files []sqlfile.File) (conn *dsql.Conn, query, want []byte) {
	ctx := context.Background()
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(bytes.TrimSpace(ar.Comment)) == 0 {
		t.Errorf("%s: say what the case shows in the archive's comment", path)
	}
	conn = newDB(t)
	for _, f := range ar.Files {
		switch {
		case f.Name == "query.sql":
			query = f.Data
		case f.Name == "want.csv":
			want = f.Data
		case strings.HasSuffix(f.Name, ".csv"):
			if err := insert(ctx, conn, t.TempDir(), strings.TrimSuffix(f.Name, ".csv"), f.Data); err != nil {
				t.Fatalf("%s: %s: %v", path, f.Name, err)
			}
		default:
			t.Fatalf("%s: unexpected file %s (want TABLE.csv, query.sql, want.csv)", path, f.Name)
		}
	}
	if query == nil || want == nil {
		t.Fatalf("%s: needs query.sql and want.csv", path)
	}
	for _, f := range files {
		if _, err := conn.ExecContext(ctx, f.Text); err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
	}
	// The store keeps these as it loads; here they are made once: the
	// sums of the rows by product level (the row's aggr_level, else the
	// level of its product from transform.ProductLevel), then the totals
	// of every dataset, and the small tables made from them.
	products, err := queryRows(ctx, conn, `SELECT DISTINCT product FROM trade ORDER BY 1`)
	if err != nil {
		t.Fatalf("trade: %v", err)
	}
	if _, err := conn.ExecContext(ctx, `CREATE TEMP TABLE product_levels (product VARCHAR, level INTEGER)`); err != nil {
		t.Fatal(err)
	}
	for _, p := range products[1:] {
		if _, err := conn.ExecContext(ctx, `INSERT INTO product_levels VALUES (?, ?)`, p[0], transform.ProductLevel(p[0])); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{
		`INSERT INTO trade_slices
		 SELECT row_number() OVER (), * FROM (
		     SELECT DISTINCT dataset, file_id, freq, partner2, flow, classification, customs, mot, currency,
		            quantity_unit, is_reported, is_aggregate, is_estimate, trade_type, aggr_level, is_leaf FROM trade)`,
		`INSERT INTO trade_codes
		 SELECT code_id, country, code, min(code_id) OVER (PARTITION BY country) FROM (
		     SELECT row_number() OVER (ORDER BY country, code) AS code_id, country, code FROM (
		         SELECT reporter AS country, reporter_code AS code FROM trade
		         UNION SELECT partner, partner_code FROM trade))`,
		`INSERT INTO trade_sums
		 SELECT s.slice_id, t.year, t.month, r.code_id, p.code_id, coalesce(t.aggr_level, l.level), sum(t.value), count(*)
		 FROM trade t
		 JOIN trade_slices s ON (s.dataset, s.file_id, s.freq, s.partner2, s.flow, s.classification, s.customs, s.mot, s.currency,
		                         s.quantity_unit, s.is_reported, s.is_aggregate, s.is_estimate, s.trade_type, s.aggr_level, s.is_leaf)
		     IS NOT DISTINCT FROM (t.dataset, t.file_id, t.freq, t.partner2, t.flow, t.classification, t.customs, t.mot, t.currency,
		                           t.quantity_unit, t.is_reported, t.is_aggregate, t.is_estimate, t.trade_type, t.aggr_level, t.is_leaf)
		 JOIN trade_codes r ON r.country = t.reporter AND r.code = t.reporter_code
		 JOIN trade_codes p ON p.country = t.partner AND p.code = t.partner_code
		 JOIN product_levels l USING (product)
		 GROUP BY ALL`,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("the kept sums: %v", err)
		}
	}
	datasets, err := queryRows(ctx, conn, `SELECT DISTINCT dataset FROM trade_slices ORDER BY 1`)
	if err != nil {
		t.Fatalf("trade_slices: %v", err)
	}
	for _, d := range datasets[1:] {
		if _, err := conn.ExecContext(ctx, `INSERT INTO trade_bilateral SELECT ?, * FROM tp_bilateral(?, NULL, NULL)`, d[0], d[0]); err != nil {
			t.Fatalf("trade_bilateral: %v", err)
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO trade_years SELECT DISTINCT dataset, year FROM trade_bilateral WHERE dataset = ?`, d[0]); err != nil {
			t.Fatalf("trade_years: %v", err)
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO trade_own SELECT * FROM tp_own_totals(?, NULL, NULL)`, d[0]); err != nil {
			t.Fatalf("trade_own: %v", err)
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO trade_world SELECT * FROM tp_country_totals(?, NULL)`, d[0]); err != nil {
			t.Fatalf("trade_world: %v", err)
		}
	}
	return conn, query, want
}

func runCase(t *testing.T, path string, files []sqlfile.File) {
	ctx := context.Background()
	conn, query, want := setUp(t, path, files)
	got, err := queryRows(ctx, conn, string(query))
	if err != nil {
		t.Fatalf("%s: query: %v", path, err)
	}
	exp, err := csv.NewReader(bytes.NewReader(want)).ReadAll()
	if err != nil {
		t.Fatalf("%s: want.csv: %v", path, err)
	}
	if msg := compare(got, exp); msg != "" {
		t.Errorf("%s: %s\ngot:\n%s", path, msg, format(got))
	}
	sameThroughSums(t, ctx, conn, path)
}

// sameThroughSums checks that tp_bilateral gives the same totals when
// every sum is summed: it takes most reporters' sums straight through,
// and it may do so only where summing them would change nothing. A twin
// of every sum, of nothing (value 0, rows 0) under a second code of its
// reporter and of its partner, puts every country under two codes in
// every group, which sends every sum through the sums by group, level and
// pair; the totals must not move.
func sameThroughSums(t *testing.T, ctx context.Context, conn *dsql.Conn, path string) {
	t.Helper()
	if _, err := conn.ExecContext(ctx, `INSERT INTO trade_codes
		SELECT (SELECT max(code_id) FROM trade_codes) + row_number() OVER (ORDER BY country_id), country, '(second code)', country_id
		FROM (SELECT DISTINCT country, country_id FROM trade_codes)`); err != nil {
		t.Fatalf("%s: a second code: %v", path, err)
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO trade_sums
		SELECT u.slice_id, u.year, u.month, r2.code_id, p2.code_id, u.level, 0, 0
		FROM trade_sums u
		JOIN trade_codes r ON r.code_id = u.reporter
		JOIN trade_codes r2 ON r2.country_id = r.country_id AND r2.code = '(second code)'
		JOIN trade_codes p ON p.code_id = u.partner
		JOIN trade_codes p2 ON p2.country_id = p.country_id AND p2.code = '(second code)'`); err != nil {
		t.Fatalf("%s: the twins: %v", path, err)
	}
	diff, err := queryRows(ctx, conn, `WITH again AS (
		    SELECT d.dataset, b.* FROM (SELECT DISTINCT dataset FROM trade_slices) d, tp_bilateral(d.dataset, NULL, NULL) b
		), kept AS (SELECT * FROM trade_bilateral)
		SELECT count(*) FROM kept FULL JOIN again USING (dataset, year, reporter, partner, flow)
		WHERE kept.dataset IS NULL OR again.dataset IS NULL
		   OR (kept.unconverted, kept.classification, kept.level, kept.months, kept.set_aside, kept.estimated)
		      IS DISTINCT FROM (again.unconverted, again.classification, again.level, again.months, again.set_aside, again.estimated)
		   OR (kept.value_usd IS NULL) <> (again.value_usd IS NULL)
		   OR abs(kept.value_usd - again.value_usd) > 1e-9 * abs(kept.value_usd)`)
	if err != nil {
		t.Fatalf("%s: totals through the sums: %v", path, err)
	}
	if n := diff[1][0]; n != "0" {
		t.Errorf("%s: %s totals differ when every sum is summed (tp_bilateral's straight path)", path, n)
	}
}

// insert writes data to a file and inserts its rows into table, in the
// columns its header names.
func insert(ctx context.Context, conn *dsql.Conn, dir, table string, data []byte) error {
	r := csv.NewReader(bytes.NewReader(data))
	header, err := r.Read()
	if err != nil {
		return err
	}
	p := filepath.Join(dir, table+".csv")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return err
	}
	cols := make([]string, len(header))
	for i, h := range header {
		cols[i] = `"` + strings.TrimSpace(h) + `"`
	}
	q := fmt.Sprintf(`INSERT INTO %q (%s) SELECT * FROM read_csv(?, header = true, all_varchar = true, nullstr = 'NULL', delim = ',', quote = '"')`,
		table, strings.Join(cols, ", "))
	_, err = conn.ExecContext(ctx, q, p)
	return err
}

// queryRows runs q and returns its header and rows as text.
func queryRows(ctx context.Context, conn *dsql.Conn, q string) ([][]string, error) {
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	out := [][]string{cols}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		rec := make([]string, len(cols))
		for i, v := range vals {
			rec[i] = text(v)
		}
		out = append(out, rec)
	}
	return out, rows.Err()
}

func text(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case time.Time:
		return x.Format("2006-01-02")
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}

// compare says how got differs from want, or "" when it does not.
func compare(got, want [][]string) string {
	if len(want) == 0 {
		return "want.csv has no header"
	}
	if !slices.Equal(got[0], want[0]) {
		return fmt.Sprintf("columns %v, want %v", got[0], want[0])
	}
	if len(got) != len(want) {
		return fmt.Sprintf("%d rows, want %d", len(got)-1, len(want)-1)
	}
	for i := 1; i < len(got); i++ {
		for j := range got[i] {
			if !same(got[i][j], want[i][j]) {
				return fmt.Sprintf("row %d, column %s: %s, want %s", i, want[0][j], got[i][j], want[i][j])
			}
		}
	}
	return ""
}

func same(got, want string) bool {
	if got == want {
		return true
	}
	g, err1 := strconv.ParseFloat(got, 64)
	w, err2 := strconv.ParseFloat(want, 64)
	if err1 != nil || err2 != nil {
		return false
	}
	return math.Abs(g-w) <= 1e-9*math.Max(1, math.Max(math.Abs(g), math.Abs(w)))
}

func format(rows [][]string) string {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.WriteAll(rows)
	return b.String()
}
