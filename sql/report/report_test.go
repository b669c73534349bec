package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tradepipe/tradepipe/ingest"
	"github.com/tradepipe/tradepipe/sql/report"
	"github.com/tradepipe/tradepipe/sql/report/render"
	"github.com/tradepipe/tradepipe/sql/store"
	"github.com/tradepipe/tradepipe/sql/store/storetest"
	"github.com/tradepipe/tradepipe/transform/country"
)

// fixture is a small C5 world for 2019 in tradepipe's long layout: KAZ, KGZ
// and UZB report (with World rows), TKM does not (it is mirror-filled from
// the others' reports, CHN's included), TJK has no data at all.
const fixture = `year,month,reporter,partner,flow,product,value,currency
2019,,KAZ,WLD,X,TOTAL,1000,USD
2019,,KAZ,WLD,M,TOTAL,800,USD
2019,,KAZ,KGZ,X,TOTAL,50,USD
2019,,KAZ,UZB,X,TOTAL,30,USD
2019,,KAZ,TKM,X,TOTAL,20,USD
2019,,KAZ,CHN,X,TOTAL,200,USD
2019,,KAZ,RUS,X,TOTAL,100,USD
2019,,KAZ,KGZ,M,TOTAL,10,USD
2019,,KAZ,UZB,M,TOTAL,40,USD
2019,,KAZ,TKM,M,TOTAL,5,USD
2019,,KAZ,CHN,M,TOTAL,150,USD
2019,,KAZ,RUS,M,TOTAL,300,USD
2019,,KAZ,CHN,X,27,190,USD
2019,,KGZ,WLD,X,TOTAL,300,USD
2019,,KGZ,WLD,M,TOTAL,500,USD
2019,,KGZ,KAZ,X,TOTAL,12,USD
2019,,KGZ,UZB,X,TOTAL,8,USD
2019,,KGZ,CHN,X,TOTAL,40,USD
2019,,KGZ,RUS,X,TOTAL,60,USD
2019,,KGZ,KAZ,M,TOTAL,55,USD
2019,,KGZ,TKM,M,TOTAL,9,USD
2019,,KGZ,CHN,M,TOTAL,200,USD
2019,,KGZ,RUS,M,TOTAL,100,USD
2019,,UZB,WLD,X,TOTAL,600,USD
2019,,UZB,WLD,M,TOTAL,700,USD
2019,,UZB,KAZ,X,TOTAL,45,USD
2019,,UZB,KGZ,X,TOTAL,7,USD
2019,,UZB,TKM,X,TOTAL,33,USD
2019,,UZB,CHN,X,TOTAL,90,USD
2019,,UZB,RUS,X,TOTAL,80,USD
2019,,UZB,KAZ,M,TOTAL,28,USD
2019,,UZB,KGZ,M,TOTAL,6,USD
2019,,UZB,TKM,M,TOTAL,60,USD
2019,,UZB,CHN,M,TOTAL,210,USD
2019,,UZB,RUS,M,TOTAL,150,USD
2019,,UZB,KAZ,RX,TOTAL,999,USD
2019,,CHN,WLD,X,TOTAL,9000,USD
2019,,CHN,WLD,M,TOTAL,8000,USD
2019,,CHN,TKM,X,TOTAL,400,USD
2019,,CHN,TKM,M,TOTAL,700,USD
`

