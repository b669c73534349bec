package transform

import (
	"strings"
	"testing"
	"time"
)

func TestSeededGroups(t *testing.T) {
	ms, err := SeededGroups()
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, m := range ms {
		count[m.Group]++
	}
	for g, n := range map[string]int{"C5": 5, "ASEAN": 11, "EAEU": 5, "CU2010": 3, "SCO": 10, "CSTO": 7} {
		if count[g] != n {
			t.Errorf("%s has %d periods, want %d", g, count[g], n)
		}
	}
	for _, m := range ms {
		if m.Group == "CSTO" && m.Country == "UZB" {
			if m.From != time.Date(2006, 8, 16, 0, 0, 0, 0, time.UTC) || m.To != time.Date(2012, 6, 28, 0, 0, 0, 0, time.UTC) {
				t.Errorf("CSTO UZB %v to %v", m.From, m.To)
			}
		}
	}
}

func TestParseGroupsErrors(t *testing.T) {
	const h = "group,country,valid_from,valid_to,note\n"
	for _, c := range []struct{ name, text, err string }{
		{"header", "group,country,from,to,note\n", "g.csv: want the header group,country,valid_from,valid_to,note"},
		{"fields", h + "C5,KAZ,1993-01-01\n", "g.csv: record on line 2: wrong number of fields"},
		{"country", h + "G,XYZ,1993-01-01,,\n", `g.csv:2: unknown country "XYZ": use an ISO 3166 alpha-3 code such as KAZ`},
		{"aggregate", h + "G,WLD,1993-01-01,,\n", `g.csv:2: unknown country "WLD"`},
		{"comma", h + "\"G,H\",KAZ,1993-01-01,,\n", `g.csv:2: "G,H": a group name must not contain a comma`},
		{"from", h + "G,KAZ,1993,,\n", `g.csv:2: valid_from "1993": want a date`},
		{"to", h + "G,KAZ,1993-01-01,soon,\n", `g.csv:2: valid_to "soon": want a date`},
		{"before", h + "G,KAZ,1993-01-01,1992-12-31,\n", "g.csv:2: KAZ: to 1992-12-31 is before from 1993-01-01"},
		{"overlap", h + "G,KGZ,1993-01-01,,\nG,KAZ,1993-01-01,2000-12-31,\nG,KAZ,2000-12-31,,\n",
			"g.csv:4: KAZ: this period overlaps an earlier one (line 3)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseGroups("g.csv", []byte(c.text))
			if err == nil || !strings.HasPrefix(err.Error(), c.err) {
				t.Errorf("error %v, want %q", err, c.err)
			}
		})
	}
	ms, err := parseGroups("g.csv", []byte(h+"G,KAZ,1993-01-01,2000-12-30,\nG,KAZ,2000-12-31,,rejoined\n"))
	if err != nil || len(ms) != 2 || ms[1].Note != "rejoined" || !ms[1].To.IsZero() {
		t.Errorf("two periods back to back: %v, %+v", err, ms)
	}
}

func TestWorldTrade(t *testing.T) {
	ws, err := WorldTrade()
	if err != nil {
		t.Fatal(err)
	}
	// Spot values of DOTS_221.xlsx (World): 2019 exports 18,771,028.665814
	// USD millions, imports 19,028,330.476346.
	for _, w := range ws {
		if w.Year == 2019 && (w.Exports != 18771028665814 || w.Imports != 19028330476346) {
			t.Errorf("2019: %+v", w)
		}
	}
	if ws[0].Year != 1960 || ws[len(ws)-1].Year != 2020 {
		t.Errorf("years %d-%d", ws[0].Year, ws[len(ws)-1].Year)
	}
}
