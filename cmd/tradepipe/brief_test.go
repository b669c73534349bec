package main

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// mdSection is one section of a brief as its Markdown gives it.
type mdSection struct {
	title, text string
	tables      [][][]string // each table's rows, the header first
	commands    []string
	charts      []string
}

// readBrief parses the brief's Markdown back: sections, their tables,
// chart links and the report commands listed under "Figures from".
func readBrief(t *testing.T, md string) []mdSection {
	t.Helper()
	var out []mdSection
	var cur *mdSection
	var table [][]string
	flush := func() {
		if cur != nil && table != nil {
			cur.tables = append(cur.tables, table)
		}
		table = nil
	}
	chart := regexp.MustCompile(`^!\[[^]]*\]\(([^)]+)\)`)
	for _, line := range strings.Split(md, "\n") {
		switch {
		case strings.HasPrefix(line, "## "):
			flush()
			out = append(out, mdSection{title: line[3:]})
			cur = &out[len(out)-1]
		case cur == nil:
		case strings.HasPrefix(line, "|"):
			cells := strings.Split(strings.Trim(line, "|"), " | ")
			for i := range cells {
				cells[i] = strings.TrimSpace(cells[i])
			}
			if !strings.HasPrefix(cells[0], "---") {
				table = append(table, cells)
			}
		case strings.HasPrefix(line, "    tradepipe "):
			flush()
			cur.commands = append(cur.commands, strings.TrimSpace(line))
		default:
			flush()
			if m := chart.FindStringSubmatch(line); m != nil {
				cur.charts = append(cur.charts, m[1])
			}
			cur.text += line + "\n"
		}
	}
	flush()
	return out
}

// reportCSV runs a brief's report command in-process as CSV and returns
// its rows as maps by column.
func reportCSV(t *testing.T, db, command string, extra ...string) []map[string]string {
	t.Helper()
	args := append(strings.Fields(strings.TrimPrefix(command, "tradepipe ")), "--db", db, "--format", "csv")
	args = append(args, extra...)
	code, out, errOut := tp(t, args...)
	if code != 0 {
		t.Fatalf("%s: exit %d: %s", command, code, errOut)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("%s: %v", command, err)
	}
	var rows []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, c := range recs[0] {
			m[c] = r[i]
		}
		rows = append(rows, m)
	}
	return rows
}

// cell is a brief's table cell as the report's value gives it: one
// decimal, "*" where the figure is not complete (empty with --partial
// omit), "–" where there is none.
func cell(v string, complete bool) string {
	if v == "" {
		return "–"
	}
	f, _ := strconv.ParseFloat(v, 64)
	s := strconv.FormatFloat(f, 'f', 1, 64)
	if !complete {
		s += "*"
	}
	return s
}

// find is the row of rows where every key has its value.
func find(rows []map[string]string, kv ...string) map[string]string {
	for _, r := range rows {
		ok := true
		for i := 0; i < len(kv); i += 2 {
			ok = ok && r[kv[i]] == kv[i+1]
		}
		if ok {
			return r
		}
	}
	return nil
}

// figure reads a report's figure with its completeness: the value with
// --partial show, complete when --partial omit gives it too.
type figures struct{ show, omit []map[string]string }

func runFigures(t *testing.T, db, command string) figures {
	return figures{reportCSV(t, db, command), reportCSV(t, db, strings.ReplaceAll(command, "--partial show", "--partial omit"))}
}

func (f figures) cell(col string, kv ...string) string {
	r, o := find(f.show, kv...), find(f.omit, kv...)
	if r == nil {
		return "–"
	}
	return cell(r[col], o != nil && o[col] != "")
}

func (f figures) value(col string, kv ...string) float64 {
	r := find(f.show, kv...)
	if r == nil || r[col] == "" {
		return math.NaN()
	}
	v, _ := strconv.ParseFloat(r[col], 64)
	return v
}

