package ingest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

const fxHead = "date_or_period,currency,per_usd\n"

func TestLongFXFastSameAsGeneral(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    string
		plain bool
	}{
		{"annual and monthly", fxHead + "2019,KZT,382.75\n2019-01,KZT,370.2\n2019-12,KGS,69.8\n", true},
		{"one currency", fxHead + "2019-01,USD,1\n2019-02,USD,1\n", true},
		{"crlf, blank lines, no final newline", fxHead + "2019,KZT,382.75\r\n\r\n  \n2020,KZT,412.9", true},
		{"tab separated", strings.ReplaceAll(fxHead, ",", "\t") + "2019\tKZT\t382.75\n", true},
		{"spaces around fields", fxHead + " 2019 , KZT , 382.75 \n", true},
		{"a quarter and a day", fxHead + "2019,KZT,382.75\n2019-Q1,KZT,380\n2019-q2,KZT,381\n2019-03-15,KZT,379.5\n", false},
		{"lower-case currency", fxHead + "2019,kzt,382.75\n", false},
		{"quoted", fxHead + "\"2019\",KZT,382.75\n", false},
		{"a quoted newline", fxHead + "2019,KZT,1\n\"2019\n\",KZT,2\n", false},
		{"month 13", fxHead + "2019,KZT,1\n2019-13,KZT,2\n", false},
		{"month 00", fxHead + "2019-00,KZT,2\n", false},
		{"year 1899", fxHead + "1899,KZT,2\n", false},
		{"zero rate", fxHead + "2019,KZT,0\n", false},
		{"negative rate", fxHead + "2019,KZT,-1\n", false},
		{"empty rate", fxHead + "2019,KZT,\n", false},
		{"too many fields", fxHead + "2019,KZT,1,\n", false},
		{"too few fields", fxHead + "2019,KZT\n", false},
		{"a NUL byte", fxHead + "2019,KZT,1\x00\n", false},
		{"four-letter currency", fxHead + "2019,KZTX,1\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) { sameFastAsGeneral(t, "fx-long", tc.in, tc.plain, 1, 2, 64<<10) })
	}
}

// More currencies than the shared constants hold, one a batch: the
// batches past them build their own columns, and the empty country column
// is still shared.
func TestLongFXFastManyCurrencies(t *testing.T) {
	var b strings.Builder
	b.WriteString(fxHead)
	for i := range 3 * maxConstants {
		fmt.Fprintf(&b, "2019,%c%cX,%d\n", 'A'+i/26, 'A'+i%26, i+1)
	}
	sameFastAsGeneral(t, "fx-long", b.String(), true, 1, 2, 64<<10)
}

// A header with a country column, or more columns, is the general path's.
func TestLongFXFastOnlyThreeColumns(t *testing.T) {
	for _, head := range []string{"date_or_period,currency,per_usd,country\n", "date_or_period,currency,per_usd,note\n"} {
		f, _ := FormatByName("fx-long")
		rr, err := f.NewReader(strings.NewReader(head+"2019,KZT,1,KAZ\n"), WithName("fx.csv"), WithCodes(testCodes{}))
		if err != nil {
			t.Fatal(err)
		}
		if _, fast := rr.(*longFXReader); fast {
			t.Errorf("%q: read by the fast path", head)
		}
		rr.Release()
	}
}

// Many rows, at random batch sizes, now and then one made bad.
func TestLongFXFastRandomFiles(t *testing.T) {
	r := rand.New(rand.NewPCG(28, 12))
	currencies := []string{"KZT", "KGS", "TJS", "TMT", "UZS", "CNY", "RUB"}
	breaks := []textBreak{{",K", ",k"}, {"-0", "-Q"}, {",", ",,"}, {"\n", "\"\n\""}, {".", ".5e"}, {"19", "18"}}
	for range 40 {
		var b strings.Builder
		b.WriteString(fxHead)
		cur := currencies[r.IntN(len(currencies))]
		for range 1 + r.IntN(500) {
			if r.IntN(30) == 0 {
				cur = currencies[r.IntN(len(currencies))]
			}
			if r.IntN(2) == 0 {
				fmt.Fprintf(&b, "%d,%s,%d.%d\n", 1990+r.IntN(30), cur, 1+r.IntN(1e4), r.IntN(1000))
			} else {
				fmt.Fprintf(&b, "%d-%02d,%s,%d.%d\n", 1990+r.IntN(30), 1+r.IntN(12), cur, 1+r.IntN(1e4), r.IntN(1000))
			}
		}
		in, bad := breakText(r, b.String(), len(fxHead), breaks)
		sameFastAsGeneral(t, "fx-long", in, !bad, 1+r.IntN(9), 1+r.IntN(300))
	}
}

// FuzzLongFXFast: whatever the bytes after the header, the fast path
// gives the general path's rows and error.
func FuzzLongFXFast(f *testing.F) {
	f.Add([]byte("2019,KZT,382.75\n2019-01,KZT,370.2\n"))
	f.Add([]byte("2019-Q1,KZT,1\r\n\n2019-03-15,usd,1e3\n"))
	f.Add([]byte("\"2019\",KZT,1\n2019,KZT,0\n2019-13,KZT,1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sameFastAsGeneral(t, "fx-long", fxHead+string(data), false, 1, 3, 64<<10)
	})
}
