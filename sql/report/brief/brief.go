// Package brief writes the brief: the commentary's claims, each beside
// the figures that test it, taken from the reports (never computed
// anew), with a chart, a table and a line on how complete the figures
// are. The claims and their years are data (claims.yaml).
package brief

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tradepipe/tradepipe/sql/report"
	"github.com/tradepipe/tradepipe/sql/report/render"
	"github.com/tradepipe/tradepipe/sql/store"
)

// Options are what the brief is made for.
type Options struct {
	Dataset, Group, Compare string
	From, To                int
	Claims                  *Claims // nil: the bundled claims
}

// Brief is the brief, ready to write.
type Brief struct {
	Title    string
	Dataset  string
	Group    string
	Compare  string
	Made     time.Time
	Sections []Section
	Sources  []report.Source
}

// Section is one claim with its figures, or the closing sensitivity
// section.
type Section struct {
	ID, Title, Quote string
	Answer           []string // sentences generated from the figures
	NotMeasured      string
	Missing          string // what the data cannot answer, and what to load
	Tables           []Grid
	Figure           *render.Figure
	Coverage         string
	Commands         []string // the reports that give the figures
}

// Grid is a table of formatted cells. A share marked "*" is built on
// incomplete figures.
type Grid struct {
	Caption string
	Columns []string
	Rows    [][]string
}

// Incomplete marks a figure built on incomplete data, in tables and text.
const Incomplete = "*"

// builder runs the reports once each and keeps their tables.
type builder struct {
	ctx   context.Context
	st    *store.Store
	o     Options
	cache map[string]*report.Table
	// omitted holds each table run again with partial figures omitted
	omitted map[*report.Table]*report.Table
	cmds    []string
}

// Build runs the reports the claims need and makes the brief.
func Build(ctx context.Context, st *store.Store, o Options) (*Brief, error) {
	if o.Claims == nil {
		c, err := DefaultClaims()
		if err != nil {
			return nil, err
		}
		o.Claims = c
	}
	for _, b := range o.Claims.Sensitivity.Bases {
		if !slices.Contains(report.Bases, b) {
			return nil, fmt.Errorf("claims: sensitivity basis %q (known: %s)", b, strings.Join(report.Bases, ", "))
		}
	}
	p, err := report.Params{Group: o.Group, Compare: o.Compare}.WithDefaults()
	if err != nil {
		return nil, err
	}
	o.Group, o.Compare = p.Group, strings.Split(p.Compare, ",")[0]
	bl := &builder{ctx: ctx, st: st, o: o, cache: map[string]*report.Table{}, omitted: map[*report.Table]*report.Table{}}
	// The headline resolves the dataset, the basis and the group's name.
	head, err := bl.headline()
	if err != nil {
		return nil, err
	}
	bl.o.Dataset, bl.o.Group = head.Params.Dataset, head.Params.Group
	if head.Params.Compare == "" {
		bl.o.Compare = ""
	}
	b := &Brief{Dataset: bl.o.Dataset, Group: bl.o.Group, Compare: bl.o.Compare, Made: time.Now(), Sources: head.Sources}
	b.Title = "Is " + b.Group + " trading with itself? The claims, measured"
	for _, c := range o.Claims.Claims {
		bl.cmds = nil
		var s Section
		var err error
		switch c.Kind {
		case "intra":
			s, err = bl.intra(c)
		case "top":
			s, err = bl.top(c)
		case "milestone":
			s, err = bl.milestone(c)
		case "blocs":
			s, err = bl.blocs(c)
		case "partner":
			s, err = bl.partner(c)
		case "stage":
			s, err = bl.stage(c)
		}
		if err != nil {
			return nil, fmt.Errorf("brief, claim %s: %w", c.ID, err)
		}
		s.ID, s.Title, s.Quote, s.NotMeasured = c.ID, c.Title, c.Quote, c.NotMeasured
		s.Commands = bl.cmds
		b.Sections = append(b.Sections, s)
	}
	bl.cmds = nil
	s, err := bl.sensitivity()
	if err != nil {
		return nil, fmt.Errorf("brief, sensitivity: %w", err)
	}
	s.Commands = bl.cmds
	b.Sections = append(b.Sections, s)
	return b, nil
}