// TestRealBriefFiguresAreTheReports writes the brief of the IMF
// direction-of-trade workbooks (the C5, China, Russia and ASEAN, 1960-2020)
// and reads it back: every section has its answer, chart and table, none
// says the data cannot answer it, and every figure of every table equals
// what the report the section names gives, run here on its own through
// the command line (means and ranges recomputed from the report's rows).
func TestRealBriefFiguresAreTheReports(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		// Some 40 report runs on 61 years of real workbooks: a minute of
		// the suite's 4 on 2 cores. make test-full (and so .ci/run) runs it.
		t.Skip("runs every report of the real brief: skipped with -short; make test-full runs it")
	}
	dir := filepath.Join("..", "..", "..", "shared", "realdata", "imf_dots_xlsx_Direction-of-Trade-Map")
	paths, _ := filepath.Glob(filepath.Join(dir, "DOTS_*.xlsx"))
	if len(paths) == 0 {
		t.Skipf("real data not present (%s): skipping; this test runs where ../shared/realdata exists", dir)
	}
	paths = slices.DeleteFunc(paths, func(p string) bool { return filepath.Base(p) == "DOTS_221.xlsx" }) // World as reporter
	tmp := t.TempDir()
	db := filepath.Join(tmp, "imf.duckdb")
	if code, _, errOut := tp(t, append([]string{"ingest", "--db", db, "--dataset", "imf"}, paths...)...); code != 0 {
		t.Fatalf("ingest: %s", errOut)
	}
	out := filepath.Join(tmp, "brief", "brief.md")
	if code, _, errOut := tp(t, "brief", "--db", db, "--out", out); code != 0 {
		t.Fatalf("brief: %s", errOut)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	secs := readBrief(t, string(b))
	if len(secs) != 7 {
		t.Fatalf("%d sections, want the 6 claims and the sensitivity section", len(secs))
	}
	for _, s := range secs {
		if strings.Contains(s.text, "cannot answer") || len(s.tables) == 0 || len(s.commands) == 0 || len(s.charts) != 1 {
			t.Errorf("section %q: tables %d, commands %d, charts %d; text:\n%s", s.title, len(s.tables), len(s.commands), len(s.charts), s.text)
		}
		for _, c := range s.charts {
			if st, err := os.Stat(filepath.Join(tmp, "brief", c)); err != nil || st.Size() < 10000 {
				t.Errorf("section %q: chart %s: %v", s.title, c, err)
			}
		}
	}
	checked := 0
	check := func(sec, what, got, want string) {
		t.Helper()
		checked++
		if got != want {
			t.Errorf("section %s, %s: the brief gives %q, the report %q", sec, what, got, want)
		}
	}

	// 1: the group's and ASEAN's intra share (regional-shares), each
	// member's (partner-shares).
	s := secs[0]
	head, members := runFigures(t, db, s.commands[0]), runFigures(t, db, s.commands[1])
	hdr := s.tables[0][0]
	if !slices.Equal(hdr, []string{"year", "C5", "ASEAN", "KAZ", "KGZ", "TJK", "TKM", "UZB"}) {
		t.Fatalf("section 1 columns %v", hdr)
	}
	for _, r := range s.tables[0][1:] {
		y := r[0]
		check("1", y+" C5", r[1], head.cell("intra_share_pct", "year", y))
		check("1", y+" ASEAN", r[2], head.cell("compare_intra_share_pct", "year", y))
		for i, m := range hdr[3:] {
			check("1", y+" "+m, r[3+i], members.cell("intra_share_pct", "year", y, "member", m))
		}
	}
	if !strings.Contains(s.text, "In 2020 the members of C5 traded "+head.cell("intra_share_pct", "year", "2020")+"%") {
		t.Errorf("section 1's answer does not give 2020's share %s:\n%s", head.cell("intra_share_pct", "year", "2020"), s.text)
	}

	// 2: the top partners (top-partners), China's rank, each member's
	// largest partner (partner-shares --top 1).
	s = secs[1]
	top := runFigures(t, db, s.commands[0])
	members = runFigures(t, db, s.commands[1])
	hdr = s.tables[0][0]
	for _, r := range s.tables[0][1:] {
		y := r[0]
		for k := 1; k <= 5; k++ {
			p := find(top.show, "year", y, "rank", strconv.Itoa(k))
			check("2", y+" #"+strconv.Itoa(k), r[k], p["partner"]+" "+top.cell("share_pct", "year", y, "rank", strconv.Itoa(k)))
		}
		want := "–"
		if p := find(top.show, "year", y, "partner", "CHN"); p != nil {
			want = p["rank"]
		}
		check("2", y+" CHN rank", strings.TrimSuffix(r[6], "*"), want)
		for i, c := range hdr[7:] {
			m := strings.TrimSuffix(c, " largest")
			row := find(members.show, "year", y, "member", m)
			first := strings.TrimSuffix(strings.Split(row["top_partners"], ";")[0], "%")
			check("2", y+" "+c, strings.TrimSuffix(r[7+i], "*"), first)
		}
	}

	// 3: the SCO's Central Asian members (regional-shares of a group made
	// for the run), the windows' means recomputed.
	s = secs[2]
	sco := runFigures(t, db, s.commands[0])
	if !strings.Contains(s.commands[0], "=KAZ,KGZ,TJK,UZB") {
		t.Errorf("section 3: the SCO's Central Asian members are not KAZ, KGZ, TJK, UZB: %s", s.commands[0])
	}
	for _, r := range s.tables[1][1:] {
		check("3", r[0]+" CHN", r[1], sco.cell("china_share_pct", "year", r[0]))
		check("3", r[0]+" intra", r[2], sco.cell("intra_share_pct", "year", r[0]))
	}
	for i, span := range [][2]int{{1996, 2000}, {2001, 2005}} {
		var c, in float64
		for y := span[0]; y <= span[1]; y++ {
			c += sco.value("china_share_pct", "year", strconv.Itoa(y)) / 5
			in += sco.value("intra_share_pct", "year", strconv.Itoa(y)) / 5
		}
		r := s.tables[0][1+i]
		check("3", r[0]+" CHN mean", r[2], strconv.FormatFloat(c, 'f', 1, 64))
		check("3", r[0]+" intra mean", r[3], strconv.FormatFloat(in, 'f', 1, 64))
	}

	// 4: bloc-shares, each member's means before and after.
	s = secs[3]
	for e, ev := range []struct{ year int }{{2010}, {2015}} {
		blocs := runFigures(t, db, s.commands[e])
		for _, r := range s.tables[e][1:] {
			var before, after float64
			for k := 0; k < 5; k++ {
				before += blocs.value("bloc_share_pct", "year", strconv.Itoa(ev.year-5+k), "member", r[0]) / 5
				after += blocs.value("bloc_share_pct", "year", strconv.Itoa(ev.year+k), "member", r[0]) / 5
			}
			check("4", r[0]+" before "+strconv.Itoa(ev.year), r[2], strconv.FormatFloat(before, 'f', 1, 64))
			check("4", r[0]+" after "+strconv.Itoa(ev.year), r[3], strconv.FormatFloat(after, 'f', 1, 64))
		}
	}

	// 5: Russia's share (regional-shares).
	s = secs[4]
	head = runFigures(t, db, s.commands[0])
	for _, r := range s.tables[0][1:] {
		check("5", r[0]+" RUS", r[1], head.cell("russia_share_pct", "year", r[0]))
	}

	// 6: the two groups' intra shares, aligned on their founding years.
	s = secs[5]
	c5, asean := runFigures(t, db, s.commands[0]), runFigures(t, db, s.commands[1])
	for _, r := range s.tables[0][1:] {
		check("6", "ASEAN "+r[1], r[2], asean.cell("intra_share_pct", "year", r[1]))
		check("6", "C5 "+r[3], r[4], c5.cell("intra_share_pct", "year", r[3]))
	}
	if len(s.tables[0]) < 50 {
		t.Errorf("section 6: %d stages; ASEAN's data reaches back to 1967", len(s.tables[0])-1)
	}

	// 7: the basis columns at the default factor; low and high over every
	// basis and factor.
	s = secs[6]
	hdr = s.tables[0][0]
	base := strings.Fields(s.commands[0])
	lo, hi := map[string]float64{}, map[string]float64{}
	for _, basis := range hdr[1 : len(hdr)-2] {
		for _, f := range []string{"1.00", "1.02", "1.04", "1.06", "1.08", "1.10"} {
			cmd := strings.Join(base[:len(base)-4], " ") + " --basis " + basis + " --cif-fob " + f
			if !strings.Contains(cmd, "--partial show") {
				cmd += " --partial show"
			}
			fig := figures{show: reportCSV(t, db, cmd)}
			if f == "1.06" {
				fig = runFigures(t, db, cmd)
			}
			for _, r := range fig.show {
				v, err := strconv.ParseFloat(r["intra_share_pct"], 64)
				if err != nil {
					continue
				}
				if l, ok := lo[r["year"]]; !ok || v < l {
					lo[r["year"]] = v
				}
				if h, ok := hi[r["year"]]; !ok || v > h {
					hi[r["year"]] = v
				}
			}
			if f == "1.06" {
				for _, r := range s.tables[0][1:] {
					check("7", r[0]+" "+basis, r[slices.Index(hdr, basis)], fig.cell("intra_share_pct", "year", r[0]))
				}
			}
		}
	}
	for _, r := range s.tables[0][1:] {
		check("7", r[0]+" low", r[len(r)-2], strconv.FormatFloat(lo[r[0]], 'f', 1, 64))
		check("7", r[0]+" high", r[len(r)-1], strconv.FormatFloat(hi[r[0]], 'f', 1, 64))
	}
	if checked < 500 {
		t.Errorf("only %d figures checked", checked)
	}
	t.Logf("%d figures of the brief checked against the reports", checked)
}

