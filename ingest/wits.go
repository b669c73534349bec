package ingest

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/tradepipe/tradepipe/transform/country"
)

// witsParser reads World Bank WITS "Partner Timeseries" exports:
//
//	Reporter Name,Partner Name,Trade Flow,Product Group,Indicator,1995,1996,...
//
// One row per partner, one column per year, country names instead of codes,
// values in the unit the Indicator names (US$ Thousand, usually). Each
// non-empty year cell becomes one row.
type witsParser struct {
	s     *scanner
	h     *header
	o     *options
	years []int32 // year of each column from 5 on
}

func newWITSParser(s *scanner, o *options) (parser, error) {
	if err := needCodes(o); err != nil {
		return nil, err
	}
	h, err := readHeader(s, "wits", sigWITS, 0)
	if err != nil {
		return nil, err
	}
	p := &witsParser{s: s, h: h, o: o}
	for i := 5; i < len(h.names); i++ {
		r := rec{s: s, h: h, fields: [][]byte{[]byte(h.names[i])}}
		y, err := parseYear(&r, 0, []byte(h.names[i]))
		if err != nil {
			return nil, &ParseError{File: s.file, Line: h.line, Column: s.col(i), Field: h.names[i], Err: ErrBadYear}
		}
		p.years = append(p.years, y)
	}
	if len(p.years) == 0 {
		return nil, &ParseError{File: s.file, Line: h.line, Err: fmt.Errorf("%w: no year columns", ErrMissingColumn)}
	}
	return p, nil
}

func witsFlow(s string) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "import", "imports", "gross imp.":
		return "M", true
	case "export", "exports", "gross exp.":
		return "X", true
	case "re-export", "re-exports":
		return "RX", true
	case "re-import", "re-imports":
		return "RM", true
	}
	return "", false
}

// witsScale reads the unit out of an indicator such as "Import (US$ Thousand)".
func witsScale(ind string) (float64, bool) {
	l := strings.ToLower(ind)
	switch {
	case !strings.Contains(l, "us$"):
		return 0, false
	case strings.Contains(l, "thousand"):
		return 1e3, true
	case strings.Contains(l, "mil"):
		return 1e6, true
	case strings.Contains(l, "bil"):
		return 1e9, true
	}
	return 1, true
}

func (p *witsParser) next(b *array.RecordBuilder) error {
	for {
		fields, err := p.s.read()
		if err != nil {
			return err
		}
		r := rec{s: p.s, h: p.h, fields: fields}
		if err := r.wantFields(len(p.h.names)); err != nil {
			return err
		}
		rep, err := r.country(p.o.codes, country.Name, 0)
		if err != nil {
			return err
		}
		par, err := r.country(p.o.codes, country.Name, 1)
		if err != nil {
			return err
		}
		flow, ok := witsFlow(r.str(2))
		if !ok {
			return r.fail(2, fmt.Errorf("%w: trade flow %q", ErrBadCode, clip(fields[2])))
		}
		scale, ok := witsScale(r.str(4))
		if !ok {
			return r.fail(4, fmt.Errorf("%w: indicator %q is not a US$ value", ErrBadCode, clip(fields[4])))
		}
		product := r.str(3)
		if strings.EqualFold(product, "All Products") {
			product = "TOTAL"
		}
		if rep.IsAggregate() || par.IsAggregate() {
			continue
		}
		n := 0
		for k, y := range p.years {
			v, ok, err := r.optFloat(5 + k)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			if v, err = r.money(5+k, v, scale, "USD"); err != nil {
				return err
			}
			row := tradeRow{line: int64(p.s.recLine), freq: "A", year: y,
				reporter: rep.Code, reporterCode: r.str(0), partner: par.Code, partnerCode: r.str(1),
				flow: flow, product: product, value: v, currency: "USD"}
			appendTrade(b, &row)
			n++
		}
		if n > 0 {
			return nil
		}
	}
}
