package store

import (
	"bytes"
	"context"
	dsql "database/sql"
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/tradepipe/tradepipe/ingest"
	"github.com/tradepipe/tradepipe/transform"
)

// Trade rows are stored narrow (schema/003_narrow_trade.sql): what a
// file repeats on every row goes once into trade_slices, each (ISO3, code
// as in the file) pair once into trade_codes, and trade_rows keeps the rest
// with references to both. The narrower turns the readers' batches
// (ingest.TradeSchema) into trade_rows batches on the way into DuckDB,
// assigning the references; the store then writes the new slices and codes
// in the same transaction.

// rowsSchema is the shape of trade_rows, column for column.
var rowsSchema = arrow.NewSchema([]arrow.Field{
	{Name: "slice_id", Type: arrow.PrimitiveTypes.Int32},
	{Name: "line", Type: arrow.PrimitiveTypes.Int64},
	{Name: "year", Type: arrow.PrimitiveTypes.Int32},
	{Name: "month", Type: arrow.PrimitiveTypes.Int32},
	{Name: "reporter", Type: arrow.PrimitiveTypes.Int32},
	{Name: "partner", Type: arrow.PrimitiveTypes.Int32},
	{Name: "product", Type: arrow.PrimitiveTypes.Int32},
	{Name: "value", Type: arrow.PrimitiveTypes.Float64},
	{Name: "cif_value", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "fob_value", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "quantity", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "net_weight_kg", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
}, nil)

// slice is one row of trade_slices without its dataset and file.
type slice struct {
	freq, partner2, flow, classification, customs, mot, currency string
	unit                                                         string
	hasUnit                                                      bool
	reported, aggregate                                          int8 // -1 null, 0 false, 1 true
	estimate                                                     int8 // as reported
	tradeType                                                    string
	level                                                        int8 // the file's product level, -1 null
	leaf                                                         int8 // -1 null, 0 false, 1 true
}

// codePair is one row of trade_codes without its ids.
type codePair struct{ country, code string }

// interner hands out slice, code and product ids: those the database
// already holds and new ones, which it remembers for writing. Ids are
// dense: a new one is the next after the largest.
type interner struct {
	slices      map[slice]int32 // the current file's
	newSlices   []slice         // ids nextSlice-len(newSlices) ... nextSlice-1
	sliceFiles  []int64         // the file of each new slice
	file        int64           // the current file
	nextSlice   int32
	codes       map[codePair]int32
	countries   map[string]int32 // country -> its first code_id (country_id)
	newCodes    []codePair
	nextCode    int32
	products    map[string]int32
	levels      []int32 // by product id: transform.ProductLevel of its code
	newProducts []string
	nextProduct int32
	// The same ids by packed key, for codes and products short enough to
	// pack (see pack): a number hashes and compares faster than strings.
	codes64, products64 map[uint64]int32
}

// loadInterner reads the known code pairs and the next free ids. Slices
// are never shared between files, so none are read.
func loadInterner(ctx context.Context, tx *dsql.Tx) (*interner, error) {
	in := &interner{slices: map[slice]int32{}, codes: map[codePair]int32{}, countries: map[string]int32{}, products: map[string]int32{},
		codes64: map[uint64]int32{}, products64: map[uint64]int32{}}
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(slice_id), 0) + 1 FROM trade_slices`).Scan(&in.nextSlice); err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT code_id, country, code, country_id FROM trade_codes`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	in.nextCode = 1
	for rows.Next() {
		var id, cid int32
		var p codePair
		if err := rows.Scan(&id, &p.country, &p.code, &cid); err != nil {
			return nil, err
		}
		in.codes[p] = id
		in.countries[p.country] = cid
		in.nextCode = max(in.nextCode, id+1)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	prows, err := tx.QueryContext(ctx, `SELECT product_id, product, level FROM trade_products`)
	if err != nil {
		return nil, err
	}
	defer prows.Close()
	in.nextProduct = 1
	for prows.Next() {
		var id, level int32
		var p string
		if err := prows.Scan(&id, &p, &level); err != nil {
			return nil, err
		}
		in.products[p] = id
		in.setLevel(id, level)
		in.nextProduct = max(in.nextProduct, id+1)
	}
	return in, prows.Err()
}

func (in *interner) setLevel(id, level int32) {
	if int(id) >= len(in.levels) {
		in.levels = append(in.levels, make([]int32, int(id)+1-len(in.levels))...)
	}
	in.levels[id] = level
}

// slice returns s's id. s's strings may point into an Arrow buffer: a new
// key is cloned before it is kept.
func (in *interner) slice(s slice) int32 {
	if id, ok := in.slices[s]; ok {
		return id
	}
	for _, p := range []*string{&s.freq, &s.partner2, &s.flow, &s.classification, &s.customs, &s.mot, &s.currency, &s.unit, &s.tradeType} {
		*p = strings.Clone(*p)
	}
	id := in.nextSlice
	in.nextSlice++
	in.slices[s] = id
	in.newSlices = append(in.newSlices, s)
	in.sliceFiles = append(in.sliceFiles, in.file)
	return id
}

func (in *interner) code(p codePair) int32 {
	if id, ok := in.codes[p]; ok {
		return id
	}
	p = codePair{strings.Clone(p.country), strings.Clone(p.code)}
	id := in.nextCode
	in.nextCode++
	in.codes[p] = id
	if _, ok := in.countries[p.country]; !ok {
		in.countries[p.country] = id
	}
	in.newCodes = append(in.newCodes, p)
	return id
}

func (in *interner) product(p string) int32 {
	if id, ok := in.products[p]; ok {
		return id
	}
	p = strings.Clone(p)
	id := in.nextProduct
	in.nextProduct++
	in.products[p] = id
	in.setLevel(id, int32(transform.ProductLevel(p)))
	in.newProducts = append(in.newProducts, p)
	return id
}

// startFile readies the interner for the rows of file id: slices are
// never shared between files. The new ids of the files before it are
// kept until written (a group of zip entries writes them once: batch.go).
func (in *interner) startFile(id int64) {
	clear(in.slices)
	in.file = id
}

// written forgets the new ids, once write wrote them.
func (in *interner) written() {
	in.newSlices, in.sliceFiles, in.newCodes, in.newProducts = in.newSlices[:0], in.sliceFiles[:0], in.newCodes[:0], in.newProducts[:0]
}

// write inserts the slices, code pairs and products first seen since the
// last write, each slice with its file, through the Appender on dc (in
// tx's transaction).
func (in *interner) write(dc driver.Conn, dataset string) error {
	first := in.nextSlice - int32(len(in.newSlices))
	err := appendRows(dc, "trade_slices", strings.Fields(`slice_id dataset file_id freq partner2 flow classification customs mot
		currency quantity_unit is_reported is_aggregate is_estimate trade_type aggr_level is_leaf`), len(in.newSlices), func(i int) ([]driver.Value, error) {
		s := in.newSlices[i]
		var unit, level any
		if s.hasUnit {
			unit = s.unit
		}
		if s.level >= 0 {
			level = int32(s.level)
		}
		return []driver.Value{first + int32(i), dataset, in.sliceFiles[i], s.freq, s.partner2, s.flow, s.classification, s.customs, s.mot,
			s.currency, unit, triBool(s.reported), triBool(s.aggregate), triBool(s.estimate), s.tradeType, level, triBool(s.leaf)}, nil
	})
	if err != nil {
		return fmt.Errorf("writing trade_slices: %w", err)
	}
	// Codes and products go in through the Appender: a file of 5,000
	// products took 0.1 s as INSERTs of 500 rows' parameters each.
	firstCode := in.nextCode - int32(len(in.newCodes))
	err = appendRows(dc, "trade_codes", nil, len(in.newCodes), func(i int) ([]driver.Value, error) {
		p := in.newCodes[i]
		return []driver.Value{firstCode + int32(i), p.country, p.code, in.countries[p.country]}, nil
	})
	if err != nil {
		return fmt.Errorf("writing trade_codes: %w", err)
	}
	firstProduct := in.nextProduct - int32(len(in.newProducts))
	err = appendRows(dc, "trade_products", nil, len(in.newProducts), func(i int) ([]driver.Value, error) {
		id := firstProduct + int32(i)
		return []driver.Value{id, in.newProducts[i], in.levels[id]}, nil
	})
	if err != nil {
		return fmt.Errorf("writing trade_products: %w", err)
	}
	in.written()
	return nil
}

func triBool(v int8) any {
	if v < 0 {
		return nil
	}
	return v == 1
}

// narrower reads ingest.TradeSchema batches from src and gives trade_rows
// batches, with ids from its interner, adding each to the file's sums.
type narrower struct {
	mapped
	mem    memory.Allocator
	in     *interner
	sums   *sums
	levels []int32 // scratch: the rows' product levels
	col    map[string]int
}

func newNarrower(src array.RecordReader, mem memory.Allocator, in *interner) *narrower {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	n := &narrower{mem: mem, in: in, sums: newSums(), col: map[string]int{}}
	n.init(src, rowsSchema, n.narrow)
	for i, f := range ingest.TradeSchema.Fields() {
		n.col[f.Name] = i
	}
	return n
}

func (n *narrower) column(rec arrow.RecordBatch, name string) arrow.Array {
	return rec.Column(n.col[name])
}

// narrow makes one trade_rows batch: the reference columns are new, the
// others are the reader's own arrays, shared.
func (n *narrower) narrow(rec arrow.RecordBatch) arrow.RecordBatch {
	rows := int(rec.NumRows())
	str := func(name string) *array.String { return n.column(rec, name).(*array.String) }
	boolean := func(name string) *array.Boolean { return n.column(rec, name).(*array.Boolean) }

	sliceIDs, sliceBuf := n.int32s(rows)
	freq, partner2, flow, class := str("freq"), str("partner2"), str("flow"), str("classification")
	customs, mot, currency, unit := str("customs"), str("mot"), str("currency"), str("quantity_unit")
	reported, aggregate, estimate := boolean("is_reported"), boolean("is_aggregate"), boolean("is_estimate")
	tradeType, aggrLevel, leaf := str("trade_type"), n.column(rec, "aggr_level").(*array.Int32), boolean("is_leaf")
	if !n.constantSlices(sliceIDs, []*array.String{freq, partner2, flow, class, customs, mot, currency, tradeType}, unit, reported, aggregate, estimate, aggrLevel, leaf) {
		n.rowSlices(sliceIDs, freq, partner2, flow, class, customs, mot, currency, unit, reported, aggregate, estimate, tradeType, aggrLevel, leaf)
	}

	codes := func(country, code *array.String) *memory.Buffer {
		ids, buf := n.int32s(rows)
		n.codeIDs(ids, country, code)
		return buf
	}
	repBuf := codes(str("reporter"), str("reporter_code"))
	partBuf := codes(str("partner"), str("partner_code"))
	prodIDs, prodBuf := n.int32s(rows)
	n.productIDs(prodIDs, str("product"))
	n.levels = slices.Grow(n.levels[:0], rows)[:rows]
	for i, id := range prodIDs {
		n.levels[i] = n.in.levels[id]
	}
	// The file's own level, where it gives one (Comtrade's aggrLevel), is
	// the level its sums are kept by.
	if aggrLevel.NullN() < rows {
		for i, v := range aggrLevel.Int32Values() {
			if aggrLevel.IsValid(i) {
				n.levels[i] = v
			}
		}
	}
	int32s := func(b *memory.Buffer) []int32 { return arrow.Int32Traits.CastFromBytes(b.Bytes())[:rows] }
	n.sums.add(sliceIDs, n.column(rec, "year").(*array.Int32).Int32Values(), n.column(rec, "month").(*array.Int32).Int32Values(),
		int32s(repBuf), int32s(partBuf), n.levels, n.column(rec, "value").(*array.Float64).Float64Values())

	cols := []arrow.Array{
		int32Array(sliceBuf, rows),
		n.column(rec, "line"), n.column(rec, "year"), n.column(rec, "month"),
		int32Array(repBuf, rows), int32Array(partBuf, rows),
		int32Array(prodBuf, rows), n.column(rec, "value"),
		n.column(rec, "cif_value"), n.column(rec, "fob_value"), n.column(rec, "quantity"), n.column(rec, "net_weight_kg"),
	}
	out := array.NewRecordBatch(rowsSchema, cols, int64(rows))
	for _, c := range []int{0, 4, 5, 6} {
		cols[c].Release()
	}
	return out
}

// int32s allocates a buffer of rows int32 values.
func (n *narrower) int32s(rows int) ([]int32, *memory.Buffer) {
	b := memory.NewResizableBuffer(n.mem)
	b.Resize(rows * arrow.Int32SizeBytes)
	return arrow.Int32Traits.CastFromBytes(b.Bytes()), b
}

// int32Array wraps buf (and takes over its reference).
func int32Array(buf *memory.Buffer, rows int) arrow.Array {
	d := array.NewData(arrow.PrimitiveTypes.Int32, rows, []*memory.Buffer{nil, buf}, nil, 0, 0)
	buf.Release()
	defer d.Release()
	return array.MakeFromData(d)
}

func tri(a *array.Boolean, i int) int8 {
	switch {
	case a.IsNull(i):
		return -1
	case a.Value(i):
		return 1
	}
	return 0
}

// rowSlices gives each row its slice id, comparing a row with the one
// before it before looking it up.
func (n *narrower) rowSlices(ids []int32, freq, partner2, flow, class, customs, mot, currency, unit *array.String, reported, aggregate, estimate *array.Boolean,
	tradeType *array.String, aggrLevel *array.Int32, leaf *array.Boolean) {
	var last slice
	lastID := int32(-1)
	for i := range ids {
		s := slice{freq: freq.Value(i), partner2: partner2.Value(i), flow: flow.Value(i), classification: class.Value(i),
			customs: customs.Value(i), mot: mot.Value(i), currency: currency.Value(i),
			reported: tri(reported, i), aggregate: tri(aggregate, i), estimate: tri(estimate, i),
			tradeType: tradeType.Value(i), level: level8(aggrLevel, i), leaf: tri(leaf, i)}
		if unit.IsValid(i) {
			s.unit, s.hasUnit = unit.Value(i), true
		}
		if lastID < 0 || s != last {
			last, lastID = s, n.in.slice(s)
		}
		ids[i] = lastID
	}
}

// constantSlices handles the common batch, in which every row shares the
// same values except that the quantity unit is missing where the quantity
// is (BACI): one or two slices, and no row-by-row comparison. It reports
// false when the batch is not like that.
func (n *narrower) constantSlices(ids []int32, strs []*array.String, unit *array.String, reported, aggregate, estimate *array.Boolean,
	aggrLevel *array.Int32, leaf *array.Boolean) bool {
	var vals [8]string
	for i, a := range strs {
		v, ok := sameValue(a)
		if !ok || a.NullN() > 0 {
			return false
		}
		vals[i] = v
	}
	u, ok := sameValue(unit)
	if !ok {
		return false
	}
	rep, ok1 := sameBool(reported)
	agg, ok2 := sameBool(aggregate)
	est, ok3 := sameBool(estimate)
	lf, ok4 := sameBool(leaf)
	lvl, ok5 := sameLevel(aggrLevel)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 {
		return false
	}
	s := slice{freq: vals[0], partner2: vals[1], flow: vals[2], classification: vals[3], customs: vals[4], mot: vals[5],
		currency: vals[6], reported: rep, aggregate: agg, estimate: est, tradeType: vals[7], level: lvl, leaf: lf}
	nulls := unit.NullN()
	var without, with int32
	if nulls > 0 {
		without = n.in.slice(s)
	}
	if nulls < len(ids) {
		s.unit, s.hasUnit = u, true
		with = n.in.slice(s)
	}
	switch nulls {
	case 0:
		for i := range ids {
			ids[i] = with
		}
	case len(ids):
		for i := range ids {
			ids[i] = without
		}
	default:
		for i := range ids {
			if unit.IsValid(i) {
				ids[i] = with
			} else {
				ids[i] = without
			}
		}
	}
	return true
}

// sameValue reports whether every non-null entry of a holds the same text,
// and that text ("" if all are null). It reads the offsets once and
// compares the value bytes with themselves shifted by one value's length:
// equal only if they are one value repeated.
func sameValue(a *array.String) (string, bool) {
	offs := a.ValueOffsets()
	if a.Len() == 0 {
		return "", true
	}
	if a.NullN() == 0 {
		size := offs[1] - offs[0]
		for i, o := range offs[1:] {
			if o-offs[i] != size {
				return "", false
			}
		}
		data := a.ValueBytes()
		if size > 0 && !bytes.Equal(data[size:], data[:len(data)-int(size)]) {
			return "", false
		}
		return a.Value(0), true
	}
	first, size := -1, int32(0)
	for i := range a.Len() {
		l := offs[i+1] - offs[i]
		if a.IsNull(i) {
			if l != 0 {
				return "", false
			}
			continue
		}
		if first < 0 {
			first, size = i, l
		} else if l != size {
			return "", false
		}
	}
	if first < 0 {
		return "", true
	}
	data := a.ValueBytes()
	if size > 0 && !bytes.Equal(data[size:], data[:len(data)-int(size)]) {
		return "", false
	}
	return a.Value(first), true
}

// level8 is a product level as a slice keeps it: -1 for null.
func level8(a *array.Int32, i int) int8 {
	if a.IsNull(i) {
		return -1
	}
	return int8(a.Value(i))
}

// sameLevel reports whether every entry of a is the same level, and
// that level (-1 for all null).
func sameLevel(a *array.Int32) (int8, bool) {
	if a.Len() == 0 || a.NullN() == a.Len() {
		return -1, true
	}
	if a.NullN() > 0 {
		return 0, false
	}
	v := a.Value(0)
	for _, w := range a.Int32Values() {
		if w != v {
			return 0, false
		}
	}
	return int8(v), true
}

// sameBool reports whether every entry of a is the same: all null (-1),
// all false (0) or all true (1).
func sameBool(a *array.Boolean) (int8, bool) {
	switch nulls := a.NullN(); {
	case nulls == a.Len():
		return -1, true
	case nulls > 0:
		return 0, false
	}
	set := 0
	for i := range a.Len() {
		if a.Value(i) {
			set++
		}
	}
	switch set {
	case 0:
		return 0, true
	case a.Len():
		return 1, true
	}
	return 0, false
}

// productIDs gives each row its product id.
func (n *narrower) productIDs(ids []int32, product *array.String) {
	lastKey, lastID := uint64(0), int32(-1)
	for i := range ids {
		p := product.Value(i)
		key, ok := pack(p, 7)
		if !ok {
			lastID = -1
			ids[i] = n.in.product(p)
			continue
		}
		key |= uint64(len(p)) << 56
		if lastID < 0 || key != lastKey {
			id, hit := n.in.products64[key]
			if !hit {
				id = n.in.product(p)
				n.in.products64[key] = id
			}
			lastKey, lastID = key, id
		}
		ids[i] = lastID
	}
}

// codeIDs gives each row the id of its (country, code) pair.
func (n *narrower) codeIDs(ids []int32, country, code *array.String) {
	lastKey, lastID := uint64(0), int32(-1)
	for i := range ids {
		c, k := country.Value(i), code.Value(i)
		kc, ok1 := pack(c, 3)
		kk, ok2 := pack(k, 4)
		if !ok1 || !ok2 {
			lastID = -1
			ids[i] = n.in.code(codePair{c, k})
			continue
		}
		key := uint64(len(c))<<60 | uint64(len(k))<<56 | kc<<32 | kk
		if lastID < 0 || key != lastKey {
			id, hit := n.in.codes64[key]
			if !hit {
				id = n.in.code(codePair{c, k})
				n.in.codes64[key] = id
			}
			lastKey, lastID = key, id
		}
		ids[i] = lastID
	}
}

// pack gives the bytes of a string of at most max (<= 7) bytes as a
// number, for keys that compare and hash as numbers. The caller adds the
// length: "0" and "\x000" pack alike.
func pack(s string, max int) (uint64, bool) {
	if len(s) > max {
		return 0, false
	}
	var k uint64
	for i := 0; i < len(s); i++ {
		k = k<<8 | uint64(s[i])
	}
	return k, true
}
