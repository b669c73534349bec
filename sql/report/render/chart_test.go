package render_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"image"
	"image/png"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/tradepipe/tradepipe/sql/report"
	"github.com/tradepipe/tradepipe/sql/report/render"
)

// regional builds a regional-shares table by hand: columns as the report
// gives them, one row per year.
func regional(compare string, rows ...[]any) *report.Table {
	t := &report.Table{
		Columns: []string{"year", "group", "intra_share_pct", "china_share_pct", "russia_share_pct", "mirror_share_pct",
			"compare_group", "compare_intra_share_pct"},
		Report: "regional-shares",
		Params: report.Params{Dataset: "d", Group: "C5", Basis: "reporter", Membership: "as-of", CIFFOB: 1.06},
	}
	for _, r := range rows {
		var cmp any
		if compare != "" {
			cmp = compare
		}
		t.Rows = append(t.Rows, []any{r[0], "C5", r[1], r[2], r[3], r[4], cmp, r[5]})
	}
	return t
}

// svgOf draws t as SVG and checks the result is well-formed XML.
func svgOf(t *testing.T, tab *report.Table) string {
	t.Helper()
	var b bytes.Buffer
	if err := render.WriteChart(&b, tab, "svg"); err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(bytes.NewReader(b.Bytes()))
	for {
		_, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed: %v", err)
		}
	}
	return b.String()
}

func TestChartSeries(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		tab     *report.Table
		want    []string // texts the SVG must hold
		notWant []string
		dashed  bool
	}{
		{
			name: "with comparison group",
			tab: regional("ASEAN",
				[]any{int32(2018), 7.7, 19.8, 17.7, 6.3, 22.8},
				[]any{int32(2019), 8.2, 21.4, 18.9, 6.5, 22.4},
				[]any{int32(2020), 9.1, 21.1, 19.9, 5.7, 21.1}),
			want:   []string{"intra-regional (C5 with C5)", "with China", "with Russia", "ASEAN intra-regional", "2018", "2020", "% of C5&#39;s total trade", "mirror share 5.7–6.5%"},
			dashed: true,
		},
		{
			name: "no comparison group",
			tab: regional("",
				[]any{int32(2019), 8.2, 21.4, 18.9, 6.5, nil},
				[]any{int32(2020), 9.1, 21.1, 19.9, 5.7, nil}),
			want:    []string{"with China", "mirror share 5.7–6.5%"},
			notWant: []string{"intra-regional</text>", "ASEAN"},
		},
		{
			name: "one year, China a member (no China share)",
			tab:  regional("", []any{int64(2019), 8.2, nil, 18.9, 0.0, nil}),
			want: []string{"2019", "with Russia", "mirror share 0.0%"},
			// a series with no values gets no legend entry
			notWant: []string{"with China"},
		},
		{
			name: "gap year and a missing comparison value",
			tab: regional("ASEAN",
				[]any{int32(2010), 5.0, 10.0, 30.0, 0.0, 20.0},
				[]any{int32(2011), 6.0, 11.0, 29.0, 0.0, nil},
				[]any{int32(2015), 7.0, 12.0, 28.0, 0.0, 21.0}),
			want:   []string{"2010", "2015", "ASEAN intra-regional"},
			dashed: true,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := svgOf(t, c.tab)
			for _, w := range c.want {
				if !strings.Contains(s, w) {
					t.Errorf("SVG lacks %q", w)
				}
			}
			for _, w := range c.notWant {
				if strings.Contains(s, w) {
					t.Errorf("SVG has %q", w)
				}
			}
			if got := strings.Contains(s, "stroke-dasharray"); got != c.dashed {
				t.Errorf("dashed line drawn: %v, want %v", got, c.dashed)
			}
		})
	}
}

func TestChartPNG(t *testing.T) {
	t.Parallel()
	tab := regional("ASEAN", []any{int32(2019), 8.2, 21.4, 18.9, 6.5, 22.4}, []any{int32(2020), 9.1, 21.1, 19.9, 5.7, 21.1})
	var b bytes.Buffer
	if err := render.WriteChart(&b, tab, "png"); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&b)
	if err != nil {
		t.Fatal(err)
	}
	if r := img.Bounds(); r.Dx() != 1296 || r.Dy() != 648 {
		t.Errorf("PNG is %dx%d, want 1296x648", r.Dx(), r.Dy())
	}
	// The lines' colours are there: blue (intra), vermillion (China), green (Russia).
	for name, want := range map[string][3]uint8{"blue": {0x00, 0x72, 0xB2}, "vermillion": {0xD5, 0x5E, 0x00}, "green": {0x00, 0x9E, 0x73}} {
		if n := countColour(img, want, 24); n < 200 {
			t.Errorf("%s: %d pixels, want at least 200", name, n)
		}
	}
}

