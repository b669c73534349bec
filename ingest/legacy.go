package ingest

import (
	"fmt"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/tradepipe/tradepipe/transform/country"
)

// legacyParser reads the UN Comtrade legacy bulk/API CSV layout:
//
//	Classification,Year,Period,Period Desc.,Aggregate Level,Is Leaf Code,Trade Flow Code,Trade Flow,Reporter Code,...,Trade Value (US$),...
//
// Trade Flow Code 1 import, 2 export, 3 re-export, 4 re-import; Period is
// YYYY for annual and YYYYMM for monthly data.
type legacyParser struct {
	s *scanner
	h *header
	o *options
	c struct {
		class, period, flow, reporter, partner, cmd, value     int
		partner2, customs, mot, cif, fob, qty, qtyUnit, netWgt int
	}
	row tradeRow
}

func newLegacyParser(s *scanner, o *options) (parser, error) {
	if err := needCodes(o); err != nil {
		return nil, err
	}
	h, err := readHeader(s, "comtrade-legacy", sigLegacy, 0)
	if err != nil {
		return nil, err
	}
	p := &legacyParser{s: s, h: h, o: o}
	idx, err := h.require("Classification", "Period", "Trade Flow Code", "Reporter Code", "Partner Code", "Commodity Code", "Trade Value (US$)")
	if err != nil {
		return nil, err
	}
	c := &p.c
	c.class, c.period, c.flow, c.reporter, c.partner, c.cmd, c.value = idx[0], idx[1], idx[2], idx[3], idx[4], idx[5], idx[6]
	c.partner2, c.customs, c.mot = h.optional("2nd Partner Code"), h.optional("Customs Proc. Code"), h.optional("Mode of Transport Code")
	c.cif, c.fob = h.optional("CIF Trade Value (US$)"), h.optional("FOB Trade Value (US$)")
	c.qty, c.qtyUnit, c.netWgt = h.optional("Qty"), h.optional("Qty Unit"), h.optional("Netweight (kg)")
	return p, nil
}

var legacyFlows = map[string]string{"1": "M", "2": "X", "3": "RX", "4": "RM"}

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
	per := r.str(c.period)
	switch len(per) {
	case 4:
		row.year, err = parseYear(&r, c.period, []byte(per))
	case 6:
		row.freq = "M"
		row.year, err = parseYear(&r, c.period, []byte(per[:4]))
		m, aerr := strconv.Atoi(per[4:])
		if err == nil && (aerr != nil || m < 1 || m > 12) {
			err = r.fail(c.period, valueError(ErrBadPeriod, fields[c.period]))
		}
		row.month = int32(m)
	default:
		err = r.fail(c.period, valueError(ErrBadPeriod, fields[c.period]))
	}
	if err != nil {
		return err
	}
	flow, ok := legacyFlows[r.str(c.flow)]
	if !ok {
		return r.fail(c.flow, fmt.Errorf("%w: trade flow code %q (want 1-4)", ErrBadCode, clip(fields[c.flow])))
	}
	row.flow = flow
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
	row.classification, row.product = r.str(c.class), r.str(c.cmd)
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
