package ingest

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/tradepipe/tradepipe/transform/country"
)

// longTradeParser reads tradepipe's own long trade layout, for data from
// anywhere else (a national statistics office, say):
//
//	year,month,reporter,partner,flow,product,value,currency[,quantity,unit]
//
// month is empty (or 0) for annual data, 1-12 for monthly; reporter and
// partner are ISO 3166-1 alpha-3 (WLD for World), alpha-2 or Comtrade numeric
// codes; flow is X, M, RX or RM; value is in currency (ISO 4217), which may be
// a local currency: reports convert it with the loaded exchange rates.
type longTradeParser struct {
	s        *scanner
	h        *header
	o        *options
	qty, qu  int
	row      tradeRow
	resolved map[string]country.Country
}

func newLongTradeParser(s *scanner, o *options) (parser, error) {
	if err := needCodes(o); err != nil {
		return nil, err
	}
	h, err := readHeader(s, "trade-long", sigLongTrade, 0)
	if err != nil {
		return nil, err
	}
	p := &longTradeParser{s: s, h: h, o: o, qty: h.optional("quantity"), qu: h.optional("unit"), resolved: map[string]country.Country{}}
	if o.sequential {
		return p, nil // the general path alone (tests compare the two)
	}
	return newLongReader(p), nil
}

// anyCode resolves an alpha-3, alpha-2 or numeric code.
func anyCode(codes Codes, cache map[string]country.Country, r *rec, i int) (country.Country, error) {
	code := r.str(i)
	if c, ok := cache[code]; ok {
		return c, nil
	}
	c, err := r.country(codes, codeScheme(code), i)
	if err == nil {
		cache[code] = c
	}
	return c, err
}

// codeScheme tells the scheme of a code anyCode resolves: digits are
// Comtrade numeric, two characters alpha-2, anything else alpha-3.
func codeScheme(code string) country.Scheme {
	switch {
	case code != "" && strings.Trim(code, "0123456789") == "":
		return country.Comtrade
	case len(code) == 2:
		return country.Alpha2
	}
	return country.Alpha3
}

func (p *longTradeParser) next(b *array.RecordBuilder) error {
	fields, err := p.s.read()
	if err != nil {
		return err
	}
	r := rec{s: p.s, h: p.h, fields: fields}
	if err := r.wantFields(len(p.h.names)); err != nil {
		return err
	}
	row := &p.row
	*row = tradeRow{line: int64(p.s.recLine), freq: "A"}
	if row.year, err = r.year(0); err != nil {
		return err
	}
	if m := r.str(1); m != "" && m != "0" {
		n, err := strconv.Atoi(m)
		if err != nil || n < 1 || n > 12 {
			return r.fail(1, valueError(ErrBadPeriod, fields[1]))
		}
		row.freq, row.month = "M", int32(n)
	}
	rep, err := anyCode(p.o.codes, p.resolved, &r, 2)
	if err != nil {
		return err
	}
	par, err := anyCode(p.o.codes, p.resolved, &r, 3)
	if err != nil {
		return err
	}
	row.reporter, row.reporterCode = rep.Code, r.str(2)
	row.partner, row.partnerCode = par.Code, r.str(3)
	switch row.flow = strings.ToUpper(r.str(4)); row.flow {
	case "X", "M", "RX", "RM":
	default:
		return r.fail(4, fmt.Errorf("%w: flow %q (want X, M, RX or RM)", ErrBadCode, clip(fields[4])))
	}
	if row.product = r.str(5); row.product == "" {
		return r.fail(5, fmt.Errorf("%w: empty product", ErrBadCode))
	}
	if row.value, err = r.float(6); err != nil {
		return err
	}
	if row.currency, err = currencyCode(&r, 7); err != nil {
		return err
	}
	if row.value, err = r.money(6, row.value, 1, row.currency); err != nil {
		return err
	}
	if p.qty >= 0 {
		if row.qty, err = r.opt(p.qty); err != nil {
			return err
		}
		if p.qu >= 0 && row.qty.ok {
			row.qtyUnit = r.str(p.qu)
		}
	}
	appendTrade(b, row)
	return nil
}