// run runs a report with the brief's dataset and years, partial figures
// shown (and marked), and keeps its table.
func (bl *builder) run(name string, p report.Params) (*report.Table, error) {
	return bl.runFor(name, p, true)
}

// runFor is run; with marks false the report runs once, for figures that
// are not shown one by one (the sensitivity band's range).
func (bl *builder) runFor(name string, p report.Params, marks bool) (*report.Table, error) {
	p.Dataset = bl.o.Dataset
	if p.Group == "" {
		p.Group = bl.o.Group
	}
	if p.From == 0 {
		p.From = bl.o.From
	}
	if p.To == 0 {
		p.To = bl.o.To
	}
	p.Partial = "show"
	cmd := command(name, p)
	if !slices.Contains(bl.cmds, cmd) {
		bl.cmds = append(bl.cmds, cmd)
	}
	if t, ok := bl.cache[cmd]; ok {
		return t, nil
	}
	t, err := report.Run(bl.ctx, bl.st, name, p)
	if err != nil {
		return nil, err
	}
	if !marks {
		return t, nil // not cached: a later run with marks runs it again
	}
	// The same report with partial figures omitted says, figure by
	// figure, which are complete: a share is there only if it is.
	p.Partial = "omit"
	omit, err := report.Run(bl.ctx, bl.st, name, p)
	if err != nil {
		return nil, err
	}
	if len(omit.Rows) != len(t.Rows) {
		return nil, fmt.Errorf("report %s: %d rows with partial figures shown, %d with them omitted", name, len(t.Rows), len(omit.Rows))
	}
	bl.cache[cmd] = t
	bl.omitted[t] = omit
	return t, nil
}

// command is the tradepipe command line that gives a report's figures.
func command(name string, p report.Params) string {
	parts := []string{"tradepipe report", name}
	add := func(flag, v string) {
		if v != "" && v != "0" {
			parts = append(parts, "--"+flag+" "+v)
		}
	}
	add("dataset", p.Dataset)
	group := p.Group
	for _, d := range p.Define {
		if strings.EqualFold(d.Name, group) {
			group = d.Name + "=" + strings.Join(d.Members, ",")
		}
	}
	add("group", group)
	if report.Takes(name, "compare") {
		c := p.Compare
		if c == "" {
			c = "none"
		}
		add("compare", c)
	}
	add("partners", p.Partners)
	add("from", strconv.Itoa(p.From))
	add("to", strconv.Itoa(p.To))
	add("basis", p.Basis)
	if p.CIFFOB != 0 {
		add("cif-fob", strconv.FormatFloat(p.CIFFOB, 'f', 2, 64))
	}
	add("top", strconv.Itoa(p.Top))
	add("membership", p.Membership)
	parts = append(parts, "--partial show")
	return strings.Join(parts, " ")
}

// point is one figure of a report row: its value (NaN if none) and
// whether it is complete.
type point struct {
	v        float64
	complete bool
	set      bool // false: no figure (the zero point, a year not in a table)
}

func pt(v float64, complete bool) point { return point{v: v, complete: complete, set: true} }

func (p point) ok() bool { return p.set && !math.IsNaN(p.v) }

// rows reads a report's table; omit is the same report with partial
// figures omitted (nil: a row's complete column says for all its figures).
type rows struct {
	t, omit *report.Table
}

// rowsOf reads a table the builder ran.
func (bl *builder) rowsOf(t *report.Table) rows { return rows{t, bl.omitted[t]} }

// known tells whether row i's figure in col is complete: present with
// partial figures omitted.
func (r rows) known(i int, col string) bool {
	if r.omit == nil {
		return r.complete(i)
	}
	j := slices.Index(r.omit.Columns, col)
	return j >= 0 && r.omit.Rows[i][j] != nil
}

func (r rows) idx(name string) int { return slices.Index(r.t.Columns, name) }

