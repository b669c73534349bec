package store

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestSumsMatchAMap adds batches of rows drawn from a pool of keys, some
// repeated next to each other, most far apart, and checks the sums against
// a Go map filled the obvious way (checkSums).
func TestSumsMatchAMap(t *testing.T) {
	t.Parallel()
	for _, keys := range []int{1, 7, 5000, 300_000} {
		rng := rand.New(rand.NewPCG(uint64(keys), 2))
		pool := make([]sumKey, keys)
		for i := range pool {
			pool[i] = sumKey{rng.Int32N(50_000), 1990 + rng.Int32N(3), rng.Int32N(13), rng.Int32N(300), rng.Int32N(300), rng.Int32N(7)}
		}
		var batches [][]sumKey
		var prev sumKey
		for range 4 {
			batch := make([]sumKey, 1+rng.IntN(2*keys))
			for i := range batch {
				k := pool[rng.IntN(keys)]
				if i > 0 && rng.IntN(3) == 0 {
					k = prev // the previous row's key
				}
				batch[i], prev = k, k
			}
			batches = append(batches, batch)
		}
		checkSums(t, fmt.Sprintf("%d keys", keys), rng, batches)
	}
}

// TestSumsOfSeries adds rows in the shapes that runs of years (sums.find)
// are for and those they must not be fooled by: a group's years in order
// (a WITS record), a record given again later, years missing, years out
// of order or descending, a year again right after its run, groups
// interleaved, years 64 or more apart, a group's years split across
// batches.
func TestSumsOfSeries(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 11))
	group := func() sumKey {
		return sumKey{slice: rng.Int32N(3), month: rng.Int32N(2), reporter: rng.Int32N(20), partner: rng.Int32N(20), level: rng.Int32N(2)}
	}
	years := func(k sumKey, ys ...int32) []sumKey {
		out := make([]sumKey, len(ys))
		for i, y := range ys {
			k.year = y
			out[i] = k
		}
		return out
	}
	span := func(from, to int32) []int32 {
		var ys []int32
		for y := from; y != to; {
			ys = append(ys, y)
			if from < to {
				y++
			} else {
				y--
			}
		}
		return append(ys, to)
	}
	for c := range 200 {
		var rows []sumKey
		for range 1 + rng.IntN(60) {
			k := group()
			from := 1990 + rng.Int32N(10)
			switch rng.IntN(10) {
			case 0: // descending
				rows = append(rows, years(k, span(from+rng.Int32N(8), from)...)...)
			case 1: // a gap
				rows = append(rows, years(k, span(from, from+3)...)...)
				rows = append(rows, years(k, span(from+5, from+7)...)...)
			case 2: // the run's last year again, and a year before its first
				rows = append(rows, years(k, from, from+1, from+1, from-1, from+2)...)
			case 3: // two groups interleaved
				g := group()
				for _, y := range span(from, from+4) {
					rows = append(rows, years(k, y)...)
					rows = append(rows, years(g, y)...)
				}
			case 4: // one year
				rows = append(rows, years(k, from)...)
			case 5: // years missing at random, over more than 64 years; twice
				var ys []int32
				for _, y := range span(from, from+rng.Int32N(90)) {
					if rng.IntN(3) > 0 {
						ys = append(ys, y)
					}
				}
				rows = append(rows, years(k, append(ys, ys...)...)...)
			case 6: // a missing year given right after the year after it, then both again
				rows = append(rows, years(k, from, from+2, from+1, from+3, from+2, from+1)...)
			default: // a record of years in order
				rows = append(rows, years(k, span(from, from+rng.Int32N(25))...)...)
			}
		}
		var batches [][]sumKey
		for len(rows) > 0 {
			n := min(1+rng.IntN(40), len(rows))
			batches, rows = append(batches, rows[:n]), rows[n:]
		}
		checkSums(t, fmt.Sprintf("case %d", c), rng, batches)
	}
}

