package ingest

import (
	"bytes"
	"math"

	"github.com/tradepipe/tradepipe/transform/country"
)

// sdmxERReader is the fast path for the IMF's exchange rates (IMF.STA:ER)
// in SDMX-CSV 1.0, the layout of the IMF's own download: 41 columns, of
// which a rate needs the first seventeen or so, and long quoted texts
// (descriptions, citations) after them. As longFXReader does for fx-long,
// it parses chunks of whole records on two goroutines straight into Arrow
// buffers; of each line it splits only the fields up to the last it reads
// (sdmxERCols.last) and counts the rest, quotes and all, without copying
// them.
//
// It accepts the plain form of a row: the fields it reads unquoted; the
// rest closed on their line; the dataflow IMF.STA:ER (any version);
// indicator XDC_USD; PA_RT or EOP_RT; an annual, quarterly or monthly
// period of a year from 1900 to 2100, with the frequency written as the
// period's, in upper case; a country code the table knows, with its
// currency, or an IMF group code (skipped, as the general path skips it);
// a positive rate parseNumber takes; a scale of 0 or none; an empty value
// where a status says why (skipped). Anything else in a chunk hands that
// chunk and everything after it to the general scanner and sdmxParser,
// which give exactly their own rows and positioned errors (see chunkPipe).
type sdmxERReader struct {
	*sdmxParser
	chunkPipe

	col    sdmxERCols
	shared *sharedCols
}

// sdmxERCols are the columns the fast path reads, by position.
type sdmxERCols struct {
	flow, country, ind, tt, freq, period, value, scale int // freq, scale: -1 if none
	status                                             []int
	last                                               int // the last of them
	n                                                  int // fields a record has
}

// fastSDMX returns the columns of p's header the fast path reads, or false
// where the header is not one it reads: exchange rates in SDMX-CSV 1.0,
// comma-separated, without labels, with the IMF's ER columns.
func fastSDMX(p *sdmxParser) (sdmxERCols, bool) {
	h := p.h
	if p.kind != KindFX || h.v2 || h.labels || p.s.sep != ',' {
		return sdmxERCols{}, false
	}
	c := sdmxERCols{flow: h.flowCol, value: h.value, scale: h.scale, status: h.status, freq: freqColumn(h), n: len(h.names),
		country: h.optional("COUNTRY"), ind: h.optional("INDICATOR"), tt: h.optional("TYPE_OF_TRANSFORMATION"), period: h.optional("TIME_PERIOD")}
	if c.country < 0 || c.ind < 0 || c.tt < 0 || c.period < 0 {
		return sdmxERCols{}, false
	}
	c.last = max(c.flow, c.value, c.scale, c.freq, c.country, c.ind, c.tt, c.period)
	for _, s := range c.status {
		c.last = max(c.last, s)
	}
	return c, true
}

// sdmxShortest is the shortest line of an IMF ER row without its
// separators: the dataflow, a country, the indicator, a transformation, a
// year and a one-digit rate.
const sdmxShortest = len("IMF.STA:ER()") + len("AAA") + len("XDC_USD") + len("PA_RT") + len("2019") + len("1")

func newSDMXERReader(p *sdmxParser, col sdmxERCols) *sdmxERReader {
	r := &sdmxERReader{sdmxParser: p, col: col}
	r.init(FXSchema, p.o, p.s, true)
	r.inline = p.o.small()
	r.parse, r.onePass = r.parseChunk, p.withScanner
	r.onStart = func() { r.shared = newSharedCols(r.o.mem, chunkRows(r.o, sdmxShortest+col.n)) }
	r.onRelease = func() { r.shared.release() }
	return r
}

// sdmxERCountry is what the fast path knows of a country code.
type sdmxERCountry struct {
	skip     bool // an aggregate: the row is not loaded
	e        codeEntry
	currency string
}

// sdmxERChunk is the state of one chunk's parse.
type sdmxERChunk struct {
	countries map[string]*sdmxERCountry // by the code as written
	flow      []byte                    // the dataflow text known to be IMF.STA:ER
	fields    [][]byte
}

