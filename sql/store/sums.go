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

// sums are a file's sums, in the order their keys first came. The index
// is a table of its own rather than a Go map: a file whose rows share no
// key (a WITS record's 27 years are 27 keys) looks up a new key for every
// row, and at 2.5 million keys Go's map (hashing 24-byte keys, growing)
// and the growing slice of sums took 1.6 s of CPU. The table probes
// linearly by a hash of the key and keeps part of the hash beside each
// index, so a probe reads a sum only when the hashes agree; the sums are
// kept in fixed blocks, which never move as they grow.
type sums struct {
	slots  []uint64 // 0 empty, else hash<<32 | (index+1); len a power of 2
	blocks [][]sum  // sum i is blocks[i>>sumBlockBits][i&sumBlockMask]
	n      int
	last   *sum // the previous row's sum, nil before the first
}

const (
	sumBlockBits = 14
	sumBlockMask = 1<<sumBlockBits - 1
)

func newSums() *sums { return &sums{slots: make([]uint64, 1024)} }

// hash mixes a key's six numbers.
func (k *sumKey) hash() uint64 {
	a := uint64(uint32(k.slice)) | uint64(uint32(k.year))<<32
	b := uint64(uint32(k.month)) | uint64(uint32(k.level))<<32
	c := uint64(uint32(k.reporter)) | uint64(uint32(k.partner))<<32
	h := a*0x9e3779b97f4a7c15 ^ b*0xc2b2ae3d27d4eb4f ^ c*0x165667b19e3779f9
	h ^= h >> 31
	h *= 0xd6e8feb86659fd93
	return h ^ h>>32
}

// at is sum i.
func (s *sums) at(i int) *sum { return &s.blocks[i>>sumBlockBits][i&sumBlockMask] }

// find gives the sum of key k, new (zero) if the key is new.
func (s *sums) find(k sumKey) *sum {
	h := k.hash()
	tag := h &^ (1<<32 - 1)
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		e := s.slots[i]
		if e == 0 {
			return s.insert(i, tag, k)
		}
		if e&^(1<<32-1) == tag {
			if p := s.at(int(uint32(e)) - 1); p.sumKey == k {
				return p
			}
		}
	}
}

// insert adds key k in the empty slot i.
func (s *sums) insert(i, tag uint64, k sumKey) *sum {
	if s.n&sumBlockMask == 0 {
		s.blocks = append(s.blocks, make([]sum, 1<<sumBlockBits))
	}
	s.n++
	s.slots[i] = tag | uint64(s.n)
	p := s.at(s.n - 1)
	p.sumKey = k
	if 2*s.n > len(s.slots) {
		s.grow()
	}
	return p
}

// grow doubles the table, at half full, reading the sums in order.
func (s *sums) grow() {
	slots := make([]uint64, 2*len(s.slots))
	mask := uint64(len(slots) - 1)
	for j := range s.n {
		h := s.at(j).hash()
		i := h & mask
		for slots[i] != 0 {
			i = (i + 1) & mask
		}
		slots[i] = h&^(1<<32-1) | uint64(j+1)
	}
	s.slots = slots
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
		ints[i].Reserve(s.n)
	}
	vals, rows := b.Field(6).(*array.Float64Builder), b.Field(7).(*array.Int64Builder)
	vals.Reserve(s.n)
	rows.Reserve(s.n)
	for j := range s.n {
		r := s.at(j)
		for i, v := range []int32{r.slice, r.year, r.month, r.reporter, r.partner, r.level} {
			ints[i].UnsafeAppend(v)
		}
		vals.UnsafeAppend(r.value)
		rows.UnsafeAppend(r.rows)
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	rr, _ := array.NewRecordReader(sumsSchema, []arrow.RecordBatch{rec})
	return rr
}
