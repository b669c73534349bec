package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync/atomic"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/tradepipe/tradepipe/transform/country"
)

// Codes resolves country codes and names: *country.Table, the
// repository's table, is the one tradepipe uses; tests may give their own.
type Codes interface {
	Lookup(scheme country.Scheme, code string) (country.Country, bool)
}

// Option configures a reader.
type Option func(*options)

type options struct {
	name      string
	codes     Codes
	mem       memory.Allocator
	batchRows int
	progress  func(n int64)
	sha256    bool
	ctx       context.Context
	// sequential keeps a chunkable format on one goroutine (tests compare
	// the two paths).
	sequential bool
	currencies CurrencyHistory
	// textSize is the text's size where it is known before it is read
	// (plain files and zip entries; -1 otherwise), for its buffers.
	textSize int64
}

// CurrencyHistory tells the currency a publisher's series for a country
// gives a year in, when the series runs to last (redenominations
// restated); *country.Currencies is the one tradepipe uses.
type CurrencyHistory interface {
	SeriesCurrency(country string, year, last int) (string, bool)
}

// WithCurrencies sets the currencies over time. Without it, a reader
// that labels rates by country (WDI) gives each country's currency today.
func WithCurrencies(h CurrencyHistory) Option { return func(o *options) { o.currencies = h } }

func withSequential() Option { return func(o *options) { o.sequential = true } }

func withTextSize(n int64) Option { return func(o *options) { o.textSize = n } }

// WithName sets the file name that errors show.
func WithName(name string) Option { return func(o *options) { o.name = name } }

// WithCodes sets the country-code table. Readers that meet country codes
// fail without one.
func WithCodes(c Codes) Option { return func(o *options) { o.codes = c } }

// WithAllocator sets the Arrow allocator (tests use a checked allocator).
func WithAllocator(m memory.Allocator) Option { return func(o *options) { o.mem = m } }

// WithBatchRows bounds the rows in one record batch (default 64 Ki).
func WithBatchRows(n int) Option {
	return func(o *options) {
		if n > 0 {
			o.batchRows = n
		}
	}
}

// WithContext makes every read of the source (OpenReader), and the hash
// of what is left unread (FileReader.SHA256), stop with ctx's error once
// ctx is done.
func WithContext(ctx context.Context) Option { return func(o *options) { o.ctx = ctx } }

func buildOptions(opts []Option) *options {
	o := &options{name: "input", mem: memory.DefaultAllocator, batchRows: 64 << 10, ctx: context.Background(), textSize: -1}
	for _, f := range opts {
		f(o)
	}
	return o
}

// parser is what each format implements: parse the next record of the
// input and append zero or more rows to b. io.EOF ends the stream.
type parser interface {
	next(b *array.RecordBuilder) error
}

// batchReader turns a parser into an array.RecordReader of bounded batches.
type batchReader struct {
	refs    atomic.Int64
	schema  *arrow.Schema
	bld     *array.RecordBuilder
	p       parser
	cur     arrow.RecordBatch
	err     error
	done    bool
	maxRows int
	rows    int64
}

func newBatchReader(schema *arrow.Schema, o *options, p parser) *batchReader {
	r := &batchReader{schema: schema, bld: array.NewRecordBuilder(o.mem, schema), p: p, maxRows: o.batchRows}
	r.refs.Store(1)
	return r
}

func (r *batchReader) Retain() { r.refs.Add(1) }

func (r *batchReader) Release() {
	if r.refs.Add(-1) == 0 {
		if r.cur != nil {
			r.cur.Release()
			r.cur = nil
		}
		r.bld.Release()
	}
}

func (r *batchReader) Schema() *arrow.Schema { return r.schema }

func (r *batchReader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.done {
		return false
	}
	col0 := r.bld.Field(0)
	for col0.Len() < r.maxRows {
		if err := r.p.next(r.bld); err != nil {
			r.done = true
			if err != io.EOF {
				r.err = err
				// Drop the partial batch: a failed file loads nothing.
				rec := r.bld.NewRecordBatch()
				rec.Release()
				return false
			}
			break
		}
	}
	n := col0.Len()
	if n == 0 {
		return false
	}
	r.rows += int64(n)
	r.cur = r.bld.NewRecordBatch()
	return true
}

