package ingest

import (
	"fmt"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/tradepipe/tradepipe/transform/country"
)

// comtradeParser reads UN Comtrade+ CSV downloads (API and bulk):
//
//	typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,...,primaryValue,legacyEstimationFlag,isReported,isAggregate
//
// Quirks handled: every non-empty field quoted, a trailing comma on data
// rows, refMonth 52 for annual data (frequency comes from freqCode), special
// partners (0 World, 899 areas nes) keyed by their numeric code, breakdown
// rows (customs procedure, mode of transport, second partner) kept with
// their codes so that reports can pick the totals.
type comtradeParser struct {
	s     *scanner
	h     *header
	o     *options
	width int
	c     struct {
		freq, year, month, reporter, flow, partner, partner2, class, cmd, customs, mot, primary int
		cif, fob, qty, qtyUnit, netWgt, isReported, isAggregate                                 int
	}
	row tradeRow
}

func newComtradeParser(s *scanner, o *options) (parser, error) {
	if err := needCodes(o); err != nil {
		return nil, err
	}
	h, err := readHeader(s, "comtrade", sigComtrade, 0)
	if err != nil {
		return nil, err
	}
	p := &comtradeParser{s: s, h: h, o: o, width: len(h.names)}
	idx, err := h.require("freqCode", "refYear", "refMonth", "reporterCode", "flowCode", "partnerCode",
		"partner2Code", "classificationCode", "cmdCode", "customsCode", "motCode", "primaryValue")
	if err != nil {
		return nil, err
	}
	c := &p.c
	c.freq, c.year, c.month, c.reporter, c.flow, c.partner = idx[0], idx[1], idx[2], idx[3], idx[4], idx[5]
	c.partner2, c.class, c.cmd, c.customs, c.mot, c.primary = idx[6], idx[7], idx[8], idx[9], idx[10], idx[11]
	c.cif, c.fob, c.qty, c.qtyUnit = h.optional("cifvalue"), h.optional("fobvalue"), h.optional("qty"), h.optional("qtyUnitAbbr")
	c.netWgt, c.isReported, c.isAggregate = h.optional("netWgt"), h.optional("isReported"), h.optional("isAggregate")
	return p, nil
}

// withScanner makes the parser parallelReader runs on each chunk.
func (p *comtradeParser) withScanner(s *scanner) parser {
	q := *p
	q.s = s
	return &q
}

func (p *comtradeParser) next(b *array.RecordBuilder) error {
	fields, err := p.s.read()
	if err != nil {
		return err
	}
	r := rec{s: p.s, h: p.h, fields: fields}
	// Data rows carry a trailing comma: one empty field beyond the header.
	if len(fields) == p.width+1 && len(fields[p.width]) == 0 {
		r.fields = fields[:p.width]
	} else if err := r.wantFields(p.width); err != nil {
		return err
	}
	c := &p.c
	row := &p.row
	*row = tradeRow{line: int64(p.s.recLine), currency: "USD"}
	row.freq = r.str(c.freq)
	if row.year, err = r.year(c.year); err != nil {
		return err
	}
	switch row.freq {
	case "A":
	case "M":
		m, err := strconv.Atoi(r.str(c.month))
		if err != nil || m < 1 || m > 12 {
			return r.fail(c.month, valueError(ErrBadPeriod, fields[c.month]))
		}
		row.month = int32(m)
	default:
		return r.fail(c.freq, fmt.Errorf("%w: frequency %q (want A or M)", ErrBadPeriod, clip(fields[c.freq])))
	}
	rep, err := r.country(p.o.codes, country.Comtrade, c.reporter)
	if err != nil {
		return err
	}
	par, err := r.country(p.o.codes, country.Comtrade, c.partner)
	if err != nil {
		return err
	}
	if rep.IsAggregate() || par.IsAggregate() {
		return nil
	}
	row.reporter, row.reporterCode = rep.Code, r.str(c.reporter)
	row.partner, row.partnerCode = par.Code, r.str(c.partner)
	row.partner2 = r.str(c.partner2)
	row.flow = r.str(c.flow)
	if row.flow == "" {
		return r.fail(c.flow, fmt.Errorf("%w: empty flow", ErrBadCode))
	}
	row.classification = r.str(c.class)
	row.product = r.str(c.cmd)
	if row.product == "" {
		return r.fail(c.cmd, fmt.Errorf("%w: empty commodity code", ErrBadCode))
	}
	row.customs, row.mot = r.str(c.customs), r.str(c.mot)
	if row.value, err = r.float(c.primary); err != nil {
		return err
	}
	if row.value, err = r.money(c.primary, row.value, 1, "USD"); err != nil {
		return err
	}
	if err := r.measures(row, c.cif, c.fob, c.qty, c.netWgt); err != nil {
		return err
	}
	if c.qtyUnit >= 0 && row.qty.ok {
		if u := r.str(c.qtyUnit); u != "N/A" {
			row.qtyUnit = u
		}
	}
	if c.isReported >= 0 {
		row.isReported = parseBool(fields[c.isReported])
	}
	if c.isAggregate >= 0 {
		row.isAggregate = parseBool(fields[c.isAggregate])
	}
	appendTrade(b, row)
	return nil
}
