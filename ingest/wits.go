package ingest

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/tradepipe/tradepipe/transform/country"
)

// witsParser reads World Bank WITS downloads, every view, by column name.
//
// The partner time series, one row per partner, one column per year, with or
// without a Product Group column:
//
//	Reporter Name,Partner Name,Trade Flow,Product Group,Indicator,1995,1996,...
//	Reporter Name,Partner Name,Trade Flow,Indicator,1995,1996,...
//
// The single-year Partner view and the Product view, one row per partner
// (or product group), the value in an Export or Import column among
// shares, counts and tariff columns that are not read:
//
//	Reporter Name,Partner Name,Year,Trade Flow,...,Export (US$ Thousand),Export Partner Share (%)
//	Reporter Name,Partner Name,Year,Trade Flow,Product Group,Import (US$ Thousand),...
//
// A row whose Trade Flow is "Exports & Imports" gives an export and an import
// row. A bare "Export" or "Import" column holds US$ thousand, WITS's unit.
// Names are WITS's own (cut at 30 characters, " World" with a space);
// World as a partner is a World row; regional aggregates are skipped. A
// file with only "... Share (%)" indicators holds shares, not values, and is
// rejected as such.
type witsParser struct {
	s *scanner
	h *header
	o *options

	flowCol, groupCol, indCol, yearCol int         // -1 where the view has none
	years                              []int32     // time series: year of each column from firstYear on
	firstYear                          int         // time series: column of the first year
	values                             []witsValue // single year: the value columns
	pending                            []tradeRow  // rows of the current record not yet appended
}

// witsValue is one value column of a single-year view.
type witsValue struct {
	col   int
	flow  string // X or M
	scale float64
}

// Header signatures of the WITS views (format.go's table uses them).
var (
	sigWITSSeries  = []string{"Reporter Name", "Partner Name", "Trade Flow", "Indicator"}
	sigWITSProduct = []string{"Reporter Name", "Partner Name", "Year", "Trade Flow", "Product Group"}
	sigWITSPartner = []string{"Reporter Name", "Partner Name", "Year", "Trade Flow"}
)

// witsValueCol is a value column of the single-year views: "Export (US$
// Thousand)", "Import (US$ Mil)", or a bare "Import".
var witsValueCol = regexp.MustCompile(`(?i)^(export|import)s?(\s*\((us\$[^)]*)\))?$`)

// witsShareCol is a share column: "Export Partner Share (%)", "Import
// Product Share (%)".
var witsShareCol = regexp.MustCompile(`(?i)^(export|import) (partner|product) share \(%\)$`)

func newWITSParser(s *scanner, o *options) (parser, error) {
	if err := needCodes(o); err != nil {
		return nil, err
	}
	rec, err := s.read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &ParseError{File: s.file, Err: ErrEmpty}
		}
		return nil, err
	}
	h := newHeader(s.file, s.recLine, rec)
	if !sigMatches(sigWITSSeries[:2], rec) {
		return nil, &ParseError{File: s.file, Line: s.recLine,
			Err: fmt.Errorf("%w for format wits: want a header starting Reporter Name,Partner Name", ErrUnknownFormat)}
	}
	p := &witsParser{s: s, h: h, o: o, flowCol: h.optional("Trade Flow"), groupCol: h.optional("Product Group"),
		indCol: h.optional("Indicator"), yearCol: h.optional("Year")}
	if p.flowCol < 0 {
		return nil, &ParseError{File: s.file, Line: h.line, Err: fmt.Errorf("%w %q", ErrMissingColumn, "Trade Flow")}
	}
	if p.yearCol < 0 {
		return p, p.seriesColumns()
	}
	return p, p.valueColumns()
}

// seriesColumns finds the year columns of a time series: every column after
// the Indicator.
func (p *witsParser) seriesColumns() error {
	h := p.h
	if p.indCol < 0 {
		return &ParseError{File: h.file, Line: h.line, Err: fmt.Errorf("%w %q (or a Year column)", ErrMissingColumn, "Indicator")}
	}
	p.firstYear = p.indCol + 1
	for i := p.firstYear; i < len(h.names); i++ {
		r := rec{s: p.s, h: h, fields: [][]byte{[]byte(h.names[i])}}
		y, err := parseYear(&r, 0, []byte(h.names[i]))
		if err != nil {
			return &ParseError{File: h.file, Line: h.line, Column: p.s.col(i), Field: h.names[i], Err: ErrBadYear}
		}
		p.years = append(p.years, y)
	}
	if len(p.years) == 0 {
		return &ParseError{File: h.file, Line: h.line, Err: fmt.Errorf("%w: no year columns", ErrMissingColumn)}
	}
	return nil
}

