package ingest

import (
	"strings"
	"testing"
)

// TestWITSViews reads each WITS view in its real layout (values
// illustrative).
func TestWITSViews(t *testing.T) {
	tests := []struct {
		name, in, format string
		rows             []string
		err              string
	}{
		{
			name: "partner view, exports", format: "wits-partner",
			in: "Reporter Name,Partner Name,Year,Trade Flow,No Of exported HS6 digit Products,Export Share in Total Products (%),Export (US$ Thousand),Export Partner Share (%)\r\n" +
				" World,China,2018,Export,4000,85.1,1234.5,10.2\r\n" +
				" World,East Asia & Pacific,2018,Export,4000,85.1,99,50\r\n",
			rows: []string{"line=2 freq=A year=2018 reporter=WLD reporter_code=World partner=CHN partner_code=China flow=X product=TOTAL value=1.2345e+06 currency=USD"},
		},
		{
			name: "partner view, exports and imports with tariffs", format: "wits-partner",
			in: "\ufeffReporter Name,Partner Name,Year,Trade Flow,Trade Balance (US$ Thousand),Export (US$ Thousand),Import (US$ Thousand),Import Partner Share (%),Export Partner Share (%),AHS Dutiable Imports (US$ Thousand)\r\n" +
				"Kazakhstan,\"Russian Federation\",2021,Exports & Imports,-5,10,15,1,2,7\r\n" +
				"Kazakhstan,China,2021,Exports & Imports,3,3,,1,2,7\r\n" +
				"Kazakhstan,World,2021,Exports & Imports,3,60,50,100,100,7\r\n",
			rows: []string{
				"line=2 freq=A year=2021 reporter=KAZ reporter_code=Kazakhstan partner=RUS partner_code=Russian Federation flow=X product=TOTAL value=10000 currency=USD",
				"line=2 freq=A year=2021 reporter=KAZ reporter_code=Kazakhstan partner=RUS partner_code=Russian Federation flow=M product=TOTAL value=15000 currency=USD",
				"line=3 freq=A year=2021 reporter=KAZ reporter_code=Kazakhstan partner=CHN partner_code=China flow=X product=TOTAL value=3000 currency=USD",
				"line=4 freq=A year=2021 reporter=KAZ reporter_code=Kazakhstan partner=WLD partner_code=World flow=X product=TOTAL value=60000 currency=USD",
				"line=4 freq=A year=2021 reporter=KAZ reporter_code=Kazakhstan partner=WLD partner_code=World flow=M product=TOTAL value=50000 currency=USD",
			},
		},
		{
			name: "partner view, a bare Import column", format: "wits-partner",
			in:   "Reporter Name,Partner Name,Year,Trade Flow,Import\nUzbekistan,China,2019,Import,7.25\n",
			rows: []string{"line=2 freq=A year=2019 reporter=UZB reporter_code=Uzbekistan partner=CHN partner_code=China flow=M product=TOTAL value=7250 currency=USD"},
		},
		{
			name: "product view", format: "wits-product",
			in: "Reporter Name,Partner Name,Year,Trade Flow,Product Group,Import (US$ Thousand),Import Product Share (%),AHS Simple Average (%)\n" +
				"United States,China,2018,Import,  All Products,563203119.5,100,4.23\n" +
				"United States,China,2018,Import, Capital goods,266561599.2,47.33,1.32\n",
			rows: []string{
				"line=2 freq=A year=2018 reporter=USA reporter_code=United States partner=CHN partner_code=China flow=M product=TOTAL value=5.632031195e+11 currency=USD",
				"line=3 freq=A year=2018 reporter=USA reporter_code=United States partner=CHN partner_code=China flow=M product=Capital goods value=2.665615992e+11 currency=USD",
			},
		},
		{
			name: "time series without Product Group", format: "wits-series",
			in:   "Reporter Name,Partner Name,Trade Flow,Indicator,2018,2019\nKyrgyz Republic,World,Export,Export (US$ Thousand),1.5,\n",
			rows: []string{"line=2 freq=A year=2018 reporter=KGZ reporter_code=Kyrgyz Republic partner=WLD partner_code=World flow=X product=TOTAL value=1500 currency=USD"},
		},
		{
			name: "partner view, shares only",
			in:   "Reporter Name,Partner Name,Year,Trade Flow,Export Partner Share (%),Import Partner Share (%)\nKazakhstan,China,2019,Export,10,12\n",
			err:  `w.csv:1: missing required column: this WITS download holds shares (Export Partner Share (%), Import Partner Share (%)), not trade values; download the Export or Import (US$ Thousand) indicator instead`,
		},
		{
			name: "time series of shares",
			in:   "Reporter Name,Partner Name,Trade Flow,Product Group,Indicator,2019\nKazakhstan,China,Export,All Products,Export Partner Share (%),10\n",
			err:  `w.csv:2:38: Indicator: invalid code: indicator "Export Partner Share (%)" holds shares (%), not trade values; download the US$ Thousand indicator instead`,
		},
		{
			name: "partner view, flow without its column",
			in:   "Reporter Name,Partner Name,Year,Trade Flow,Export (US$ Thousand)\nKazakhstan,China,2019,Import,10\n",
			err:  `w.csv:2:23: Trade Flow: missing required column: trade flow "Import" but no Import value column`,
		},
		{
			name: "partner view, bad number",
			in:   "Reporter Name,Partner Name,Year,Trade Flow,Export (US$ Thousand)\nKazakhstan,China,2019,Export,1O\n",
			err:  `w.csv:2:30: Export (US$ Thousand): invalid number "1O"`,
		},
		{
			name: "partner view, bad year",
			in:   "Reporter Name,Partner Name,Year,Trade Flow,Export (US$ Thousand)\nKazakhstan,China,19,Export,1\n",
			err:  `w.csv:2:18: Year: year outside 1900-2100 "19"`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			format, rows, err := readAll(t, "w.csv", tc.in)
			if tc.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
					t.Fatalf("error = %v\nwant     %s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if format != tc.format {
				t.Errorf("format %s, want %s", format, tc.format)
			}
			if strings.Join(rows, "\n") != strings.Join(tc.rows, "\n") {
				t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(tc.rows, "\n"))
			}
		})
	}
}
