package store

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The sums of a file's rows (trade_sums) are made as the rows stream in:
// the narrower adds every batch it gives DuckDB, after giving it its ids,
// so no step reads the file's rows again. Rows come sorted more often
// than not (BACI by year, exporter, importer, product; Comtrade by
// reporter and partner), so a row adds to the previous row's sum when it
// shares its key, and looks its sum up only when the key changes.

// sumKey is what trade_sums sums by.
type sumKey struct {
	slice, year, month, reporter, partner int32
	level                                 int32
}

// sum is one row of trade_sums.
type sum struct {
	sumKey
	value float64
	rows  int64
}

// sums are a file's sums, in the order their keys first came.
type sums struct {
	index map[sumKey]int
	rows  []sum
	last  int // index of the previous row's sum, -1 before the first
}

func newSums() *sums { return &sums{index: map[sumKey]int{}, last: -1} }

// add adds a batch's rows, given their ids and product levels.
func (s *sums) add(slices, years, months, reporters, partners, levels []int32, values []float64) {
	for i := range values {
		k := sumKey{slices[i], years[i], months[i], reporters[i], partners[i], levels[i]}
		if s.last < 0 || s.rows[s.last].sumKey != k {
			j, ok := s.index[k]
			if !ok {
				j = len(s.rows)
				s.rows = append(s.rows, sum{sumKey: k})
				s.index[k] = j
			}
			s.last = j
		}
		s.rows[s.last].value += values[i]
		s.rows[s.last].rows++
	}
}

// sumsSchema is the shape of trade_sums, column for column.
var sumsSchema = arrow.NewSchema([]arrow.Field{
	{Name: "slice_id", Type: arrow.PrimitiveTypes.Int32},
	{Name: "year", Type: arrow.PrimitiveTypes.Int32},
	{Name: "month", Type: arrow.PrimitiveTypes.Int32},
	{Name: "reporter", Type: arrow.PrimitiveTypes.Int32},
	{Name: "partner", Type: arrow.PrimitiveTypes.Int32},
	{Name: "level", Type: arrow.PrimitiveTypes.Int32},
	{Name: "value", Type: arrow.PrimitiveTypes.Float64},
	{Name: "rows", Type: arrow.PrimitiveTypes.Int64},
}, nil)

// reader gives the sums as one Arrow batch, for DuckDB to insert.
func (s *sums) reader(mem memory.Allocator) array.RecordReader {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	b := array.NewRecordBuilder(mem, sumsSchema)
	defer b.Release()
	ints := make([]*array.Int32Builder, 6)
	for i := range ints {
		ints[i] = b.Field(i).(*array.Int32Builder)
		ints[i].Reserve(len(s.rows))
	}
	vals, rows := b.Field(6).(*array.Float64Builder), b.Field(7).(*array.Int64Builder)
	for _, r := range s.rows {
		for i, v := range []int32{r.slice, r.year, r.month, r.reporter, r.partner, r.level} {
			ints[i].UnsafeAppend(v)
		}
		vals.Append(r.value)
		rows.Append(r.rows)
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	rr, _ := array.NewRecordReader(sumsSchema, []arrow.RecordBatch{rec})
	return rr
}
