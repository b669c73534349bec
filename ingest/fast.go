package ingest

import (
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/tradepipe/tradepipe/transform/country"
)

// The pieces the fast readers (baciReader, longReader) share: the column
// positions they fill, the columns every row of a batch shares, a country
// code cache for their goroutines, number parsing and Arrow column building.

// Column positions in TradeSchema, which the fast readers fill.
const (
	colLine = iota
	colFreq
	colYear
	colMonth
	colReporter
	colReporterCode
	colPartner
	colPartnerCode
	colPartner2
	colFlow
	colClass
	colProduct
	colCustoms
	colMot
	colValue
	colCurrency
	colCIF
	colFOB
	colQuantity
	colQuantityUnit
	colNetWeight
	colIsReported
	colIsAggregate
	colIsEstimate
	colAggrLevel
	colIsLeaf
	colTradeType
	nTradeCols
)

// sharedCols are the columns of a fast reader's batches that hold the same
// value on every row (the empty and null ones, a format's constants). Each
// is built once, as long as a chunk's rows can be, and every batch takes a
// slice of it; columns of one type and value are one array.
type sharedCols struct {
	mem   memory.Allocator
	rows  int
	cols  [nTradeCols]arrow.Array // nil where the reader parses the column
	mu    sync.Mutex              // for made: constant is called by the parsing goroutines
	made  map[string]arrow.Array  // by type and value
	extra int                     // texts constant made
}

// maxConstants bounds the texts constant keeps columns of: a file whose
// chunks each have a currency of their own makes no more.
const maxConstants = 16

// newSharedCols readies columns of rows rows.
func newSharedCols(mem memory.Allocator, rows int) *sharedCols {
	return &sharedCols{mem: mem, rows: rows, made: map[string]arrow.Array{}}
}

// chunkRows bounds the rows of one chunk: batchRows, or what the bytes a
// chunk can hold (chunkMax and one more read, or the whole text where its
// size is known) make at the shortest row a format has, newline included.
func chunkRows(o *options, shortest int) int {
	n := (chunkMax + chunkRead) / shortest
	if o.textSize >= 0 {
		n = min(n, int(o.textSize)/shortest)
	}
	return min(o.batchRows, n+1)
}

// str makes column col the text v on every row.
func (s *sharedCols) str(col int, v string) { s.cols[col] = s.text(v) }

// text is the column of the text v on every row.
func (s *sharedCols) text(v string) arrow.Array {
	return s.make("string="+v, func() arrow.Array {
		c := newStrCol(s.mem, s.rows, s.rows*len(v))
		for i := range s.rows + 1 {
			c.o[i] = int32(i * len(v))
		}
		for i := 0; i < s.rows*len(v); i += len(v) {
			copy(c.d[i:], v)
		}
		c.rows, c.n = s.rows, s.rows*len(v)
		return c.array(nil, 0)
	})
}

// zeros makes the int32 column col 0 on every row.
func (s *sharedCols) zeros(col int) {
	s.cols[col] = s.make("int32=0", func() arrow.Array {
		b := array.NewInt32Builder(s.mem)
		defer b.Release()
		b.AppendValues(make([]int32, s.rows), nil)
		return b.NewArray()
	})
}

// nulls makes each of the columns null on every row.
func (s *sharedCols) nulls(cols ...int) {
	for _, col := range cols {
		t := TradeSchema.Field(col).Type
		s.cols[col] = s.make(t.String()+" null", func() arrow.Array {
			b := array.NewBuilder(s.mem, t)
			defer b.Release()
			b.AppendNulls(s.rows)
			return b.NewArray()
		})
	}
}

// constant returns a slice of rows rows of the column of the text v on
// every row, for a chunk whose rows all have it; nil when it cannot (more
// than rows, or beyond maxConstants texts).
func (s *sharedCols) constant(v string, rows int) arrow.Array {
	if rows > s.rows {
		return nil
	}
	s.mu.Lock()
	_, ok := s.made["string="+v]
	if !ok && s.extra >= maxConstants {
		s.mu.Unlock()
		return nil
	}
	if !ok {
		s.extra++
	}
	s.mu.Unlock()
	return array.NewSlice(s.text(v), 0, int64(rows))
}