// checkSums adds the batches of keys, each row a random value, and checks
// the sums against a Go map: the same keys in the order they first came,
// each value added in the rows' order (so the float sums are bit for bit
// the same), the same row counts; then that the Arrow batch holds them.
func checkSums(t *testing.T, name string, rng *rand.Rand, batches [][]sumKey) {
	t.Helper()
	type model struct {
		value float64
		rows  int64
	}
	want := map[sumKey]*model{}
	var order []sumKey
	s := newSums()
	for _, batch := range batches {
		n := len(batch)
		cols := make([][]int32, 6)
		for c := range cols {
			cols[c] = make([]int32, n)
		}
		values := make([]float64, n)
		for i, k := range batch {
			for c, v := range []int32{k.slice, k.year, k.month, k.reporter, k.partner, k.level} {
				cols[c][i] = v
			}
			values[i] = rng.Float64() * 1e6
			m := want[k]
			if m == nil {
				m = &model{}
				want[k] = m
				order = append(order, k)
			}
			m.value += values[i]
			m.rows++
		}
		s.add(cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], values)
	}
	if s.all.n != len(order) {
		t.Fatalf("%s: %d sums, want %d", name, s.all.n, len(order))
	}
	for _, batch := range []int{duckdbRowGroupRows, 1 + rng.IntN(50)} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		rr := s.readerOf(mem, batch)
		i := 0
		for rr.Next() {
			rec := rr.RecordBatch()
			if n := int(rec.NumRows()); n > batch || n == 0 && len(order) > 0 || n < batch && i+n < len(order) {
				t.Fatalf("%s: a batch of %d rows after %d of %d, in batches of %d", name, n, i, len(order), batch)
			}
			ints := func(c int) []int32 { return rec.Column(c).(*array.Int32).Int32Values() }
			vals, rows := rec.Column(6).(*array.Float64).Float64Values(), rec.Column(7).(*array.Int64).Int64Values()
			for j := range int(rec.NumRows()) {
				k := order[i]
				got := sumKey{ints(0)[j], ints(1)[j], ints(2)[j], ints(3)[j], ints(4)[j], ints(5)[j]}
				if got != k || vals[j] != want[k].value || rows[j] != want[k].rows {
					t.Fatalf("%s: sum %d is %v %v %d, want %v %v %d", name, i, got, vals[j], rows[j], k, want[k].value, want[k].rows)
				}
				i++
			}
		}
		if i != len(order) {
			t.Fatalf("%s: %d sums in the batches of %d, want %d", name, i, batch, len(order))
		}
		rr.Release()
		mem.AssertSize(t, 0)
	}
}

// BenchmarkSums adds the keys of two layouts a batch at a time: a WITS
// partner time series, where every row is a key of its own (a record's
// years one after the other), and a BACI year, where a pair's products
// follow each other and share one key.
func BenchmarkSums(b *testing.B) {
	layouts := []struct {
		name        string
		records     int
		years, rows int // keys a record gives, and rows a key
	}{
		{"wits", 100_000, 25, 1},
		{"baci", 40_000, 1, 250},
	}
	for _, l := range layouts {
		n := l.records * l.years * l.rows
		cols := make([][]int32, 6)
		for c := range cols {
			cols[c] = make([]int32, n)
		}
		values := make([]float64, n)
		i := 0
		for r := range l.records {
			for y := range l.years {
				for range l.rows {
					cols[0][i], cols[1][i], cols[3][i], cols[4][i] = int32(r%2), int32(1995+y), int32(r/300), int32(r%300)
					values[i] = float64(i)
					i++
				}
			}
		}
		b.Run(l.name, func(b *testing.B) {
			for b.Loop() {
				s := newSums()
				for lo := 0; lo < n; lo += 122_880 {
					hi := min(lo+122_880, n)
					s.add(cols[0][lo:hi], cols[1][lo:hi], cols[2][lo:hi], cols[3][lo:hi], cols[4][lo:hi], cols[5][lo:hi], values[lo:hi])
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/row")
		})
	}
}