func (r *batchReader) RecordBatch() arrow.RecordBatch { return r.cur }

// Record is the deprecated name of RecordBatch.
func (r *batchReader) Record() arrow.RecordBatch { return r.cur }

func (r *batchReader) Err() error { return r.err }

// Rows is the number of rows delivered so far.
func (r *batchReader) Rows() int64 { return r.rows }

// header maps column names to indexes of the header record.
type header struct {
	file  string
	line  int
	names []string
	index map[string]int
}

func newHeader(file string, line int, fields [][]byte) *header {
	h := &header{file: file, line: line, index: make(map[string]int, len(fields))}
	for i, f := range fields {
		name := strings.TrimSpace(string(f))
		h.names = append(h.names, name)
		if _, dup := h.index[name]; !dup {
			h.index[name] = i
		}
	}
	return h
}

// require returns the indexes of the named columns, or an error naming the
// first that is missing.
func (h *header) require(names ...string) ([]int, error) {
	out := make([]int, len(names))
	for i, n := range names {
		j, ok := h.index[n]
		if !ok {
			return nil, &ParseError{File: h.file, Line: h.line, Err: fmt.Errorf("%w %q", ErrMissingColumn, n)}
		}
		out[i] = j
	}
	return out, nil
}

// optional returns the index of a column, or -1.
func (h *header) optional(name string) int {
	if j, ok := h.index[name]; ok {
		return j
	}
	return -1
}

// rec is one record under parse, for positioned errors.
type rec struct {
	s      *scanner
	h      *header
	fields [][]byte
}

func (r *rec) fail(i int, err error) error {
	field := ""
	if r.h != nil && i < len(r.h.names) {
		field = r.h.names[i]
	}
	// A quoted field may span lines: each field knows the line it starts on.
	return &ParseError{File: r.s.file, Line: r.s.fieldLine(i), Column: r.s.col(i), Field: field, Err: err}
}

func (r *rec) str(i int) string { return string(bytes.TrimSpace(r.fields[i])) }

// float parses a non-negative finite number; empty is an error.
func (r *rec) float(i int) (float64, error) {
	v, ok, err := r.optFloat(i)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, r.fail(i, fmt.Errorf("%w: empty", ErrBadNumber))
	}
	return v, nil
}

// MaxUSD bounds a trade value in US dollars, after unit scaling: above
// any trade figure there is (world merchandise exports are about 2.5e13 a
// year), so a value beyond it is a mistake, and sums of values within it
// stay finite.
const MaxUSD = 1e15

// MaxLocal bounds a trade value in any other currency: MaxUSD at a million
// local units to the dollar, beyond any annual average rate of the series
// tradepipe reads.
const MaxLocal = 1e21

// money scales the value parsed from field i and checks it against the
// bound of its currency ("USD" or another code).
func (r *rec) money(i int, v, scale float64, currency string) (float64, error) {
	v *= scale
	if err := moneyErr(bytes.TrimSpace(r.fields[i]), v, scale, currency); err != nil {
		return 0, r.fail(i, err)
	}
	return v, nil
}

// moneyErr is the bound money checks: an error (ErrTooLarge) when v, the
// value raw gave after scaling, is beyond the bound of its currency.
func moneyErr(raw []byte, v, scale float64, currency string) error {
	if lim := moneyBound(currency); v > lim {
		return fmt.Errorf("%w: %q %s is above %s %s", ErrTooLarge, clip(raw), scaled(scale), strconv.FormatFloat(lim, 'g', -1, 64), currency)
	}
	return nil
}

// moneyBound is the largest value in currency a trade row may hold.
func moneyBound(currency string) float64 {
	if currency == "USD" {
		return MaxUSD
	}
	return MaxLocal
}

func scaled(scale float64) string {
	switch scale {
	case 1:
		return "units"
	case 1e3:
		return "thousands"
	case 1e6:
		return "millions"
	}
	return "x " + strconv.FormatFloat(scale, 'g', -1, 64)
}

