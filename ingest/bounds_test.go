package ingest

import (
	"errors"
	"testing"
)

// Issue 17, case 6: a value beyond any trade figure (above 1e15 USD after
// unit scaling) is refused with its file, line and column; a trade-long
// row of 1e308 used to load and give infinite shares.
func TestValueBounds(t *testing.T) {
	t.Parallel()
	const long = "year,month,reporter,partner,flow,product,value,currency\n"
	for _, tc := range []struct {
		name, file, in, err string
	}{
		{"long 1e308", "l.csv", long + "2019,,KAZ,CHN,X,TOTAL,1e308,USD\n",
			`l.csv:2:23: value: value beyond any trade figure: "1e308" units is above 1e+15 USD`},
		{"long just above", "l.csv", long + "2019,,KAZ,CHN,X,TOTAL,10,USD\n2019,,KAZ,RUS,X,TOTAL,1000000000000001,USD\n",
			`l.csv:3:23: value: value beyond any trade figure: "1000000000000001" units is above 1e+15 USD`},
		{"long local currency", "l.csv", long + "2019,,KAZ,CHN,X,TOTAL,2e21,KZT\n",
			`l.csv:2:23: value: value beyond any trade figure: "2e21" units is above 1e+21 KZT`},
		{"baci thousands", "b.csv", "t,i,j,k,v,q\n2019,398,156,010121,1000000000001,\n",
			`b.csv:2:21: v: value beyond any trade figure: "1000000000001" thousands is above 1e+15 USD`},
		{"comtrade+", "c.csv", comtradeHeader + comtradeRow("2019", "398", "M", "0", "TOTAL", "2e15"),
			`c.csv:2:260: primaryValue: value beyond any trade figure: "2e15" units is above 1e+15 USD`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := readAll(t, tc.file, tc.in)
			if err == nil || err.Error() != tc.err || !errors.Is(err, ErrTooLarge) {
				t.Errorf("err %v\nwant %s", err, tc.err)
			}
		})
	}
	// At the bound, and in a local currency above the dollar bound, a value loads.
	for _, in := range []string{long + "2019,,KAZ,CHN,X,TOTAL,1e15,USD\n", long + "2019,,KAZ,CHN,X,TOTAL,5e18,KZT\n", "t,i,j,k,v,q\n2019,398,156,010121,1000000000000,\n"} {
		if _, rows, err := readAll(t, "ok.csv", in); err != nil || len(rows) != 1 {
			t.Errorf("%q: %v %v", in, rows, err)
		}
	}
}
