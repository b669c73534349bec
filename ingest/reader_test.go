package ingest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// readAll detects the format of in, reads every batch and renders each row
// as one compact line; it checks that nothing leaks.
func readAll(t testing.TB, name, in string, opts ...Option) (format string, rows []string, err error) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	f, r, err := Detect(name, strings.NewReader(in))
	if err != nil {
		return "", nil, err
	}
	rr, err := f.NewReader(r, append([]Option{WithName(name), WithCodes(testCodes{}), WithAllocator(mem), WithBatchRows(2)}, opts...)...)
	if err != nil {
		return f.Name, nil, err
	}
	defer rr.Release()
	for rr.Next() {
		rows = append(rows, renderBatch(rr.RecordBatch())...)
	}
	return f.Name, rows, rr.Err()
}

// renderBatch prints rows as name=value pairs, skipping nulls, empties
// and the defaults month 0 and trade_type goods.
func renderBatch(rec arrow.RecordBatch) []string {
	out := make([]string, rec.NumRows())
	for i := range out {
		var b strings.Builder
		for c, col := range rec.Columns() {
			if col.IsNull(i) {
				continue
			}
			var v string
			switch a := col.(type) {
			case *array.String:
				v = a.Value(i)
			case *array.Int64:
				v = fmt.Sprint(a.Value(i))
			case *array.Int32:
				v = fmt.Sprint(a.Value(i))
			case *array.Float64:
				v = fmt.Sprint(a.Value(i))
			case *array.Boolean:
				v = fmt.Sprint(a.Value(i))
			}
			if v == "" || (rec.ColumnName(c) == "month" && v == "0") || (rec.ColumnName(c) == "trade_type" && v == TradeGoods) {
				continue
			}
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(rec.ColumnName(c) + "=" + v)
		}
		out[i] = b.String()
	}
	return out
}

const comtradeHeader = "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc,flowCode,flowDesc,partnerCode,partnerISO,partnerDesc,partner2Code,partner2ISO,partner2Desc,classificationCode,classificationSearchCode,isOriginalClassification,cmdCode,cmdDesc,aggrLevel,isLeaf,customsCode,customsDesc,mosCode,motCode,motDesc,qtyUnitCode,qtyUnitAbbr,qty,isQtyEstimated,altQtyUnitCode,altQtyUnitAbbr,altQty,isAltQtyEstimated,netWgt,isNetWgtEstimated,grossWgt,isGrossWgtEstimated,cifvalue,fobvalue,primaryValue,legacyEstimationFlag,isReported,isAggregate\r\n"

// comtradeRow builds a real-looking Comtrade+ data row; value goes to
// cifvalue (imports) or fobvalue (exports) and primaryValue.
func comtradeRow(year, reporter, flow, partner, cmd, value string) string {
	cif, fob := `"`+value+`"`, ""
	if flow == "X" {
		cif, fob = "", `"`+value+`"`
	}
	level, leaf := fmt.Sprint(len(cmd)), fmt.Sprint(len(cmd) == 6)
	if cmd == "TOTAL" {
		level = "0"
	}
	return `"C","A","` + year + `0101","` + year + `","52","` + year + `","` + reporter + `","KAZ","Kazakhstan","` + flow + `","Import","` + partner + `","W00","World","0","W00","World","H4","HS","true","` + cmd + `","All","` + level + `","` + leaf + `","C00","TOTAL CPC","0","0","TOTAL MOT","-1","N/A",,"false","-1","N/A",,"false",,"false",,"false",` + cif + `,` + fob + `,"` + value + `","0","true","false",` + "\r\n"
}