// currencyCode checks an ISO 4217-shaped code (three letters).
func currencyCode(r *rec, i int) (string, error) {
	c := strings.ToUpper(r.str(i))
	if len(c) != 3 || strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return "", r.fail(i, fmt.Errorf("%w: currency %q (want an ISO 4217 code)", ErrBadCode, clip(r.fields[i])))
	}
	return c, nil
}

// longFXParser reads tradepipe's own long exchange-rate layout:
//
//	date_or_period,currency,per_usd[,country]
//
// date_or_period is 2019 (annual average), 2019-03 (monthly average),
// 2019-Q1 (quarterly) or 2019-03-15 (a day); per_usd is local currency units
// per US dollar and must be positive.
type longFXParser struct {
	s       *scanner
	h       *header
	o       *options
	country int
	cache   map[string]country.Country
}

func newLongFXParser(s *scanner, o *options) (parser, error) {
	h, err := readHeader(s, "fx-long", sigLongFX, 0)
	if err != nil {
		return nil, err
	}
	p := &longFXParser{s: s, h: h, o: o, country: h.optional("country"), cache: map[string]country.Country{}}
	if p.country >= 0 {
		if err := needCodes(o); err != nil {
			return nil, err
		}
	}
	if fastFX(p) && !o.sequential {
		return newLongFXReader(p), nil
	}
	return p, nil
}

// parsePeriod reads 2019, 2019-03, 2019-Q1 or 2019-03-15.
func parsePeriod(r *rec, i int) (freq string, year, month int32, period string, err error) {
	s := r.str(i)
	// made only for a bad period: a good one (every row) skips fmt
	bad := func() error { return r.fail(i, valueError(ErrBadPeriod, r.fields[i])) }
	if len(s) < 4 {
		return "", 0, 0, "", bad()
	}
	if year, err = parseYear(r, i, []byte(s[:4])); err != nil {
		return "", 0, 0, "", err
	}
	switch {
	case len(s) == 4:
		return "A", year, 0, s, nil
	case len(s) == 7 && s[4] == '-' && (s[5] == 'Q' || s[5] == 'q') && s[6] >= '1' && s[6] <= '4':
		return "Q", year, 0, s[:5] + "Q" + s[6:], nil
	case len(s) == 7 && s[4] == '-':
		m, err := strconv.Atoi(s[5:])
		if err != nil || m < 1 || m > 12 {
			return "", 0, 0, "", bad()
		}
		return "M", year, int32(m), s, nil
	case len(s) == 10 && s[4] == '-' && s[7] == '-':
		m, err1 := strconv.Atoi(s[5:7])
		d, err2 := strconv.Atoi(s[8:])
		if err1 != nil || err2 != nil || m < 1 || m > 12 || d < 1 || d > 31 {
			return "", 0, 0, "", bad()
		}
		return "D", year, int32(m), s, nil
	}
	return "", 0, 0, "", bad()
}

// rate parses a positive finite rate.
func rate(r *rec, i int) (float64, error) {
	v, err := r.float(i)
	if err != nil {
		return 0, err
	}
	if v <= 0 {
		return 0, r.fail(i, valueError(ErrBadRate, r.fields[i]))
	}
	return v, nil
}

func (p *longFXParser) next(b *array.RecordBuilder) error {
	fields, err := p.s.read()
	if err != nil {
		return err
	}
	r := rec{s: p.s, h: p.h, fields: fields}
	if err := r.wantFields(len(p.h.names)); err != nil {
		return err
	}
	row := fxRow{line: int64(p.s.recLine)}
	if row.freq, row.year, row.month, row.period, err = parsePeriod(&r, 0); err != nil {
		return err
	}
	if row.currency, err = currencyCode(&r, 1); err != nil {
		return err
	}
	if row.perUSD, err = rate(&r, 2); err != nil {
		return err
	}
	if p.country >= 0 && r.str(p.country) != "" {
		c, err := anyCode(p.o.codes, p.cache, &r, p.country)
		if err != nil {
			return err
		}
		row.country, row.countryCode = c.Code, r.str(p.country)
	}
	appendFX(b, &row)
	return nil
}
