package brief

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/tradepipe/tradepipe/sql/report"
	"github.com/tradepipe/tradepipe/sql/report/render"
)

// headline is regional-shares for the group, the comparison group's intra
// share beside.
func (bl *builder) headline() (*report.Table, error) {
	return bl.run("regional-shares", report.Params{Compare: orNone(bl.o.Compare)})
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// missing says what the data lacks and what to load.
func missing(what, group string, lo, hi int) string {
	span := strconv.Itoa(lo)
	if hi > lo {
		span = fmt.Sprintf("%d-%d", lo, hi)
	}
	return fmt.Sprintf("The data cannot answer this yet: it holds no %s for %s in %s. Load trade data covering those years "+
		"(for instance the IMF's direction-of-trade workbooks, which reach back to 1992 for the C5 and to the 1960s for ASEAN's founders).",
		what, group, span)
}

func (bl *builder) intra(c Claim) (Section, error) {
	g := bl.o.Group
	head, err := bl.headline()
	if err != nil {
		return Section{}, err
	}
	members, err := bl.run("partner-shares", report.Params{Top: 1})
	if err != nil {
		return Section{}, err
	}
	hr, mr := bl.rowsOf(head), bl.rowsOf(members)
	intra := hr.series("intra_share_pct", "", "")
	cmp := hr.series("compare_intra_share_pct", "", "")
	ys := years(intra)
	s := Section{}
	if len(ys) == 0 {
		s.Missing = missing("trade of its members", g, 1993, 2100)
		return s, nil
	}
	mems := mr.keys("member")
	grid := Grid{Caption: "Intra-regional share of total trade, per cent", Columns: []string{"year", g}}
	if bl.o.Compare != "" {
		grid.Columns = append(grid.Columns, bl.o.Compare)
	}
	per := map[string]map[int]point{}
	for _, m := range mems {
		per[m] = mr.series("intra_share_pct", "member", m)
		grid.Columns = append(grid.Columns, m)
	}
	for _, y := range ys {
		row := []string{strconv.Itoa(y), pct(intra[y])}
		if bl.o.Compare != "" {
			row = append(row, pct(cmp[y]))
		}
		for _, m := range mems {
			row = append(row, pct(per[m][y]))
		}
		grid.Rows = append(grid.Rows, row)
	}
	s.Tables = []Grid{grid}
	y, _ := latest(intra)
	sent := fmt.Sprintf("In %d the members of %s traded %s of their goods with each other", y, g, pctText(intra[y]))
	if bl.o.Compare != "" && cmp[y].ok() {
		sent += fmt.Sprintf("; %s's members %s", bl.o.Compare, pctText(cmp[y]))
	}
	s.Answer = append(s.Answer, sent+".")
	lo, hi := intra[ys[0]], intra[ys[0]]
	for _, y := range ys {
		if intra[y].v < lo.v {
			lo = intra[y]
		}
		if intra[y].v > hi.v {
			hi = intra[y]
		}
	}
	s.Answer = append(s.Answer, fmt.Sprintf("From %d to %d the share ranged from %s to %s.", ys[0], ys[len(ys)-1], pctText(lo), pctText(hi)))
	var high []string
	for _, m := range mems {
		if p, ok := per[m][y]; ok && p.ok() {
			high = append(high, fmt.Sprintf("%s %s", m, pctText(p)))
		}
	}
	if len(high) > 0 {
		s.Answer = append(s.Answer, fmt.Sprintf("By member, in %d: %s.", y, strings.Join(high, ", ")))
	}
	x := axis(ys)
	f := &render.Figure{Title: g + "'s intra-regional share of its trade", XLabel: "year", YLabel: "% of total trade",
		Lines: []render.Line{line(g, intra, x, false)}}
	if bl.o.Compare != "" {
		f.Lines = append(f.Lines, line(bl.o.Compare, cmp, x, true))
	}
	for _, m := range mems {
		if len(f.Lines) < 8 {
			f.Lines = append(f.Lines, line(m, per[m], x, true))
		}
	}
	s.Figure = f
	s.Coverage = coverage(head.Sources, bl.o.Dataset, s.Tables, head, members)
	return s, nil
}

func (bl *builder) top(c Claim) (Section, error) {
	g := bl.o.Group
	n := c.Top
	if n == 0 {
		n = 5
	}
	// Every partner, so that the followed partner's rank is known even
	// below the top.
	all, err := bl.run("top-partners", report.Params{Top: 500})
	if err != nil {
		return Section{}, err
	}
	members, err := bl.run("partner-shares", report.Params{Top: 1})
	if err != nil {
		return Section{}, err
	}
	ar, mr := bl.rowsOf(all), bl.rowsOf(members)
	s := Section{}
	type entry struct {
		partner string
		p       point
		rank    int
	}
	byYear := map[int][]entry{}
	var ys []int
	for i := range all.Rows {
		y := ar.year(i)
		if !slices.Contains(ys, y) {
			ys = append(ys, y)
		}
		byYear[y] = append(byYear[y], entry{ar.str(i, "partner"), pt(ar.num(i, "share_pct"), ar.known(i, "share_pct")), int(ar.num(i, "rank"))})
	}
	if len(ys) == 0 {
		s.Missing = missing("partner rows", g, 1993, 2100)
		return s, nil
	}
	mems := mr.keys("member")
	grid := Grid{Caption: fmt.Sprintf("%s's %d largest partners outside it (share of its total trade, per cent), %s's rank, and each member's largest partner", g, n, c.Partner),
		Columns: []string{"year"}}
	for i := 1; i <= n; i++ {
		grid.Columns = append(grid.Columns, "#"+strconv.Itoa(i))
	}
	grid.Columns = append(grid.Columns, c.Partner+" rank")
	for _, m := range mems {
		grid.Columns = append(grid.Columns, m+" largest")
	}
	rank := map[int]int{}
	share := map[int]point{}
	firsts := 0
	for _, y := range ys {
		row := []string{strconv.Itoa(y)}
		for i := 0; i < n; i++ {
			if i < len(byYear[y]) {
				e := byYear[y][i]
				row = append(row, e.partner+" "+pct(e.p))
			} else {
				row = append(row, "–")
			}
		}
		share[y] = point{}
		for _, e := range byYear[y] {
			if e.partner == c.Partner {
				rank[y], share[y] = e.rank, e.p
			}
		}
		if rank[y] == 1 {
			firsts++
		}
		r := "–"
		if rank[y] > 0 {
			r = strconv.Itoa(rank[y])
			if !byYear[y][0].p.complete {
				r += Incomplete
			}
		}
		row = append(row, r)
		for _, m := range mems {
			row = append(row, largest(mr, m, y))
		}
		grid.Rows = append(grid.Rows, row)
	}
	s.Tables = []Grid{grid}
	complete := map[int]point{}
	for _, y := range ys {
		complete[y] = pt(1, byYear[y][0].p.complete)
	}
	y, _ := latest(complete)
	top := byYear[y][0]
	switch {
	case rank[y] == 1 && len(byYear[y]) > 1:
		next := byYear[y][1]
		s.Answer = append(s.Answer, fmt.Sprintf("In %d %s was %s's largest partner, with %s of its trade; next came %s with %s.",
			y, c.Partner, g, pctText(share[y]), next.partner, pctText(next.p)))
	case rank[y] > 0:
		s.Answer = append(s.Answer, fmt.Sprintf("In %d %s was %s's partner number %d, with %s of its trade; the largest was %s with %s.",
			y, c.Partner, g, rank[y], pctText(share[y]), top.partner, pctText(top.p)))
	default:
		s.Answer = append(s.Answer, fmt.Sprintf("In %d %s had no trade with %s in the data; the largest partner was %s with %s.", y, g, c.Partner, top.partner, pctText(top.p)))
	}
	s.Answer = append(s.Answer, fmt.Sprintf("%s ranked first in %d of the %d years from %d to %d.", c.Partner, firsts, len(ys), ys[0], ys[len(ys)-1]))
	var led []string
	for _, m := range mems {
		if strings.HasPrefix(largest(mr, m, y), c.Partner+" ") {
			led = append(led, m)
		}
	}
	s.Answer = append(s.Answer, fmt.Sprintf("In %d %s was the largest partner of %d of the %d members%s.", y, c.Partner, len(led), len(mems), listIn(led)))
	x := axis(ys)
	f := &render.Figure{Title: fmt.Sprintf("%s's largest partners in %d, over the years", g, y), XLabel: "year", YLabel: "% of total trade"}
	for i := 0; i < n && i < len(byYear[y]); i++ {
		p := byYear[y][i].partner
		m := map[int]point{}
		for _, yy := range ys {
			for _, e := range byYear[yy] {
				if e.partner == p {
					m[yy] = e.p
				}
			}
		}
		f.Lines = append(f.Lines, line(p, m, x, false))
	}
	s.Figure = f
	s.Coverage = coverage(all.Sources, bl.o.Dataset, s.Tables, all)
	return s, nil
}

func listIn(xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	return " (" + strings.Join(xs, ", ") + ")"
}

// largest is a member's largest partner in a year from partner-shares'
// top_partners ("RUS 33.7%"), marked when incomplete.
func largest(r rows, member string, year int) string {
	for i := range r.t.Rows {
		if r.str(i, "member") == member && r.year(i) == year {
			s := strings.TrimSuffix(strings.SplitN(r.str(i, "top_partners"), ";", 2)[0], "%")
			if s == "" {
				return "–"
			}
			if !r.known(i, "top_partners") {
				s += Incomplete
			}
			return s
		}
	}
	return "–"
}

// window is the years before a milestone and those from it.
func window(year, w int) (int, int, int, int) { return year - w, year - 1, year, year + w - 1 }

func (bl *builder) milestone(c Claim) (Section, error) {
	g := bl.o.Group
	// The group's members that were in the milestone's group at the end
	// of its year, as a group for this run.
	ms, err := bl.membersOf(g, c.Within, c.Year)
	if err != nil {
		return Section{}, err
	}
	s := Section{}
	if len(ms) == 0 {
		s.Missing = fmt.Sprintf("No member of %s was a member of %s at the end of %d: nothing to measure.", g, c.Within, c.Year)
		return s, nil
	}
	name := g + "-" + c.Within
	t, err := bl.run("regional-shares", report.Params{Group: name, Compare: "none", Define: []report.Group{{Name: name, Members: ms}}})
	if err != nil {
		return Section{}, err
	}
	r := bl.rowsOf(t)
	share := r.series(partnerCol(c.Partner), "", "")
	intra := r.series("intra_share_pct", "", "")
	b0, b1, a0, a1 := window(c.Year, c.Window)
	bp, bn := mean(share, b0, b1)
	ap, an := mean(share, a0, a1)
	bi, _ := mean(intra, b0, b1)
	ai, _ := mean(intra, a0, a1)
	who := fmt.Sprintf("%s's members in %s (%s)", g, c.Within, strings.Join(ms, ", "))
	ys := years(share, intra)
	if len(ys) > 0 {
		grid := Grid{Caption: fmt.Sprintf("%s: shares of their total trade, per cent", who), Columns: []string{"year", c.Partner, "intra"}}
		for _, y := range ys {
			grid.Rows = append(grid.Rows, []string{strconv.Itoa(y), pct(share[y]), pct(intra[y])})
		}
		sum := Grid{Caption: fmt.Sprintf("Means of the yearly shares, %d years before %d and %d from it", c.Window, c.Year, c.Window),
			Columns: []string{"years", "years with data", c.Partner, "intra"}}
		sum.Rows = append(sum.Rows, []string{fmt.Sprintf("%d-%d", b0, b1), strconv.Itoa(bn), pct(bp), pct(bi)},
			[]string{fmt.Sprintf("%d-%d", a0, a1), strconv.Itoa(an), pct(ap), pct(ai)})
		s.Tables = []Grid{sum, grid}
		x := axis(ys)
		s.Figure = &render.Figure{Title: fmt.Sprintf("%s: %s's share and the intra share", who, c.Partner), XLabel: "year", YLabel: "% of total trade",
			Lines: []render.Line{line("with "+c.Partner, share, x, false), line("with each other", intra, x, false)},
			Marks: []render.Mark{{X: float64(c.Year), Label: c.Within + " " + strconv.Itoa(c.Year)}}}
	}
	switch {
	case bn == 0 && an == 0:
		s.Missing = missing("trade", who, b0, a1)
	case bn == 0:
		s.Missing = missing("trade", who, b0, b1)
	case an == 0:
		s.Missing = missing("trade", who, a0, a1)
	default:
		s.Answer = append(s.Answer,
			fmt.Sprintf("%s's share of the trade of %s averaged %s in %d-%d and %s in %d-%d (%s points).", c.Partner, who, pctText(bp), b0, b1, pctText(ap), a0, a1, signed(ap.v-bp.v)),
			fmt.Sprintf("Their trade with each other averaged %s, then %s (%s points).", pctText(bi), pctText(ai), signed(ai.v-bi.v)))
	}
	if sl, n := trend(share, c.Year); n >= 3 && bn > 0 {
		il, _ := trend(intra, c.Year)
		s.Answer = append(s.Answer, fmt.Sprintf("Since %d (%d years), %s's share has moved by %s points a year and the intra share by %s.", c.Year, n, c.Partner, signed2(sl), signed2(il)))
	}
	s.Coverage = coverage(t.Sources, bl.o.Dataset, s.Tables, t)
	return s, nil
}

func signed2(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	if v >= 0.005 {
		s = "+" + s
	}
	return s
}

// partnerCol is regional-shares' column for a partner it shows.
func partnerCol(p string) string {
	switch p {
	case "CHN":
		return "china_share_pct"
	case "RUS":
		return "russia_share_pct"
	}
	return ""
}

// membersOf lists the members of group g that were members of within on
// 31 December of year.
func (bl *builder) membersOf(g, within string, year int) ([]string, error) {
	rs, err := bl.st.DB().QueryContext(bl.ctx, `SELECT a.country FROM group_membership a JOIN group_membership b ON b.country = a.country
		WHERE a.group_name = ? AND b.group_name = ?
		  AND a.valid_from <= make_date(?, 12, 31) AND (a.valid_to IS NULL OR a.valid_to >= make_date(?, 12, 31))
		  AND b.valid_from <= make_date(?, 12, 31) AND (b.valid_to IS NULL OR b.valid_to >= make_date(?, 12, 31))
		ORDER BY 1`, g, within, year, year, year, year)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []string
	for rs.Next() {
		var c string
		if err := rs.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rs.Err()
}

func (bl *builder) blocs(c Claim) (Section, error) {
	s := Section{}
	var ts []*report.Table
	var fig *render.Figure
	for _, e := range c.Events {
		t, err := bl.run("bloc-shares", report.Params{Partners: e.Bloc})
		if err != nil {
			return Section{}, err
		}
		ts = append(ts, t)
		r := bl.rowsOf(t)
		b0, b1, a0, a1 := window(e.Year, c.Window)
		mems := r.keys("member")
		grid := Grid{Caption: fmt.Sprintf("Share of each member's trade with %s's members (%s as it stands at the end), per cent: %d-%d against %d-%d",
			e.Bloc, strings.Join(partnersOf(t), ", "), b0, b1, a0, a1),
			Columns: []string{"member", "joined in " + strconv.Itoa(e.Year), fmt.Sprintf("%d-%d", b0, b1), fmt.Sprintf("%d-%d", a0, a1), "change"}}
		per := map[string]map[int]point{}
		var joined, out, lack []string
		for _, m := range mems {
			per[m] = r.series("bloc_share_pct", "member", m)
			bp, bn := mean(per[m], b0, b1)
			ap, an := mean(per[m], a0, a1)
			j := slices.Contains(e.Joined, m)
			change := "–"
			if bn > 0 && an > 0 {
				change = signed(ap.v - bp.v)
				if !bp.complete || !ap.complete {
					change += Incomplete
				}
				desc := fmt.Sprintf("%s %s to %s", m, pctText(bp), pctText(ap))
				if j {
					joined = append(joined, desc)
				} else {
					out = append(out, desc)
				}
			} else {
				lack = append(lack, m)
			}
			grid.Rows = append(grid.Rows, []string{m, yesNo(j), pct(bp), pct(ap), change})
		}
		s.Tables = append(s.Tables, grid)
		if len(lack) > 0 {
			s.Missing += missing("trade on both sides of "+strconv.Itoa(e.Year), strings.Join(lack, ", "), b0, a1) + " "
		}
		if len(joined)+len(out) > 0 {
			s.Answer = append(s.Answer, fmt.Sprintf("%s from %d: mean share of trade with its other members, %d-%d against %d-%d: joined, %s; stayed out, %s.",
				e.Bloc, e.Year, b0, b1, a0, a1, orNoneWord(joined), orNoneWord(out)))
		}
		if len(mems) == 0 {
			continue
		}
		if fig == nil {
			var all []map[int]point
			for _, m := range mems {
				all = append(all, per[m])
			}
			x := axis(years(all...))
			fig = &render.Figure{Title: fmt.Sprintf("Each member's trade with %s's other members", e.Bloc), XLabel: "year", YLabel: "% of its total trade"}
			for _, m := range mems {
				if len(fig.Lines) < 8 {
					fig.Lines = append(fig.Lines, line(m, per[m], x, !slices.Contains(e.Joined, m)))
				}
			}
		}
		if fig != nil {
			fig.Marks = append(fig.Marks, render.Mark{X: float64(e.Year), Label: e.Bloc})
		}
	}
	s.Missing = strings.TrimSpace(s.Missing)
	s.Figure = fig
	if len(ts) > 0 {
		s.Coverage = coverage(ts[0].Sources, bl.o.Dataset, s.Tables, ts...)
	}
	return s, nil
}

func partnersOf(t *report.Table) []string {
	r := rows{t: t}
	var all []string
	for i := range t.Rows {
		for _, p := range strings.Split(r.str(i, "partner_members"), ",") {
			if p != "" && !slices.Contains(all, p) {
				all = append(all, p)
			}
		}
	}
	slices.Sort(all)
	return all
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orNoneWord(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return strings.Join(xs, "; ")
}

func (bl *builder) partner(c Claim) (Section, error) {
	g := bl.o.Group
	head, err := bl.headline()
	if err != nil {
		return Section{}, err
	}
	s := Section{}
	col := partnerCol(c.Partner)
	if col == "" {
		return s, fmt.Errorf("partner %s: the headline shows China (CHN) and Russia (RUS) only", c.Partner)
	}
	r := bl.rowsOf(head)
	share := r.series(col, "", "")
	ys := years(share)
	if len(ys) == 0 {
		s.Missing = missing("trade with "+c.Partner, g, 1993, 2100)
		return s, nil
	}
	grid := Grid{Caption: fmt.Sprintf("%s's share of %s's total trade, per cent", c.Partner, g), Columns: []string{"year", c.Partner}}
	for _, y := range ys {
		grid.Rows = append(grid.Rows, []string{strconv.Itoa(y), pct(share[y])})
	}
	s.Tables = []Grid{grid}
	first, last := ys[0], ys[len(ys)-1]
	if y, ok := latest(share); ok {
		last = y
	}
	s.Answer = append(s.Answer, fmt.Sprintf("%s's share of %s's trade was %s in %d and %s in %d.", c.Partner, g, pctText(share[first]), first, pctText(share[last]), last))
	for _, m := range c.Marks {
		if b, n := mean(share, m-5, m-1); n > 0 {
			if a, n2 := mean(share, m, m+4); n2 > 0 {
				s.Answer = append(s.Answer, fmt.Sprintf("Around %d: a mean of %s in %d-%d, %s in %d-%d.", m, pctText(b), m-5, m-1, pctText(a), m, m+4))
			}
		}
	}
	if sl, n := trend(share, first); n >= 3 {
		s.Answer = append(s.Answer, fmt.Sprintf("Its trend over the %d years: %s points a year.", n, signed2(sl)))
	}
	f := &render.Figure{Title: fmt.Sprintf("%s's share of %s's trade", c.Partner, g), XLabel: "year", YLabel: "% of total trade",
		Lines: []render.Line{line(c.Partner, share, axis(ys), false)}}
	for _, m := range c.Marks {
		f.Marks = append(f.Marks, render.Mark{X: float64(m), Label: strconv.Itoa(m)})
	}
	s.Figure = f
	s.Coverage = coverage(head.Sources, bl.o.Dataset, s.Tables, head)
	return s, nil
}

func (bl *builder) stage(c Claim) (Section, error) {
	g, cg := bl.o.Group, bl.o.Compare
	s := Section{}
	if cg == "" {
		s.Missing = "No comparison group (--compare): nothing to align " + g + " with."
		return s, nil
	}
	gf, ok1 := bl.o.Claims.Founded[g]
	cf, ok2 := bl.o.Claims.Founded[cg]
	if !ok1 || !ok2 {
		s.Missing = fmt.Sprintf("The claims file gives no founding year for %s or %s (founded:): add them to align the two.", g, cg)
		return s, nil
	}
	gt, err := bl.run("regional-shares", report.Params{Compare: "none"})
	if err != nil {
		return Section{}, err
	}
	ct, err := bl.run("regional-shares", report.Params{Group: cg, Compare: "none"})
	if err != nil {
		return Section{}, err
	}
	gs := bl.rowsOf(gt).series("intra_share_pct", "", "")
	cs := bl.rowsOf(ct).series("intra_share_pct", "", "")
	gStage, cStage := map[int]point{}, map[int]point{}
	for y, p := range gs {
		if y >= gf {
			gStage[y-gf] = p
		}
	}
	for y, p := range cs {
		if y >= cf {
			cStage[y-cf] = p
		}
	}
	ns := years(gStage, cStage)
	if len(gStage) == 0 || len(cStage) == 0 {
		who, from := cg, cf
		if len(gStage) == 0 {
			who, from = g, gf
		}
		s.Missing = missing("intra-regional share", who, from, from+len(years(gStage))+len(years(cStage)))
	}
	grid := Grid{Caption: fmt.Sprintf("Intra-regional share N years after founding (%s %d, %s %d), per cent", cg, cf, g, gf),
		Columns: []string{"N", cg + " year", cg, g + " year", g, "gap"}}
	for _, n := range ns {
		gap := "–"
		if gStage[n].ok() && cStage[n].ok() {
			gap = signed(gStage[n].v - cStage[n].v)
			if !gStage[n].complete || !cStage[n].complete {
				gap += Incomplete
			}
		}
		grid.Rows = append(grid.Rows, []string{strconv.Itoa(n), strconv.Itoa(cf + n), pct(cStage[n]), strconv.Itoa(gf + n), pct(gStage[n]), gap})
	}
	s.Tables = []Grid{grid}
	if n, ok := latest(gStage, cStage); ok && gStage[n].ok() && cStage[n].ok() {
		s.Answer = append(s.Answer, fmt.Sprintf("%d years after its founding (in %d), %s's intra share was %s; %s's, %d years after %d (in %d), was %s.",
			n, cf+n, cg, pctText(cStage[n]), g, n, gf, gf+n, pctText(gStage[n])))
	}
	if y, ok := latest(gs, cs); ok && gs[y].ok() && cs[y].ok() {
		s.Answer = append(s.Answer, fmt.Sprintf("Today's gap, in %d: %s %s against %s %s, %s points.", y, g, pctText(gs[y]), cg, pctText(cs[y]), signed(gs[y].v-cs[y].v)))
	}
	if len(ns) > 0 {
		x := axis(ns)
		s.Figure = &render.Figure{Title: "Intra-regional share by years since founding", XLabel: fmt.Sprintf("years since founding (%s %d, %s %d)", cg, cf, g, gf),
			YLabel: "% of total trade", Lines: []render.Line{line(cg, cStage, x, true), line(g, gStage, x, false)}}
	}
	s.Coverage = coverage(gt.Sources, bl.o.Dataset, s.Tables, gt, ct)
	return s, nil
}

func (bl *builder) sensitivity() (Section, error) {
	g := bl.o.Group
	s := Section{ID: "sensitivity", Title: "How sensitive the headline is",
		Quote: g + "'s intra-regional share under each basis and CIF/FOB factor."}
	head, err := bl.headline()
	if err != nil {
		return s, err
	}
	bases := bl.o.Claims.Sensitivity.Bases
	if head.Params.Basis == "flow" || len(bases) == 0 {
		bases = []string{head.Params.Basis} // a flow table has one basis; a claims file may name none
	}
	factors := bl.o.Claims.Sensitivity.CIFFOB
	if len(factors) == 0 {
		factors = []float64{head.Params.CIFFOB}
	}
	byBasis := map[string]map[int]point{}
	lo, hi := map[int]float64{}, map[int]float64{}
	var ts []*report.Table
	for _, b := range bases {
		for _, f := range factors {
			// Marks for the table's factor; the others give the band only.
			t, err := bl.runFor("regional-shares", report.Params{Compare: "none", Basis: b, CIFFOB: f}, f == head.Params.CIFFOB)
			if err != nil {
				return s, err
			}
			ts = append(ts, t)
			m := bl.rowsOf(t).series("intra_share_pct", "", "")
			if f == head.Params.CIFFOB || byBasis[b] == nil {
				byBasis[b] = m
			}
			for y, p := range m {
				if !p.ok() {
					continue
				}
				if v, ok := lo[y]; !ok || p.v < v {
					lo[y] = p.v
				}
				if v, ok := hi[y]; !ok || p.v > v {
					hi[y] = p.v
				}
			}
		}
	}
	var all []map[int]point
	for _, b := range bases {
		all = append(all, byBasis[b])
	}
	ys := years(all...)
	if len(ys) == 0 {
		s.Missing = missing("trade", g, 1993, 2100)
		return s, nil
	}
	grid := Grid{Caption: fmt.Sprintf("Intra-regional share by basis (CIF/FOB %g), and its range over the factors %s, per cent",
		head.Params.CIFFOB, factorList(factors)), Columns: []string{"year"}}
	grid.Columns = append(grid.Columns, bases...)
	grid.Columns = append(grid.Columns, "low", "high")
	widest, wy := 0.0, 0
	for _, y := range ys {
		row := []string{strconv.Itoa(y)}
		for _, b := range bases {
			row = append(row, pct(byBasis[b][y]))
		}
		row = append(row, strconv.FormatFloat(lo[y], 'f', 1, 64), strconv.FormatFloat(hi[y], 'f', 1, 64))
		grid.Rows = append(grid.Rows, row)
		if hi[y]-lo[y] > widest {
			widest, wy = hi[y]-lo[y], y
		}
	}
	s.Tables = []Grid{grid}
	y, _ := latest(byBasis[bases[0]])
	s.Answer = append(s.Answer, fmt.Sprintf("In %d the intra share is %.1f%% to %.1f%% across the %d bases and %d factors.", y, lo[y], hi[y], len(bases), len(factors)))
	if widest > 0 {
		s.Answer = append(s.Answer, fmt.Sprintf("The widest range is in %d: %.1f points.", wy, widest))
	} else {
		s.Answer = append(s.Answer, "Basis and factor change nothing here: every member reports its own totals and both sides of each pair.")
	}
	x := axis(ys)
	band := &render.Band{Name: "range over bases and factors"}
	for _, yy := range x {
		band.X = append(band.X, float64(yy))
		l, ok := lo[yy]
		h := hi[yy]
		if !ok {
			l, h = math.NaN(), math.NaN()
		}
		band.Lo, band.Hi = append(band.Lo, l), append(band.Hi, h)
	}
	s.Figure = &render.Figure{Title: g + "'s intra-regional share: the band of bases and CIF/FOB factors", XLabel: "year", YLabel: "% of total trade",
		Band: band, Lines: []render.Line{line(head.Params.Basis+" basis, factor "+strconv.FormatFloat(head.Params.CIFFOB, 'f', 2, 64), byBasis[head.Params.Basis], x, false)}}
	if byBasis[head.Params.Basis] == nil {
		s.Figure.Lines = []render.Line{line(bases[0], byBasis[bases[0]], x, false)}
	}
	s.Coverage = coverage(head.Sources, bl.o.Dataset, s.Tables, ts...)
	// One line for the runs over the bases and factors.
	p := report.Params{Dataset: bl.o.Dataset, Group: g, From: bl.o.From, To: bl.o.To, Partial: "show", Compare: "none"}
	bl.cmds = []string{command("regional-shares", p) + " --basis BASIS --cif-fob FACTOR",
		fmt.Sprintf("    (BASIS each of %s; FACTOR each of %s)", strings.Join(bases, ", "), factorList(factors))}
	return s, nil
}

func factorList(fs []float64) string {
	var out []string
	for _, f := range fs {
		out = append(out, strconv.FormatFloat(f, 'f', 2, 64))
	}
	return strings.Join(out, ", ")
}
