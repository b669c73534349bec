package export

import (
	"context"
	dsql "database/sql"
	"math/big"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/tradepipe/tradepipe/sql/report"
)

// decimal stands in for duckdb.Decimal (a value with Float64()).
type decimal struct{ f float64 }

func (d decimal) Float64() float64 { return d.f }

// TestReportTypes writes a report table holding each kind of value the
// database driver returns and reads it back with arrow-go.
func TestReportTypes(t *testing.T) {
	t.Parallel()
	day := time.Date(2019, 12, 31, 0, 0, 0, 0, time.UTC)
	at := time.Date(2019, 12, 31, 13, 45, 0, 123456789, time.UTC)
	huge := new(big.Int).Lsh(big.NewInt(1), 70)
	tab := &report.Table{
		Columns: []string{"year", "share", "mixed", "sum_hugeint", "big", "name", "ok", "day", "at", "dec", "empty"},
		Rows: [][]any{
			{int32(2019), 12.5, int64(1), big.NewInt(7), huge, "KAZ", true, day, at, decimal{1.25}, nil},
			{int32(2020), nil, 2.5, big.NewInt(-3), big.NewInt(1), nil, false, nil, day, decimal{2}, nil},
		},
	}
	wantTypes := []struct {
		sql   string
		arrow arrow.DataType
	}{
		{"BIGINT", arrow.PrimitiveTypes.Int64},
		{"DOUBLE", arrow.PrimitiveTypes.Float64},
		{"DOUBLE", arrow.PrimitiveTypes.Float64},
		{"BIGINT", arrow.PrimitiveTypes.Int64},
		{"VARCHAR", arrow.BinaryTypes.String}, // beyond int64: exact, as text
		{"VARCHAR", arrow.BinaryTypes.String},
		{"BOOLEAN", arrow.FixedWidthTypes.Boolean},
		{"DATE", arrow.FixedWidthTypes.Date32},
		{"TIMESTAMP WITH TIME ZONE", &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}},
		{"DOUBLE", arrow.PrimitiveTypes.Float64},
		{"VARCHAR", arrow.BinaryTypes.String},
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	kinds, cols := columnKinds(tab)
	path := filepath.Join(t.TempDir(), "r.parquet")
	if err := writeParquet(context.Background(), memoryConn(t), path, tab, kinds, "zstd"); err != nil {
		t.Fatal(err)
	}
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	r, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, mem)
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer got.Release()
	if got.NumRows() != 2 || int(got.NumCols()) != len(wantTypes) {
		t.Fatalf("%d rows, %d columns", got.NumRows(), got.NumCols())
	}
	for i, w := range wantTypes {
		f := got.Schema().Field(i)
		if cols[i].Type != w.sql || !arrow.TypeEqual(f.Type, w.arrow) {
			t.Errorf("%s: manifest %s, file %s; want %s, %s", f.Name, cols[i].Type, f.Type, w.sql, w.arrow)
		}
	}
	cell := func(col, row int) string { return got.Column(col).Data().Chunk(0).ValueStr(row) }
	for _, c := range []struct {
		col, row int
		want     string
	}{
		{0, 1, "2020"}, {1, 1, "(null)"}, {2, 0, "1"}, {2, 1, "2.5"}, {3, 1, "-3"}, {4, 0, "1180591620717411303424"},
		{5, 0, "KAZ"}, {6, 1, "false"}, {7, 0, "2019-12-31"}, {8, 0, "2019-12-31T13:45:00.123456Z"}, {9, 0, "1.25"}, {10, 0, "(null)"},
	} {
		if g := cell(c.col, c.row); g != c.want {
			t.Errorf("%s row %d = %q, want %q", tab.Columns[c.col], c.row, g, c.want)
		}
	}
}

// memoryConn is a connection to an in-memory database.
func memoryConn(t *testing.T) *dsql.Conn {
	t.Helper()
	db, err := dsql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestParsePartitionBy(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want []string
		bad  bool
	}{
		{"", []string{"year"}, false},
		{"year", []string{"year"}, false},
		{"year,reporter", []string{"year", "reporter"}, false},
		{" year , reporter ", []string{"year", "reporter"}, false},
		{"reporter", []string{"reporter"}, false},
		{"none", []string{}, false},
		{"year,year", nil, true},
		{"month", nil, true},
		{`year") TO '/etc/x' --`, nil, true},
	} {
		got, err := parsePartitionBy(c.in)
		if (err != nil) != c.bad || len(got) != len(c.want) {
			t.Errorf("%q: %v, %v", c.in, got, err)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%q: %v", c.in, got)
			}
		}
	}
}

func TestCopyText(t *testing.T) {
	t.Parallel()
	got, err := copyText("COPY (\n/*query*/\n) TO $path (FORMAT parquet /*partition_by*/)", "SELECT 1", []string{"year", `a"b`})
	want := "COPY (\nSELECT 1\n) TO $path (FORMAT parquet , PARTITION_BY (\"year\", \"a\"\"b\"))"
	if err != nil || got != want {
		t.Errorf("got %q, %v", got, err)
	}
	if _, err := copyText("COPY (SELECT 1) TO $path", "x", nil); err == nil {
		t.Error("a template without markers was accepted")
	}
}
