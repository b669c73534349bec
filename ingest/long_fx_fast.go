package ingest

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
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
	b := newFXBatch(r.o.mem, c.lines)
	cur := newLazyStr(r.o.mem, c.lines)
	line := c.line
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
		var freq string
		var month int32
		switch {
		case len(p) == 4:
			freq = "A"
		case len(p) == 7 && p[4] == '-' && p[5] >= '0' && p[5] <= '1' && p[6] >= '0' && p[6] <= '9':
			month = int32(p[5]-'0')*10 + int32(p[6]-'0')
			freq = "M"
			if month < 1 || month > 12 {
				c.failed = true
			}
		default:
			c.failed = true // a quarter, a day, or what the general path words an error for
		}
		rate, ok := number(v)
		if c.failed || !ok || !(rate > 0) {
			c.failed = true
			break
		}
		b.add(line, freq, year, month, p, rate)
		cur.addBytes(cu)
	}
	if c.failed || !r.shared.holds(b.rows) { // (the second only where the text outgrew its size)
		c.failed = true
		b.release()
		cur.release()
		return
	}
	country := r.shared.constant("", b.rows)
	country.Retain() // country_code is the same column
	c.rec = b.batch(r.shared, country, country, cur.array(r.shared))
}

// fxBatch builds a batch of FXSchema's columns in allocator memory, as
// the rate fast paths (longFXReader, sdmxERReader) parse a chunk: the
// line, frequency, year, month, period and rate of each row; the reader
// gives the country, code and currency columns.
type fxBatch struct {
	bufs          [4]*memory.Buffer // line, year, month, rate
	lines         []int64
	years, months []int32
	rates         []float64
	freq          *lazyStr
	period        *strCol
	rows          int
}

func newFXBatch(mem memory.Allocator, n int) *fxBatch {
	b := &fxBatch{bufs: [4]*memory.Buffer{fixed(mem, n, 8), fixed(mem, n, 4), fixed(mem, n, 4), fixed(mem, n, 8)},
		freq: newLazyStr(mem, n), period: newStrCol(mem, n, 7*n)}
	b.lines = arrow.Int64Traits.CastFromBytes(b.bufs[0].Bytes())
	b.years = arrow.Int32Traits.CastFromBytes(b.bufs[1].Bytes())
	b.months = arrow.Int32Traits.CastFromBytes(b.bufs[2].Bytes())
	b.rates = arrow.Float64Traits.CastFromBytes(b.bufs[3].Bytes())
	return b
}

// add appends a row; freq must not change (a constant).
func (b *fxBatch) add(line int, freq string, year, month int32, period []byte, rate float64) {
	b.lines[b.rows], b.years[b.rows], b.months[b.rows], b.rates[b.rows] = int64(line), year, month, rate
	b.freq.add(freq)
	b.period.addBytes(period)
	b.rows++
}

// batch is the record of the rows added, with the reader's columns
// (their references taken over).
func (b *fxBatch) batch(shared *sharedCols, country, code, currency arrow.Array) arrow.RecordBatch {
	cols := make([]arrow.Array, nFXCols)
	cols[fxColLine] = primitive(arrow.PrimitiveTypes.Int64, b.rows, nil, b.bufs[0], 0)
	cols[fxColCountry], cols[fxColCountryCode], cols[fxColCurrency] = country, code, currency
	cols[fxColFreq] = b.freq.array(shared)
	cols[fxColYear] = primitive(arrow.PrimitiveTypes.Int32, b.rows, nil, b.bufs[1], 0)
	cols[fxColMonth] = primitive(arrow.PrimitiveTypes.Int32, b.rows, nil, b.bufs[2], 0)
	cols[fxColPeriod] = b.period.array(nil, 0)
	cols[fxColPerUSD] = primitive(arrow.PrimitiveTypes.Float64, b.rows, nil, b.bufs[3], 0)
	rec := array.NewRecordBatch(FXSchema, cols, int64(b.rows))
	for _, a := range cols {
		a.Release()
	}
	return rec
}

// release drops the buffers of a batch that was not made.
func (b *fxBatch) release() {
	for _, buf := range b.bufs {
		buf.Release()
	}
	b.period.release()
	b.freq.release()
}

// upperCode reports whether b is three upper-case ASCII letters, the
// currency codes the fast path takes as they are.
func upperCode(b []byte) bool {
	return len(b) == 3 && b[0] >= 'A' && b[0] <= 'Z' && b[1] >= 'A' && b[1] <= 'Z' && b[2] >= 'A' && b[2] <= 'Z'
}
