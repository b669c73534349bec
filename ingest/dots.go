package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/xuri/excelize/v2"

	"github.com/tradepipe/tradepipe/transform/country"
)

// dotsParser reads the IMF Direction of Trade Statistics workbooks the
// IMF's data portal exports (.xlsx), one reporter a workbook:
//
//	sheet "Exports, FOB" (flow X) and sheet "Imports, CIF" (flow M), each:
//	B2  Exports, FOB to Partner Countries
//	B4  Kazakhstan, Rep. of                  the reporter, as the IMF names it
//	B5  US Dollars, Millions                 the unit
//	row 7, from C: 1992 1993 ... 2020         years, as text; years with no data left out
//	row 8 on: B the partner (World, regional aggregates, countries), C... the values
//
// A value is a number, or text such as "0.14 e" or "1,234.50 e" for the
// IMF's own estimate (kept as is_estimate); an empty cell is no data. World
// becomes the partner WLD; the IMF's regional and analytical aggregates
// (Advanced Economies, Euro Area, ...) are recognised and skipped, and
// counted (Skipped); "... not specified" areas are loaded as the nes
// partners they are. Positions are the sheet's: row as line, column as
// column, the cell (Exports, FOB!C12) as the field.
//
// The workbook is held in memory (it is a zip archive, read from its end);
// its rows are read one at a time with excelize's row iterator.
type dotsParser struct {
	name  string
	o     *options
	f     *excelize.File
	todo  []string // sheets not yet begun
	sheet string
	flow  string
	rows  *excelize.Rows
	row   int // the row rows is at, 1-based
	years map[int]int32
	rep   country.Country
	repAt string // the reporter as the first sheet names it
	scale float64
	names map[string]country.Country
	// skipped counts partner rows of aggregates, left out.
	skipped int64
}

// dotsSheets maps the sheet names of a DOTS workbook to their flows.
var dotsSheets = map[string]string{"Exports, FOB": "X", "Imports, CIF": "M"}

// dotsMaxBytes bounds what a workbook may unpack to.
const dotsMaxBytes = 1 << 30

// dotsReader is the batch reader of a workbook; Release closes it.
type dotsReader struct {
	*batchReader
	p *dotsParser
}

func (r *dotsReader) Release() {
	r.batchReader.Release()
	if r.refs.Load() == 0 {
		r.p.close()
	}
}

// Skipped is the number of partner rows the workbook holds for aggregates
// (Advanced Economies, Euro Area, ...), which are recognised, not loaded.
func (r *dotsReader) Skipped() int64 { return r.p.skipped }

func newDOTSReader(r io.Reader, o *options) (array.RecordReader, error) {
	if err := needCodes(o); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(r, dotsMaxBytes+1))
	if err != nil {
		return nil, readErr(o.name, 0, err)
	}
	if len(data) > dotsMaxBytes {
		return nil, &ParseError{File: o.name, Err: fmt.Errorf("%w: workbook larger than %d bytes", ErrFieldTooLong, dotsMaxBytes)}
	}
	if !bytes.HasPrefix(data, []byte(zipMagic)) {
		return nil, &ParseError{File: o.name, Err: fmt.Errorf("%w: not an .xlsx workbook (no zip signature)", ErrUnknownFormat)}
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: dotsMaxBytes, RawCellValue: true})
	if err != nil {
		return nil, &ParseError{File: o.name, Err: fmt.Errorf("%w: %v", ErrTruncated, err)}
	}
	p := &dotsParser{name: o.name, o: o, f: f, names: map[string]country.Country{}}
	for _, s := range f.GetSheetList() {
		if _, ok := dotsSheets[s]; !ok {
			f.Close()
			return nil, &ParseError{File: o.name, Field: s,
				Err: fmt.Errorf("%w: sheet %q is not a DOTS sheet (want \"Exports, FOB\" and \"Imports, CIF\")", ErrUnknownFormat, s)}
		}
		p.todo = append(p.todo, s)
	}
	if len(p.todo) == 0 {
		f.Close()
		return nil, &ParseError{File: o.name, Err: fmt.Errorf("%w: no \"Exports, FOB\" or \"Imports, CIF\" sheet", ErrUnknownFormat)}
	}
	if err := p.begin(); err != nil {
		p.close()
		return nil, err
	}
	return &dotsReader{batchReader: newBatchReader(TradeSchema, o, p), p: p}, nil
}

