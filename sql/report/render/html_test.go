package render_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tradepipe/tradepipe/sql/report"
	"github.com/tradepipe/tradepipe/sql/report/render"
	"github.com/tradepipe/tradepipe/sql/store"
	"github.com/tradepipe/tradepipe/sql/store/storetest"
)

var made = time.Date(2026, 5, 27, 2, 30, 0, 0, time.UTC)

// sampleTable runs a report over the bundled sample.
func sampleTable(t *testing.T, s *store.Store, name string, p report.Params) *report.Table {
	t.Helper()
	tab, err := report.Run(context.Background(), s, name, p)
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

// reachOut finds anything in a page that would make a browser fetch
// something: scripts, stylesheets, images, fonts, frames, links out.
var (
	reachOut = regexp.MustCompile(`(?i)<script|<link|<img|<iframe|<object|<embed|@import|url\(|\ssrc\s*=|href\s*=\s*["']?(?:[a-z]+:|//)`)
	address  = regexp.MustCompile(`(?i)[a-z]+://[^\s"'<>)]+`)
)

// selfContained lists what in page could reach out; the SVG namespace
// names (http://www.w3.org/...) are not fetched and are allowed.
func selfContained(page string) []string {
	bad := reachOut.FindAllString(page, -1)
	for _, a := range address.FindAllString(page, -1) {
		if !strings.HasPrefix(a, "http://www.w3.org/") {
			bad = append(bad, a)
		}
	}
	return bad
}

func TestWriteHTML(t *testing.T) {
	t.Parallel()
	s := storetest.Sample(t)
	tab := sampleTable(t, s, "regional-shares", report.Params{Dataset: "sample", Compare: "ASEAN"})
	var b bytes.Buffer
	if err := render.WriteHTML(&b, tab, made); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if bad := selfContained(page); len(bad) > 0 {
		t.Errorf("page reaches out: %q", bad)
	}
	for _, w := range []string{
		"<title>C5: intra-regional trade against China and Russia, 2017–2020</title>",
		"<h1>C5: intra-regional trade against China and Russia, 2017–2020</h1>",
		"dataset sample · basis reporter · membership as-of · 2017–2020",
		"<figure id=\"chart\">\n<svg ",
		// caption: what, source files, basis, mirror share
		"Dashed: ASEAN&#39;s intra-regional share",
		"Source: dataset sample (c5_comtrade_2017_2020.csv, tkm_dots_2017_2020.csv, asean_long_1996_2020.csv); basis reporter (each member&#39;s own reports",
		"membership as-of; CIF/FOB factor 1.06 for mirror values. Mirror share: 0.0% of the total came from partners&#39; reports.",
		// 2020 is incomplete (DOTS has no TJK-TKM trade that year): its shares are left out.
		"1 row(s) have incomplete figures: their shares are left out, so a line breaks there (see the notes).",
		"<li>1 of 4 rows are incomplete: their shares are left empty (--partial show fills them); for example TJK exports 2020",
		"<th class=\"num\" title=\"intra_share_pct\">Intra-regional share, %</th>", "<th title=\"group\">Group</th>",
		"<th class=\"num\" title=\"total_trade_usd\">Total trade, USD</th>",
		"<td class=\"num\">7.03</td>", "<td class=\"num\">122,246,882,000</td>",
		"<li>dataset sample; basis reporter; membership as-of; cif/fob factor 1.06 for mirror values</li>",
		"fx_wdi_sample.csv", // exchange rates are listed with the source files
		"<time datetime=\"2026-05-27T02:30:00Z\">2026-05-27 02:30 UTC</time>",
	} {
		if !strings.Contains(page, w) {
			t.Errorf("page lacks %q", w)
		}
	}
	if got := strings.Count(page, "\n<tr><td class=\"num\">20"); got != 4 {
		t.Errorf("%d year rows in the table, want 4", got)
	}
	// Files of other datasets are not this page's sources.
	for _, w := range []string{"baci_sample.csv", "kgz_national_kgs_2019.csv", "index.html"} {
		if strings.Contains(page, w) {
			t.Errorf("page names %s", w)
		}
	}

	// A report without a chart: the table alone.
	tab = sampleTable(t, s, "coverage", report.Params{Dataset: "sample"})
	b.Reset()
	if err := render.WriteHTML(&b, tab, made); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "<svg") || !strings.Contains(b.String(), "<h2>Table</h2>") {
		t.Errorf("coverage page: chart drawn or table missing")
	}
}

