package ingest

import (
	"bytes"
	"regexp"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/tradepipe/tradepipe/transform/country"
)

// baciParser reads CEPII BACI files:
//
//	t,i,j,k,v,q
//
// t year, i exporter and j importer as BACI's numeric country codes (ISO
// numeric with Comtrade's exceptions), k the HS6 product as text (leading
// zero kept), v value in thousands of USD, q quantity in metric tons (may be
// empty). Rows become flow-table rows: reporter = exporter, partner =
// importer, flow X, value in USD.
type baciParser struct {
	s     *scanner
	h     *header
	o     *options
	class string
	cache map[string]country.Country
	row   tradeRow
}

var baciName = regexp.MustCompile(`BACI_(HS\d\d)_`)

func newBACIParser(s *scanner, o *options) (parser, error) {
	if err := needCodes(o); err != nil {
		return nil, err
	}
	h, err := readHeader(s, "baci", sigBACI, 0)
	if err != nil {
		return nil, err
	}
	class := "HS"
	if m := baciName.FindStringSubmatch(o.name); m != nil {
		class = m[1]
	}
	return newBACIReader(&baciParser{s: s, h: h, o: o, class: class, cache: make(map[string]country.Country)}), nil
}

func (p *baciParser) lookup(r *rec, i int) (country.Country, error) {
	b := bytes.TrimSpace(r.fields[i])
	if c, ok := p.cache[string(b)]; ok {
		return c, nil
	}
	c, err := r.country(p.o.codes, country.Numeric, i)
	if err == nil {
		p.cache[string(b)] = c
	}
	return c, err
}

func (p *baciParser) next(b *array.RecordBuilder) error {
	fields, err := p.s.read()
	if err != nil {
		return err
	}
	r := rec{s: p.s, h: p.h, fields: fields}
	if err := r.wantFields(6); err != nil {
		return err
	}
	row := &p.row
	*row = tradeRow{line: int64(p.s.recLine), freq: "A", flow: "X", classification: p.class, currency: "USD"}
	if row.year, err = r.year(0); err != nil {
		return err
	}
	ex, err := p.lookup(&r, 1)
	if err != nil {
		return err
	}
	im, err := p.lookup(&r, 2)
	if err != nil {
		return err
	}
	row.reporter, row.reporterCode = ex.Code, string(bytes.TrimSpace(fields[1]))
	row.partner, row.partnerCode = im.Code, string(bytes.TrimSpace(fields[2]))
	row.product = r.str(3)
	if row.product == "" {
		return r.fail(3, ErrBadCode)
	}
	v, err := r.float(4)
	if err != nil {
		return err
	}
	if row.value, err = r.money(4, v, 1000, "USD"); err != nil {
		return err
	}
	if row.qty, err = r.opt(5); err != nil {
		return err
	}
	if row.qty.ok {
		row.qtyUnit = "t"
	}
	appendTrade(b, row)
	return nil
}
