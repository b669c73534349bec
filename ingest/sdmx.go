package ingest

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/tradepipe/tradepipe/transform/country"
)

// SDMX-CSV is one reader for many publishers (sdmxParser): the generic
// layer reads the layout, and a table of the dataflows tradepipe knows
// (sdmxFlows) says what an observation of each means.
//
// The layout, in both versions of the SDMX-CSV specification:
//
//	1.0: DATAFLOW,<dimensions>,TIME_PERIOD,OBS_VALUE,<attributes>
//	     IMF.STA:ER(4.0.1),KAZ,XDC_USD,PA_RT,A,2019,382.7473,...
//	2.x: STRUCTURE,STRUCTURE_ID,ACTION,<dimensions>,TIME_PERIOD,OBS_VALUE,...
//	     dataflow,BIS:WS_XRU(1.0),I,A,KZ,KZT,A,2019,382.75,...
//
// Columns are found by their id, in any order; separated by commas or
// semicolons (a semicolon file may write decimal commas); with
// labels=both every header and value may carry its label ("FREQ:
// Frequency", "A: Annual"), which is cut off. The first column of 2.x may
// name the sub-value separator ("STRUCTURE[|]"); ACTION D (delete) is
// refused. An empty OBS_VALUE is no value where a status attribute
// (OBS_STATUS, STATUS) says why, and an error otherwise. The row's
// dataflow must be one of sdmxFlows: another is an error naming it.

// sdmxFlow is one dataflow tradepipe reads: its agency and id (any
// version), what it holds, and how a row becomes a canonical row.
type sdmxFlow struct {
	agency, id string
	kind       Kind
	what       string
	bind       func(h *sdmxHeader) (sdmxMapper, error)
}

// sdmxMapper turns one observation into a row. It returns false for an
// observation that is recognised and not loaded (an aggregate).
type sdmxMapper func(p *sdmxParser, r *rec, b *array.RecordBuilder) (bool, error)

// sdmxFlows is the table of dataflows.
var sdmxFlows = []sdmxFlow{
	{"IMF.STA", "IMTS", KindTrade, "IMF International Merchandise Trade Statistics", bindIMTS},
	{"IMF.STA", "ER", KindFX, "IMF exchange rates", bindIMFER},
	{"BIS", "WS_XRU", KindFX, "BIS US dollar exchange rates", bindBISXRU},
	{"ECB", "EXR", KindFX, "ECB euro exchange rates", bindECBEXR},
}

func sdmxKnown() string {
	var names []string
	for _, f := range sdmxFlows {
		names = append(names, f.agency+":"+f.id)
	}
	return strings.Join(names, ", ")
}

// sdmxRef matches AGENCY:ID(VERSION), with its label after it when the
// file was written with labels=both.
var sdmxRef = regexp.MustCompile(`^([A-Za-z0-9_.@-]+):([A-Za-z0-9_@-]+)\(([0-9A-Za-z.+*~-]*)\)`)

// sniffSDMX tells an SDMX-CSV text from its first line: its separator,
// and whether it is version 2.x.
func sniffSDMX(peek []byte) (comma byte, v2, ok bool) {
	line := bytes.TrimPrefix(peek, []byte{0xEF, 0xBB, 0xBF})
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	line = bytes.TrimLeft(line, `"`)
	switch {
	case bytes.HasPrefix(line, []byte("DATAFLOW")):
		line = line[len("DATAFLOW"):]
	case bytes.HasPrefix(line, []byte("STRUCTURE")):
		line, v2 = line[len("STRUCTURE"):], true
		if len(line) >= 3 && line[0] == '[' && line[2] == ']' { // STRUCTURE[|]: the sub-value separator
			line = line[3:]
		}
	default:
		return 0, false, false
	}
	line = bytes.TrimLeft(line, `"`)
	if len(line) > 0 && line[0] == ':' { // labels=both: "DATAFLOW: Dataflow"
		i := bytes.IndexAny(line, ",;")
		if i < 0 {
			return 0, false, false
		}
		line = line[i:]
	}
	if len(line) == 0 || (line[0] != ',' && line[0] != ';') {
		return 0, false, false
	}
	if v2 && !bytes.HasPrefix(bytes.TrimLeft(line[1:], `"`), []byte("STRUCTURE_ID")) {
		return 0, false, false
	}
	return line[0], v2, true
}