// A job's brief step writes the brief beside the reports, Markdown with
// its charts and one HTML page; a second run with nothing new leaves it
// standing with the reports; --claims names a file beside the config, and
// a brief step takes no report names.
func TestRunBriefStep(t *testing.T) {
	t.Parallel()
	dir, cfg, inbox := pipelineDir(t, "db: t.duckdb\ninbox: inbox\noutputs: out\nsettle: 0s\n"+
		"datasets:\n  - {name: sample, files: [c5_comtrade_*.csv, asean_long_*.csv]}\n"+
		"jobs:\n  - name: j\n    steps: [ingest, report regional-shares --dataset sample, brief --dataset sample --claims claims.yaml]\n")
	for _, f := range []string{"c5_comtrade_2017_2020.csv", "asean_long_1996_2020.csv"} {
		b, err := os.ReadFile(sample(f))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(inbox, f), string(b))
	}
	writeFile(t, filepath.Join(dir, "claims.yaml"), "claims:\n  - {id: only, kind: intra, title: T, quote: Q}\n")
	if code, out, errs := tp(t, "run", "--config", cfg); code != 0 {
		t.Fatalf("run: exit %d\n%s\n%s", code, out, errs)
	}
	reports := filepath.Join(dir, "out", "reports")
	for _, f := range []string{"brief.md", "brief.html", "brief-1-only.png", "brief-2-sensitivity.png"} {
		if st, err := os.Stat(filepath.Join(reports, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	md, _ := os.ReadFile(filepath.Join(reports, "brief.md"))
	if !strings.Contains(string(md), "## 1. T\n\n> Q") || !strings.Contains(string(md), "![") {
		t.Errorf("brief.md is not the claims file's brief:\n%.600s", md)
	}
	before, _ := os.Stat(filepath.Join(reports, "brief.html"))
	if code, _, errs := tp(t, "run", "--config", cfg); code != 0 {
		t.Fatalf("second run: %s", errs)
	}
	if after, _ := os.Stat(filepath.Join(reports, "brief.html")); !after.ModTime().Equal(before.ModTime()) {
		t.Error("a run with nothing new made the brief again")
	}
	writeFile(t, cfg, "db: t.duckdb\ninbox: inbox\njobs:\n  - name: j\n    steps: [brief regional-shares]\n")
	if code, _, errs := tp(t, "check", "--config", cfg); code != 2 || !strings.Contains(errs, "brief: takes options only") {
		t.Errorf("brief with a report name: exit %d %s", code, errs)
	}
}
