package export

import (
	"context"
	dsql "database/sql"
	"database/sql/driver"
	"fmt"
	"math/big"
	"path/filepath"
	"time"

	"github.com/tradepipe/tradepipe/sql/report"
	"github.com/tradepipe/tradepipe/sql/store"
)

// writeReport runs a report and writes its table as dir/<name>/data_0.parquet.
func writeReport(ctx context.Context, st *store.Store, conn *dsql.Conn, dir, name string, p report.Params, compression string) (*Table, error) {
	t, err := report.Run(ctx, st, name, p)
	if err != nil {
		return nil, err
	}
	kinds, cols := columnKinds(t)
	tdir := filepath.Join(dir, name)
	if err := mkdir(tdir); err != nil {
		return nil, err
	}
	if err := writeParquet(ctx, conn, filepath.Join(tdir, dataFile), t, kinds, compression); err != nil {
		return nil, fmt.Errorf("export %s: %w", name, err)
	}
	files, err := listFiles(dir, tdir)
	if err != nil {
		return nil, err
	}
	return &Table{Name: name, Kind: "report", Path: name + "/", Rows: int64(len(t.Rows)),
		Partitioning: []string{}, Columns: cols, Files: files, Notes: t.Notes, Basis: t.Params.Basis}, nil
}

// writeParquet writes a report's rows to path as the tables are written,
// by DuckDB's COPY (store.WriteParquet), each value as its column's kind
// takes it.
func writeParquet(ctx context.Context, conn *dsql.Conn, path string, t *report.Table, kinds []kind, compression string) error {
	codec, ok := compressions[compression]
	if !ok {
		return fmt.Errorf("%w: compression %q", ErrUsage, compression)
	}
	cols := make([]store.ParquetColumn, len(t.Columns))
	for j, c := range t.Columns {
		cols[j] = store.ParquetColumn{Name: c, Type: kindTypes[kinds[j]]}
	}
	return store.WriteParquet(ctx, conn, path, cols, len(t.Rows), func(i int, vals []driver.Value) (err error) {
		for j, v := range t.Rows[i] {
			if vals[j], err = value(kinds[j], v); err != nil {
				return fmt.Errorf("column %s: %w", t.Columns[j], err)
			}
		}
		return nil
	}, codec)
}

// The column kinds a report's values map to.
type kind int

const (
	kNull kind = iota
	kBool
	kInt
	kFloat
	kString
	kDate
	kTime
)

var kindTypes = map[kind]string{
	kNull:   "VARCHAR", // no value at all: a column of NULL strings
	kBool:   "BOOLEAN",
	kInt:    "BIGINT",
	kFloat:  "DOUBLE",
	kString: "VARCHAR",
	kDate:   "DATE",
	kTime:   "TIMESTAMP WITH TIME ZONE",
}

// kindOf classifies one value as the database driver returns it.
func kindOf(v any) kind {
	switch x := v.(type) {
	case nil:
		return kNull
	case bool:
		return kBool
	case int, int8, int16, int32, int64, uint8, uint16, uint32:
		return kInt
	case uint64:
		if x <= 1<<63-1 {
			return kInt
		}
		return kFloat
	case *big.Int:
		if x.IsInt64() {
			return kInt
		}
		return kString
	case float32, float64:
		return kFloat
	case interface{ Float64() float64 }: // DECIMAL
		return kFloat
	case time.Time:
		if x.Equal(x.Truncate(24 * time.Hour)) {
			return kDate
		}
		return kTime
	}
	return kString
}

// merge gives the kind of a column that holds both a and b.
func merge(a, b kind) kind {
	switch {
	case a == b || b == kNull:
		return a
	case a == kNull:
		return b
	case (a == kInt && b == kFloat) || (a == kFloat && b == kInt):
		return kFloat
	case (a == kDate && b == kTime) || (a == kTime && b == kDate):
		return kTime
	}
	return kString
}

// columnKinds gives each of a report's columns a kind: what its values
// are (a report's column has one SQL type, so one Go type; a column of
// NULLs only becomes VARCHAR), and the manifest's column.
func columnKinds(t *report.Table) ([]kind, []Column) {
	kinds := make([]kind, len(t.Columns))
	for _, r := range t.Rows {
		for j, v := range r {
			kinds[j] = merge(kinds[j], kindOf(v))
		}
	}
	cols := make([]Column, len(t.Columns))
	for j, c := range t.Columns {
		cols[j] = Column{Name: c, Type: kindTypes[kinds[j]]}
	}
	return kinds, cols
}

// value is v as a column of kind k holds it.
func value(k kind, v any) (driver.Value, error) {
	if v == nil {
		return nil, nil
	}
	switch k {
	case kBool:
		return v.(bool), nil
	case kInt:
		n, ok := toInt(v)
		if !ok {
			return nil, fmt.Errorf("value %v (%T) is not an integer", v, v)
		}
		return n, nil
	case kFloat:
		f, ok := toFloat(v)
		if !ok {
			return nil, fmt.Errorf("value %v (%T) is not a number", v, v)
		}
		return f, nil
	case kDate, kTime:
		return v.(time.Time), nil
	}
	return text(v), nil
}

func toInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int8:
		return int64(x), true
	case int16:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case uint8:
		return int64(x), true
	case uint16:
		return int64(x), true
	case uint32:
		return int64(x), true
	case uint64:
		return int64(x), x <= 1<<63-1
	case *big.Int:
		return x.Int64(), x.IsInt64()
	}
	return 0, false
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case uint64:
		return float64(x), true
	case interface{ Float64() float64 }:
		return x.Float64(), true
	}
	if n, ok := toInt(v); ok {
		return float64(n), true
	}
	return 0, false
}

// text renders a value a string column holds: exactly, as the report's CSV does.
func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}