func (p *dotsParser) close() {
	if p.rows != nil {
		p.rows.Close()
		p.rows = nil
	}
	if p.f != nil {
		p.f.Close()
		p.f = nil
	}
}

// fail is an error at a cell of the current sheet (col 1-based; 0 for the row).
func (p *dotsParser) fail(col int, err error) error {
	field := p.sheet
	if col > 0 {
		if cell, e := excelize.CoordinatesToCellName(col, p.row); e == nil {
			field += "!" + cell
		}
	}
	return &ParseError{File: p.name, Line: p.row, Column: col, Field: field, Err: err}
}

// nextRow moves to the sheet's next row and returns its cells (nil, io.EOF
// at the sheet's end).
func (p *dotsParser) nextRow() ([]string, error) {
	if !p.rows.Next() {
		if err := p.rows.Error(); err != nil {
			return nil, p.fail(0, fmt.Errorf("%w: %v", ErrTruncated, err))
		}
		return nil, io.EOF
	}
	p.row++
	cells, err := p.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, p.fail(0, fmt.Errorf("%w: %v", ErrTruncated, err))
	}
	return cells, nil
}

func cell(cells []string, col int) string {
	if col-1 < len(cells) {
		return strings.TrimSpace(cells[col-1])
	}
	return ""
}

// begin reads the next sheet's head: its reporter, unit and years.
func (p *dotsParser) begin() error {
	if p.rows != nil {
		p.rows.Close()
		p.rows = nil
	}
	p.sheet, p.todo = p.todo[0], p.todo[1:]
	p.flow, p.row = dotsSheets[p.sheet], 0
	var err error
	if p.rows, err = p.f.Rows(p.sheet); err != nil {
		return &ParseError{File: p.name, Field: p.sheet, Err: fmt.Errorf("%w: %v", ErrTruncated, err)}
	}
	p.years = map[int]int32{}
	for p.row < 7 {
		cells, err := p.nextRow()
		if err == io.EOF {
			return &ParseError{File: p.name, Line: p.row, Field: p.sheet, Err: fmt.Errorf("%w: the sheet ends before its year row (7)", ErrMissingColumn)}
		}
		if err != nil {
			return err
		}
		switch p.row {
		case 4:
			if err := p.reporter(cell(cells, 2)); err != nil {
				return err
			}
		case 5:
			unit := cell(cells, 2)
			if !strings.EqualFold(unit, "US Dollars, Millions") {
				return p.fail(2, fmt.Errorf("%w: unit %q (want \"US Dollars, Millions\")", ErrBadCode, clip([]byte(unit))))
			}
			p.scale = 1e6
		case 7:
			for i := 3; i <= len(cells); i++ {
				s := cell(cells, i)
				if s == "" {
					continue
				}
				y, err := strconv.Atoi(s)
				if err != nil || y < 1900 || y > 2100 || strings.TrimLeft(s, "0123456789") != "" {
					return p.fail(i, valueError(ErrBadYear, []byte(s)))
				}
				p.years[i] = int32(y)
			}
		}
	}
	if len(p.years) == 0 {
		return p.fail(0, fmt.Errorf("%w: no years in row 7", ErrMissingColumn))
	}
	return nil
}