func (s *sharedCols) make(key string, build func() arrow.Array) arrow.Array {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.made[key]
	if !ok {
		a = build()
		s.made[key] = a
	}
	return a
}

// holds reports whether a batch of rows rows can take slices of them.
func (s *sharedCols) holds(rows int) bool { return rows <= s.rows }

// fill sets the shared columns of cols to slices of rows rows (each a
// reference of its own).
func (s *sharedCols) fill(cols []arrow.Array, rows int) {
	for i, a := range s.cols {
		if a != nil {
			cols[i] = array.NewSlice(a, 0, int64(rows))
		}
	}
}

// release drops the columns (s may be nil: never built).
func (s *sharedCols) release() {
	if s == nil {
		return
	}
	for _, a := range s.made {
		a.Release()
	}
	s.made = nil
}

// codeCache resolves country codes, as written, to countries, shared by a
// fast reader's parsing goroutines. scheme tells the scheme of a code
// (BACI's are all numeric; trade-long's, codeScheme).
type codeCache struct {
	codes  Codes
	scheme func(code string) country.Scheme
	mu     sync.Mutex
	// BACI's codes of one to three digits (get); index: digits*1000 +
	// value. Only a numeric cache has it: a reader of a small text
	// (trade-long's zip entries) would spend more clearing it than reading.
	tab *[4000]atomic.Pointer[codeEntry]
	// Codes of up to seven bytes (any), by a hash of their bytes, open
	// addressing; entries are only ever added, and a reader that misses
	// one looks again under mu. At most half full: then longer codes, and
	// the rest, go to more.
	short  [shortSlots]atomic.Pointer[codeEntry]
	nshort int
	more   map[string]*codeEntry // under mu
}

const shortSlots = 1024

type codeEntry struct {
	ok            bool
	country, code string
	own           bool   // code is country: the file writes the alpha-3 code
	key           uint64 // in short: the packed code
}

// newCodeCache makes a cache for any: codes of any scheme.
func newCodeCache(codes Codes, scheme func(string) country.Scheme) *codeCache {
	return &codeCache{codes: codes, scheme: scheme, more: map[string]*codeEntry{}}
}

// newNumericCache makes a cache for get and lookup: numeric codes.
func newNumericCache(codes Codes) *codeCache {
	cc := newCodeCache(codes, func(string) country.Scheme { return country.Numeric })
	cc.tab = new([4000]atomic.Pointer[codeEntry])
	return cc
}

// get resolves a numeric code of one to three digits (BACI's), or
// returns nil for any other; a numeric cache's.
func (cc *codeCache) get(b []byte) *codeEntry {
	if len(b) == 0 || len(b) > 3 {
		return nil
	}
	v := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return nil
		}
		v = v*10 + int(c-'0')
	}
	return cc.lookup(len(b)*1000+v, b)
}

// any resolves any non-empty code; nil for an empty one.
func (cc *codeCache) any(b []byte) *codeEntry {
	if len(b) == 0 {
		return nil
	}
	if len(b) > 7 {
		return cc.locked(0, b)
	}
	k := uint64(len(b)) << 56
	for i, c := range b {
		k |= uint64(c) << (8 * i)
	}
	h := (k * 0x9E3779B97F4A7C15) >> 54 // the top 10 bits: shortSlots
	for i := range uint64(shortSlots) {
		e := cc.short[(h+i)%shortSlots].Load()
		if e == nil {
			break
		}
		if e.key == k {
			return e
		}
	}
	return cc.locked(k, b)
}

// locked finds or adds the entry of code b under mu: in short by its
// packed key k (0: none), or in more.
func (cc *codeCache) locked(k uint64, b []byte) *codeEntry {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if e, ok := cc.more[string(b)]; ok {
		return e
	}
	slot := -1
	if k != 0 {
		h := (k * 0x9E3779B97F4A7C15) >> 54
		for i := range uint64(shortSlots) {
			j := (h + i) % shortSlots
			e := cc.short[j].Load()
			if e == nil {
				slot = int(j)
				break
			}
			if e.key == k {
				return e
			}
		}
	}
	e := cc.resolve(b)
	if slot >= 0 && cc.nshort < shortSlots/2 {
		e.key = k
		cc.nshort++
		cc.short[slot].Store(e)
	} else {
		cc.more[e.code] = e
	}
	return e
}