// sdmxSniff is the detection hook of the sdmx-* formats: an SDMX-CSV text
// whose first observation's dataflow is of the format's kind. A dataflow
// tradepipe does not know is an error naming it.
func sdmxSniff(kind Kind) func(name string, peek []byte) (bool, error) {
	return func(name string, peek []byte) (bool, error) {
		comma, v2, ok := sniffSDMX(peek)
		if !ok {
			return false, nil
		}
		s := newScanner(name, bytes.NewReader(peek))
		s.sep = comma
		h, err := readSDMXHeader(s, v2)
		if err != nil {
			return false, nil // let the formats' reader say what is wrong
		}
		fields, err := s.read()
		if err != nil {
			return false, nil
		}
		r := rec{s: s, h: h.header, fields: fields}
		if h.flowCol >= len(fields) {
			return false, nil
		}
		f, err := h.flow(&r)
		if err != nil {
			return false, err
		}
		return f.kind == kind, nil
	}
}

// sdmxHeader is the header of an SDMX-CSV text: columns by their id.
type sdmxHeader struct {
	*header
	v2      bool
	labels  bool // labels=both: "ID: Name" headers and values
	flowCol int  // DATAFLOW, or STRUCTURE_ID
	action  int  // ACTION, -1 if none
	value   int  // OBS_VALUE
	status  []int
	scale   int // SCALE (IMF) or UNIT_MULT (BIS, ECB), -1 if none
}

func readSDMXHeader(s *scanner, v2 bool) (*sdmxHeader, error) {
	fields, err := s.read()
	if err == io.EOF {
		return nil, &ParseError{File: s.file, Err: ErrEmpty}
	}
	if err != nil {
		return nil, err
	}
	ids := make([][]byte, len(fields))
	labels := false
	for i, f := range fields {
		id := bytes.TrimSpace(f)
		if j := bytes.Index(id, []byte(": ")); j > 0 {
			id, labels = id[:j], true
		}
		if i == 0 && len(id) > 3 && id[len(id)-3] == '[' && id[len(id)-1] == ']' {
			id = id[:len(id)-3]
		}
		ids[i] = id
	}
	h := &sdmxHeader{header: newHeader(s.file, s.recLine, ids), v2: v2, labels: labels, action: -1, scale: -1}
	first := "DATAFLOW"
	if v2 {
		first = "STRUCTURE_ID"
		h.action = h.optional("ACTION")
	}
	idx, err := h.require(first, "OBS_VALUE")
	if err != nil {
		return nil, err
	}
	h.flowCol, h.value = idx[0], idx[1]
	for _, n := range []string{"OBS_STATUS", "STATUS"} {
		if i := h.optional(n); i >= 0 {
			h.status = append(h.status, i)
		}
	}
	for _, n := range []string{"SCALE", "UNIT_MULT"} {
		if i := h.optional(n); i >= 0 {
			h.scale = i
			break
		}
	}
	return h, nil
}

// id is the value of field i without its label.
func (h *sdmxHeader) id(r *rec, i int) string {
	v := r.str(i)
	if h.labels {
		if j := strings.Index(v, ": "); j > 0 {
			v = v[:j]
		}
	}
	return v
}

// flow finds the row's dataflow in the table.
func (h *sdmxHeader) flow(r *rec) (sdmxFlow, error) {
	raw := r.str(h.flowCol)
	m := sdmxRef.FindStringSubmatch(raw)
	if m == nil {
		return sdmxFlow{}, r.fail(h.flowCol, fmt.Errorf("%w: dataflow %q (want AGENCY:ID(VERSION))", ErrBadCode, clip([]byte(raw))))
	}
	for _, f := range sdmxFlows {
		if f.agency == m[1] && f.id == m[2] {
			return f, nil
		}
	}
	return sdmxFlow{}, r.fail(h.flowCol, fmt.Errorf("%w %s:%s(%s); tradepipe reads %s", ErrUnknownDataflow, m[1], m[2], m[3], sdmxKnown()))
}

