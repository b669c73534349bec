package export

import (
	"context"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/tradepipe/tradepipe/sql/report"
	"github.com/tradepipe/tradepipe/sql/store"
)

var codecs = map[string]compress.Compression{
	"zstd":   compress.Codecs.Zstd,
	"snappy": compress.Codecs.Snappy,
	"none":   compress.Codecs.Uncompressed,
}

// writeReport runs a report and writes its table as dir/<name>/data_0.parquet.
func writeReport(ctx context.Context, st *store.Store, dir, name string, p report.Params, compression string) (*Table, error) {
	t, err := report.Run(ctx, st, name, p)
	if err != nil {
		return nil, err
	}
	rec, cols, err := record(t, memory.DefaultAllocator)
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", name, err)
	}
	defer rec.Release()
	tdir := filepath.Join(dir, name)
	if err := mkdir(tdir); err != nil {
		return nil, err
	}
	if err := writeParquet(filepath.Join(tdir, dataFile), rec, compression); err != nil {
		return nil, fmt.Errorf("export %s: %w", name, err)
	}
	files, err := listFiles(dir, tdir)
	if err != nil {
		return nil, err
	}
	return &Table{Name: name, Kind: "report", Path: name + "/", Rows: int64(len(t.Rows)),
		Partitioning: []string{}, Columns: cols, Files: files, Notes: t.Notes, Basis: t.Params.Basis}, nil
}

func writeParquet(path string, rec arrow.RecordBatch, compression string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	props := parquet.NewWriterProperties(parquet.WithCompression(codecs[compression]))
	w, err := pqarrow.NewFileWriter(rec.Schema(), f, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		f.Close()
		return err
	}
	if err := w.Write(rec); err != nil {
		w.Close()
		return err
	}
	return w.Close() // closes f too
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

var kindTypes = map[kind]struct {
	arrow arrow.DataType
	sql   string
}{
	kNull:   {arrow.BinaryTypes.String, "VARCHAR"}, // no value at all: a column of NULL strings
	kBool:   {arrow.FixedWidthTypes.Boolean, "BOOLEAN"},
	kInt:    {arrow.PrimitiveTypes.Int64, "BIGINT"},
	kFloat:  {arrow.PrimitiveTypes.Float64, "DOUBLE"},
	kString: {arrow.BinaryTypes.String, "VARCHAR"},
	kDate:   {arrow.FixedWidthTypes.Date32, "DATE"},
	kTime:   {&arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, "TIMESTAMP WITH TIME ZONE"},
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

// record turns a report's table into one Arrow record with a column type
// per column: what the values are (a report's column has one SQL type, so
// one Go type; a column of NULLs only becomes VARCHAR).
func record(t *report.Table, mem memory.Allocator) (arrow.RecordBatch, []Column, error) {
	kinds := make([]kind, len(t.Columns))
	for _, r := range t.Rows {
		for j, v := range r {
			kinds[j] = merge(kinds[j], kindOf(v))
		}
	}
	fields := make([]arrow.Field, len(t.Columns))
	cols := make([]Column, len(t.Columns))
	for j, c := range t.Columns {
		fields[j] = arrow.Field{Name: c, Type: kindTypes[kinds[j]].arrow, Nullable: true}
		cols[j] = Column{Name: c, Type: kindTypes[kinds[j]].sql}
	}
	b := array.NewRecordBuilder(mem, arrow.NewSchema(fields, nil))
	defer b.Release()
	for _, r := range t.Rows {
		for j, v := range r {
			if err := appendValue(b.Field(j), kinds[j], v); err != nil {
				return nil, nil, fmt.Errorf("column %s: %w", t.Columns[j], err)
			}
		}
	}
	return b.NewRecordBatch(), cols, nil
}

func appendValue(b array.Builder, k kind, v any) error {
	if v == nil {
		b.AppendNull()
		return nil
	}
	switch k {
	case kBool:
		b.(*array.BooleanBuilder).Append(v.(bool))
	case kInt:
		n, ok := toInt(v)
		if !ok {
			return fmt.Errorf("value %v (%T) is not an integer", v, v)
		}
		b.(*array.Int64Builder).Append(n)
	case kFloat:
		f, ok := toFloat(v)
		if !ok {
			return fmt.Errorf("value %v (%T) is not a number", v, v)
		}
		b.(*array.Float64Builder).Append(f)
	case kDate:
		b.(*array.Date32Builder).Append(arrow.Date32FromTime(v.(time.Time)))
	case kTime:
		b.(*array.TimestampBuilder).Append(arrow.Timestamp(v.(time.Time).UnixMicro()))
	default:
		b.(*array.StringBuilder).Append(text(v))
	}
	return nil
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