// lookup returns the entry of code b, whose key is digits*1000 + value;
// a numeric cache's.
func (cc *codeCache) lookup(k int, b []byte) *codeEntry {
	if e := cc.tab[k].Load(); e != nil {
		return e
	}
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if e := cc.tab[k].Load(); e != nil {
		return e
	}
	e := cc.resolve(b)
	cc.tab[k].Store(e)
	return e
}

// resolve looks code b up in the table.
func (cc *codeCache) resolve(b []byte) *codeEntry {
	e := &codeEntry{code: string(b)}
	if c, ok := cc.codes.Lookup(cc.scheme(e.code), e.code); ok {
		e.ok, e.country, e.own = true, c.Code, c.Code == e.code
	}
	return e
}

// pow10 holds the powers of ten a float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// fastDecimal parses digits with an optional decimal point, at most 15
// digits: the mantissa and the power of ten are exact, so one division
// rounds correctly and the result is what strconv.ParseFloat gives. Other
// forms report false and go to parseNumber.
func fastDecimal(b []byte) (float64, bool) {
	var m uint64
	nd, frac := 0, -1
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			if nd == 15 {
				return 0, false
			}
			m = m*10 + uint64(c-'0')
			nd++
			if frac >= 0 {
				frac++
			}
		case c == '.' && frac < 0:
			frac = 0
		default:
			return 0, false
		}
	}
	if nd == 0 {
		return 0, false
	}
	if frac <= 0 {
		return float64(m), true
	}
	return float64(m) / pow10[frac], true
}

