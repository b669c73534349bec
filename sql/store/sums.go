package store

import (
	"math/bits"

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

// groupKey is a sumKey without its year: the sums of a group are the
// years of one reporter, partner, slice, month and product level.
type groupKey struct{ slice, month, reporter, partner, level int32 }

func (k *sumKey) group() groupKey { return groupKey{k.slice, k.month, k.reporter, k.partner, k.level} }

// sum is one row of trade_sums.
type sum struct {
	sumKey
	value float64
	rows  int64
}

// run is some of a group's sums, one a year, of years from y0 to y0+63,
// made one after the other from sum first on: have's bit i is set where
// year y0+i has one. Its group is its first sum's: a BACI year's runs
// are as many as its sums, and with the group's key in each as well its
// load peaked at 403-419 MB, against 371-383 MB so.
type run struct {
	first int32
	y0    int32
	have  uint64
}

// sum gives the run's sum of year y, if it has one: its number. (A year
// before y0 makes i a large number, as one 64 or more after it does.)
func (r *run) sum(y int32) (int, bool) {
	i := uint(y - r.y0)
	if i >= 64 || r.have&(1<<i) == 0 {
		return 0, false
	}
	return int(r.first) + bits.OnesCount64(r.have&(1<<i-1)), true
}

// extends reports whether the sum of year y, made next as sum n, would
// extend the run: a later year than its last, within its 64, and its
// last sum the last one made.
func (r *run) extends(y int32, n int) bool {
	i := uint(y - r.y0)
	return i < 64 && r.have>>i == 0 && int(r.first)+bits.OnesCount64(r.have) == n
}

// sums are a file's sums, in the order their keys first came.
//
// A key is looked up only when it is not the previous row's. Most of a
// group's keys are then found without a lookup of their own: a WITS
// record's 27 years are 27 keys, new one after the other, which a table
// of keys looked up one by one (2.5 million of them in a WITS file, each
// a read of memory far from the last: 0.8 s of CPU) where a run of years
// needs one lookup of its group. So a group's first sum starts its run;
// a sum of a later year than the run's last, made right after it, extends
// the run (years may be missing between: WITS leaves a year empty where
// it has no figure); any other sum of the group (a year the run does not
// hold, made after other sums, or 64 years or more after the run's first)
// is kept by its whole key (byKey). A key is found in its group's run or
// else in byKey, never both.
type sums struct {
	all     chunked[sum]
	runs    chunked[run]
	byGroup index    // runs by groupKey
	byKey   index    // the sums no run holds, by sumKey
	last    *sum     // the previous row's sum, nil before the first
	run     *run     // the run last looked up, nil before the first
	group   groupKey // its group
}

func newSums() *sums { return &sums{} }

// mix hashes three pairs of numbers.
func mix(a, b, c uint64) uint64 {
	h := a*0x9e3779b97f4a7c15 ^ b*0xc2b2ae3d27d4eb4f ^ c*0x165667b19e3779f9
	h ^= h >> 31
	h *= 0xd6e8feb86659fd93
	return h ^ h>>32
}

func (k *sumKey) hash() uint64 {
	return mix(uint64(uint32(k.slice))|uint64(uint32(k.year))<<32, uint64(uint32(k.month))|uint64(uint32(k.level))<<32,
		uint64(uint32(k.reporter))|uint64(uint32(k.partner))<<32)
}

func (k *groupKey) hash() uint64 {
	return mix(uint64(uint32(k.slice)), uint64(uint32(k.month))|uint64(uint32(k.level))<<32,
		uint64(uint32(k.reporter))|uint64(uint32(k.partner))<<32)
}

// find gives the sum of key k, new (zero) if the key is new.
func (s *sums) find(k sumKey) *sum {
	if g := k.group(); s.run == nil || s.group != g {
		i, found := s.byGroup.lookup(g.hash(), func(i int) bool { return s.all.at(int(s.runs.at(i).first)).group() == g }, s.runs.n)
		s.group = g
		if !found {
			s.run = s.runs.add()
			*s.run = run{first: int32(s.all.n), y0: k.year, have: 1}
			return s.add1(k)
		}
		s.run = s.runs.at(i)
	}
	r := s.run
	if i, ok := r.sum(k.year); ok {
		return s.all.at(i)
	}
	if r.extends(k.year, s.all.n) {
		r.have |= 1 << uint(k.year-r.y0)
		return s.add1(k)
	}
	i, found := s.byKey.lookup(k.hash(), func(i int) bool { return s.all.at(i).sumKey == k }, s.all.n)
	if found {
		return s.all.at(i)
	}
	return s.add1(k)
}

// add1 adds a sum of key k.
func (s *sums) add1(k sumKey) *sum {
	p := s.all.add()
	p.sumKey = k
	return p
}

// add adds a batch's rows, given their ids and product levels.
func (s *sums) add(slices, years, months, reporters, partners, levels []int32, values []float64) {
	for i := range values {
		k := sumKey{slices[i], years[i], months[i], reporters[i], partners[i], levels[i]}
		if s.last == nil || s.last.sumKey != k {
			s.last = s.find(k)
		}
		s.last.value += values[i]
		s.last.rows++
	}
}

// chunked holds values in fixed blocks, which never move as they grow:
// a pointer to one stays good.
type chunked[T any] struct {
	blocks [][]T // value i is blocks[i>>chunkBits][i&chunkMask]
	n      int
}

const (
	chunkBits = 14
	chunkMask = 1<<chunkBits - 1
)

func (c *chunked[T]) at(i int) *T { return &c.blocks[i>>chunkBits][i&chunkMask] }

// add adds a zero value and gives it.
func (c *chunked[T]) add() *T {
	if c.n&chunkMask == 0 {
		c.blocks = append(c.blocks, make([]T, 1<<chunkBits))
	}
	c.n++
	return c.at(c.n - 1)
}

// index finds values kept elsewhere (numbered from 0) by a hash of their
// key. It is a table of its own rather than a Go map: a WITS file's 2.5
// million sums took 1.61 s of CPU in Go's map of 24-byte keys, 0.61 s in
// this table (docs/performance-log.md). The table
// probes linearly and keeps the top half of each value's hash beside its
// number, so a probe compares keys only when the hashes agree. A value's
// home slot is the top bits of its hash, so the table is in the order of
// the halves kept: growing it reads the slots in order and writes the
// larger table nearly in order, not each value anywhere.
type index struct {
	slots []uint64 // 0 empty, else hash>>32<<32 | (number+1); len 1<<bits
	bits  uint
	n     int
}

const indexFirstBits = 10

// lookup gives the number of the value of hash h that eq accepts; if
// there is none, it adds next as that value's number and gives it, with
// false.
func (x *index) lookup(h uint64, eq func(int) bool, next int) (int, bool) {
	if x.slots == nil {
		x.slots, x.bits = make([]uint64, 1<<indexFirstBits), indexFirstBits
	}
	tag := h &^ (1<<32 - 1)
	mask := uint64(len(x.slots) - 1)
	for i := tag >> (64 - x.bits); ; i = (i + 1) & mask {
		e := x.slots[i]
		if e == 0 {
			x.slots[i] = tag | uint64(next+1)
			if x.n++; 2*x.n > len(x.slots) {
				x.grow()
			}
			return next, false
		}
		if e&^(1<<32-1) == tag && eq(int(uint32(e))-1) {
			return int(uint32(e)) - 1, true
		}
	}
}

// grow doubles the table, at half full.
func (x *index) grow() {
	x.bits++
	slots := make([]uint64, 1<<x.bits)
	mask := uint64(len(slots) - 1)
	for _, e := range x.slots {
		if e == 0 {
			continue
		}
		i := e >> (64 - x.bits)
		for slots[i] != 0 {
			i = (i + 1) & mask
		}
		slots[i] = e
	}
	x.slots = slots
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

// reader gives the sums as Arrow batches of a row group each
// (duckdbRowGroupRows), for DuckDB to insert: one batch of them all was inserted on
// one thread, and a WITS file's 2.5 million sums took 0.52-0.63 s so,
// against 0.29-0.30 s (docs/performance-log.md).
func (s *sums) reader(mem memory.Allocator) array.RecordReader {
	return s.readerOf(mem, duckdbRowGroupRows)
}

// readerOf is reader with batches of up to batch sums.
func (s *sums) readerOf(mem memory.Allocator, batch int) array.RecordReader {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	b := array.NewRecordBuilder(mem, sumsSchema)
	defer b.Release()
	ints := make([]*array.Int32Builder, 6)
	for i := range ints {
		ints[i] = b.Field(i).(*array.Int32Builder)
	}
	vals, rows := b.Field(6).(*array.Float64Builder), b.Field(7).(*array.Int64Builder)
	var recs []arrow.RecordBatch
	for start := 0; start < s.all.n; start += batch {
		n := min(batch, s.all.n-start)
		for _, x := range ints {
			x.Reserve(n)
		}
		vals.Reserve(n)
		rows.Reserve(n)
		for j := start; j < start+n; j++ {
			r := s.all.at(j)
			for i, v := range []int32{r.slice, r.year, r.month, r.reporter, r.partner, r.level} {
				ints[i].UnsafeAppend(v)
			}
			vals.UnsafeAppend(r.value)
			rows.UnsafeAppend(r.rows)
		}
		recs = append(recs, b.NewRecordBatch())
	}
	if len(recs) == 0 {
		recs = append(recs, b.NewRecordBatch())
	}
	rr, _ := array.NewRecordReader(sumsSchema, recs)
	for _, rec := range recs {
		rec.Release()
	}
	return rr
}
