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
	sets   map[uint64]*periodSet // by currency and frequency (fxKey >> 20)
	seen   map[uint64]struct{}   // keys of a year outside periodSet's
	copies bool                  // two rows share a key, or a key did not fit fxKey
}

// periodSet is a bit per year from 1900 to 2100 and month (0-15) of one
// currency and frequency: a rate file's keys, one test and set a row
// where a map of 200,000 numbers took 17-20 ms on DuckDB's thread
// (BenchmarkFXCopies).
type periodSet [(periodYears*16 + 63) / 64]uint64

const (
	periodFirst = 1900
	periodYears = 2100 - periodFirst + 1
)

// fxKey packs a rate's currency (up to 4 bytes, as ISO 4217's are 3),
// frequency (one letter), year (0-65535) and month (0-15) into one
// number: 200,000 rates took 17 ms in a map of numbers, 30 ms in one of
// structs (BenchmarkFXCopies), on the thread DuckDB pulls the rows on.
// (Sized for the first batch at once, the map took longer: 25-32 ms.) ok
// is false for a key that does not fit.
func fxKey(currency, freq string, year, month int32) (k uint64, ok bool) {
	if len(currency) > 4 || len(freq) != 1 || year < 0 || year > 0xffff || month < 0 || month > 0xf {
		return 0, false
	}
	for i := 0; i < len(currency); i++ {
		k = k<<8 | uint64(currency[i])
	}
	k |= uint64(len(currency)) << 32 // "AB" and "\x00AB" apart: 35 bits in all
	return k<<28 | uint64(freq[0])<<20 | uint64(year)<<4 | uint64(month), true
}

var fxCols = struct{ currency, freq, year, month int }{
	ingest.FXSchema.FieldIndices("currency")[0], ingest.FXSchema.FieldIndices("freq")[0],
	ingest.FXSchema.FieldIndices("year")[0], ingest.FXSchema.FieldIndices("month")[0],
}

func newFXCopies(r array.RecordReader) *fxCopies {
	return &fxCopies{RecordReader: r, sets: map[uint64]*periodSet{}, seen: map[uint64]struct{}{}}
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
	var set *periodSet
	last := ^uint64(0) // no currency and frequency packs to it
	for i := range years {
		k, ok := fxKey(currency.Value(i), freq.Value(i), years[i], months[i])
		if !ok {
			f.copies = true
			break
		}
		if y := years[i] - periodFirst; y >= 0 && y < periodYears {
			if ck := k >> 20; ck != last {
				if set = f.sets[ck]; set == nil {
					set = new(periodSet)
					f.sets[ck] = set
				}
				last = ck
			}
			bit := uint(y)*16 + uint(months[i])
			if set[bit/64]&(1<<(bit%64)) != 0 {
				f.copies = true
				break
			}
			set[bit/64] |= 1 << (bit % 64)
			continue
		}
		if _, dup := f.seen[k]; dup {
			f.copies = true
			break
		}
		f.seen[k] = struct{}{}
	}
	if f.copies {
		f.sets, f.seen = nil, nil
	}
	return true
}
