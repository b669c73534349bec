package ingest

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/tradepipe/tradepipe/transform/country"
)

// legacyParser reads the UN Comtrade legacy bulk/API CSV layout:
//
//	Classification,Year,Period,Period Desc.,Aggregate Level,Is Leaf Code,Trade Flow Code,Trade Flow,Reporter Code,...,Trade Value (US$),...
//
// Trade Flow Code 1 import, 2 export, 3 re-export, 4 re-import; Period is
// YYYY for annual and YYYYMM for monthly data. Later Comtrade+ exports
// write the layout with Trade Flow Code 0 and the flow as text in Trade
// Flow (M, X, RX, RM; DX, FM, XOP and the like are kept as given and stay
// outside the totals), and W00/C00 codes. Files cut down to fewer columns
// are read by column name: what is needed is Reporter Code, Partner
// Code, Commodity Code, Trade Value (US$), the period (Period, or Year
// for annual data) and the flow (Trade Flow Code, or Trade Flow).
// Aggregate Level and Is Leaf Code are kept on every row. Rows with an
// aggregate reporter or partner (EU-28, 97) are skipped and counted.
type legacyParser struct {
	s *scanner
	h *header
	o *options
	c struct {
		class, period, year, flow, flowText, reporter, partner, cmd, value int
		partner2, customs, mot, cif, fob, qty, qtyUnit, netWgt             int
		level, leaf                                                        int
	}
	row  tradeRow
	skip skipTally
}

func (p *legacyParser) skips() skipTally { return p.skip }

// legacyColumns are the columns a legacy file needs, whatever else it
// has. legacyMatches tells a legacy header
var legacyColumns = []string{"Reporter Code", "Partner Code", "Commodity Code", "Trade Value (US$)"}

// (the usual header's first columns, or, in any order, the reporter,
// partner and commodity codes); the parser then names what is missing.
func legacyMatches(rec [][]byte) bool {
	if sigMatches(sigLegacy, rec) {
		return true
	}
	names := map[string]bool{}
	for _, f := range rec {
		names[strings.TrimSpace(string(f))] = true
	}
	return names["Reporter Code"] && names["Partner Code"] && names["Commodity Code"]
}

func newLegacyParser(s *scanner, o *options) (parser, error) {
	if err := needCodes(o); err != nil {
		return nil, err
	}
	rec, err := s.read()
	if err == io.EOF {
		return nil, &ParseError{File: s.file, Err: ErrEmpty}
	}
	if err != nil {
		return nil, err
	}
	if !legacyMatches(rec) {
		return nil, &ParseError{File: s.file, Line: s.recLine,
			Err: fmt.Errorf("%w for format comtrade-legacy: want the columns %s, Period or Year, Trade Flow Code or Trade Flow",
				ErrUnknownFormat, strings.Join(legacyColumns, ", "))}
	}
	h := newHeader(s.file, s.recLine, rec)
	p := &legacyParser{s: s, h: h, o: o}
	idx, err := h.require(legacyColumns...)
	if err != nil {
		return nil, err
	}
	for _, alt := range [][2]string{{"Period", "Year"}, {"Trade Flow Code", "Trade Flow"}} {
		if h.optional(alt[0]) < 0 && h.optional(alt[1]) < 0 {
			return nil, &ParseError{File: s.file, Line: s.recLine, Err: fmt.Errorf("%w %q (or %q)", ErrMissingColumn, alt[0], alt[1])}
		}
	}
	c := &p.c
	c.reporter, c.partner, c.cmd, c.value = idx[0], idx[1], idx[2], idx[3]
	c.class, c.period, c.year = h.optional("Classification"), h.optional("Period"), h.optional("Year")
	c.flow, c.flowText = h.optional("Trade Flow Code"), h.optional("Trade Flow")
	c.partner2, c.customs, c.mot = h.optional("2nd Partner Code"), h.optional("Customs Proc. Code"), h.optional("Mode of Transport Code")
	c.cif, c.fob = h.optional("CIF Trade Value (US$)"), h.optional("FOB Trade Value (US$)")
	c.qty, c.qtyUnit, c.netWgt = h.optional("Qty"), h.optional("Qty Unit"), h.optional("Netweight (kg)")
	c.level, c.leaf = h.optional("Aggregate Level"), h.optional("Is Leaf Code")
	return p, nil
}

var legacyFlows = map[string]string{"1": "M", "2": "X", "3": "RX", "4": "RM"}

