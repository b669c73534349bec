package ingest

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// longFXReader is the fast path for fx-long files of the three columns
// alone (date_or_period,currency,per_usd), as longReader is for
// trade-long: chunks of whole lines parsed on two goroutines straight into
// Arrow buffers. country and country_code, empty on every row, are one
// shared column; freq and currency stay a shared constant while a chunk's
// rows agree (lazyStr).
//
// It accepts the plain form: unquoted fields, three of them, without NUL
// bytes; an annual (2019) or monthly (2019-03) period of a year from 1900
// to 2100; a three-letter upper-case currency; a positive number
// parseNumber takes. Anything else in a chunk hands that chunk and
// everything after it to the general scanner and longFXParser, which give
// exactly their own rows and positioned errors (see chunkPipe).
type longFXReader struct {
	*longFXParser
	chunkPipe

	shared *sharedCols
}

// fastFX reports whether p's header is one the fast path reads.
func fastFX(p *longFXParser) bool { return p.country < 0 && len(p.h.names) == 3 }

func newLongFXReader(p *longFXParser) *longFXReader {
	r := &longFXReader{longFXParser: p}
	r.init(FXSchema, p.o, p.s, false)
	r.inline = p.o.small()
	r.parse, r.onePass = r.parseChunk, p.withScanner
	r.onStart = func() {
		r.shared = newSharedCols(r.o.mem, chunkRows(r.o, len("1900,AAA,1\n")))
		r.shared.text("") // made first, so that constant never refuses it for the texts it already holds
	}
	r.onRelease = func() { r.shared.release() }
	return r
}

// FX columns by position in FXSchema.
const (
	fxColLine = iota
	fxColCountry
	fxColCountryCode
	fxColCurrency
	fxColFreq
	fxColYear
	fxColMonth
	fxColPeriod
	fxColPerUSD
	nFXCols
)

// parseChunk turns a chunk into a batch, or marks it failed.
func (r *longFXReader) parseChunk(c *chunk) {
	mem, n := r.o.mem, c.lines
	lineBuf, yearBuf, monthBuf, rateBuf := fixed(mem, n, 8), fixed(mem, n, 4), fixed(mem, n, 4), fixed(mem, n, 8)
	lines := arrow.Int64Traits.CastFromBytes(lineBuf.Bytes())
	years := arrow.Int32Traits.CastFromBytes(yearBuf.Bytes())
	months := arrow.Int32Traits.CastFromBytes(monthBuf.Bytes())
	rates := arrow.Float64Traits.CastFromBytes(rateBuf.Bytes())
	freq, cur := newLazyStr(mem, n), newLazyStr(mem, n)
	period := newStrCol(mem, n, 7*n)
	release := func() {
		for _, b := range []interface{ Release() }{lineBuf, yearBuf, monthBuf, rateBuf} {
			b.Release()
		}
		period.release()
		freq.release()
		cur.release()
	}
	rows, line := 0, c.line
	var seps [2]int32
	for data := c.data; len(data) > 0; line++ {
		var l []byte
		l, data = cutLine(data)
		if blank(l) {
			continue
		}
		if k, plain := splitPlain(l, r.sep, seps[:]); !plain || k != len(seps) {
			c.failed = true
			break
		}
		p, cu, v := trimSpace(l[:seps[0]]), trimSpace(l[seps[0]+1:seps[1]]), trimSpace(l[seps[1]+1:])
		year, ok := fastYear(p[:min(len(p), 4)])
		if !ok || !upperCode(cu) {
			c.failed = true
			break
		}
		switch {
		case len(p) == 4:
			freq.add("A")
			months[rows] = 0
		case len(p) == 7 && p[4] == '-' && p[5] >= '0' && p[5] <= '1' && p[6] >= '0' && p[6] <= '9':
			m := int32(p[5]-'0')*10 + int32(p[6]-'0')
			if m < 1 || m > 12 {
				c.failed = true
			}
			freq.add("M")
			months[rows] = m
		default:
			c.failed = true // a quarter, a day, or what the general path words an error for
		}
		rate, ok := number(v)
		if c.failed || !ok || !(rate > 0) {
			c.failed = true
			break
		}
		lines[rows], years[rows], rates[rows] = int64(line), year, rate
		period.addBytes(p)
		cur.addBytes(cu)
		rows++
	}
	if c.failed || !r.shared.holds(rows) { // (the second only where the text outgrew its size)
		c.failed = true
		release()
		return
	}
	cols := make([]arrow.Array, nFXCols)
	cols[fxColLine] = primitive(arrow.PrimitiveTypes.Int64, rows, nil, lineBuf, 0)
	cols[fxColCountry] = r.shared.constant("", rows)
	cols[fxColCountryCode] = r.shared.constant("", rows)
	cols[fxColCurrency] = cur.array(r.shared)
	cols[fxColFreq] = freq.array(r.shared)
	cols[fxColYear] = primitive(arrow.PrimitiveTypes.Int32, rows, nil, yearBuf, 0)
	cols[fxColMonth] = primitive(arrow.PrimitiveTypes.Int32, rows, nil, monthBuf, 0)
	cols[fxColPeriod] = period.array(nil, 0)
	cols[fxColPerUSD] = primitive(arrow.PrimitiveTypes.Float64, rows, nil, rateBuf, 0)
	c.rec = array.NewRecordBatch(FXSchema, cols, int64(rows))
	for _, a := range cols {
		a.Release()
	}
}

// upperCode reports whether b is three upper-case ASCII letters, the
// currency codes the fast path takes as they are.
func upperCode(b []byte) bool {
	return len(b) == 3 && b[0] >= 'A' && b[0] <= 'Z' && b[1] >= 'A' && b[1] <= 'Z' && b[2] >= 'A' && b[2] <= 'Z'
}