// reporter resolves the sheet's reporter (B4); every sheet names the same.
func (p *dotsParser) reporter(name string) error {
	if p.repAt != "" {
		if name != p.repAt {
			return p.fail(2, fmt.Errorf("%w: reporter %q, but the first sheet's is %q", ErrBadCode, clip([]byte(name)), clip([]byte(p.repAt))))
		}
		return nil
	}
	c, ok := p.o.codes.Lookup(country.Name, name)
	if !ok {
		return p.fail(2, fmt.Errorf("%w %q (%s)", ErrUnknownCountry, clip([]byte(name)), country.Name))
	}
	if c.IsAggregate() { // its rows would all be skipped: say so, rather than load nothing
		return p.fail(2, fmt.Errorf("%w: reporter %q is an aggregate, not a country; load its members' workbooks", ErrBadCode, clip([]byte(name))))
	}
	p.rep, p.repAt = c, name
	return nil
}

// dotsHeadings are the rows of the partner list that head a section and
// hold no figures.
var dotsHeadings = map[string]bool{"memorandum items": true}

func (p *dotsParser) next(b *array.RecordBuilder) error {
	for {
		cells, err := p.nextRow()
		if err == io.EOF {
			if len(p.todo) == 0 {
				p.close()
				return io.EOF
			}
			if err := p.begin(); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		name := cell(cells, 2)
		if name == "" || dotsHeadings[country.NormalizeName(name)] {
			for i := 3; i <= len(cells); i++ {
				if cell(cells, i) != "" {
					return p.fail(i, fmt.Errorf("%w: a value in a row with no partner", ErrBadCode))
				}
			}
			continue
		}
		par, ok := p.names[name]
		if !ok {
			if par, ok = p.o.codes.Lookup(country.Name, name); !ok {
				return p.fail(2, fmt.Errorf("%w %q (%s)", ErrUnknownCountry, clip([]byte(name)), country.Name))
			}
			p.names[name] = par
		}
		if par.IsAggregate() {
			p.skipped++
			continue
		}
		n := 0
		for i := 3; i <= len(cells); i++ {
			s := cell(cells, i)
			if s == "" {
				continue
			}
			y, ok := p.years[i]
			if !ok {
				return p.fail(i, fmt.Errorf("%w: a value in a column with no year", ErrBadCode))
			}
			v, est, err := dotsValue(s)
			if err != nil {
				return p.fail(i, err)
			}
			if err := moneyErr([]byte(s), v*p.scale, p.scale, "USD"); err != nil {
				return p.fail(i, err)
			}
			row := tradeRow{line: int64(p.row), freq: "A", year: y,
				reporter: p.rep.Code, reporterCode: p.repAt, partner: par.Code, partnerCode: name,
				flow: p.flow, product: "TOTAL", value: v * p.scale, currency: "USD", isEstimate: optBool{est, true}}
			appendTrade(b, &row)
			n++
		}
		if n > 0 {
			return nil
		}
	}
}

// dotsValue parses a DOTS cell: a number as stored ("57676.727675000002"),
// or the IMF's estimate as text, the number with its thousands separated
// by commas and " e" after it ("1,234.56 e").
func dotsValue(s string) (v float64, estimate bool, err error) {
	num := s
	if rest, ok := strings.CutSuffix(s, "e"); ok && strings.HasSuffix(rest, " ") {
		num, estimate = strings.TrimSpace(rest), true
		if !validGrouping(num) {
			return 0, false, valueError(ErrBadNumber, []byte(s))
		}
		num = strings.ReplaceAll(num, ",", "")
	}
	v, err = parseNumber([]byte(num))
	if err != nil && errors.Is(err, ErrBadNumber) {
		err = valueError(ErrBadNumber, []byte(s))
	}
	return v, estimate, err
}

// validGrouping reports whether the commas in s, if any, separate groups of
// three digits before the decimal point (1,234.5; not 1,23 or 12,5).
func validGrouping(s string) bool {
	if !strings.Contains(s, ",") {
		return true
	}
	whole, _, _ := strings.Cut(s, ".")
	groups := strings.Split(whole, ",")
	if len(groups[0]) < 1 || len(groups[0]) > 3 {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return false
		}
	}
	return true
}