func load(t *testing.T, files map[string]string) *store.Store {
	t.Helper()
	dir := t.TempDir()
	s, err := store.Open(context.Background(), filepath.Join(dir, "t.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	cs, err := country.Load()
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(text), 0o644)
		srcs, err := ingest.Sources(p)
		if err != nil {
			t.Fatal(err)
		}
		r := s.Load(context.Background(), srcs[0], store.LoadOptions{Dataset: "fixture", Codes: cs})
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	return s
}

// rowsOf runs a report as CSV and returns its rows keyed by column.
func rowsOf(t *testing.T, s *store.Store, name string, p report.Params) []map[string]string {
	t.Helper()
	tab, err := report.Run(context.Background(), s, name, p)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := render.Write(&b, tab, "csv"); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, c := range recs[0] {
			m[c] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return v
}

func TestRegionalSharesByHand(t *testing.T) {
	t.Parallel()
	s := load(t, map[string]string{"fixture.csv": fixture})
	// The fixture is a small world: TKM's mirror from four reporters cannot
	// be complete, and TJK has no data. --partial show fills the shares so
	// the formulas can be checked; complete says they are not the year's.
	rows := rowsOf(t, s, "regional-shares", report.Params{Partial: "show"})
	if len(rows) != 1 {
		t.Fatalf("rows = %v", rows)
	}
	r := rows[0]
	if r["complete"] != "false" || !strings.Contains(r["incomplete_reason"], "TJK exports 2019: no data") ||
		!strings.Contains(r["incomplete_reason"], "TKM exports 2019: mirror from 4 reporters") {
		t.Errorf("complete %s, incomplete_reason %q", r["complete"], r["incomplete_reason"])
	}
	omit := rowsOf(t, s, "regional-shares", report.Params{})[0]
	for _, k := range []string{"intra_share_pct", "china_share_pct", "russia_share_pct", "rest_share_pct", "mirror_share_pct"} {
		if omit[k] != "" {
			t.Errorf("--partial omit: %s = %q, want empty", k, omit[k])
		}
	}
	if omit["total_trade_usd"] != r["total_trade_usd"] || omit["incomplete_reason"] != r["incomplete_reason"] {
		t.Errorf("omit and show differ beyond the shares: %v\n%v", omit, r)
	}
	const c = 1.06
	// TKM, mirrored: exports to j = j's imports from TKM / c; imports from j = j's exports to TKM * c.
	tkmX := (5 + 9 + 60 + 700) / c
	tkmM := (20 + 33 + 400) * c
	total := 1800.0 + 800 + 1300 + tkmX + tkmM
	intra := (50 + 30 + 20 + 10 + 40 + 5) + (12 + 8 + 55 + 9) + (45 + 7 + 33 + 28 + 6 + 60) + (5+9+60)/c + (20+33)*c
	china := (200 + 150) + (40 + 200) + (90 + 210) + 700/c + 400*c
	russia := (100 + 300) + (60 + 100) + (80 + 150.0)
	want := map[string]float64{
		"intra_share_pct":  100 * intra / total,
		"china_share_pct":  100 * china / total,
		"russia_share_pct": 100 * russia / total,
		"rest_share_pct":   100 - 100*(intra+china+russia)/total,
		"total_trade_usd":  total,
		"mirror_share_pct": 100 * (tkmX + tkmM) / total,
	}
	for k, w := range want {
		if got := num(t, r[k]); math.Abs(got-w) > 1e-9*math.Max(1, math.Abs(w)) {
			t.Errorf("%s = %v, want %v", k, got, w)
		}
	}
	if r["year"] != "2019" || r["group"] != "C5" || r["members"] != "5" || r["members_mirrored"] != "1" || r["members_with_data"] != "4" {
		t.Errorf("row = %v", r)
	}
	sum := num(t, r["intra_share_pct"]) + num(t, r["china_share_pct"]) + num(t, r["russia_share_pct"]) + num(t, r["rest_share_pct"])
	if math.Abs(sum-100) > 1e-9 {
		t.Errorf("shares add up to %v", sum)
	}

	// Remove KGZ's own reports: mirror fill takes over, the mirror share grows.
	noKGZ := strings.Join(filterLines(fixture, ",KGZ,", "2019,,KGZ,"), "\n")
	s2 := load(t, map[string]string{"fixture.csv": noKGZ})
	r2 := rowsOf(t, s2, "regional-shares", report.Params{Partial: "show"})[0]
	if r2["members_mirrored"] != "2" || num(t, r2["mirror_share_pct"]) <= num(t, r["mirror_share_pct"]) {
		t.Errorf("without KGZ's reports: %v", r2)
	}
}

// filterLines drops lines that start with prefix (keeping the header).
func filterLines(text, _ string, prefix string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if !strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return out
}

func TestMembershipAsOfAndFixed(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("year,month,reporter,partner,flow,product,value,currency\n")
	for _, y := range []string{"1996", "1999"} {
		for _, c := range []string{"IDN", "MYS", "PHL", "SGP", "THA", "BRN", "VNM", "LAO", "MMR", "KHM"} {
			b.WriteString(y + ",," + c + ",WLD,X,TOTAL,100,USD\n")
			b.WriteString(y + ",," + c + ",SGP,X,TOTAL,10,USD\n")
		}
	}
	s := load(t, map[string]string{"asean.csv": b.String()})
	asOf := rowsOf(t, s, "regional-shares", report.Params{Group: "ASEAN", Partial: "show"})
	fixed := rowsOf(t, s, "regional-shares", report.Params{Group: "ASEAN", Membership: "fixed", Partial: "show"})
	if asOf[0]["members"] != "7" || asOf[1]["members"] != "10" {
		t.Errorf("as-of members: 1996 %s, 1999 %s; want 7, 10", asOf[0]["members"], asOf[1]["members"])
	}
	// Fixed: the members of the report's last year (1999), never today's:
	// Timor-Leste (2025) is in no year.
	if fixed[0]["members"] != "10" || fixed[1]["members"] != "10" {
		t.Errorf("fixed members: %s, %s; want 10, 10", fixed[0]["members"], fixed[1]["members"])
	}
	tab, err := report.Run(context.Background(), s, "regional-shares", report.Params{Group: "ASEAN", Membership: "fixed", To: 1996})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(tab.Notes, "\n"), "membership fixed: the members of 1996 count in every year") || tab.Rows[0][2] != int64(7) {
		t.Errorf("fixed at --to 1996: members %v, notes %q", tab.Rows[0][2], tab.Notes)
	}
	// 1996 as-of: 6 of the 7 members export 10 to SGP (SGP's row to itself
	// is skipped), out of 7 x 100 exports. Nobody reported imports, so they
	// are mirror-filled: SGP imports 10 x 1.06 from each of the 9 others (6
	// of them members); the other members import nothing.
	if got, want := num(t, asOf[0]["intra_share_pct"]), 100*(60+6*10*1.06)/(700+9*10*1.06); math.Abs(got-want) > 1e-9 {
		t.Errorf("1996 intra share = %v, want %v", got, want)
	}
	if num(t, fixed[0]["intra_share_pct"]) <= num(t, asOf[0]["intra_share_pct"])-1e-9 && fixed[0]["members"] == asOf[0]["members"] {
		t.Errorf("fixed membership did not change 1996")
	}
}

func TestReportParametersAreBound(t *testing.T) {
	t.Parallel()
	s := load(t, map[string]string{"fixture.csv": fixture})
	_, err := report.Run(context.Background(), s, "regional-shares", report.Params{Group: "x'); DROP TABLE trade; --"})
	if err == nil || !strings.Contains(err.Error(), "unknown group") {
		t.Errorf("hostile group: %v", err)
	}
	var n int
	s.DB().QueryRow(`SELECT count(*) FROM trade`).Scan(&n)
	if n == 0 {
		t.Error("trade table emptied")
	}
}

func TestEveryReportRuns(t *testing.T) {
	t.Parallel()
	s := load(t, map[string]string{"fixture.csv": fixture})
	list, err := report.List()
	if err != nil || len(list) < 5 {
		t.Fatalf("list: %v %v", list, err)
	}
	for _, e := range list {
		for _, f := range render.Formats {
			tab, err := report.Run(context.Background(), s, e.Name, report.Params{})
			if err != nil {
				t.Errorf("%s: %v", e.Name, err)
				continue
			}
			var b bytes.Buffer
			if err := render.Write(&b, tab, f); err != nil || b.Len() == 0 {
				t.Errorf("%s as %s: %v", e.Name, f, err)
			}
		}
	}
}

// TestOneYearReadsOneYear: every macro a report reads takes the report's
// years from its first step (yfrom, yto), so a one-year report reads one
// year; its rows must be those of the same report over every year, for
// that year, in the sample's reporter data and its flow table (numbers to 1e-9 relative:
// sums may differ in the last bits between runs).
func TestOneYearReadsOneYear(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Sample(t)
	list, err := report.List()
	if err != nil {
		t.Fatal(err)
	}
	same := func(a, b any) bool {
		fa, oka := a.(float64)
		fb, okb := b.(float64)
		if oka && okb {
			return fa == fb || math.Abs(fa-fb) <= 1e-9*math.Max(math.Abs(fa), math.Abs(fb))
		}
		return fmt.Sprint(a) == fmt.Sprint(b)
	}
	for _, ds := range []string{"sample", "baci"} {
		for _, e := range list {
			p := report.Params{Dataset: ds, Partial: "show"}
			all, err := report.Run(ctx, s, e.Name, p)
			if err != nil {
				t.Fatalf("%s %s: %v", ds, e.Name, err)
			}
			yc := slices.Index(all.Columns, "year")
			if yc < 0 {
				t.Fatalf("%s: no year column in %v", e.Name, all.Columns)
			}
			byYear := map[string][][]any{}
			for _, r := range all.Rows {
				byYear[fmt.Sprint(r[yc])] = append(byYear[fmt.Sprint(r[yc])], r)
			}
			if len(byYear) == 0 && ds == "sample" { // (a flow table has no mirror gaps)
				t.Errorf("%s %s: no rows", ds, e.Name)
			}
			for y, want := range byYear {
				p.From, err = strconv.Atoi(y)
				if err != nil {
					t.Fatalf("%s: year %q", e.Name, y)
				}
				p.To = p.From
				one, err := report.Run(ctx, s, e.Name, p)
				if err != nil {
					t.Fatalf("%s %s %s: %v", ds, e.Name, y, err)
				}
				if len(one.Rows) != len(want) {
					t.Errorf("%s %s --from %s --to %s: %d rows, %d in that year of every year's", ds, e.Name, y, y, len(one.Rows), len(want))
					continue
				}
				for i := range want {
					for j := range want[i] {
						if !same(one.Rows[i][j], want[i][j]) {
							t.Errorf("%s %s %s row %d %s: %v in one year, %v in every year's", ds, e.Name, y, i, all.Columns[j], one.Rows[i][j], want[i][j])
						}
					}
				}
			}
		}
	}
}
