package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Format is one input layout tradepipe reads.
type Format struct {
	Name  string // what --format takes, and a dataset's default name
	Kind  Kind
	Title string // one line for people

	sig       []string // leading header fields that identify the format
	preamble  int      // records that may precede the header
	newParser func(s *scanner, o *options) (parser, error)

	// A format that is not CSV text (a workbook) is told by the first
	// bytes of the file (magic) and read by newReader from them; example
	// describes it for people in place of a header.
	magic     string
	example   string // the header as the publisher writes it, or a workbook's layout
	newReader func(r io.Reader, o *options) (array.RecordReader, error)
	// sniff tells a CSV text that no fixed header identifies (SDMX-CSV,
	// whose kind is its dataflow's) from the start of the text; an error
	// stops detection with its message.
	sniff func(name string, peek []byte) (bool, error)
	// match, if set, tells the format's header instead of sig (which then
	// only shows the usual header): for layouts read by column name.
	match func(rec [][]byte) bool
}

// Header signatures: the leading header fields that identify each format.
var (
	sigComtrade  = []string{"typeCode", "freqCode", "refPeriodId"}
	sigLegacy    = []string{"Classification", "Year", "Period", "Period Desc.", "Aggregate Level"}
	sigBACI      = []string{"t", "i", "j", "k", "v", "q"}
	sigWITS      = []string{"Reporter Name", "Partner Name", "Trade Flow", "Product Group", "Indicator"}
	sigLongTrade = []string{"year", "month", "reporter", "partner", "flow", "product", "value", "currency"}
	sigWDI       = []string{"Country Name", "Country Code", "Indicator Name", "Indicator Code"}
	sigIMF       = []string{"Date", "Rate", "Currency", "Frequency", "Source", "Country code", "Country"}
	sigLongFX    = []string{"date_or_period", "currency", "per_usd"}
)

// formats is the one table of formats: detection tries them in order.
var formats = []Format{
	{Name: "comtrade", Kind: KindTrade, Title: "UN Comtrade+ (API or bulk CSV)",
		sig: sigComtrade, newParser: newComtradeParser},
	{Name: "comtrade-legacy", Kind: KindTrade, Title: "UN Comtrade legacy bulk CSV",
		sig: sigLegacy, newParser: newLegacyParser, match: legacyMatches},
	{Name: "baci", Kind: KindTrade, Title: "CEPII BACI (values in thousand USD)",
		sig: sigBACI, newParser: newBACIParser, example: "t,i,j,k,v,q"},
	{Name: "wits", Kind: KindTrade, Title: "World Bank WITS partner time series (US$ thousand)",
		sig: sigWITS, newParser: newWITSParser, example: "Reporter Name,Partner Name,Trade Flow,Product Group,Indicator,1995,1996,...,2021"},
	{Name: "wits-series", Kind: KindTrade, Title: "World Bank WITS partner time series without Product Group (US$ thousand)",
		sig: sigWITSSeries, newParser: newWITSParser, example: "Reporter Name,Partner Name,Trade Flow,Indicator,1995,1996,...,2021"},
	{Name: "wits-product", Kind: KindTrade, Title: "World Bank WITS Product view, one year (US$ thousand)",
		sig: sigWITSProduct, newParser: newWITSParser,
		example: "Reporter Name,Partner Name,Year,Trade Flow,Product Group,Import (US$ Thousand),Import Product Share (%),AHS Simple Average (%)"},
	{Name: "wits-partner", Kind: KindTrade, Title: "World Bank WITS Partner view, one year (US$ thousand)",
		sig: sigWITSPartner, newParser: newWITSParser,
		example: "Reporter Name,Partner Name,Year,Trade Flow,...,Export (US$ Thousand),Import (US$ Thousand),Import Partner Share (%),Export Partner Share (%)"},
	{Name: "trade-long", Kind: KindTrade, Title: "tradepipe long trade layout",
		sig: sigLongTrade, newParser: newLongTradeParser},
	{Name: "wdi-fx", Kind: KindFX, Title: "World Bank WDI indicator download (PA.NUS.FCRF, LCU per USD)",
		sig: sigWDI, preamble: 4, newParser: newWDIParser},
	{Name: "imf-fx", Kind: KindFX, Title: "IMF exchange rates, long (rate per USD)",
		sig: sigIMF, newParser: newIMFParser},
	{Name: "fx-long", Kind: KindFX, Title: "tradepipe long exchange-rate layout",
		sig: sigLongFX, newParser: newLongFXParser},
	{Name: "baci-countries", Kind: KindReference, Title: "CEPII BACI release country codes (read i and j of its trade files)",
		sig: sigBACICountries, newParser: newReleaseCountryParser, example: "country_code,country_name,country_iso2,country_iso3"},
	{Name: "baci-products", Kind: KindReference, Title: "CEPII BACI release product descriptions",
		sig: sigBACIProducts, newParser: newProductParser, example: "code,description"},
	{Name: "imf-dots", Kind: KindTrade, Title: "IMF Direction of Trade Statistics workbook (.xlsx, US$ million, \"e\" estimates)",
		magic: zipMagic, example: `(.xlsx) sheets "Exports, FOB", "Imports, CIF": B4 reporter, B5 "US Dollars, Millions", C7... years, B8... partners ("0.14 e" = estimate)`,
		newReader: newDOTSReader},
	{Name: "sdmx-trade", Kind: KindTrade, Title: "SDMX-CSV 1.0/2.x trade: IMF IMTS (US$)",
		example: "DATAFLOW,COUNTRY,INDICATOR,COUNTERPART_COUNTRY,FREQUENCY,TIME_PERIOD,OBS_VALUE,SCALE,... (2.x: STRUCTURE,STRUCTURE_ID,ACTION,...)",
		sniff:   sdmxSniff(KindTrade), newParser: newSDMXParser(KindTrade)},
	{Name: "sdmx-fx", Kind: KindFX, Title: "SDMX-CSV 1.0/2.x exchange rates: IMF ER, BIS WS_XRU, ECB EXR (per USD)",
		example: "DATAFLOW,COUNTRY,INDICATOR,TYPE_OF_TRANSFORMATION,FREQUENCY,TIME_PERIOD,OBS_VALUE,... (BIS: DATAFLOW,FREQ,REF_AREA,CURRENCY,COLLECTION,...)",
		sniff:   sdmxSniff(KindFX), newParser: newSDMXParser(KindFX)},
}