// optFloat parses a non-negative finite number that may be empty.
func (r *rec) optFloat(i int) (float64, bool, error) {
	b := bytes.TrimSpace(r.fields[i])
	if len(b) == 0 {
		return 0, false, nil
	}
	v, err := parseNumber(b)
	if err != nil {
		return 0, false, r.fail(i, err)
	}
	return v, true, nil
}

func (r *rec) opt(i int) (optFloat, error) {
	v, ok, err := r.optFloat(i)
	return optFloat{v, ok}, err
}

// measures parses the optional CIF and FOB values, quantity and net weight
// of a trade row from the columns at the given indexes (-1: the layout has
// no such column).
func (r *rec) measures(row *tradeRow, cif, fob, qty, netWeight int) error {
	for _, o := range [...]struct {
		i int
		v *optFloat
	}{{cif, &row.cif}, {fob, &row.fob}, {qty, &row.qty}, {netWeight, &row.netWeight}} {
		if o.i < 0 {
			continue
		}
		var err error
		if *o.v, err = r.opt(o.i); err != nil {
			return err
		}
	}
	for _, o := range [...]struct {
		i int
		v *optFloat
	}{{cif, &row.cif}, {fob, &row.fob}} {
		if o.i >= 0 && o.v.ok {
			if _, err := r.money(o.i, o.v.v, 1, "USD"); err != nil {
				return err
			}
		}
	}
	return nil
}

// parseNumber accepts plain decimal and E-notation numbers, nothing else:
// no hex, no thousands separators, no NaN or Inf, no negative values.
func parseNumber(b []byte) (float64, error) {
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9', c == '.', c == 'e', c == 'E', c == '+', c == '-':
		default:
			return 0, valueError(ErrBadNumber, b)
		}
	}
	v, err := strconv.ParseFloat(unsafe.String(unsafe.SliceData(b), len(b)), 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return 0, fmt.Errorf("%w %q: out of range", ErrBadNumber, clip(b))
		}
		return 0, valueError(ErrBadNumber, b)
	}
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, valueError(ErrBadNumber, b)
	}
	if v < 0 {
		return 0, valueError(ErrNegative, b)
	}
	return v, nil
}

// year parses a year in 1900-2100.
func (r *rec) year(i int) (int32, error) {
	return parseYear(r, i, bytes.TrimSpace(r.fields[i]))
}

func parseYear(r *rec, i int, b []byte) (int32, error) {
	y, err := strconv.Atoi(string(b))
	if err != nil {
		return 0, r.fail(i, valueError(ErrBadYear, b))
	}
	if y < 1900 || y > 2100 {
		return 0, r.fail(i, valueError(ErrBadYear, b))
	}
	return int32(y), nil
}

// country resolves field i under scheme, failing on unknown codes.
func (r *rec) country(codes Codes, scheme country.Scheme, i int) (country.Country, error) {
	code := r.str(i)
	if code == "" {
		return country.Country{}, r.fail(i, fmt.Errorf("%w: empty", ErrUnknownCountry))
	}
	c, ok := codes.Lookup(scheme, code)
	if !ok {
		return country.Country{}, r.fail(i, fmt.Errorf("%w %q (%s)", ErrUnknownCountry, clip([]byte(code)), scheme))
	}
	return c, nil
}

// wantFields checks the record's field count. The position is that of the
// first extra field, or for a short record the end of its last line, where
// the missing fields would start.
func (r *rec) wantFields(n int) error {
	if len(r.fields) != n {
		line, col := r.s.line, len(r.s.rawLine)+1
		if len(r.fields) > n {
			line, col = r.s.fieldLine(n), r.s.col(n)
		}
		return &ParseError{File: r.s.file, Line: line, Column: col,
			Err: fmt.Errorf("%w: got %d, want %d", ErrFieldCount, len(r.fields), n)}
	}
	return nil
}

func parseBool(b []byte) optBool {
	switch string(bytes.TrimSpace(b)) {
	case "true", "TRUE", "True", "1":
		return optBool{true, true}
	case "false", "FALSE", "False", "0":
		return optBool{false, true}
	}
	return optBool{}
}