// parseChunk turns a chunk into a batch, or marks it failed.
func (r *sdmxERReader) parseChunk(c *chunk) {
	mem, n := r.o.mem, c.lines
	b := newFXBatch(mem, n)
	cty, code, cur := newStrCol(mem, n, 3*n), &codeCol{mem: mem, n: n}, newStrCol(mem, n, 3*n)
	st := sdmxERChunk{countries: map[string]*sdmxERCountry{}, fields: make([][]byte, r.col.last+1)}
	var row sdmxERRow
	line := c.line
	for data := c.data; len(data) > 0; line++ {
		var l []byte
		l, data = cutLine(data)
		if blank(l) {
			continue
		}
		keep, ok := r.parseLine(l, &st, &row)
		if !ok {
			c.failed = true
			break
		}
		if !keep {
			continue
		}
		b.add(line, row.freq, row.year, row.month, row.period, row.rate)
		code.add(cty, &row.country.e)
		cty.add(row.country.e.country)
		cur.add(row.country.currency)
	}
	if c.failed || !r.shared.holds(b.rows) { // (the second only where the text outgrew its size)
		c.failed = true
		b.release()
		cty.release()
		cur.release()
		code.release()
		return
	}
	country := cty.array(nil, 0)
	c.rec = b.batch(r.shared, country, code.array(country), cur.array(nil, 0))
}

// sdmxERRow is one parsed line.
type sdmxERRow struct {
	country     *sdmxERCountry
	freq        string
	year, month int32
	period      []byte // in periodBuf
	rate        float64
	periodBuf   [10]byte
}

// parseLine reads one non-blank line (newline and CR removed) into row,
// in the order sdmxParser.next and bindIMFER check a row. keep is false
// for a row the general path skips too; ok is false for anything the
// general path must read, or word an error for.
func (r *sdmxERReader) parseLine(l []byte, st *sdmxERChunk, row *sdmxERRow) (keep, ok bool) {
	f := st.fields
	if !splitSDMX(l, f, r.col.n) {
		return false, false
	}
	c := &r.col
	if flow := trimSpace(f[c.flow]); st.flow == nil || !bytes.Equal(flow, st.flow) { // (an empty field is not nil)
		if !imfERFlow(flow) {
			return false, false
		}
		st.flow = flow
	}
	v := trimSpace(f[c.value])
	if len(v) == 0 {
		for _, s := range c.status {
			if len(trimSpace(f[s])) > 0 {
				return false, true // explained: not loaded
			}
		}
		return false, false
	}
	if string(trimSpace(f[c.ind])) != "XDC_USD" {
		return false, false
	}
	var eop bool
	switch string(trimSpace(f[c.tt])) {
	case "PA_RT":
	case "EOP_RT":
		eop = true
	default:
		return false, false
	}
	p := trimSpace(f[c.period])
	year, ok := fastYear(p[:min(len(p), 4)])
	if !ok {
		return false, false
	}
	freq, m := sdmxFastPeriod(p[4:])
	if freq == "" {
		return false, false
	}
	if c.freq >= 0 && string(trimSpace(f[c.freq])) != freq {
		return false, false
	}
	e, ok := r.country(st, trimSpace(f[c.country]))
	if !ok {
		return false, false
	}
	if e.skip {
		return false, true // an aggregate
	}
	rate, ok := number(v)
	if !ok {
		return false, false
	}
	if c.scale >= 0 {
		if s := trimSpace(f[c.scale]); len(s) > 0 && string(s) != "0" {
			return false, false
		}
	}
	if !(rate > 0) || math.IsInf(rate, 0) {
		return false, false
	}
	row.country, row.year, row.rate = e, year, rate
	row.freq, row.month, row.period = freq, 0, row.periodBuf[:4]
	copy(row.periodBuf[:4], p[:4])
	if eop { // the rate of the period's last day (fxPeriod)
		switch freq {
		case "A":
			m = 12
		case "Q":
			m *= 3
		}
		d := daysIn(int(year), int(m))
		row.freq, row.month = "D", m
		row.period = append(row.period, '-', byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10))
		return true, true
	}
	switch freq {
	case "Q":
		row.period = append(row.period, '-', 'Q', byte('0'+m))
	case "M":
		row.month = m
		row.period = append(row.period, '-', byte('0'+m/10), byte('0'+m%10))
	}
	return true, true
}

