package store

import (
	"context"
	dsql "database/sql"
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/tradepipe/tradepipe/ingest"
)

// Exchange rates are stored narrow (schema/014_narrow_fx.sql): each series
// of a file (country, code as in the file, currency, frequency) once in
// fx_series, its rates in fx_values, a period's text only where its year
// and month do not give it. The fxNarrower turns a rate reader's batches
// (ingest.FXSchema) into fx_values batches on the way into DuckDB,
// handing out the series ids; the load writes the new series after.

// fxValuesSchema is the shape of fx_values, column for column.
var fxValuesSchema = arrow.NewSchema([]arrow.Field{
	{Name: "series_id", Type: arrow.PrimitiveTypes.Int32},
	{Name: "line", Type: arrow.PrimitiveTypes.Int64},
	{Name: "year", Type: arrow.PrimitiveTypes.Int32},
	{Name: "month", Type: arrow.PrimitiveTypes.Int32},
	{Name: "period", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "per_usd", Type: arrow.PrimitiveTypes.Float64},
}, nil)

var fxIn = struct{ line, country, code, currency, freq, year, month, period, perUSD int }{
	ingest.FXSchema.FieldIndices("line")[0], ingest.FXSchema.FieldIndices("country")[0],
	ingest.FXSchema.FieldIndices("country_code")[0], ingest.FXSchema.FieldIndices("currency")[0],
	ingest.FXSchema.FieldIndices("freq")[0], ingest.FXSchema.FieldIndices("year")[0],
	ingest.FXSchema.FieldIndices("month")[0], ingest.FXSchema.FieldIndices("period")[0],
	ingest.FXSchema.FieldIndices("per_usd")[0],
}

// fxSeries is one row of fx_series without its dataset and file.
type fxSeries struct{ country, code, currency, freq string }

// fxNarrower reads ingest.FXSchema batches from src and gives fx_values
// batches.
type fxNarrower struct {
	mapped
	mem   memory.Allocator
	ids   map[fxSeries]int32
	fresh []fxSeries // the series in the order of their ids, from first
	first int32
}

// newFXNarrower reads from src, numbering the file's series from first.
func newFXNarrower(src array.RecordReader, mem memory.Allocator, first int32) *fxNarrower {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	n := &fxNarrower{mem: mem, ids: map[fxSeries]int32{}, first: first}
	n.init(src, fxValuesSchema, n.narrow)
	return n
}

// narrow makes one fx_values batch: the series ids and periods are new,
// the other columns the reader's own arrays, shared.
func (n *fxNarrower) narrow(rec arrow.RecordBatch) arrow.RecordBatch {
	rows := int(rec.NumRows())
	str := func(c int) *array.String { return rec.Column(c).(*array.String) }
	country, code, currency, freq, period := str(fxIn.country), str(fxIn.code), str(fxIn.currency), str(fxIn.freq), str(fxIn.period)
	years, months := rec.Column(fxIn.year).(*array.Int32).Int32Values(), rec.Column(fxIn.month).(*array.Int32).Int32Values()
	ids := array.NewInt32Builder(n.mem)
	defer ids.Release()
	ids.Reserve(rows)
	periods := array.NewStringBuilder(n.mem)
	defer periods.Release()
	periods.Reserve(rows)
	var last fxSeries
	lastID := int32(-1)
	for i := range rows {
		s := fxSeries{country.Value(i), code.Value(i), currency.Value(i), freq.Value(i)}
		if lastID < 0 || s != last {
			id, ok := n.ids[s]
			if !ok {
				id = n.first + int32(len(n.fresh))
				s = fxSeries{strings.Clone(s.country), strings.Clone(s.code), strings.Clone(s.currency), strings.Clone(s.freq)}
				n.ids[s] = id
				n.fresh = append(n.fresh, s)
			}
			last, lastID = s, id
		}
		ids.UnsafeAppend(lastID)
		if p := period.Value(i); impliedPeriod(s.freq, years[i], months[i], p) {
			periods.AppendNull()
		} else {
			periods.Append(p)
		}
	}
	idArr, periodArr := ids.NewArray(), periods.NewArray()
	defer idArr.Release()
	defer periodArr.Release()
	cols := []arrow.Array{idArr, rec.Column(fxIn.line), rec.Column(fxIn.year), rec.Column(fxIn.month), periodArr, rec.Column(fxIn.perUSD)}
	return array.NewRecordBatch(fxValuesSchema, cols, int64(rows))
}

// impliedPeriod reports whether p is the period fx_rates gives a rate of
// freq, year and month whose period is NULL: the year for an annual rate
// (month 0), year-MM for a monthly one.
func impliedPeriod(freq string, year, month int32, p string) bool {
	var buf [16]byte
	b := strconv.AppendInt(buf[:0], int64(year), 10)
	switch {
	case freq == "A" && month == 0:
	case freq == "M" && month >= 1 && month <= 12:
		b = append(b, '-', byte('0'+month/10), byte('0'+month%10))
	default:
		return false
	}
	return string(b) == p
}

// nextSeries is the first free series id.
func nextSeries(ctx context.Context, tx *dsql.Tx) (int32, error) {
	var next int32
	err := tx.QueryRowContext(ctx, `SELECT coalesce(max(series_id), 0) + 1 FROM fx_series`).Scan(&next)
	return next, err
}

// write inserts the series the narrower handed out, with the dataset and
// file, through the Appender on dc.
func (n *fxNarrower) write(dc driver.Conn, dataset string, fileID int64) error {
	err := appendRows(dc, "fx_series", nil, len(n.fresh), func(i int) ([]driver.Value, error) {
		s := n.fresh[i]
		return []driver.Value{n.first + int32(i), dataset, fileID, s.country, s.code, s.currency, s.freq}, nil
	})
	if err != nil {
		return fmt.Errorf("writing fx_series: %w", err)
	}
	return nil
}
