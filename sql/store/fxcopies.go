package store

import (
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/tradepipe/tradepipe/ingest"
)

// fxCopies passes an exchange-rate reader's batches through and notes
// whether two of its rows share a currency, frequency, year and month: the
// copies replace/fx_one_rate.sql chooses between. A file without any,
// loaded into a dataset that holds no other file's rates, leaves that rule
// nothing to delete, so the load need not run it (it took 0.18-0.21 s of a
// 200k-row file's 0.9 s).
type fxCopies struct {
	array.RecordReader
	seen   map[fxKey]struct{}
	copies bool // two rows share a key, or a key did not fit fxKey
}

// fxKey is a rate's currency (up to 4 bytes, as ISO 4217's are 3),
// frequency (one letter), year and month.
type fxKey struct {
	currency    [4]byte
	freq        byte
	year, month int32
}

var fxCols = struct{ currency, freq, year, month int }{
	ingest.FXSchema.FieldIndices("currency")[0], ingest.FXSchema.FieldIndices("freq")[0],
	ingest.FXSchema.FieldIndices("year")[0], ingest.FXSchema.FieldIndices("month")[0],
}

func newFXCopies(r array.RecordReader) *fxCopies {
	return &fxCopies{RecordReader: r, seen: map[fxKey]struct{}{}}
}

func (f *fxCopies) Next() bool {
	if !f.RecordReader.Next() {
		return false
	}
	if f.copies {
		return true
	}
	rec := f.RecordBatch()
	currency, freq := rec.Column(fxCols.currency).(*array.String), rec.Column(fxCols.freq).(*array.String)
	years, months := rec.Column(fxCols.year).(*array.Int32).Int32Values(), rec.Column(fxCols.month).(*array.Int32).Int32Values()
	for i := range years {
		c, q := currency.Value(i), freq.Value(i)
		if len(c) > 4 || len(q) != 1 {
			f.copies = true
			break
		}
		k := fxKey{freq: q[0], year: years[i], month: months[i]}
		copy(k.currency[:], c)
		if _, ok := f.seen[k]; ok {
			f.copies = true
			break
		}
		f.seen[k] = struct{}{}
	}
	if f.copies {
		f.seen = nil
	}
	return true
}