// sdmxParser reads an SDMX-CSV text of one kind (trade or exchange rates).
type sdmxParser struct {
	s       *scanner
	h       *sdmxHeader
	o       *options
	kind    Kind
	mappers map[string]sdmxMapper // by the dataflow field as written
	cache   map[string]country.Country
	// skipped counts observations recognised and not loaded: aggregates,
	// and empty values a status explains.
	skipped int64
}

func newSDMXParser(kind Kind) func(s *scanner, o *options) (parser, error) {
	return func(s *scanner, o *options) (parser, error) {
		if err := needCodes(o); err != nil {
			return nil, err
		}
		peek, _ := s.br.Peek(4 << 10)
		comma, v2, ok := sniffSDMX(peek)
		if !ok {
			return nil, &ParseError{File: s.file, Line: 1,
				Err: fmt.Errorf("%w for SDMX-CSV: want a header starting DATAFLOW (1.0) or STRUCTURE,STRUCTURE_ID (2.x)", ErrUnknownFormat)}
		}
		s.sep = comma
		h, err := readSDMXHeader(s, v2)
		if err != nil {
			return nil, err
		}
		p := &sdmxParser{s: s, h: h, o: o, kind: kind, mappers: map[string]sdmxMapper{}, cache: map[string]country.Country{}}
		if col, ok := fastSDMX(p); ok && !o.sequential {
			return newSDMXERReader(p, col), nil
		}
		return p, nil
	}
}

func (p *sdmxParser) next(b *array.RecordBuilder) error {
	for {
		fields, err := p.s.read()
		if err != nil {
			return err
		}
		r := rec{s: p.s, h: p.h.header, fields: fields}
		if err := r.wantFields(len(p.h.names)); err != nil {
			return err
		}
		if p.h.action >= 0 {
			if a := strings.ToUpper(p.h.id(&r, p.h.action)); a == "D" {
				return r.fail(p.h.action, fmt.Errorf("%w: ACTION D (delete) rows cannot be loaded; download the data itself", ErrBadCode))
			}
		}
		m, err := p.mapper(&r)
		if err != nil {
			return err
		}
		if r.str(p.h.value) == "" {
			if p.explained(&r) {
				p.skipped++
				continue
			}
			return r.fail(p.h.value, fmt.Errorf("%w: empty, and no status attribute says why", ErrBadNumber))
		}
		ok, err := m(p, &r, b)
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		p.skipped++
	}
}

// explained reports whether a status attribute of the row is set.
func (p *sdmxParser) explained(r *rec) bool {
	for _, i := range p.h.status {
		if r.str(i) != "" {
			return true
		}
	}
	return false
}

func (p *sdmxParser) mapper(r *rec) (sdmxMapper, error) {
	raw := r.str(p.h.flowCol)
	if m, ok := p.mappers[raw]; ok {
		return m, nil
	}
	f, err := p.h.flow(r)
	if err != nil {
		return nil, err
	}
	if f.kind != p.kind {
		return nil, r.fail(p.h.flowCol, fmt.Errorf("%w: dataflow %s:%s holds %s, not %s (read it as sdmx-%s)", ErrBadCode, f.agency, f.id, f.kind, p.kind, f.kind))
	}
	m, err := f.bind(p.h)
	if err != nil {
		return nil, err
	}
	p.mappers[raw] = m
	return m, nil
}

// value is OBS_VALUE times ten to the power of the scale column (SCALE,
// UNIT_MULT), if any; a decimal comma is read in a semicolon file.
func (p *sdmxParser) value(r *rec) (float64, error) {
	b := bytes.TrimSpace(r.fields[p.h.value])
	if p.s.sep == ';' && bytes.IndexByte(b, ',') >= 0 && bytes.IndexByte(b, '.') < 0 {
		b = bytes.ReplaceAll(b, []byte(","), []byte("."))
	}
	v, err := parseNumber(b)
	if err != nil {
		return 0, r.fail(p.h.value, err)
	}
	if p.h.scale >= 0 {
		if s := p.h.id(r, p.h.scale); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < -15 || n > 15 {
				return 0, r.fail(p.h.scale, fmt.Errorf("%w: scale %q (want a power of ten, 0 for units)", ErrBadCode, clip([]byte(s))))
			}
			v *= math.Pow10(n)
		}
	}
	return v, nil
}