// TestHTMLEscapes: text from the data (a group named in a config, say) is
// escaped in the table and the chart.
func TestHTMLEscapes(t *testing.T) {
	t.Parallel()
	tab := regional("<b>&", []any{int32(2019), 8.2, 21.4, 18.9, 6.5, 22.4})
	tab.Notes = []string{"<script>alert(1)</script>"}
	var b bytes.Buffer
	if err := render.WriteHTML(&b, tab, made); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if strings.Contains(page, "<script>") || strings.Contains(page, "<b>&") {
		t.Errorf("unescaped text in page")
	}
	if !strings.Contains(page, "&lt;script&gt;") || !strings.Contains(page, "&lt;b&gt;&amp; intra-regional") {
		t.Errorf("escaped text missing")
	}
	if !strings.Contains(page, "No files are recorded") {
		t.Errorf("no files: no sentence saying so")
	}
}

func TestWriteSite(t *testing.T) {
	t.Parallel()
	s := storetest.Sample(t)
	rs := sampleTable(t, s, "regional-shares", report.Params{Dataset: "sample", Compare: "ASEAN"})
	baci := sampleTable(t, s, "regional-shares", report.Params{Dataset: "baci"})
	ps := sampleTable(t, s, "partner-shares", report.Params{Dataset: "sample"})
	dir := filepath.Join(t.TempDir(), "outputs", "html")
	pages := []render.Page{{Table: rs}, {Name: "regional-shares-baci", Table: baci}, {Table: ps}}
	if err := render.WriteSite(dir, pages, made); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got, want := strings.Join(names, " "), "index.html partner-shares.html regional-shares-baci.html regional-shares.html"; got != want {
		t.Errorf("files %s, want %s (no temporary files left)", got, want)
	}
	index, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{
		`<a href="regional-shares.html">C5: intra-regional trade against China and Russia, 2017–2020</a>: report regional-shares · dataset sample · basis reporter`,
		`<a href="regional-shares-baci.html">C5: intra-regional trade against China and Russia, `, `</a>: report regional-shares · dataset baci · basis flow`,
		`<a href="partner-shares.html">C5 members: trade with each other, China and Russia, `,
		`Made on <time datetime="2026-05-27T02:30:00Z">2026-05-27 02:30 UTC</time> from 6 loaded file(s)`,
		"c5_comtrade_2017_2020.csv", "baci_sample.csv", "fx_kgs_monthly_2019.csv",
	} {
		if !strings.Contains(string(index), w) {
			t.Errorf("index lacks %q", w)
		}
	}
	if strings.Contains(string(index), "kgz_national_kgs_2019.csv") {
		t.Error("index lists a file no page uses")
	}
	if bad := selfContained(string(index)); len(bad) > 0 {
		t.Errorf("index reaches out: %q", bad)
	}
	page, _ := os.ReadFile(filepath.Join(dir, "regional-shares.html"))
	if !strings.Contains(string(page), `<nav><a href="index.html">All reports</a></nav>`) {
		t.Error("page has no link back to the index")
	}
	if fi, err := os.Stat(filepath.Join(dir, "index.html")); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("index.html mode %v, %v", fi.Mode(), err)
	}

	// Writing again replaces the pages.
	later := made.Add(24 * time.Hour)
	if err := render.WriteSite(dir, pages[:1], later); err != nil {
		t.Fatal(err)
	}
	index, _ = os.ReadFile(filepath.Join(dir, "index.html"))
	if !strings.Contains(string(index), "2026-05-28 02:30 UTC") || strings.Contains(string(index), "partner-shares.html") {
		t.Errorf("index not rewritten:\n%s", index)
	}

	for _, c := range []struct {
		pages []render.Page
		err   string
	}{
		{[]render.Page{{Table: rs}, {Table: rs}}, `two pages named "regional-shares"`},
		{[]render.Page{{Name: "../up", Table: rs}}, `bad page name "../up"`},
		{[]render.Page{{Name: "index", Table: rs}}, `bad page name "index"`},
		{[]render.Page{{Name: "x"}}, "page 1 has no table"},
	} {
		if err := render.WriteSite(dir, c.pages, made); err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("WriteSite: %v, want %q", err, c.err)
		}
	}
}

func TestMarkdown(t *testing.T) {
	t.Parallel()
	tab := &report.Table{
		Columns: []string{"year", "member", "share_pct", "top_partners"},
		Rows: [][]any{
			{int32(2020), "KAZ", 5.4449, "RUS 21.4%; CHN|X"},
			{int32(2020), "TKM", -1e-12, "line\nbreak"},
			{int32(2020), nil, nil, nil},
		},
		Notes: []string{"basis a|b", "second note"},
	}
	var b bytes.Buffer
	if err := render.Write(&b, tab, "markdown"); err != nil {
		t.Fatal(err)
	}
	want := "| year | member | share_pct | top_partners |\n" +
		"|---:|:---|---:|:---|\n" +
		"| 2020 | KAZ | 5.44 | RUS 21.4%; CHN\\|X |\n" +
		"| 2020 | TKM | 0.00 | line break |\n" +
		"| 2020 |  |  |  |\n" +
		"\n" +
		"- basis a\\|b\n" +
		"- second note\n"
	if b.String() != want {
		t.Errorf("markdown:\n%s\nwant:\n%s", b.String(), want)
	}
}
