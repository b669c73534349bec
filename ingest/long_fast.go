package ingest

import (
	"bytes"
	"unicode/utf8"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// longReader is the fast path for trade-long files, as baciReader is for
// BACI's: it cuts the text after the header into chunks of whole lines,
// parses them on two goroutines (on the reading one, for a text known to be
// small) straight into Arrow buffers, and delivers one batch per chunk, in
// order. The columns no trade-long row sets (partner2, classification,
// customs, mot, the null measures and flags, and quantity and unit where
// the header has none) are built once and shared by every batch, and so
// are freq, flow and currency where a chunk's rows agree (lazyStr); a code
// column is its country column where every code is the alpha-3 itself
// (codeCol). Country codes are resolved once (codeCache).
//
// The fast parser accepts the plain form: unquoted fields, as many as the
// header's and separated as its are, without NUL bytes; a year of four digits; a month of one or two
// digits, or none; codes the table knows; a flow X, M, RX or RM in any
// case; a product; numbers parseNumber takes within their currency's
// bound; a three-letter currency. Fields are trimmed as the general path
// trims them. Anything else in a chunk hands that chunk and everything after
// it to the general scanner and longTradeParser, which give exactly their
// own rows and positioned errors (see chunkPipe).
type longReader struct {
	*longTradeParser // the header, the optional columns, and the general path
	chunkPipe        // chunks, goroutines, order and the hand-over

	codes  *codeCache
	shared *sharedCols
}

// maxFastLine bounds the lines the fast parser reads; a longer one (many
// extra columns, a huge field) goes to the general path.
const maxFastLine = 8 << 10

func newLongReader(p *longTradeParser) *longReader {
	r := &longReader{longTradeParser: p, codes: newCodeCache(p.o.codes, codeScheme)}
	r.init(TradeSchema, p.o, p.s, false)
	r.inline = p.o.small()
	r.parse, r.onePass = r.parseChunk, p.withScanner
	r.onStart, r.onRelease = r.buildShared, func() { r.shared.release() }
	return r
}

// buildShared makes the columns every row shares (see sharedCols); the
// shortest row is 1900,,4,4,X,1,1,USD and a newline.
func (r *longReader) buildShared() {
	c := newSharedCols(r.o.mem, chunkRows(r.o, len("1900,,4,4,X,1,1,USD\n")))
	c.str(colPartner2, "")
	c.str(colClass, "")
	c.str(colCustoms, "")
	c.str(colMot, "")
	c.str(colTradeType, TradeGoods)
	c.nulls(colCIF, colFOB, colNetWeight, colIsReported, colIsAggregate, colIsEstimate, colIsLeaf, colAggrLevel)
	switch {
	case r.qty < 0:
		c.nulls(colQuantity, colQuantityUnit)
	case r.qu < 0:
		c.nulls(colQuantityUnit)
	}
	r.shared = c
}

// longRow is one parsed line.
type longRow struct {
	year, month int32 // month 0: annual
	rep, par    *codeEntry
	flow        string
	product     []byte
	value       float64
	currency    [3]byte
	qty         float64
	hasQty      bool
	unit        []byte // empty: null
}

// parseChunk turns a chunk into a batch, or marks it failed.
func (r *longReader) parseChunk(c *chunk) {
	mem, n := r.o.mem, c.lines
	lineBuf, yearBuf, monthBuf, valueBuf := fixed(mem, n, 8), fixed(mem, n, 4), fixed(mem, n, 4), fixed(mem, n, 8)
	lines := arrow.Int64Traits.CastFromBytes(lineBuf.Bytes())
	years := arrow.Int32Traits.CastFromBytes(yearBuf.Bytes())
	months := arrow.Int32Traits.CastFromBytes(monthBuf.Bytes())
	values := arrow.Float64Traits.CastFromBytes(valueBuf.Bytes())
	// freq, flow and currency are most often one text in a chunk, and the
	// codes most often alpha-3, their countries' own.
	freq, flow, cur := newLazyStr(mem, n), newLazyStr(mem, n), newLazyStr(mem, n)
	rep, repCode := newStrCol(mem, n, 3*n), &codeCol{mem: mem, n: n}
	par, parCode := newStrCol(mem, n, 3*n), &codeCol{mem: mem, n: n}
	prod := newStrCol(mem, n, 6*n)
	strs := []*strCol{rep, par, prod}
	bufs := []*memory.Buffer{lineBuf, yearBuf, monthBuf, valueBuf}
	// quantity and unit, where the header has them
	var qtyBuf, qtyValid, unitValid *memory.Buffer
	var qtys []float64
	var qv, uv []byte
	var unit *strCol
	if r.qty >= 0 {
		qtyBuf, qtyValid = fixed(mem, n, 8), fixed(mem, (n+7)/8, 1)
		qtys, qv = arrow.Float64Traits.CastFromBytes(qtyBuf.Bytes()), qtyValid.Bytes()
		clear(qv)
		bufs = append(bufs, qtyBuf, qtyValid)
		if r.qu >= 0 {
			unitValid, unit = fixed(mem, (n+7)/8, 1), newStrCol(mem, n, n)
			uv = unitValid.Bytes()
			clear(uv)
			bufs = append(bufs, unitValid)
			strs = append(strs, unit)
		}
	}
	release := func() {
		for _, b := range bufs {
			b.Release()
		}
		for _, s := range strs {
			s.release()
		}
		for _, l := range []*lazyStr{freq, flow, cur} {
			l.release()
		}
		repCode.release()
		parCode.release()
	}
	rows, qNulls, uNulls := 0, 0, 0
	data, line := c.data, c.line
	seps := make([]int32, len(r.h.names)-1)
	var row longRow
	for len(data) > 0 {
		var l []byte
		l, data = cutLine(data)
		if blank(l) {
			line++
			continue
		}
		if !r.parseLine(l, seps, &row) {
			c.failed = true
			break
		}
		lines[rows] = int64(line)
		years[rows] = row.year
		months[rows] = row.month
		if row.month == 0 {
			freq.add("A")
		} else {
			freq.add("M")
		}
		repCode.add(rep, row.rep)
		rep.add(row.rep.country)
		parCode.add(par, row.par)
		par.add(row.par.country)
		flow.add(row.flow)
		prod.addBytes(row.product)
		values[rows] = row.value
		cur.addBytes(row.currency[:])
		if qtys != nil {
			if row.hasQty {
				qtys[rows] = row.qty
				qv[rows/8] |= 1 << (rows % 8)
			} else {
				qtys[rows] = 0
				qNulls++
			}
		}
		if unit != nil {
			if row.hasQty && len(row.unit) > 0 {
				unit.addBytes(row.unit)
				uv[rows/8] |= 1 << (rows % 8)
			} else {
				unit.null()
				uNulls++
			}
		}
		rows++
		line++
	}
	if c.failed || !r.shared.holds(rows) { // (the second only where the text outgrew its size)
		c.failed = true
		release()
		return
	}
	cols := make([]arrow.Array, nTradeCols)
	cols[colLine] = primitive(arrow.PrimitiveTypes.Int64, rows, nil, lineBuf, 0)
	cols[colFreq] = freq.array(r.shared)
	cols[colYear] = primitive(arrow.PrimitiveTypes.Int32, rows, nil, yearBuf, 0)
	cols[colMonth] = primitive(arrow.PrimitiveTypes.Int32, rows, nil, monthBuf, 0)
	cols[colReporter] = rep.array(nil, 0)
	cols[colReporterCode] = repCode.array(cols[colReporter])
	cols[colPartner] = par.array(nil, 0)
	cols[colPartnerCode] = parCode.array(cols[colPartner])
	cols[colFlow] = flow.array(r.shared)
	cols[colProduct] = prod.array(nil, 0)
	cols[colValue] = primitive(arrow.PrimitiveTypes.Float64, rows, nil, valueBuf, 0)
	cols[colCurrency] = cur.array(r.shared)
	if qtys != nil {
		cols[colQuantity] = primitive(arrow.PrimitiveTypes.Float64, rows, qtyValid, qtyBuf, qNulls)
		qtyValid.Release()
	}
	if unit != nil {
		cols[colQuantityUnit] = unit.array(unitValid, uNulls)
		unitValid.Release()
	}
	r.shared.fill(cols, rows)
	c.rec = array.NewRecordBatch(TradeSchema, cols, int64(rows))
	for _, a := range cols {
		a.Release()
	}
}

// parseLine reads one non-blank line (newline and CR removed) into row;
// seps has room for the separators of as many fields as the header has.
// It reports false for anything the general path must read, or word an
// error for.
func (r *longReader) parseLine(l []byte, seps []int32, row *longRow) bool {
	n, plain := splitPlain(l, r.sep, seps)
	if !plain || n != len(seps) {
		return false // quoting, a NUL byte, or the wrong number of fields
	}
	field := func(i int) []byte {
		start, end := 0, len(l)
		if i > 0 {
			start = int(seps[i-1]) + 1
		}
		if i < n {
			end = int(seps[i])
		}
		return l[start:end]
	}
	var fields [8][]byte
	for i := range fields {
		fields[i] = field(i)
	}
	var qty, unit []byte
	if r.qty >= 0 {
		qty = field(r.qty)
	}
	if r.qu >= 0 {
		unit = field(r.qu)
	}

	var ok bool
	if row.year, ok = fastYear(trimSpace(fields[0])); !ok {
		return false
	}
	switch m := trimSpace(fields[1]); {
	case len(m) == 0:
		row.month = 0
	case len(m) == 1 && m[0] >= '0' && m[0] <= '9':
		row.month = int32(m[0] - '0')
	case len(m) == 2 && m[0] >= '0' && m[0] <= '1' && m[1] >= '0' && m[1] <= '9':
		row.month = int32(m[0]-'0')*10 + int32(m[1]-'0')
		if row.month < 1 || row.month > 12 {
			return false
		}
	default:
		return false
	}
	if row.rep = r.codes.any(trimSpace(fields[2])); row.rep == nil || !row.rep.ok {
		return false
	}
	if row.par = r.codes.any(trimSpace(fields[3])); row.par == nil || !row.par.ok {
		return false
	}
	if row.flow = flowCode(trimSpace(fields[4])); row.flow == "" {
		return false
	}
	if row.product = trimSpace(fields[5]); len(row.product) == 0 {
		return false
	}
	if row.value, ok = number(trimSpace(fields[6])); !ok {
		return false
	}
	cu := trimSpace(fields[7])
	if len(cu) != 3 {
		return false
	}
	for i, c := range cu {
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c < 'A' || c > 'Z' {
			return false
		}
		row.currency[i] = c
	}
	if row.value > moneyBound(unsafe.String(&row.currency[0], len(row.currency))) {
		return false // the general path words the error
	}
	row.hasQty = false
	if q := trimSpace(qty); len(q) > 0 { // (nil without the column)
		if row.qty, ok = number(q); !ok {
			return false
		}
		row.hasQty, row.unit = true, trimSpace(unit)
	}
	return true
}

// splitPlain finds the separators of line l, and returns how many there
// are; false if there are more than seps holds, or the line holds a quote
// or a NUL byte (the general path's to read or reject), or is longer than
// maxFastLine.
func splitPlain(l []byte, sep byte, seps []int32) (int, bool) {
	if len(l) > maxFastLine {
		return 0, false
	}
	n := 0
	for i, c := range l {
		switch c {
		case sep:
			if n == len(seps) {
				return 0, false
			}
			seps[n] = int32(i)
			n++
		case '"', 0:
			return 0, false
		}
	}
	return n, true
}

// flowCode is the flow a trade-long field gives (X, M, RX or RM, in any
// case), or "" for any other.
func flowCode(b []byte) string {
	switch {
	case len(b) == 1 && b[0]|0x20 == 'x':
		return "X"
	case len(b) == 1 && b[0]|0x20 == 'm':
		return "M"
	case len(b) == 2 && b[0]|0x20 == 'r' && b[1]|0x20 == 'x':
		return "RX"
	case len(b) == 2 && b[0]|0x20 == 'r' && b[1]|0x20 == 'm':
		return "RM"
	}
	return ""
}

// cutLine splits the first line off a chunk's text as the scanner reads
// one: without its newline, and without a CR before it or at the end of
// the text.
func cutLine(data []byte) (line, rest []byte) {
	line = data // the text's last line
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		line, rest = data[:i], data[i+1:]
	}
	if k := len(line); k > 0 && line[k-1] == '\r' {
		line = line[:k-1]
	}
	return line, rest
}

// trimSpace is bytes.TrimSpace (what rec.str trims), without the call for
// a field that starts and ends with a printable ASCII byte.
func trimSpace(b []byte) []byte {
	if n := len(b); n > 0 && b[0] > ' ' && b[0] < utf8.RuneSelf && b[n-1] > ' ' && b[n-1] < utf8.RuneSelf {
		return b
	}
	return bytes.TrimSpace(b)
}
