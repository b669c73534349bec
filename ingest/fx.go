package ingest

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/tradepipe/tradepipe/transform/country"
)

// wdiParser reads a World Bank WDI indicator download of PA.NUS.FCRF
// (official exchange rate, local currency units per US dollar, annual
// average):
//
//	"Data Source","World Development Indicators",
//	(blank)
//	"Last Updated Date","2025-07-01",
//	(blank)
//	"Country Name","Country Code","Indicator Name","Indicator Code","1960",...,"2024",
//
// A BOM, every field quoted, a trailing comma on every line. Regions and
// income groups (WLD, EAS, HIC ...) are recognised and skipped. The file
// names no currency: each rate is labelled with the currency the series
// gives that year in (WithCurrencies: the one in force then, carried
// through the redenominations made by the series' last year, as the World
// Bank restates them: Tajikistan's 1995 rate is in somoni, Turkmenistan's
// 1994-2001 rates, a series that ends in 2001, in old manat TMM);
// without WithCurrencies, the country's currency today.
type wdiParser struct {
	s     *scanner
	h     *header
	o     *options
	width int
	years []int32
}

func newWDIParser(s *scanner, o *options) (parser, error) {
	if err := needCodes(o); err != nil {
		return nil, err
	}
	h, err := readHeader(s, "wdi-fx", sigWDI, 4)
	if err != nil {
		return nil, err
	}
	p := &wdiParser{s: s, h: h, o: o, width: len(h.names)}
	last := len(h.names)
	if h.names[last-1] == "" { // the trailing comma
		last--
	}
	for i := 4; i < last; i++ {
		r := rec{s: s, h: h}
		y, err := parseYear(&r, i, []byte(h.names[i]))
		if err != nil {
			return nil, &ParseError{File: s.file, Line: h.line, Column: s.col(i), Field: h.names[i], Err: valueError(ErrBadYear, []byte(h.names[i]))}
		}
		p.years = append(p.years, y)
	}
	return p, nil
}

func (p *wdiParser) next(b *array.RecordBuilder) error {
	for {
		fields, err := p.s.read()
		if err != nil {
			return err
		}
		r := rec{s: p.s, h: p.h, fields: fields}
		if err := r.wantFields(p.width); err != nil {
			return err
		}
		if code := r.str(3); code != "PA.NUS.FCRF" {
			return r.fail(3, fmt.Errorf("%w: indicator %q is not PA.NUS.FCRF (LCU per US$)", ErrBadCode, clip(fields[3])))
		}
		c, err := r.country(p.o.codes, country.Alpha3, 1)
		if err != nil {
			return err
		}
		if c.Kind != "country" && c.Kind != "former" {
			continue // regions, income groups, World
		}
		last := int32(0) // the series' last year with a value
		for k := len(p.years) - 1; k >= 0; k-- {
			if len(strings.TrimSpace(string(fields[4+k]))) > 0 {
				last = p.years[k]
				break
			}
		}
		n := 0
		for k, y := range p.years {
			v, ok, err := r.optFloat(4 + k)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			if v <= 0 {
				return r.fail(4+k, valueError(ErrBadRate, fields[4+k]))
			}
			cur := c.Currency
			if p.o.currencies != nil {
				if sc, ok := p.o.currencies.SeriesCurrency(c.Code, int(y), int(last)); ok {
					cur = sc
				}
			}
			row := fxRow{line: int64(p.s.recLine), country: c.Code, countryCode: r.str(1), currency: cur,
				freq: "A", year: y, period: fmt.Sprint(y), perUSD: v}
			appendFX(b, &row)
			n++
		}
		if n > 0 {
			return nil
		}
	}
}

// imfParser reads IMF exchange rates in a long layout:
//
//	Date,Rate,Currency,Frequency,Source,Country code,Country
//
// Date is the period's end date (2019-12-31 for the 2019 annual average),
// Rate is domestic currency per USD, Currency ISO 4217, Country code ISO
// 3166 alpha-2 (or the IMF's own code for currency unions and former
// countries).
type imfParser struct {
	s     *scanner
	h     *header
	o     *options
	c     []int
	cache map[string]country.Country
}

func newIMFParser(s *scanner, o *options) (parser, error) {
	if err := needCodes(o); err != nil {
		return nil, err
	}
	h, err := readHeader(s, "imf-fx", sigIMF, 0)
	if err != nil {
		return nil, err
	}
	idx, err := h.require("Date", "Rate", "Currency", "Frequency", "Country code")
	if err != nil {
		return nil, err
	}
	return &imfParser{s: s, h: h, o: o, c: idx, cache: map[string]country.Country{}}, nil
}

func (p *imfParser) next(b *array.RecordBuilder) error {
	fields, err := p.s.read()
	if err != nil {
		return err
	}
	r := rec{s: p.s, h: p.h, fields: fields}
	if err := r.wantFields(len(p.h.names)); err != nil {
		return err
	}
	row := fxRow{line: int64(p.s.recLine)}
	date := r.str(p.c[0])
	dfreq, y, m, _, err := parsePeriod(&r, p.c[0])
	if err != nil {
		return err
	}
	if dfreq != "D" {
		return r.fail(p.c[0], fmt.Errorf("%w %q: want a date YYYY-MM-DD", ErrBadPeriod, clip(fields[p.c[0]])))
	}
	row.year = y
	switch row.freq = strings.ToUpper(r.str(p.c[3])); row.freq {
	case "A":
		row.period = date[:4]
	case "M":
		row.month, row.period = m, date[:7]
	case "Q":
		row.period = fmt.Sprintf("%s-Q%d", date[:4], (m+2)/3)
	case "D":
		row.month, row.period = m, date
	default:
		return r.fail(p.c[3], fmt.Errorf("%w: frequency %q (want A, Q, M or D)", ErrBadPeriod, clip(fields[p.c[3]])))
	}
	if row.perUSD, err = rate(&r, p.c[1]); err != nil {
		return err
	}
	if row.currency, err = currencyCode(&r, p.c[2]); err != nil {
		return err
	}
	code := r.str(p.c[4])
	c, ok := p.cache[code]
	if !ok {
		if c, err = r.country(p.o.codes, country.Alpha2, p.c[4]); err != nil {
			return err
		}
		p.cache[code] = c
	}
	row.countryCode = code
	if !c.IsAggregate() {
		row.country = c.Code
	}
	appendFX(b, &row)
	return nil
}