func TestReaders(t *testing.T) {
	tests := []struct {
		name   string
		file   string
		in     string
		format string
		rows   []string
		err    string
	}{
		{
			name: "comtrade+ rows", file: "c.csv", format: "comtrade",
			in: comtradeHeader + comtradeRow("2019", "398", "M", "0", "TOTAL", "39708836450.91") + comtradeRow("2019", "398", "X", "156", "26", "1122228171.67"),
			rows: []string{
				"line=2 freq=A year=2019 reporter=KAZ reporter_code=398 partner=WLD partner_code=0 partner2=0 flow=M classification=H4 product=TOTAL customs=C00 mot=0 value=3.970883645091e+10 currency=USD cif_value=3.970883645091e+10 is_reported=true is_aggregate=false aggr_level=0 is_leaf=false",
				"line=3 freq=A year=2019 reporter=KAZ reporter_code=398 partner=CHN partner_code=156 partner2=0 flow=X classification=H4 product=26 customs=C00 mot=0 value=1.12222817167e+09 currency=USD fob_value=1.12222817167e+09 is_reported=true is_aggregate=false aggr_level=2 is_leaf=false",
			},
		},
		{
			name: "comtrade+ bad number", file: "comtrade_kgz.csv", format: "comtrade",
			in:  comtradeHeader + comtradeRow("2019", "398", "M", "0", "TOTAL", "12,5x"),
			err: `comtrade_kgz.csv:2:261: primaryValue: invalid number "12,5x"`,
		},
		{
			name: "comtrade+ negative", file: "c.csv", format: "comtrade",
			in:  comtradeHeader + comtradeRow("2019", "398", "M", "0", "TOTAL", "-5"),
			err: `c.csv:2:258: primaryValue: negative value "-5"`,
		},
		{
			name: "comtrade+ NaN", file: "c.csv", format: "comtrade",
			in:  comtradeHeader + comtradeRow("2019", "398", "M", "0", "TOTAL", "NaN"),
			err: `c.csv:2:259: primaryValue: invalid number "NaN"`,
		},
		{
			name: "comtrade+ infinite", file: "c.csv", format: "comtrade",
			in:  comtradeHeader + comtradeRow("2019", "398", "M", "0", "TOTAL", "1e999"),
			err: `c.csv:2:261: primaryValue: invalid number "1e999": out of range`,
		},
		{
			name: "comtrade+ unknown country", file: "c.csv", format: "comtrade",
			in:  comtradeHeader + comtradeRow("2019", "398", "M", "999", "TOTAL", "5"),
			err: `c.csv:2:77: partnerCode: unknown country code "999" (comtrade)`,
		},
		{
			name: "comtrade+ year out of range", file: "c.csv", format: "comtrade",
			in:  comtradeHeader + comtradeRow("1899", "398", "M", "0", "TOTAL", "5"),
			err: `c.csv:2:20: refYear: year outside 1900-2100 "1899"`,
		},
		{
			name: "comtrade+ short row", file: "c.csv", format: "comtrade",
			in:  comtradeHeader + `"C","A","2019"` + "\r\n",
			err: `c.csv:2:15: wrong number of fields: got 3, want 47`,
		},
		{
			name: "comtrade+ missing column", file: "c.csv", format: "comtrade",
			in:  strings.Replace(comtradeHeader, ",primaryValue,", ",primaryValueX,", 1),
			err: `c.csv:1: missing required column "primaryValue"`,
		},
		{
			name: "baci", file: "BACI_HS17_Y2019_V202401.csv", format: "baci",
			in: "t,i,j,k,v,q\n2019,398,156,010121,1234.5,\n2019,842,417,270900,0.5,12.25\n",
			rows: []string{
				"line=2 freq=A year=2019 reporter=KAZ reporter_code=398 partner=CHN partner_code=156 flow=X classification=HS17 product=010121 value=1.2345e+06 currency=USD",
				"line=3 freq=A year=2019 reporter=USA reporter_code=842 partner=KGZ partner_code=417 flow=X classification=HS17 product=270900 value=500 currency=USD quantity=12.25 quantity_unit=t",
			},
		},
		{
			name: "baci bad row", file: "b.csv", format: "baci",
			in:  "t,i,j,k,v,q\n2019,398,156,010121,1234.5,\n2019,398,156,010122,1x,\n",
			err: `b.csv:3:21: v: invalid number "1x"`,
		},
		{
			name: "wits", file: "w.csv", format: "wits",
			in: "\ufeffReporter Name,Partner Name,Trade Flow,Product Group,Indicator,2018,2019\n" +
				"Kazakhstan,China,Import,  All Products,Import (US$ Thousand),,6788625.829\n" +
				"Kazakhstan,East Asia & Pacific,Import,  All Products,Import (US$ Thousand),1,2\n" +
				"Kazakhstan,\"Russian Federation\",Import,  All Products,Import (US$ Thousand),1.5,2",
			rows: []string{
				"line=2 freq=A year=2019 reporter=KAZ reporter_code=Kazakhstan partner=CHN partner_code=China flow=M product=TOTAL value=6.788625829e+09 currency=USD",
				"line=4 freq=A year=2018 reporter=KAZ reporter_code=Kazakhstan partner=RUS partner_code=Russian Federation flow=M product=TOTAL value=1500 currency=USD",
				"line=4 freq=A year=2019 reporter=KAZ reporter_code=Kazakhstan partner=RUS partner_code=Russian Federation flow=M product=TOTAL value=2000 currency=USD",
			},
		},
		{
			name: "wits unknown partner", file: "w.csv", format: "wits",
			in:  "Reporter Name,Partner Name,Trade Flow,Product Group,Indicator,2019\nKazakhstan,Atlantis,Import,All Products,Import (US$ Thousand),1\n",
			err: `w.csv:2:12: Partner Name: unknown country code "Atlantis" (name)`,
		},
		{
			name: "wdi", file: "API_PA.NUS.FCRF.csv", format: "wdi-fx",
			in: "\ufeff\"Data Source\",\"World Development Indicators\",\n\n\"Last Updated Date\",\"2025-07-01\",\n\n" +
				`"Country Name","Country Code","Indicator Name","Indicator Code","2018","2019",` + "\n" +
				`"East Asia & Pacific","EAS","Official exchange rate (LCU per US$, period average)","PA.NUS.FCRF","","",` + "\n" +
				`"Kazakhstan","KAZ","Official exchange rate (LCU per US$, period average)","PA.NUS.FCRF","","382.747310606061",` + "\n",
			rows: []string{"line=7 country=KAZ country_code=KAZ currency=KZT freq=A year=2019 period=2019 per_usd=382.747310606061"},
		},
		{
			name: "wdi zero rate", file: "wb.csv", format: "wdi-fx",
			in: "\"Data Source\",\"World Development Indicators\",\n\n\"Last Updated Date\",\"2025-07-01\",\n\n" +
				`"Country Name","Country Code","Indicator Name","Indicator Code","2019",` + "\n" +
				`"Kazakhstan","KAZ","Official exchange rate (LCU per US$, period average)","PA.NUS.FCRF","0",` + "\n",
			err: `wb.csv:6:89: 2019: exchange rate must be positive "0"`,
		},
		{
			name: "imf", file: "imf.csv", format: "imf-fx",
			in:   "Date,Rate,Currency,Frequency,Source,Country code,Country\n2019-12-31,382.7473,KZT,A,IMF,KZ,\"Kazakhstan, Republic of\"\n",
			rows: []string{"line=2 country=KAZ country_code=KZ currency=KZT freq=A year=2019 period=2019 per_usd=382.7473"},
		},
		{
			name: "imf negative rate", file: "imf.csv", format: "imf-fx",
			in:  "Date,Rate,Currency,Frequency,Source,Country code,Country\n2019-12-31,-1,KZT,A,IMF,KZ,Kazakhstan\n",
			err: `imf.csv:2:12: Rate: negative value "-1"`,
		},
		{
			name: "long trade", file: "nso.csv", format: "trade-long",
			in: "year,month,reporter,partner,flow,product,value,currency\n2019,,KGZ,KAZ,X,TOTAL,100,KGS\n2019,3,KG,156,m,TOTAL,7.5,kgs\n",
			rows: []string{
				"line=2 freq=A year=2019 reporter=KGZ reporter_code=KGZ partner=KAZ partner_code=KAZ flow=X product=TOTAL value=100 currency=KGS",
				"line=3 freq=M year=2019 month=3 reporter=KGZ reporter_code=KG partner=CHN partner_code=156 flow=M product=TOTAL value=7.5 currency=KGS",
			},
		},
		{
			name: "long trade bad flow", file: "nso.csv", format: "trade-long",
			in:  "year,month,reporter,partner,flow,product,value,currency\n2019,,KGZ,KAZ,Z,TOTAL,100,KGS\n",
			err: `nso.csv:2:15: flow: invalid code: flow "Z" (want X, M, RX or RM)`,
		},
		{
			name: "long fx", file: "fx.csv", format: "fx-long",
			in: "date_or_period,currency,per_usd\n2019,KGS,69.79\n2019-03,KGS,69.8\n2019-Q1,KGS,69.7\n2019-03-15,KGS,69.9\n",
			rows: []string{
				"line=2 currency=KGS freq=A year=2019 period=2019 per_usd=69.79",
				"line=3 currency=KGS freq=M year=2019 month=3 period=2019-03 per_usd=69.8",
				"line=4 currency=KGS freq=Q year=2019 period=2019-Q1 per_usd=69.7",
				"line=5 currency=KGS freq=D year=2019 month=3 period=2019-03-15 per_usd=69.9",
			},
		},
		{
			name: "long fx zero", file: "fx.csv", format: "fx-long",
			in:  "date_or_period,currency,per_usd\n2019,KGS,0\n",
			err: `fx.csv:2:10: per_usd: exchange rate must be positive "0"`,
		},
		{
			name: "legacy", file: "legacy.csv", format: "comtrade-legacy",
			in: "Classification,Year,Period,Period Desc.,Aggregate Level,Is Leaf Code,Trade Flow Code,Trade Flow,Reporter Code,Reporter,Reporter ISO,Partner Code,Partner,Partner ISO,Commodity Code,Commodity,Trade Value (US$)\n" +
				"HS,2018,2018,2018,0,0,2,Export,860,Uzbekistan,UZB,0,World,WLD,TOTAL,All Commodities,10000\n" +
				"HS,2018,201803,March 2018,0,0,3,Re-Export,860,Uzbekistan,UZB,398,Kazakhstan,KAZ,TOTAL,All Commodities,5\n",
			rows: []string{
				"line=2 freq=A year=2018 reporter=UZB reporter_code=860 partner=WLD partner_code=0 flow=X classification=HS product=TOTAL value=10000 currency=USD aggr_level=0 is_leaf=false",
				"line=3 freq=M year=2018 month=3 reporter=UZB reporter_code=860 partner=KAZ partner_code=398 flow=RX classification=HS product=TOTAL value=5 currency=USD aggr_level=0 is_leaf=false",
			},
		},
		{name: "empty", file: "e.csv", in: "", err: "e.csv: empty file"},
		{name: "only bom", file: "e.csv", in: "\ufeff\n\n", err: "e.csv: empty file"},
		{name: "header only", file: "h.csv", format: "baci", in: "t,i,j,k,v,q\n"},
		{name: "semicolons", file: "s.csv", in: "t;i;j;k;v;q\n2019;4;8;010121;1;2\n",
			err: "s.csv:1: no recognisable header (it looks semicolon-delimited; tradepipe reads comma-separated files); known formats"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			format, rows, err := readAll(t, tc.file, tc.in)
			if tc.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
					t.Fatalf("error = %v\nwant     %s", err, tc.err)
				}
				if rows != nil {
					t.Errorf("rows delivered before the error would be lost data: %q", rows)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if format != tc.format {
				t.Errorf("format = %s, want %s", format, tc.format)
			}
			if strings.Join(rows, "\n") != strings.Join(tc.rows, "\n") {
				t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(tc.rows, "\n"))
			}
		})
	}
}
