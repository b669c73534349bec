package ingest

import (
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// TestParallelLineLayouts: trade-long and the exchange-rate layouts read
// in parallel chunks give exactly the rows and the error of one pass, for
// the bundled samples, with rows repeated, blank lines, CRLF and, now and
// then, a broken row.
func TestParallelLineLayouts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		format, file string
		header       int      // lines up to and with the header
		breaks       []string // a row made bad: a field replaced
	}{
		{"trade-long", "../testdata/sample/asean_long_1996_2020.csv", 1, []string{",USD", ",X,", ",1996,"}},
		{"trade-long", "../testdata/sample/kgz_national_kgs_2019.csv", 1, []string{",KGS", ",TOTAL,"}},
		{"fx-long", "../testdata/sample/fx_kgs_monthly_2019.csv", 1, []string{",KGS,", "2019-"}},
		{"wdi-fx", "../testdata/sample/fx_wdi_sample.csv", 5, []string{`"PA.NUS.FCRF"`, `"KAZ"`}},
		{"imf-fx", "testdata/bad/ok_quoted_newline_imf.csv", 1, []string{",KZT,", "2019-"}},
	} {
		b, err := os.ReadFile(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitAfter(string(b), "\n")
		if lines[len(lines)-1] == "" {
			lines = lines[:len(lines)-1]
		}
		head, rows := strings.Join(lines[:tc.header], ""), lines[tc.header:]
		if !strings.HasSuffix(rows[len(rows)-1], "\n") {
			rows[len(rows)-1] += "\n"
		}
		t.Run(tc.format+"/"+tc.file, func(t *testing.T) {
			sameFormatInParallel(t, tc.format, head+strings.Join(rows, ""), 1, 2, 3, 7, 64<<10)
			r := rand.New(rand.NewPCG(uint64(len(b)), 7))
			for range 20 {
				var s strings.Builder
				s.WriteString(head)
				for range 1 + r.IntN(200) {
					l := rows[r.IntN(len(rows))]
					if r.IntN(150) == 0 {
						br := tc.breaks[r.IntN(len(tc.breaks))]
						l = strings.Replace(l, br, br+"x", 1)
					}
					switch r.IntN(20) {
					case 0:
						l = strings.TrimSuffix(l, "\n") + "\r\n"
					case 1:
						l += "\n"
					}
					s.WriteString(l)
				}
				sameFormatInParallel(t, tc.format, s.String(), 1+r.IntN(9), 1+r.IntN(300))
			}
		})
	}
}
