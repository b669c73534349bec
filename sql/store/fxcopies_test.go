package store

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/tradepipe/tradepipe/ingest"
)

// rates is a batch of FXSchema rows, one per key given.
func rates(t testing.TB, keys [][4]string) arrow.RecordBatch {
	t.Helper()
	b := array.NewRecordBuilder(memory.DefaultAllocator, ingest.FXSchema)
	defer b.Release()
	for i, k := range keys {
		var year, month int32
		fmt.Sscan(k[2], &year)
		fmt.Sscan(k[3], &month)
		for c, f := range ingest.FXSchema.Fields() {
			switch f.Name {
			case "line":
				b.Field(c).(*array.Int64Builder).Append(int64(i + 2))
			case "currency":
				b.Field(c).(*array.StringBuilder).Append(k[0])
			case "freq":
				b.Field(c).(*array.StringBuilder).Append(k[1])
			case "year":
				b.Field(c).(*array.Int32Builder).Append(year)
			case "month":
				b.Field(c).(*array.Int32Builder).Append(month)
			case "per_usd":
				b.Field(c).(*array.Float64Builder).Append(1)
			default:
				b.Field(c).(*array.StringBuilder).Append("")
			}
		}
	}
	return b.NewRecordBatch()
}

// copiesOf runs fxCopies over the keys, in batches of n.
func copiesOf(t testing.TB, keys [][4]string, n int) bool {
	t.Helper()
	var recs []arrow.RecordBatch
	for lo := 0; lo < len(keys); lo += n {
		recs = append(recs, rates(t, keys[lo:min(lo+n, len(keys))]))
	}
	rr, err := array.NewRecordReader(ingest.FXSchema, recs)
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Release()
	for _, r := range recs {
		r.Release()
	}
	f := newFXCopies(rr)
	for f.Next() {
	}
	return f.copies
}

// TestFXCopies: a file repeats a key when two rows share currency,
// frequency, year and month, in one batch or two, and only then; a key
// that does not pack counts as a copy (the rule then runs, as it must
// where it cannot tell).
func TestFXCopies(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		keys [][4]string
		want bool
	}{
		{"distinct", [][4]string{{"KGS", "A", "2019", "0"}, {"KGS", "M", "2019", "0"}, {"KGS", "A", "2020", "0"},
			{"KGS", "M", "2019", "1"}, {"KZT", "A", "2019", "0"}, {"KG", "A", "2019", "0"}, {"KGSS", "A", "2019", "0"},
			{"", "A", "2019", "0"}, {"\x00KG", "A", "2019", "0"}, {"KGS", "A", "2019", "12"}, {"KGS", "A", "65535", "0"}}, false},
		{"a copy", [][4]string{{"KGS", "A", "2019", "0"}, {"KZT", "A", "2019", "0"}, {"KGS", "A", "2019", "0"}}, true},
		{"a copy in the next batch", [][4]string{{"KGS", "M", "2019", "3"}, {"KZT", "A", "2019", "0"}, {"EUR", "A", "2019", "0"},
			{"KGS", "M", "2019", "3"}}, true},
		{"the first and last years of a set, every month", [][4]string{{"KGS", "M", "1900", "0"}, {"KGS", "M", "1900", "15"},
			{"KGS", "M", "2100", "0"}, {"KGS", "M", "2100", "15"}, {"KGS", "M", "1901", "0"}, {"KGS", "A", "1900", "0"},
			{"KZT", "M", "1900", "0"}, {"KGS", "M", "1899", "15"}, {"KGS", "M", "2101", "0"}}, false},
		{"a copy in the last year of a set", [][4]string{{"KGS", "M", "2100", "15"}, {"KZT", "M", "2100", "15"}, {"KGS", "M", "2100", "15"}}, true},
		{"a copy in the first", [][4]string{{"KGS", "A", "1900", "0"}, {"KGS", "M", "1900", "0"}, {"KGS", "A", "1900", "0"}}, true},
		{"a copy before the sets' years", [][4]string{{"KGS", "A", "1899", "0"}, {"KGS", "A", "2019", "0"}, {"KGS", "A", "1899", "0"}}, true},
		{"a copy after them", [][4]string{{"KGS", "A", "2101", "0"}, {"KGS", "A", "2101", "0"}}, true},
		{"a currency too long to pack", [][4]string{{"KGSXX", "A", "2019", "0"}}, true},
		{"a year too large to pack", [][4]string{{"KGS", "A", "65536", "0"}}, true},
	} {
		if got := copiesOf(t, c.keys, 3); got != c.want {
			t.Errorf("%s: copies %v, want %v", c.name, got, c.want)
		}
	}
}

// BenchmarkFXCopies: 200,000 distinct rates (200 currencies, 1,000
// months), in batches of 122,880.
func BenchmarkFXCopies(b *testing.B) {
	var keys [][4]string
	for c := range 200 {
		for m := range 1000 {
			keys = append(keys, [4]string{fmt.Sprintf("C%02d", c), "M", fmt.Sprint(1900 + m/12), fmt.Sprint(1 + m%12)})
		}
	}
	var recs []arrow.RecordBatch
	for lo := 0; lo < len(keys); lo += 122_880 {
		recs = append(recs, rates(b, keys[lo:min(lo+122_880, len(keys))]))
	}
	for b.Loop() {
		rr, _ := array.NewRecordReader(ingest.FXSchema, recs)
		f := newFXCopies(rr)
		for f.Next() {
		}
		if f.copies {
			b.Fatal("copies")
		}
		rr.Release()
	}
}