// estimate is whether a status attribute marks the observation as the
// publisher's estimate (E); unknown without a status column.
func (p *sdmxParser) estimate(r *rec) optBool {
	if len(p.h.status) == 0 {
		return optBool{}
	}
	for _, i := range p.h.status {
		if strings.EqualFold(p.h.id(r, i), "E") {
			return optBool{true, true}
		}
	}
	return optBool{false, true}
}

// sdmxTime is an SDMX period: 2019, 2019-Q1, 2019-M01 or 2019-01, 2019-01-15.
type sdmxTime struct {
	freq        string // A, Q, M, D
	year, month int32  // month: the month (M, D), the quarter's first month (Q), 0 (A)
	day         int
	quarter     int
}

func (p *sdmxParser) period(r *rec, i int) (sdmxTime, error) {
	s := p.h.id(r, i)
	// made only for a bad period: a good one (every row) skips fmt
	bad := func() error { return r.fail(i, valueError(ErrBadPeriod, []byte(s))) }
	if len(s) < 4 {
		return sdmxTime{}, bad()
	}
	y, err := strconv.Atoi(s[:4])
	if err != nil || strings.Trim(s[:4], "0123456789") != "" {
		return sdmxTime{}, bad()
	}
	if y < 1900 || y > 2100 {
		return sdmxTime{}, r.fail(i, valueError(ErrBadYear, []byte(s)))
	}
	t := sdmxTime{year: int32(y)}
	num := func(s string, lo, hi int) (int, bool) {
		n, err := strconv.Atoi(s)
		return n, err == nil && strings.Trim(s, "0123456789") == "" && n >= lo && n <= hi
	}
	rest := s[4:]
	var ok bool
	switch {
	case rest == "":
		t.freq, ok = "A", true
	case len(rest) == 3 && rest[:2] == "-Q":
		t.freq = "Q"
		t.quarter, ok = num(rest[2:], 1, 4)
		t.month = int32(3*t.quarter - 2)
	case len(rest) == 4 && rest[:2] == "-M":
		var m int
		m, ok = num(rest[2:], 1, 12)
		t.freq, t.month = "M", int32(m)
	case len(rest) == 3 && rest[0] == '-':
		var m int
		m, ok = num(rest[1:], 1, 12)
		t.freq, t.month = "M", int32(m)
	case len(rest) == 6 && rest[0] == '-' && rest[3] == '-':
		m, ok1 := num(rest[1:3], 1, 12)
		d, ok2 := num(rest[4:], 1, daysIn(y, m))
		t.freq, t.month, t.day, ok = "D", int32(m), d, ok1 && ok2
	}
	if !ok {
		return sdmxTime{}, bad()
	}
	return t, nil
}

