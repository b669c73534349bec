package store

import (
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestSumsMatchAMap adds batches of rows drawn from a pool of keys, some
// repeated next to each other, most far apart, and checks the sums against a Go map
// filled the obvious way: the same keys in the order they first came, each
// value added in the rows' order (so the float sums are bit for bit the
// same), the same row counts; then that the Arrow batch holds them.
func TestSumsMatchAMap(t *testing.T) {
	t.Parallel()
	for _, keys := range []int{1, 7, 5000, 300_000} {
		rng := rand.New(rand.NewPCG(uint64(keys), 2))
		pool := make([]sumKey, keys)
		for i := range pool {
			pool[i] = sumKey{rng.Int32N(50_000), 1990 + rng.Int32N(3), rng.Int32N(13), rng.Int32N(300), rng.Int32N(300), rng.Int32N(7)}
		}
		s := newSums()
		type model struct {
			value float64
			rows  int64
		}
		want := map[sumKey]*model{}
		var order []sumKey
		var prev sumKey
		for range 4 {
			n := 1 + rng.IntN(2*keys)
			cols := make([][]int32, 6)
			for c := range cols {
				cols[c] = make([]int32, n)
			}
			values := make([]float64, n)
			for i := range n {
				k := pool[rng.IntN(keys)]
				if i > 0 && rng.IntN(3) == 0 {
					k = prev // the previous row's key
				}
				prev = k
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
		if s.n != len(order) {
			t.Fatalf("%d keys: %d sums, want %d", keys, s.n, len(order))
		}
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		rr := s.reader(mem)
		if !rr.Next() {
			t.Fatal("no batch")
		}
		rec := rr.RecordBatch()
		if int(rec.NumRows()) != len(order) {
			t.Fatalf("%d keys: batch of %d rows, want %d", keys, rec.NumRows(), len(order))
		}
		ints := func(c int) []int32 { return rec.Column(c).(*array.Int32).Int32Values() }
		vals, rows := rec.Column(6).(*array.Float64).Float64Values(), rec.Column(7).(*array.Int64).Int64Values()
		for i, k := range order {
			got := sumKey{ints(0)[i], ints(1)[i], ints(2)[i], ints(3)[i], ints(4)[i], ints(5)[i]}
			if got != k || vals[i] != want[k].value || rows[i] != want[k].rows {
				t.Fatalf("%d keys: sum %d is %v %v %d, want %v %v %d", keys, i, got, vals[i], rows[i], k, want[k].value, want[k].rows)
			}
		}
		rr.Release()
		mem.AssertSize(t, 0)
	}
}
