package ingest

import (
	"bytes"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// baciReader is the fast path for BACI files, which run to ten million rows
// a year. It cuts the text after the header into chunks of whole lines (at
// most batchRows lines each), parses them on two goroutines straight into
// Arrow buffers, and delivers one batch per chunk, in order. The columns that
// are the same on every row (freq, flow, classification, currency, the empty
// and null ones) are built once and shared by every batch.
//
// The fast parser accepts only the plain form BACI writes: six unquoted
// fields, ASCII, numbers as digits with an optional decimal point, known
// country codes. Anything else in a chunk (a quote, a bad number, an unknown
// code, a wrong field count, a read error) hands that chunk and everything
// after it to the general scanner and baciParser, which give exactly their
// own rows and positioned errors. Since no chunk before it held a quote, the
// chunk starts at a record boundary.
type baciReader struct {
	*baciParser // the header, the class, and the general path
	chunkPipe   // chunks, goroutines, order and the hand-over

	codes  *codeCache
	consts *sharedCols
}

func newBACIReader(p *baciParser) *baciReader {
	r := &baciReader{baciParser: p, codes: newNumericCache(p.o.codes)}
	r.init(TradeSchema, p.o, p.s, false)
	r.parse, r.onStart, r.onRelease = r.parseChunk, r.buildConsts, func() { r.consts.release() }
	r.onePass = func(s *scanner) parser {
		q := *r.baciParser
		q.s = s
		return &q
	}
	return r
}

// buildConsts makes the columns every row shares (see sharedCols); the
// shortest row is 1900,1,1,1,1, and a newline.
func (r *baciReader) buildConsts() {
	c := newSharedCols(r.o.mem, chunkRows(r.o, len("1900,1,1,1,1,\n")))
	c.str(colFreq, "A")
	c.str(colFlow, "X")
	c.str(colClass, r.class)
	c.str(colCurrency, "USD")
	c.str(colTradeType, TradeGoods)
	c.str(colPartner2, "")
	c.str(colCustoms, "")
	c.str(colMot, "")
	c.zeros(colMonth)
	c.nulls(colCIF, colFOB, colNetWeight, colIsReported, colIsAggregate, colIsEstimate, colIsLeaf, colAggrLevel)
	r.consts = c
}

// baciRow is one parsed line.
type baciRow struct {
	year   int32
	ex, im *codeEntry
	prod   []byte
	v, q   float64
	hasQ   bool
}

// parse turns a chunk into a batch, or marks it slow.
func (r *baciReader) parseChunk(c *chunk) {
	mem, n := r.o.mem, c.lines
	lineBuf, yearBuf, valueBuf, qtyBuf := fixed(mem, n, 8), fixed(mem, n, 4), fixed(mem, n, 8), fixed(mem, n, 8)
	validBuf := fixed(mem, (n+7)/8, 1)
	lines := arrow.Int64Traits.CastFromBytes(lineBuf.Bytes())
	years := arrow.Int32Traits.CastFromBytes(yearBuf.Bytes())
	values := arrow.Float64Traits.CastFromBytes(valueBuf.Bytes())
	qtys := arrow.Float64Traits.CastFromBytes(qtyBuf.Bytes())
	valid := validBuf.Bytes()
	clear(valid)
	rep, repCode := newStrCol(mem, n, 3*n), newStrCol(mem, n, 3*n)
	par, parCode := newStrCol(mem, n, 3*n), newStrCol(mem, n, 3*n)
	prod, unit := newStrCol(mem, n, 6*n), newStrCol(mem, n, n)
	release := func() {
		for _, b := range []*memory.Buffer{lineBuf, yearBuf, valueBuf, qtyBuf, validBuf,
			rep.offs, rep.data, repCode.offs, repCode.data, par.offs, par.data, parCode.offs, parCode.data,
			prod.offs, prod.data, unit.offs, unit.data} {
			b.Release()
		}
	}
	rows, nulls := 0, 0
	data, line := c.data, c.line
	var row baciRow
	for len(data) > 0 {
		k := r.scanPlain(data, &row)
		if k > 0 {
			data = data[k:]
		} else {
			var l []byte
			if i := bytes.IndexByte(data, '\n'); i >= 0 {
				l, data = data[:i], data[i+1:]
				if k := len(l); k > 0 && l[k-1] == '\r' {
					l = l[:k-1] // as the scanner does, only before a newline
				}
			} else {
				l, data = data, nil
			}
			if len(l) == 0 {
				line++
				continue
			}
			if !r.parseLine(l, &row) {
				c.failed = true
				break
			}
		}
		lines[rows] = int64(line)
		years[rows] = row.year
		rep.add(row.ex.country)
		repCode.add(row.ex.code)
		par.add(row.im.country)
		parCode.add(row.im.code)
		prod.addBytes(row.prod)
		values[rows] = row.v * 1000
		if row.hasQ {
			qtys[rows] = row.q
			valid[rows/8] |= 1 << (rows % 8)
			unit.add("t")
		} else {
			qtys[rows] = 0
			unit.null()
			nulls++
		}
		rows++
		line++
	}
	if c.failed || !r.consts.holds(rows) { // (the second only where the text outgrew its size)
		c.failed = true
		release()
		return
	}
	cols := make([]arrow.Array, nTradeCols)
	cols[colLine] = primitive(arrow.PrimitiveTypes.Int64, rows, nil, lineBuf, 0)
	cols[colYear] = primitive(arrow.PrimitiveTypes.Int32, rows, nil, yearBuf, 0)
	cols[colReporter] = rep.array(nil, 0)
	cols[colReporterCode] = repCode.array(nil, 0)
	cols[colPartner] = par.array(nil, 0)
	cols[colPartnerCode] = parCode.array(nil, 0)
	cols[colProduct] = prod.array(nil, 0)
	cols[colValue] = primitive(arrow.PrimitiveTypes.Float64, rows, nil, valueBuf, 0)
	cols[colQuantity] = primitive(arrow.PrimitiveTypes.Float64, rows, validBuf, qtyBuf, nulls)
	cols[colQuantityUnit] = unit.array(validBuf, nulls)
	validBuf.Release()
	r.consts.fill(cols, rows)
	c.rec = array.NewRecordBatch(TradeSchema, cols, int64(rows))
	for _, a := range cols {
		a.Release()
	}
}

// scanPlain parses a line of the plainest form at the start of b, in one
// pass: 2019,398,156,010121,1234.5,12.25 and a newline (CRLF too). It
// returns the bytes it took, or 0 for a line of any other form, which
// parseLine then reads.
func (r *baciReader) scanPlain(b []byte, row *baciRow) int {
	if len(b) < 5 || b[4] != ',' {
		return 0
	}
	y := 0
	for _, c := range b[:4] {
		c -= '0'
		if c > 9 {
			return 0
		}
		y = y*10 + int(c)
	}
	if y < 1900 || y > 2100 {
		return 0
	}
	row.year = int32(y)
	p := 5
	for k := 0; k < 2; k++ {
		v, d := 0, 0
		for ; p < len(b) && b[p] != ','; p++ {
			c := b[p] - '0'
			if c > 9 || d == 3 {
				return 0
			}
			v, d = v*10+int(c), d+1
		}
		if d == 0 || p == len(b) {
			return 0
		}
		e := r.codes.lookup(d*1000+v, b[p-d:p])
		if !e.ok {
			return 0
		}
		if k == 0 {
			row.ex = e
		} else {
			row.im = e
		}
		p++
	}
	s := p
	for ; p < len(b) && b[p] != ','; p++ {
		if c := b[p]; c <= ' ' || c >= 0x7f || c == '"' {
			return 0
		}
	}
	if p == s || p-s > 64 || p == len(b) {
		return 0
	}
	row.prod = b[s:p]
	p++
	v, k := decimalUntil(b[p:], ',')
	if k == 0 || p+k == len(b) || v*1000 > MaxUSD {
		return 0
	}
	row.v = v
	p += k + 1
	switch {
	case p < len(b) && b[p] == '\n':
		row.hasQ = false
		return p + 1
	case p+1 < len(b) && b[p] == '\r' && b[p+1] == '\n':
		row.hasQ = false
		return p + 2
	}
	q, k := decimalUntil(b[p:], '\n')
	if k == 0 || p+k == len(b) {
		return 0
	}
	row.q, row.hasQ = q, true
	p += k
	if b[p] == '\r' {
		if p+1 == len(b) || b[p+1] != '\n' {
			return 0
		}
		p++
	}
	return p + 1
}

// decimalUntil parses a fastDecimal number that ends at stop (or at a CR
// before a newline); it returns the bytes the number took, 0 if the field
// is not of that form.
func decimalUntil(b []byte, stop byte) (float64, int) {
	var m uint64
	nd, frac := 0, -1
	p := 0
	for ; p < len(b); p++ {
		c := b[p]
		switch {
		case c >= '0' && c <= '9':
			if nd == 15 {
				return 0, 0
			}
			m = m*10 + uint64(c-'0')
			nd++
			if frac >= 0 {
				frac++
			}
			continue
		case c == '.' && frac < 0:
			frac = 0
			continue
		case c == stop || stop == '\n' && c == '\r':
		default:
			return 0, 0
		}
		break
	}
	if nd == 0 || p == len(b) {
		return 0, 0
	}
	if frac <= 0 {
		return float64(m), p
	}
	return float64(m) / pow10[frac], p
}

// parseLine reads one line (newline removed) the tolerant way: blanks
// around fields, numbers parseNumber takes. It reports false for anything
// the general path must read.
func (r *baciReader) parseLine(l []byte, row *baciRow) bool {
	if len(l) > 1024 { // no plain BACI line is this long
		return false
	}
	var f [6][]byte
	nf := 0
	for nf < 5 {
		i := bytes.IndexByte(l, ',')
		if i < 0 {
			return false
		}
		f[nf], l = l[:i], l[i+1:]
		nf++
	}
	if bytes.IndexByte(l, ',') >= 0 { // a sixth comma: the general path's error
		return false
	}
	f[5] = l
	var ok bool
	if row.year, ok = fastYear(trimBlank(f[0])); !ok {
		return false
	}
	row.ex, row.im = r.codes.get(trimBlank(f[1])), r.codes.get(trimBlank(f[2]))
	if row.ex == nil || !row.ex.ok || row.im == nil || !row.im.ok {
		return false
	}
	row.prod = trimBlank(f[3])
	if len(row.prod) == 0 || len(row.prod) > 64 || !plainText(row.prod) {
		return false
	}
	if row.v, ok = number(trimBlank(f[4])); !ok || row.v*1000 > MaxUSD {
		return false // the slow path names the error
	}
	q := trimBlank(f[5])
	row.hasQ = len(q) > 0
	if row.hasQ {
		if row.q, ok = number(q); !ok {
			return false
		}
	}
	return true
}

// plainText is printable ASCII without spaces or quotes.
func plainText(b []byte) bool {
	for _, c := range b {
		if c <= ' ' || c >= 0x7f || c == '"' {
			return false
		}
	}
	return true
}