func TestGroupCompareAndPartnerCharts(t *testing.T) {
	t.Parallel()
	gc := &report.Table{
		Columns: []string{"year", "group", "intra_share_pct", "mirror_share_pct"},
		Rows: [][]any{{int32(2019), "C5", 8.2, 6.5}, {int32(2019), "ASEAN", 22.4, 0.0},
			{int32(2020), "C5", 9.1, 5.7}, {int32(2020), "ASEAN", 21.1, 0.0}},
		Report: "group-compare",
		Params: report.Params{Dataset: "d", Groups: []string{"C5", "ASEAN"}, Basis: "reporter"},
	}
	s := svgOf(t, gc)
	for _, w := range []string{">C5</text>", ">ASEAN</text>", "Intra-regional share of each group"} {
		if !strings.Contains(s, w) {
			t.Errorf("group-compare SVG lacks %q", w)
		}
	}
	ps := &report.Table{
		Columns: []string{"year", "group", "member", "intra_share_pct", "china_share_pct", "russia_share_pct", "rest_share_pct", "mirror_share_pct"},
		Rows: [][]any{
			{int32(2019), "C5", "KAZ", 5.0, 14.0, 20.0, 61.0, 0.0},
			{int32(2020), "C5", "KAZ", 5.4, 18.0, 21.4, 55.2, 0.0},
			{int32(2020), "C5", "TKM", 7.7, 79.8, 12.5, math.Copysign(0, -1), 100.0},
		},
		Report: "partner-shares",
		Params: report.Params{Dataset: "d", Group: "C5", Basis: "reporter", Flows: "M"},
	}
	s = svgOf(t, ps)
	for _, w := range []string{">KAZ</text>", ">TKM</text>", "2020", "(imports)", "mirrored totals: TKM 100%", "rest of the world"} {
		if !strings.Contains(s, w) {
			t.Errorf("partner-shares SVG lacks %q", w)
		}
	}
	if strings.Contains(s, "2019") {
		t.Error("partner-shares chart shows 2019; want only the latest year")
	}
	if strings.Contains(s, ">-0</text>") {
		t.Error("a -0 share (rounding noise) labels the y axis -0")
	}
}

func TestNoChart(t *testing.T) {
	t.Parallel()
	cov := &report.Table{Columns: []string{"year"}, Rows: [][]any{{int32(2019)}}, Report: "coverage"}
	empty := regional("ASEAN")
	for _, tab := range []*report.Table{cov, empty} {
		if render.HasChart(tab) {
			t.Errorf("%s (%d rows): HasChart true", tab.Report, len(tab.Rows))
		}
		if err := render.WriteChart(io.Discard, tab, "png"); !errors.Is(err, render.ErrNoChart) {
			t.Errorf("%s: %v, want ErrNoChart", tab.Report, err)
		}
	}
	if err := render.WriteChart(io.Discard, regional("", []any{int32(2019), 1.0, 2.0, 3.0, 0.0, nil}), "gif"); err == nil || !strings.Contains(err.Error(), `unknown chart format "gif"`) {
		t.Errorf("gif: %v", err)
	}
}

// countColour counts the pixels within tol (per channel) of want.
func countColour(img image.Image, want [3]uint8, tol int) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r>>8, want[0], tol) && near(g>>8, want[1], tol) && near(bl>>8, want[2], tol) {
				n++
			}
		}
	}
	return n
}

func near(got uint32, want uint8, tol int) bool {
	d := int(got) - int(want)
	return d >= -tol && d <= tol
}

// partialTable is regional() with a complete column: the years listed are
// incomplete.
func partialTable(partial string, incomplete map[int32]bool, rows ...[]any) *report.Table {
	tab := regional("ASEAN", rows...)
	tab.Params.Partial = partial
	tab.Columns = append(tab.Columns, "complete")
	for i, r := range tab.Rows {
		tab.Rows[i] = append(r, !incomplete[r[0].(int32)])
	}
	return tab
}

// TestChartMarksPartialYears: with --partial show, an incomplete year is a
// hollow marker with dotted lines to and from it; with omit its shares are
// empty and the line breaks; a series with no value at all (a comparison
// group with no data, a partner not in the file) is not drawn, not drawn
// as zero, and its caption says nothing of it.
func TestChartMarksPartialYears(t *testing.T) {
	t.Parallel()
	shown := svgOf(t, partialTable("show", map[int32]bool{2019: true},
		[]any{int32(2018), 7.7, 19.8, 17.7, 0.0, 22.8},
		[]any{int32(2019), 8.2, 21.4, 18.9, 0.0, 22.4},
		[]any{int32(2020), 9.1, 21.1, 19.9, 0.0, 21.1}))
	complete := svgOf(t, partialTable("show", nil,
		[]any{int32(2018), 7.7, 19.8, 17.7, 0.0, 22.8},
		[]any{int32(2019), 8.2, 21.4, 18.9, 0.0, 22.4},
		[]any{int32(2020), 9.1, 21.1, 19.9, 0.0, 21.1}))
	const dotted = "stroke-dasharray:1.5,3"
	if !strings.Contains(shown, dotted) || strings.Contains(complete, dotted) {
		t.Errorf("dotted segments: with a partial year %v, without %v", strings.Contains(shown, dotted), strings.Contains(complete, dotted))
	}
	// Ring markers are drawn stroked, not filled: one more unfilled path
	// per series in the partial chart.
	if strings.Count(shown, "fill:none") <= strings.Count(complete, "fill:none") {
		t.Errorf("no hollow markers for the partial year")
	}
	noCompare := svgOf(t, regional("ASEAN",
		[]any{int32(2019), 8.2, 21.4, nil, 0.0, nil},
		[]any{int32(2020), 9.1, 21.1, nil, 0.0, nil}))
	if strings.Contains(noCompare, "ASEAN intra-regional") || strings.Contains(noCompare, "with Russia") {
		t.Errorf("a series with no values is drawn")
	}
}