func (r rows) num(i int, name string) float64 {
	j := r.idx(name)
	if j < 0 || r.t.Rows[i][j] == nil {
		return math.NaN()
	}
	switch v := r.t.Rows[i][j].(type) {
	case float64:
		return v
	case int32:
		return float64(v)
	case int64:
		return float64(v)
	case int:
		return float64(v)
	}
	f, err := strconv.ParseFloat(fmt.Sprint(r.t.Rows[i][j]), 64)
	if err != nil {
		return math.NaN()
	}
	return f
}

func (r rows) str(i int, name string) string {
	j := r.idx(name)
	if j < 0 || r.t.Rows[i][j] == nil {
		return ""
	}
	return fmt.Sprint(r.t.Rows[i][j])
}

func (r rows) complete(i int) bool { return r.str(i, "complete") == "true" }

func (r rows) year(i int) int { return int(r.num(i, "year")) }

// series reads one share column per year (where key column = key, if key
// is not "").
func (r rows) series(col, keyCol, key string) map[int]point {
	out := map[int]point{}
	for i := range r.t.Rows {
		if keyCol != "" && r.str(i, keyCol) != key {
			continue
		}
		out[r.year(i)] = pt(r.num(i, col), r.known(i, col))
	}
	return out
}

func (r rows) keys(col string) []string {
	var out []string
	for i := range r.t.Rows {
		if k := r.str(i, col); !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// years of the maps, sorted.
func years(ms ...map[int]point) []int {
	var out []int
	for _, m := range ms {
		for y, p := range m {
			if p.ok() && !slices.Contains(out, y) {
				out = append(out, y)
			}
		}
	}
	slices.Sort(out)
	return out
}

// pct formats a share as the tables show it: one decimal, "*" when
// incomplete, "–" when there is none.
func pct(p point) string {
	if !p.ok() {
		return "–"
	}
	s := strconv.FormatFloat(p.v, 'f', 1, 64)
	if !p.complete {
		s += Incomplete
	}
	return s
}

// pctText is pct in a sentence: "8.0%", or "8.0% (incomplete)".
func pctText(p point) string {
	if !p.ok() {
		return "no figure"
	}
	s := strconv.FormatFloat(p.v, 'f', 1, 64) + "%"
	if !p.complete {
		s += " (incomplete)"
	}
	return s
}

// latest is the last year with a complete figure in every map given, or
// else the last year with any figure; ok false if there is none.
func latest(ms ...map[int]point) (int, bool) {
	ys := years(ms...)
	for i := len(ys) - 1; i >= 0; i-- {
		all := true
		for _, m := range ms {
			if p, ok := m[ys[i]]; !ok || !p.ok() || !p.complete {
				all = false
			}
		}
		if all {
			return ys[i], true
		}
	}
	if len(ys) == 0 {
		return 0, false
	}
	return ys[len(ys)-1], true
}

// mean of the figures of years lo..hi: the mean, how many years have a
// figure, and whether all of those are complete.
func mean(m map[int]point, lo, hi int) (point, int) {
	var sum float64
	n, complete := 0, true
	for y := lo; y <= hi; y++ {
		if p, ok := m[y]; ok && p.ok() {
			sum += p.v
			n++
			complete = complete && p.complete
		}
	}
	if n == 0 {
		return point{}, 0
	}
	return pt(sum/float64(n), complete && n == hi-lo+1), n
}

// trend is the least-squares slope of the figures from year lo on, in
// points a year, with how many years it rests on.
func trend(m map[int]point, lo int) (float64, int) {
	var xs, ys []float64
	for _, y := range years(m) {
		if y >= lo {
			xs, ys = append(xs, float64(y)), append(ys, m[y].v)
		}
	}
	n := float64(len(xs))
	if n < 3 {
		return math.NaN(), len(xs)
	}
	var sx, sy, sxx, sxy float64
	for i := range xs {
		sx, sy, sxx, sxy = sx+xs[i], sy+ys[i], sxx+xs[i]*xs[i], sxy+xs[i]*ys[i]
	}
	return (n*sxy - sx*sy) / (n*sxx - sx*sx), len(xs)
}

// line makes a figure's line from a series over the years given.
func line(name string, m map[int]point, ys []int, dashed bool) render.Line {
	l := render.Line{Name: name, Dashed: dashed}
	for _, y := range ys {
		p, ok := m[y]
		v := math.NaN()
		if ok {
			v = p.v
		}
		l.X, l.Y = append(l.X, float64(y)), append(l.Y, v)
		l.Partial = append(l.Partial, ok && p.ok() && !p.complete)
	}
	return l
}

// coverage is the section's line on how complete its figures are: the
// rows of its tables that hold a figure marked incomplete, why (the
// reports' first reasons for those years), the mirrored part, and the
// source.
func coverage(src []report.Source, dataset string, grids []Grid, ts ...*report.Table) string {
	rowsAll, marked := 0, 0
	var where []string
	var years []int
	for _, g := range grids {
		for _, r := range g.Rows {
			rowsAll++
			if !slices.ContainsFunc(r, func(c string) bool { return strings.HasSuffix(c, Incomplete) }) {
				continue
			}
			marked++
			label := g.Columns[0] + " " + r[0]
			if y, err := strconv.Atoi(r[0]); err == nil && g.Columns[0] == "year" {
				years = append(years, y)
				label = r[0]
			}
			if !slices.Contains(where, label) {
				where = append(where, label)
			}
		}
	}
	var reasons []string
	mirrored := 0.0
	for _, t := range ts {
		r := rows{t: t}
		for i := range t.Rows {
			if m := r.num(i, "mirror_share_pct"); m > mirrored {
				mirrored = m
			}
			if r.complete(i) || len(years) > 0 && !slices.Contains(years, r.year(i)) {
				continue
			}
			for _, x := range strings.Split(r.str(i, "incomplete_reason"), "; ") {
				if x != "" && !slices.Contains(reasons, x) {
					reasons = append(reasons, x)
				}
			}
		}
	}
	var b strings.Builder
	switch {
	case rowsAll == 0:
		b.WriteString("No figures.")
	case marked == 0:
		fmt.Fprintf(&b, "Every figure shown is complete (%d rows).", rowsAll)
	default:
		if len(where) > 8 {
			where = append(where[:8], fmt.Sprintf("and %d more", len(where)-8))
		}
		fmt.Fprintf(&b, "%d of %d rows hold a figure built on incomplete data (marked %s): %s", marked, rowsAll, Incomplete, strings.Join(where, ", "))
		if len(reasons) > 0 {
			n := min(2, len(reasons))
			fmt.Fprintf(&b, "; for example %s", strings.Join(reasons[:n], "; "))
			if len(reasons) > n {
				fmt.Fprintf(&b, " (and %d more reasons: run the reports below)", len(reasons)-n)
			}
		}
		b.WriteString(".")
	}
	if mirrored > 0 {
		fmt.Fprintf(&b, " Up to %.1f%% of a total is mirrored from partners' reports.", mirrored)
	} else if rowsAll > 0 {
		b.WriteString(" Nothing is mirrored: every total is the reporter's own.")
	}
	fmt.Fprintf(&b, " Source: %s.", sourceWords(src, dataset))
	return b.String()
}

func sourceWords(src []report.Source, dataset string) string {
	n := 0
	var formats []string
	for _, s := range src {
		if s.Dataset != dataset {
			continue
		}
		n++
		if !slices.Contains(formats, s.Format) {
			formats = append(formats, s.Format)
		}
	}
	return fmt.Sprintf("dataset %s, %d file(s) (%s)", dataset, n, strings.Join(formats, ", "))
}

func axis(ys []int) []int {
	if len(ys) == 0 {
		return nil
	}
	var out []int
	for y := ys[0]; y <= ys[len(ys)-1]; y++ {
		out = append(out, y)
	}
	return out
}

func signed(v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	if v >= 0.05 {
		s = "+" + s
	}
	return s
}
