package main

import (
	"encoding/csv"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// reports are those every report target runs, each as a user runs it.
var reports = []string{"regional-shares", "partner-shares", "group-compare", "coverage", "intensity", "mirror-gaps"}

// rssBound is the peak RSS a report may reach (issue 16).
const rssBound = 300 << 20

// reportTarget: every report, whole process (tradepipe report NAME, as a
// user types it), against the plain DuckDB query of the headline shares
// over the raw rows (bench/sql/plain_shares.sql), whole process too, at
// the largest size. The first run's headline figures must equal the plain
// query's.
func (r *runner) reportTarget() error {
	if err := r.sameFigures(r.tpDB, r.rawDB); err != nil {
		return err
	}
	for _, name := range reports {
		a, b, err := r.pairsOf(fmt.Sprintf("%s over %s rows: tradepipe report, plain query", name, count(r.largest.rows)), r.pairs,
			r.proc(r.tp, "report", name, "--db", r.tpDB, "--format", "csv"),
			r.proc(r.self, "plain-shares", "-db", r.rawDB))
		if err != nil {
			return err
		}
		res := result{target: "report", what: fmt.Sprintf("%s, %s rows", name, count(r.largest.rows)), a: a, b: b,
			aName: "tradepipe report", bName: "plain query over the raw rows"}
		res.ratio = a.median().Seconds() / b.median().Seconds()
		res.ratioText = fmt.Sprintf("%.2fx time", res.ratio)
		res.goal, res.met = "<= 1.0x, RSS < 300 MB", res.ratio <= 1.0 && a.maxRSS() < rssBound
		r.results = append(r.results, res)
	}
	return nil
}

// sameFigures checks the headline against the plain query: the C5's
// intra, China and Russia shares of the year both give.
func (r *runner) sameFigures(tpDB, rawDB string) error {
	rep, err := runProc(r.ctx, r.tp, "report", "regional-shares", "--db", tpDB, "--format", "csv")
	if err != nil {
		return err
	}
	plain, err := runProc(r.ctx, r.self, "plain-shares", "-db", rawDB)
	if err != nil {
		return err
	}
	recs, err := csv.NewReader(strings.NewReader(rep.out)).ReadAll()
	if err != nil || len(recs) < 2 {
		return fmt.Errorf("regional-shares: %v\n%s", err, rep.out)
	}
	col := map[string]int{}
	for i, c := range recs[0] {
		col[c] = i
	}
	got := map[string][3]float64{}
	for _, rec := range recs[1:] {
		var v [3]float64
		for i, c := range []string{"intra_share_pct", "china_share_pct", "russia_share_pct"} {
			v[i], _ = strconv.ParseFloat(rec[col[c]], 64)
		}
		got[rec[col["year"]]] = v
	}
	n := 0
	for _, l := range strings.Split(strings.TrimSpace(plain.out), "\n") {
		var year string
		var total float64
		var want [3]float64
		if _, err := fmt.Sscanf(l, "%s total %g intra %g china %g russia %g", &year, &total, &want[0], &want[1], &want[2]); err != nil {
			return fmt.Errorf("plain-shares: %q: %v", l, err)
		}
		g, ok := got[year]
		for i := range want {
			if !ok || math.Abs(g[i]-want[i]) > 2e-6 {
				return fmt.Errorf("regional-shares %s: %v, the plain query over the raw rows: %v", year, g, want)
			}
		}
		n++
	}
	if n != len(got) {
		return fmt.Errorf("regional-shares has %d years, the plain query %d", len(got), n)
	}
	r.log("regional-shares over %s agrees with the plain query in %d year(s)", tpDB, n)
	return nil
}