// zipMagic starts every zip archive, and so every .xlsx workbook.
const zipMagic = "PK\x03\x04"

// Header is the start of the header line that identifies the format.
func (f Format) Header() string {
	if f.example != "" {
		return f.example
	}
	return strings.Join(f.sig, ",")
}

// Example shows people how a file of the format starts: the header and
// ",..." for CSV text, a description of the layout for a workbook.
func (f Format) Example() string {
	if f.example != "" {
		return f.example
	}
	return f.Header() + ",..."
}

// Formats lists the formats tradepipe reads, in detection order.
func Formats() []Format { return append([]Format(nil), formats...) }

// FormatByName finds a format by its name.
func FormatByName(name string) (Format, bool) {
	for _, f := range formats {
		if f.Name == name {
			return f, true
		}
	}
	return Format{}, false
}

func (f Format) matches(rec [][]byte) bool {
	if f.match != nil {
		return f.match(rec)
	}
	return len(f.sig) > 0 && sigMatches(f.sig, rec)
}

func sigMatches(sig []string, rec [][]byte) bool {
	if len(rec) < len(sig) {
		return false
	}
	for i, s := range sig {
		if strings.TrimSpace(string(rec[i])) != s {
			return false
		}
	}
	return true
}

func knownFormats() string {
	var b strings.Builder
	for _, f := range formats {
		fmt.Fprintf(&b, "\n  %-16s %s", f.Name, f.Example())
	}
	return b.String()
}

// Detect reads the start of r and tells its format. The returned reader
// yields all of r's bytes, the inspected ones included.
func Detect(name string, r io.Reader) (Format, io.Reader, error) { return detect(name, r, -1) }