// trimBlank drops the spaces and tabs around a field; other white space is
// left for the general path.
func trimBlank(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// number parses a value the fast way, or as parseNumber does; ok is false
// when the general path must word an error.
func number(b []byte) (float64, bool) {
	if v, ok := fastDecimal(b); ok {
		return v, true
	}
	for _, c := range b {
		if c >= 0x80 { // perhaps white space TrimSpace knows
			return 0, false
		}
	}
	v, err := parseNumber(b)
	return v, err == nil
}

// strCol builds a string column in allocator memory.
type strCol struct {
	offs, data *memory.Buffer
	o          []int32
	d          []byte
	n, rows    int
}

func newStrCol(mem memory.Allocator, rows, bytes int) *strCol {
	c := &strCol{offs: memory.NewResizableBuffer(mem), data: memory.NewResizableBuffer(mem)}
	c.offs.Resize((rows + 1) * 4)
	c.o = arrow.Int32Traits.CastFromBytes(c.offs.Bytes())
	c.o[0] = 0
	c.data.Resize(max(bytes, 64))
	c.d = c.data.Bytes()
	return c
}

func (c *strCol) add(s string)      { addText(c, s) }
func (c *strCol) addBytes(s []byte) { addText(c, s) }

// addText appends one value, a string or its bytes.
func addText[T string | []byte](c *strCol, s T) {
	if c.n+len(s) > len(c.d) {
		c.data.Resize(2*len(c.d) + len(s))
		c.d = c.data.Bytes()
	}
	c.n += copy(c.d[c.n:], s)
	c.rows++
	c.o[c.rows] = int32(c.n)
}

// fastYear reads a plain four-digit year from 1900 to 2100, the only
// form the fast paths take.
func fastYear(t []byte) (int32, bool) {
	if len(t) != 4 {
		return 0, false
	}
	v := 0
	for _, c := range t {
		c -= '0'
		if c > 9 {
			return 0, false
		}
		v = v*10 + int(c)
	}
	return int32(v), v >= 1900 && v <= 2100
}

// release drops the buffers of a column whose array was not made.
func (c *strCol) release() {
	c.offs.Release()
	c.data.Release()
}

// clone is a copy of c, with room for rows rows.
func (c *strCol) clone(mem memory.Allocator, rows int) *strCol {
	d := newStrCol(mem, rows, max(len(c.d), c.n))
	copy(d.o, c.o[:c.rows+1])
	copy(d.d, c.d[:c.n])
	d.rows, d.n = c.rows, c.n
	return d
}

// null adds a null slot (the validity bitmap is kept by the caller).
func (c *strCol) null() {
	c.rows++
	c.o[c.rows] = int32(c.n)
}

func (c *strCol) array(valid *memory.Buffer, nulls int) arrow.Array {
	c.offs.ResizeNoShrink((c.rows + 1) * 4)
	c.data.ResizeNoShrink(c.n)
	d := array.NewData(arrow.BinaryTypes.String, c.rows, []*memory.Buffer{valid, c.offs, c.data}, nil, nulls, 0)
	defer d.Release()
	c.offs.Release()
	c.data.Release()
	return array.MakeFromData(d)
}

// lazyStr is a string column of a chunk that stays a slice of a shared
// constant (sharedCols.constant) while every row has the same text, and
// becomes a column of its own at the first that differs.
type lazyStr struct {
	mem  memory.Allocator
	n    int     // rows it can hold
	col  *strCol // nil while constant
	val  string  // the text of every row so far
	rows int
}

func newLazyStr(mem memory.Allocator, n int) *lazyStr { return &lazyStr{mem: mem, n: n} }

// add appends s, which must not change (a constant, a cached code).
func (l *lazyStr) add(s string) {
	if l.col == nil {
		if l.rows == 0 {
			l.val = s
		}
		if s == l.val {
			l.rows++
			return
		}
		l.spill()
	}
	l.col.add(s)
}

// addBytes appends b (copied).
func (l *lazyStr) addBytes(b []byte) {
	if l.col == nil {
		if l.rows == 0 {
			l.val = string(b)
		}
		if string(b) == l.val {
			l.rows++
			return
		}
		l.spill()
	}
	l.col.addBytes(b)
}

// spill makes the column its own, with the rows so far.
func (l *lazyStr) spill() {
	l.col = newStrCol(l.mem, l.n, l.n*max(len(l.val), 1))
	for range l.rows {
		l.col.add(l.val)
	}
}

// array is the column: a slice of shared's constant, or its own.
func (l *lazyStr) array(shared *sharedCols) arrow.Array {
	if l.col == nil {
		if a := shared.constant(l.val, l.rows); a != nil {
			return a
		}
		l.spill()
	}
	return l.col.array(nil, 0)
}

// release drops the column's own buffers, if it has them (the array was
// not made).
func (l *lazyStr) release() {
	if l.col != nil {
		l.col.release()
	}
}

// codeCol is the code column beside a country column (reporter_code
// beside reporter): the country column's own array while every code is
// the country's own, a column of its own from the first that is not.
type codeCol struct {
	mem memory.Allocator
	n   int     // rows it can hold
	col *strCol // nil while the same as the country column
}

// add appends e's code; country holds the rows before it.
func (c *codeCol) add(country *strCol, e *codeEntry) {
	if c.col == nil {
		if e.own {
			return
		}
		c.col = country.clone(c.mem, c.n)
	}
	c.col.add(e.code)
}

// array is the column, given the country column's.
func (c *codeCol) array(country arrow.Array) arrow.Array {
	if c.col == nil {
		country.Retain()
		return country
	}
	return c.col.array(nil, 0)
}

func (c *codeCol) release() {
	if c.col != nil {
		c.col.release()
	}
}

// fixed allocates a buffer of n values of size bytes each.
func fixed(mem memory.Allocator, n, size int) *memory.Buffer {
	b := memory.NewResizableBuffer(mem)
	b.Resize(n * size)
	return b
}

func primitive(t arrow.DataType, n int, valid, data *memory.Buffer, nulls int) arrow.Array {
	d := array.NewData(t, n, []*memory.Buffer{valid, data}, nil, nulls, 0)
	defer d.Release()
	data.Release()
	return array.MakeFromData(d)
}