func daysIn(year, month int) int {
	switch month {
	case 4, 6, 9, 11:
		return 30
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 31
}

// checkFreq checks the frequency column agrees with the period.
func (p *sdmxParser) checkFreq(r *rec, i int, t sdmxTime) error {
	if i < 0 {
		return nil
	}
	if f := strings.ToUpper(p.h.id(r, i)); f != t.freq {
		return r.fail(i, fmt.Errorf("%w: frequency %q, but the period %q is %s", ErrBadPeriod, clip([]byte(f)), p.h.id(r, p.h.index["TIME_PERIOD"]), t.freq))
	}
	return nil
}

// appendRate reads the observation's rate (a positive number; per US
// dollar, or US dollars per unit where invert), gives the row its period
// and appends it: the end every rate dataflow's mapper shares.
func (p *sdmxParser) appendRate(b *array.RecordBuilder, r *rec, row *fxRow, t sdmxTime, eop, invert bool) (bool, error) {
	v, err := p.value(r)
	if err != nil {
		return false, err
	}
	if err := positiveRate(r, p.h.value, v); err != nil {
		return false, err
	}
	row.perUSD = v
	if invert {
		row.perUSD = 1 / v
	}
	fxPeriod(row, t, eop)
	appendFX(b, row)
	return true, nil
}

// fxPeriod gives a rate row the period of an average (freq as the
// period's) or, for an end-of-period rate, the period's last day (freq D).
func fxPeriod(row *fxRow, t sdmxTime, endOfPeriod bool) {
	row.year = t.year
	if endOfPeriod && t.freq != "D" {
		m := int(t.month)
		switch t.freq {
		case "A":
			m = 12
		case "Q":
			m = 3 * t.quarter
		}
		t = sdmxTime{freq: "D", year: t.year, month: int32(m), day: daysIn(int(t.year), m)}
	}
	row.freq = t.freq
	switch t.freq {
	case "A":
		row.period = fmt.Sprint(t.year)
	case "Q":
		row.period = fmt.Sprintf("%d-Q%d", t.year, t.quarter)
	case "M":
		row.month, row.period = t.month, fmt.Sprintf("%d-%02d", t.year, t.month)
	case "D":
		row.month, row.period = t.month, fmt.Sprintf("%d-%02d-%02d", t.year, t.month, t.day)
	}
}

// imfGroup is an IMF group code (G001 World, G110 Advanced Economies, ...).
var imfGroup = regexp.MustCompile(`^G[0-9]{3}$`)

// imfCountry resolves an IMF country code: ISO 3166 alpha-3, or a group
// code: G001 is World, the other groups are aggregates (ok false).
func (p *sdmxParser) imfCountry(r *rec, i int) (country.Country, bool, error) {
	code := p.h.id(r, i)
	if c, ok := p.cache[code]; ok {
		return c, !c.IsAggregate(), nil
	}
	var c country.Country
	switch {
	case code == "G001":
		c, _ = p.o.codes.Lookup(country.Alpha3, "WLD")
		if c.Code == "" {
			c = country.Country{Code: "WLD", Kind: country.KindWorld}
		}
	case imfGroup.MatchString(code):
		c = country.Country{Code: code, Kind: country.KindAggregate}
	default:
		var ok bool
		if c, ok = p.o.codes.Lookup(country.Alpha3, code); !ok {
			return country.Country{}, false, r.fail(i, fmt.Errorf("%w %q (%s)", ErrUnknownCountry, clip([]byte(code)), country.Alpha3))
		}
	}
	p.cache[code] = c
	return c, !c.IsAggregate(), nil
}

// bindIMTS reads the IMF's International Merchandise Trade Statistics:
//
//	DATAFLOW,COUNTRY,INDICATOR,COUNTERPART_COUNTRY,FREQUENCY,TIME_PERIOD,OBS_VALUE,SCALE,...
//
// INDICATOR XG_FOB_USD is exports FOB (X), MG_CIF_USD imports CIF (M);
// MG_FOB_USD, imports valued FOB, is kept under its own code as flow and
// never added to M. Values in US dollars (full units, times 10^SCALE);
// COUNTERPART_COUNTRY G001 is World, other G codes are aggregates.
func bindIMTS(h *sdmxHeader) (sdmxMapper, error) {
	c, err := h.require("COUNTRY", "INDICATOR", "COUNTERPART_COUNTRY", "TIME_PERIOD")
	if err != nil {
		return nil, err
	}
	freq := freqColumn(h)
	return func(p *sdmxParser, r *rec, b *array.RecordBuilder) (bool, error) {
		rep, ok1, err := p.imfCountry(r, c[0])
		if err != nil {
			return false, err
		}
		par, ok2, err := p.imfCountry(r, c[2])
		if err != nil {
			return false, err
		}
		row := tradeRow{line: int64(p.s.recLine), product: "TOTAL", currency: "USD",
			reporter: rep.Code, reporterCode: p.h.id(r, c[0]), partner: par.Code, partnerCode: p.h.id(r, c[2])}
		ind := p.h.id(r, c[1])
		switch ind {
		case "XG_FOB_USD":
			row.flow = "X"
		case "MG_CIF_USD":
			row.flow = "M"
		case "MG_FOB_USD":
			row.flow = ind
		default:
			return false, r.fail(c[1], fmt.Errorf("%w: indicator %q (want XG_FOB_USD, MG_CIF_USD or MG_FOB_USD)", ErrBadCode, clip([]byte(ind))))
		}
		t, err := p.period(r, c[3])
		if err != nil {
			return false, err
		}
		if t.freq == "D" {
			return false, r.fail(c[3], valueError(ErrBadPeriod, r.fields[c[3]]))
		}
		if err := p.checkFreq(r, freq, t); err != nil {
			return false, err
		}
		if !ok1 || !ok2 {
			return false, nil
		}
		row.freq, row.year, row.month = t.freq, t.year, t.month
		if t.freq == "A" {
			row.month = 0
		}
		if row.value, err = p.value(r); err != nil {
			return false, err
		}
		if row.value, err = r.money(p.h.value, row.value, 1, "USD"); err != nil {
			return false, err
		}
		switch row.flow {
		case "X", "MG_FOB_USD":
			row.fob = optFloat{row.value, true}
		case "M":
			row.cif = optFloat{row.value, true}
		}
		row.isEstimate = p.estimate(r)
		appendTrade(b, &row)
		return true, nil
	}, nil
}

// freqColumn is the index of the frequency dimension (FREQUENCY at the
// IMF, FREQ elsewhere), or -1.
func freqColumn(h *sdmxHeader) int {
	if i := h.optional("FREQUENCY"); i >= 0 {
		return i
	}
	return h.optional("FREQ")
}

// positiveRate checks a rate is positive.
func positiveRate(r *rec, i int, v float64) error {
	if v <= 0 || math.IsInf(v, 0) {
		return r.fail(i, valueError(ErrBadRate, r.fields[i]))
	}
	return nil
}

// bindIMFER reads the IMF's exchange rates (IMF.STA:ER):
//
//	DATAFLOW,COUNTRY,INDICATOR,TYPE_OF_TRANSFORMATION,FREQUENCY,TIME_PERIOD,OBS_VALUE,SCALE,...
//
// INDICATOR XDC_USD (domestic currency per US dollar) only; PA_RT is the
// period average, EOP_RT the rate at the period's end, kept as the rate of
// its last day (freq D). The currency is the country's (country table).
func bindIMFER(h *sdmxHeader) (sdmxMapper, error) {
	c, err := h.require("COUNTRY", "INDICATOR", "TYPE_OF_TRANSFORMATION", "TIME_PERIOD")
	if err != nil {
		return nil, err
	}
	freq := freqColumn(h)
	return func(p *sdmxParser, r *rec, b *array.RecordBuilder) (bool, error) {
		if ind := p.h.id(r, c[1]); ind != "XDC_USD" {
			return false, r.fail(c[1], fmt.Errorf("%w: indicator %q; tradepipe keeps rates per US dollar (XDC_USD)", ErrBadCode, clip([]byte(ind))))
		}
		var eop bool
		switch tt := p.h.id(r, c[2]); tt {
		case "PA_RT":
		case "EOP_RT":
			eop = true
		default:
			return false, r.fail(c[2], fmt.Errorf("%w: %q (want PA_RT, period average, or EOP_RT, end of period)", ErrBadCode, clip([]byte(tt))))
		}
		t, err := p.period(r, c[3])
		if err != nil {
			return false, err
		}
		if err := p.checkFreq(r, freq, t); err != nil {
			return false, err
		}
		cty, ok, err := p.imfCountry(r, c[0])
		if err != nil || !ok {
			return false, err
		}
		row := fxRow{line: int64(p.s.recLine), country: cty.Code, countryCode: p.h.id(r, c[0]), currency: cty.Currency}
		if row.currency == "" {
			return false, r.fail(c[0], fmt.Errorf("%w: %s has no currency in the country table", ErrBadCode, cty.Code))
		}
		return p.appendRate(b, r, &row, t, eop, false)
	}, nil
}

// collection reads BIS's COLLECTION or ECB's EXR_SUFFIX: A average of the
// period, E end of period.
func collection(p *sdmxParser, r *rec, i int) (eop bool, err error) {
	switch v := strings.ToUpper(p.h.id(r, i)); v {
	case "A":
		return false, nil
	case "E":
		return true, nil
	default:
		return false, r.fail(i, fmt.Errorf("%w: %q (want A, average of the period, or E, end of period)", ErrBadCode, clip([]byte(v))))
	}
}

// bindBISXRU reads the BIS's US dollar exchange rates (BIS:WS_XRU):
//
//	DATAFLOW,FREQ,REF_AREA,CURRENCY,COLLECTION,TIME_PERIOD,OBS_VALUE,...
//
// units of CURRENCY per US dollar; REF_AREA ISO 3166 alpha-2 (XM the euro
// area); COLLECTION A average, E end of period (the last day's rate).
func bindBISXRU(h *sdmxHeader) (sdmxMapper, error) {
	c, err := h.require("REF_AREA", "CURRENCY", "COLLECTION", "TIME_PERIOD")
	if err != nil {
		return nil, err
	}
	freq := freqColumn(h)
	return func(p *sdmxParser, r *rec, b *array.RecordBuilder) (bool, error) {
		eop, err := collection(p, r, c[2])
		if err != nil {
			return false, err
		}
		t, err := p.period(r, c[3])
		if err != nil {
			return false, err
		}
		if err := p.checkFreq(r, freq, t); err != nil {
			return false, err
		}
		code := p.h.id(r, c[0])
		cty, ok := p.cache["a2:"+code]
		if !ok {
			if cty, ok = p.o.codes.Lookup(country.Alpha2, code); !ok {
				return false, r.fail(c[0], fmt.Errorf("%w %q (%s)", ErrUnknownCountry, clip([]byte(code)), country.Alpha2))
			}
			p.cache["a2:"+code] = cty
		}
		row := fxRow{line: int64(p.s.recLine), countryCode: code}
		if !cty.IsAggregate() {
			row.country = cty.Code
		}
		if row.currency = strings.ToUpper(p.h.id(r, c[1])); len(row.currency) != 3 || strings.Trim(row.currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			return false, r.fail(c[1], fmt.Errorf("%w: currency %q (want an ISO 4217 code)", ErrBadCode, clip(r.fields[c[1]])))
		}
		return p.appendRate(b, r, &row, t, eop, false)
	}, nil
}

// bindECBEXR reads the ECB's euro reference rates (ECB:EXR):
//
//	DATAFLOW,FREQ,CURRENCY,CURRENCY_DENOM,EXR_TYPE,EXR_SUFFIX,TIME_PERIOD,OBS_VALUE,...
//
// The ECB quotes CURRENCY per CURRENCY_DENOM (EUR). tradepipe keeps rates
// per US dollar, so it reads the USD series: US dollars per euro become
// euros per US dollar (1/v, currency EUR). A series of another currency
// per euro is an error that says where per-dollar rates are; EXR_TYPE
// must be SP00 (spot); EXR_SUFFIX A average, E end of period.
func bindECBEXR(h *sdmxHeader) (sdmxMapper, error) {
	c, err := h.require("CURRENCY", "CURRENCY_DENOM", "EXR_TYPE", "EXR_SUFFIX", "TIME_PERIOD")
	if err != nil {
		return nil, err
	}
	freq := freqColumn(h)
	return func(p *sdmxParser, r *rec, b *array.RecordBuilder) (bool, error) {
		cur, denom := p.h.id(r, c[0]), p.h.id(r, c[1])
		if cur != "USD" || denom != "EUR" {
			return false, r.fail(c[0], fmt.Errorf("%w: the ECB series gives %s per %s; tradepipe keeps rates per US dollar and reads only ECB's USD per EUR series (for other currencies, BIS WS_XRU gives them per US dollar)",
				ErrBadCode, clip([]byte(cur)), clip([]byte(denom))))
		}
		if tp := p.h.id(r, c[2]); tp != "SP00" {
			return false, r.fail(c[2], fmt.Errorf("%w: EXR_TYPE %q (want SP00, the spot rate)", ErrBadCode, clip([]byte(tp))))
		}
		eop, err := collection(p, r, c[3])
		if err != nil {
			return false, err
		}
		t, err := p.period(r, c[4])
		if err != nil {
			return false, err
		}
		if err := p.checkFreq(r, freq, t); err != nil {
			return false, err
		}
		row := fxRow{line: int64(p.s.recLine), currency: "EUR", countryCode: "U2"}
		return p.appendRate(b, r, &row, t, eop, true)
	}, nil
}