// detect is Detect of a text of size bytes (-1: unknown).
func detect(name string, r io.Reader, size int64) (Format, io.Reader, error) {
	br := bufio.NewReaderSize(r, bufferFor(size, 64<<10))
	peek, err := br.Peek(64 << 10)
	// A text in no encoding it reads still gets its header looked at: a
	// reader meets the error at its place, after the bytes before it.
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull && !errors.Is(err, ErrEncoding) {
		return Format{}, nil, readErr(name, 0, err) // no line: the text broke off somewhere in the first 64 KiB
	}
	for _, f := range formats {
		if f.magic != "" && bytes.HasPrefix(peek, []byte(f.magic)) {
			return f, br, nil
		}
	}
	if bytes.HasPrefix(peek, []byte{0xFE, 0xFF}) || bytes.HasPrefix(peek, []byte{0xFF, 0xFE}) {
		return Format{}, nil, &ParseError{File: name, Line: 1, Err: ErrUTF16}
	}
	if len(bytes.TrimSpace(bytes.TrimPrefix(peek, []byte{0xEF, 0xBB, 0xBF}))) == 0 {
		return Format{}, nil, &ParseError{File: name, Err: ErrEmpty}
	}
	if len(peek) >= 4 && peek[1] == 0 && peek[3] == 0 {
		return Format{}, nil, &ParseError{File: name, Line: 1, Err: ErrUTF16}
	}
	for _, f := range formats {
		if f.sniff == nil {
			continue
		}
		ok, err := f.sniff(name, peek)
		if err != nil {
			return Format{}, nil, err
		}
		if ok {
			return f, br, nil
		}
	}
	s := newScanner(name, bytes.NewReader(peek))
	var first []byte
	for i := 0; i < 8; i++ {
		rec, err := s.read()
		if err != nil {
			break
		}
		if i == 0 {
			first = bytes.Join(rec, []byte(","))
		}
		for _, f := range formats {
			if i <= f.preamble && f.matches(rec) {
				return f, br, nil
			}
		}
	}
	if what, ok := errorPage(first); ok {
		return Format{}, nil, &ParseError{File: name, Line: 1, Err: fmt.Errorf("%w: %s", ErrErrorPage, what)}
	}
	hint := ""
	if bytes.Count(first, []byte(";")) > 2 {
		hint = " (it looks semicolon-delimited; tradepipe reads comma-separated files)"
	}
	return Format{}, nil, &ParseError{File: name, Line: 1,
		Err: fmt.Errorf("%w%s; known formats (--format NAME, header):%s", ErrUnknownFormat, hint, knownFormats())}
}

// NewReader returns a reader of format f over r. The header is read and
// checked before it returns.
func (f Format) NewReader(r io.Reader, opts ...Option) (array.RecordReader, error) {
	o := buildOptions(opts)
	if f.newReader != nil {
		return f.newReader(r, o)
	}
	s := newScannerSize(o.name, r, o.textSize)
	p, err := f.newParser(s, o)
	if err != nil {
		return nil, err
	}
	if rr, ok := p.(array.RecordReader); ok { // it builds its own batches (BACI)
		return rr, nil
	}
	schema := TradeSchema
	if f.Kind == KindFX {
		schema = FXSchema
	}
	if sp, ok := p.(interface{ schema() *arrow.Schema }); ok { // reference data
		schema = sp.schema()
	}
	if cp, ok := p.(chunkable); ok && !o.sequential && !o.small() {
		return newParallelReader(schema, o, cp, s), nil
	}
	return newBatchReader(schema, o, p), nil
}

// smallText is the size under which a text is read on one goroutine.
const smallText = 1 << 20

// small reports whether the text is known to be small: one chunk, whose
// parsing on a goroutine of its own would only add the handing over.
func (o *options) small() bool { return o.textSize >= 0 && o.textSize < smallText }

// readHeader reads the header record, skipping at most preamble records
// before it, and checks it is the format's.
func readHeader(s *scanner, f string, sig []string, preamble int) (*header, error) {
	for i := 0; ; i++ {
		rec, err := s.read()
		if err == io.EOF {
			return nil, &ParseError{File: s.file, Err: ErrEmpty}
		}
		if err != nil {
			return nil, err
		}
		if sigMatches(sig, rec) {
			return newHeader(s.file, s.recLine, rec), nil
		}
		if i >= preamble {
			return nil, &ParseError{File: s.file, Line: s.recLine,
				Err: fmt.Errorf("%w for format %s: want a header starting %s", ErrUnknownFormat, f, strings.Join(sig, ","))}
		}
	}
}

func needCodes(o *options) error {
	if o.codes == nil {
		return fmt.Errorf("%s: no country-code table given (WithCodes)", o.name)
	}
	return nil
}
