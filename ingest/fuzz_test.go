package ingest

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// fuzzFormat feeds any bytes to one format's reader: it must give batches
// or a *ParseError, never a panic, a hang or a leak.
func fuzzFormat(f *testing.F, format string, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	// Seed with the bundled sample files of this format.
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", "sample", "*.csv"))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if fm, _, err := Detect(p, strings.NewReader(string(b))); err == nil && fm.Name == format {
			// Keep seeds small (header and a few rows, cut at a line end):
			// large seeds make the fuzzer spend its time minimising.
			if len(b) > 1500 {
				if i := bytes.LastIndexByte(b[:1500], '\n'); i > 0 {
					b = b[:i+1]
				}
			}
			f.Add(b)
		}
	}
	fm, _ := FormatByName(format)
	f.Fuzz(func(t *testing.T, data []byte) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		rr, err := fm.NewReader(strings.NewReader(string(data)), WithName("fuzz.csv"), WithCodes(testCodes{}), WithAllocator(mem), WithBatchRows(3))
		if err != nil {
			checkParseError(t, err)
			return
		}
		defer rr.Release()
		for rr.Next() {
			rec := rr.RecordBatch()
			for _, c := range rec.Columns() {
				if c.Len() != int(rec.NumRows()) {
					t.Fatalf("ragged batch: column has %d rows, batch %d", c.Len(), rec.NumRows())
				}
			}
		}
		if err := rr.Err(); err != nil {
			checkParseError(t, err)
		}
	})
}

func checkParseError(t *testing.T, err error) {
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error without position: %T %v", err, err)
	}
	if pe.File != "fuzz.csv" {
		t.Fatalf("error names file %q", pe.File)
	}
}

func FuzzComtrade(f *testing.F) {
	fuzzFormat(f, "comtrade", comtradeHeader+comtradeRow("2019", "398", "M", "0", "TOTAL", "5"),
		string(bulkTSV(f, filepath.Join("testdata", "comtrade", "COMTRADE-FINAL-CA3982019H5[2024-01-03].gz"))),
		strings.Replace(comtradeHeader+comtradeRow("2019", "398", "M", "97", "27", "5"), `"C"`, `"S"`, 1))
}

func FuzzLegacy(f *testing.F) {
	fuzzFormat(f, "comtrade-legacy", "Classification,Year,Period,Period Desc.,Aggregate Level,Trade Flow Code,Reporter Code,Partner Code,Commodity Code,Trade Value (US$)\nHS,2018,2018,2018,0,1,860,0,TOTAL,5\n",
		fixture(f, "comtrade", "legacy_flowcode0.csv"), fixture(f, "comtrade", "legacy_cut_year.csv"), fixture(f, "comtrade", "legacy_eu28_only.csv"))
}

func FuzzBACI(f *testing.F) {
	fuzzFormat(f, "baci", "t,i,j,k,v,q\n2019,398,156,010121,1234.5,\n2019,842,417,270900,0.5,12.25\n")
}

func FuzzWITS(f *testing.F) {
	fuzzFormat(f, "wits", "Reporter Name,Partner Name,Trade Flow,Product Group,Indicator,2018,2019\nKazakhstan,China,Import,  All Products,Import (US$ Thousand),,6788625.829\n")
}

func FuzzLongTrade(f *testing.F) {
	fuzzFormat(f, "trade-long", "year,month,reporter,partner,flow,product,value,currency\n2019,,KGZ,KAZ,X,TOTAL,100,KGS\n2019,3,KG,156,m,TOTAL,7.5,kgs\n")
}

func FuzzWDI(f *testing.F) {
	fuzzFormat(f, "wdi-fx", "\"Data Source\",\"World Development Indicators\",\n\n\"Last Updated Date\",\"2025-07-01\",\n\n\"Country Name\",\"Country Code\",\"Indicator Name\",\"Indicator Code\",\"2019\",\n\"Kazakhstan\",\"KAZ\",\"x\",\"PA.NUS.FCRF\",\"382.7\",\n")
}

func FuzzIMF(f *testing.F) {
	fuzzFormat(f, "imf-fx", "Date,Rate,Currency,Frequency,Source,Country code,Country\n2019-12-31,382.7473,KZT,A,IMF,KZ,\"Kazakhstan, Republic of\"\n2019-03-31,1.5,KZT,M,IMF,KZ,x\n")
}

func FuzzLongFX(f *testing.F) {
	fuzzFormat(f, "fx-long", "date_or_period,currency,per_usd,country\n2019,KGS,69.79,KGZ\n2019-03,KGS,69.8,\n2019-Q1,KGS,69.7,KG\n")
}

// FuzzDetect: detection never panics and errors carry a position.
func FuzzDetect(f *testing.F) {
	f.Add([]byte("t,i,j,k,v,q\n"))
	f.Add([]byte("\xff\xfe"))
	f.Add([]byte("typeCode\tfreqCode\trefPeriodId\n"))
	f.Add([]byte("Query complexity: your query is too complex. Please simplify.\n"))
	f.Add([]byte("Year,Trade Flow,Reporter Code,Partner Code,Commodity Code,Trade Value (US$)\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _, err := Detect("fuzz.csv", strings.NewReader(string(data)))
		if err != nil {
			checkParseError(t, err)
		}
	})
}

func FuzzWITSPartner(f *testing.F) {
	fuzzFormat(f, "wits-partner", "Reporter Name,Partner Name,Year,Trade Flow,Export (US$ Thousand),Import (US$ Thousand),Export Partner Share (%)\n"+
		"Kazakhstan,\"Russian Federation\",2021,Exports & Imports,10,15,2\n World,China,2018,Export,1.5,,3\n")
}

func FuzzWITSProduct(f *testing.F) {
	fuzzFormat(f, "wits-product", "Reporter Name,Partner Name,Year,Trade Flow,Product Group,Import (US$ Thousand),Import Product Share (%)\n"+
		"United States,China,2018,Import,  All Products,563203119.5,100\nUnited States,China,2018,Import, Capital goods,2.5,47.33\n")
}

func FuzzWITSSeries(f *testing.F) {
	fuzzFormat(f, "wits-series", "Reporter Name,Partner Name,Trade Flow,Indicator,2018,2019\nKyrgyz Republic,World,Export,Export (US$ Thousand),1.5,\n")
}

func FuzzBACICountries(f *testing.F) {
	fuzzFormat(f, "baci-countries", "country_code,country_name,country_iso2,country_iso3\n398,Kazakhstan,KZ,KAZ\n156,China,CN,CHN\n0,World,,\n")
}

func FuzzBACIProducts(f *testing.F) {
	fuzzFormat(f, "baci-products", "code,description\n010121,\"Horses: live, pure-bred\"\n270900,Petroleum oils\n")
}