// sdmxFastPeriod reads what follows a period's year: nothing (A), -Qn
// (Q, n the quarter), -Mnn or -nn (M, nn the month). Any other form, a
// day's among them, gives "".
func sdmxFastPeriod(rest []byte) (freq string, n int32) {
	var mm []byte
	switch {
	case len(rest) == 0:
		return "A", 0
	case len(rest) == 3 && rest[0] == '-' && rest[1] == 'Q':
		if rest[2] >= '1' && rest[2] <= '4' {
			return "Q", int32(rest[2] - '0')
		}
		return "", 0
	case len(rest) == 4 && rest[0] == '-' && rest[1] == 'M':
		mm = rest[2:]
	case len(rest) == 3 && rest[0] == '-':
		mm = rest[1:]
	default:
		return "", 0
	}
	if mm[0] < '0' || mm[0] > '9' || mm[1] < '0' || mm[1] > '9' {
		return "", 0
	}
	if m := int32(mm[0]-'0')*10 + int32(mm[1]-'0'); m >= 1 && m <= 12 {
		return "M", m
	}
	return "", 0
}

// imfERFlow reports whether a dataflow field names IMF.STA:ER, as
// sdmxHeader.flow reads it.
func imfERFlow(b []byte) bool {
	m := sdmxRef.FindSubmatch(b)
	return m != nil && string(m[1]) == "IMF.STA" && string(m[2]) == "ER"
}

// country resolves an IMF country code as imfCountry does; false for one
// the general path words an error for (unknown, or without a currency).
func (r *sdmxERReader) country(st *sdmxERChunk, code []byte) (*sdmxERCountry, bool) {
	if e, ok := st.countries[string(code)]; ok {
		return e, e != nil
	}
	var c country.Country
	var ok bool
	switch {
	case string(code) == "G001":
		c, _ = r.o.codes.Lookup(country.Alpha3, "WLD")
		if c.Code == "" {
			c = country.Country{Code: "WLD", Kind: country.KindWorld}
		}
		ok = true
	case imfGroup.Match(code):
		c, ok = country.Country{Code: string(code), Kind: country.KindAggregate}, true
	default:
		c, ok = r.o.codes.Lookup(country.Alpha3, string(code))
	}
	var e *sdmxERCountry
	switch {
	case !ok:
	case c.IsAggregate():
		e = &sdmxERCountry{skip: true}
	case c.Currency != "":
		e = &sdmxERCountry{e: codeEntry{ok: true, country: c.Code, code: string(code), own: c.Code == string(code)}, currency: c.Currency}
	}
	st.countries[string(code)] = e
	return e, e != nil
}

// splitSDMX finds the first len(fields) fields of line l, which must be
// unquoted, and checks the line has n fields in all: the ones after them
// are counted, quoted or not, without being split. It reports false for a
// line the general path must read or reject: a quote among the fields it
// splits, a quote that is not a whole field, one left open at the line's
// end, a NUL byte, a line longer than maxFastLine, or another count.
func splitSDMX(l []byte, fields [][]byte, n int) bool {
	if len(l) > maxFastLine || bytes.IndexByte(l, 0) >= 0 {
		return false
	}
	start := 0 // of the field after those split, -1 where the line ended
	for k := range fields {
		if start < 0 {
			return false // fewer fields than it reads
		}
		i := bytes.IndexByte(l[start:], ',')
		if i < 0 {
			fields[k], start = l[start:], -1
			continue
		}
		fields[k], start = l[start:start+i], start+i+1
	}
	if start < 0 {
		return bytes.IndexByte(l, '"') < 0 && len(fields) == n
	}
	if bytes.IndexByte(l[:start], '"') >= 0 {
		return false
	}
	tail, ok := countFields(l[start:])
	return ok && len(fields)+tail == n
}

// countFields counts the comma-separated fields of t (at least one),
// reading quoted ones as the scanner does: a quote opens a field, and two
// in a row inside it are one. false for a quote that is not at a field's
// start, or a field not closed, or text after its closing quote.
func countFields(t []byte) (int, bool) {
	n := 1
	for {
		q := bytes.IndexByte(t, '"')
		if q < 0 {
			return n + bytes.Count(t, []byte{','}), true
		}
		if q > 0 && t[q-1] != ',' {
			return 0, false
		}
		n += bytes.Count(t[:q], []byte{','})
		t = t[q+1:]
		for {
			e := bytes.IndexByte(t, '"')
			if e < 0 {
				return 0, false
			}
			t = t[e+1:]
			if len(t) > 0 && t[0] == '"' { // an escaped quote
				t = t[1:]
				continue
			}
			break
		}
		if len(t) == 0 {
			return n, true
		}
		if t[0] != ',' {
			return 0, false
		}
		n++
		t = t[1:]
	}
}