// legacyFlowNames are the flows as text, as the older legacy files wrote
// them; short codes (M, X, RX, RM, DX, FM, XOP, ...) are kept as given.
var legacyFlowNames = map[string]string{"Import": "M", "Export": "X", "Re-Export": "RX", "Re-export": "RX",
	"Re-Import": "RM", "Re-import": "RM"}

// flow is the row's flow: from Trade Flow Code 1-4, else (code 0 or no
// code column) from the text in Trade Flow.
func (p *legacyParser) flow(r *rec) (string, error) {
	c := &p.c
	if c.flow >= 0 {
		code := r.str(c.flow)
		if f, ok := legacyFlows[code]; ok {
			return f, nil
		}
		if code != "0" || c.flowText < 0 {
			return "", r.fail(c.flow, fmt.Errorf("%w: trade flow code %q (want 1-4, or 0 with the flow in Trade Flow)", ErrBadCode, clip(r.fields[c.flow])))
		}
	}
	t := r.str(c.flowText)
	if f, ok := legacyFlowNames[t]; ok {
		return f, nil
	}
	if t == "" || len(t) > 8 || strings.ContainsAny(t, " ,") {
		return "", r.fail(c.flowText, fmt.Errorf("%w: trade flow %q (want M, X, RX, RM or another short code)", ErrBadCode, clip(r.fields[c.flowText])))
	}
	return t, nil
}

// withScanner makes the parser parallelReader runs on each chunk.
func (p *legacyParser) withScanner(s *scanner) parser {
	q := *p
	q.s = s
	return &q
}

func (p *legacyParser) next(b *array.RecordBuilder) error {
	fields, err := p.s.read()
	if err != nil {
		return err
	}
	r := rec{s: p.s, h: p.h, fields: fields}
	if err := r.wantFields(len(p.h.names)); err != nil {
		return err
	}
	c := &p.c
	row := &p.row
	*row = tradeRow{line: int64(p.s.recLine), freq: "A", currency: "USD"}
	per, pcol := "", c.period
	if pcol >= 0 {
		per = r.str(pcol)
	}
	if per == "" && c.year >= 0 {
		per, pcol = r.str(c.year), c.year
		if len(per) != 4 {
			return r.fail(pcol, valueError(ErrBadYear, fields[pcol]))
		}
	}
	switch len(per) {
	case 4:
		row.year, err = parseYear(&r, pcol, []byte(per))
	case 6:
		row.freq = "M"
		row.year, err = parseYear(&r, pcol, []byte(per[:4]))
		m, aerr := strconv.Atoi(per[4:])
		if err == nil && (aerr != nil || m < 1 || m > 12) {
			err = r.fail(pcol, valueError(ErrBadPeriod, fields[pcol]))
		}
		row.month = int32(m)
	default:
		err = r.fail(pcol, valueError(ErrBadPeriod, fields[pcol]))
	}
	if err != nil {
		return err
	}
	if row.flow, err = p.flow(&r); err != nil {
		return err
	}
	rep, err := r.country(p.o.codes, country.Comtrade, c.reporter)
	if err != nil {
		return err
	}
	if rep.IsAggregate() { // skipped whatever its partner
		p.skip.add(aggregateSkip("reporter", r.str(c.reporter), rep.Name))
		return nil
	}
	par, err := r.country(p.o.codes, country.Comtrade, c.partner)
	if err != nil {
		return err
	}
	if par.IsAggregate() {
		p.skip.add(aggregateSkip("partner", r.str(c.partner), par.Name))
		return nil
	}
	if err := r.level(row, c.level, c.leaf); err != nil {
		return err
	}
	row.reporter, row.reporterCode = rep.Code, r.str(c.reporter)
	row.partner, row.partnerCode = par.Code, r.str(c.partner)
	row.product = r.str(c.cmd)
	if c.class >= 0 {
		row.classification = r.str(c.class)
	}
	if row.product == "" {
		return r.fail(c.cmd, fmt.Errorf("%w: empty commodity code", ErrBadCode))
	}
	for _, o := range []struct {
		i int
		v *string
	}{{c.partner2, &row.partner2}, {c.customs, &row.customs}, {c.mot, &row.mot}} {
		if o.i >= 0 {
			*o.v = r.str(o.i)
		}
	}
	if row.value, err = r.float(c.value); err != nil {
		return err
	}
	if row.value, err = r.money(c.value, row.value, 1, "USD"); err != nil {
		return err
	}
	if err := r.measures(row, c.cif, c.fob, c.qty, c.netWgt); err != nil {
		return err
	}
	if c.qtyUnit >= 0 && row.qty.ok {
		row.qtyUnit = r.str(c.qtyUnit)
	}
	appendTrade(b, row)
	return nil
}