// valueColumns finds the Export and Import value columns of a single-year
// view, and rejects a view that holds only shares.
func (p *witsParser) valueColumns() error {
	h := p.h
	var shares []string
	for i, n := range h.names {
		if m := witsValueCol.FindStringSubmatch(n); m != nil {
			scale := 1e3 // a bare Export or Import column: WITS's US$ thousand
			if m[3] != "" {
				var ok bool
				if scale, ok = witsScale(m[3]); !ok {
					continue
				}
			}
			flow := "X"
			if strings.EqualFold(m[1], "import") {
				flow = "M"
			}
			p.values = append(p.values, witsValue{col: i, flow: flow, scale: scale})
		} else if witsShareCol.MatchString(n) {
			shares = append(shares, n)
		}
	}
	if len(p.values) > 0 {
		return nil
	}
	if len(shares) > 0 {
		return &ParseError{File: h.file, Line: h.line, Err: fmt.Errorf("%w: this WITS download holds shares (%s), not trade values; download the Export or Import (US$ Thousand) indicator instead",
			ErrMissingColumn, strings.Join(shares, ", "))}
	}
	return &ParseError{File: h.file, Line: h.line, Err: fmt.Errorf("%w: no Export or Import (US$ Thousand) column", ErrMissingColumn)}
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
	case "exports & imports", "export & import", "exports and imports":
		return "XM", true // both: the Export and the Import column
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
		flow, ok := witsFlow(r.str(p.flowCol))
		if !ok {
			return r.fail(p.flowCol, fmt.Errorf("%w: trade flow %q", ErrBadCode, clip(fields[p.flowCol])))
		}
		product := "TOTAL"
		if p.groupCol >= 0 {
			if product = r.str(p.groupCol); strings.EqualFold(product, "All Products") || product == "" {
				product = "TOTAL"
			}
		}
		row := tradeRow{line: int64(p.s.recLine), freq: "A", reporter: rep.Code, reporterCode: r.str(0),
			partner: par.Code, partnerCode: r.str(1), product: product, currency: "USD"}
		var n int
		if p.yearCol < 0 {
			n, err = p.series(&r, row, flow)
		} else {
			n, err = p.single(&r, row, flow)
		}
		if err != nil {
			return err
		}
		// Aggregates are checked after the values: a bad number in an
		// aggregate's row is still an error.
		if n > 0 && !rep.IsAggregate() && !par.IsAggregate() {
			for i := range p.pending {
				appendTrade(b, &p.pending[i])
			}
			p.pending = p.pending[:0]
			return nil
		}
		p.pending = p.pending[:0]
	}
}

// series collects the rows of a time-series record, one per non-empty year.
func (p *witsParser) series(r *rec, row tradeRow, flow string) (int, error) {
	ind := r.str(p.indCol)
	scale, ok := witsScale(ind)
	if !ok {
		if strings.Contains(strings.ToLower(ind), "share") {
			return 0, r.fail(p.indCol, fmt.Errorf("%w: indicator %q holds shares (%%), not trade values; download the US$ Thousand indicator instead", ErrBadCode, clip(r.fields[p.indCol])))
		}
		return 0, r.fail(p.indCol, fmt.Errorf("%w: indicator %q is not a US$ value", ErrBadCode, clip(r.fields[p.indCol])))
	}
	if flow == "XM" {
		return 0, r.fail(p.flowCol, fmt.Errorf("%w: trade flow %q in a time series (one flow a row)", ErrBadCode, clip(r.fields[p.flowCol])))
	}
	row.flow = flow
	for k, y := range p.years {
		v, ok, err := r.optFloat(p.firstYear + k)
		if err != nil {
			return 0, err
		}
		if ok {
			if v, err = r.money(p.firstYear+k, v, scale, "USD"); err != nil {
				return 0, err
			}
			row.year, row.value = y, v
			p.pending = append(p.pending, row)
		}
	}
	return len(p.pending), nil
}

// single collects the rows of a single-year record: the value column of its
// flow, or for "Exports & Imports" both.
func (p *witsParser) single(r *rec, row tradeRow, flow string) (int, error) {
	y, err := r.year(p.yearCol)
	if err != nil {
		return 0, err
	}
	row.year = y
	found := false
	for _, vc := range p.values {
		if flow != "XM" && vc.flow != flow {
			continue
		}
		found = true
		v, ok, err := r.optFloat(vc.col)
		if err != nil {
			return 0, err
		}
		if ok {
			if v, err = r.money(vc.col, v, vc.scale, "USD"); err != nil {
				return 0, err
			}
			row.flow, row.value = vc.flow, v
			p.pending = append(p.pending, row)
		}
	}
	if !found {
		return 0, r.fail(p.flowCol, fmt.Errorf("%w: trade flow %q but no %s value column", ErrMissingColumn, clip(r.fields[p.flowCol]), map[string]string{"X": "Export", "M": "Import"}[flow]))
	}
	return len(p.pending), nil
}
