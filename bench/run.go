package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tradepipe/tradepipe/bench/gen"
)

// The targets, in the order they run. Each compares tradepipe with what a
// user would do instead, in alternating runs of one bench run.
var targetNames = []string{"ingest", "readers", "export", "report", "history", "nightly", "zip-entries"}

// needBACI are the targets that read the BACI files prepareBACI makes.
var needBACI = []string{"ingest", "export", "report", "history", "nightly"}

// result is one line of the table.
type result struct {
	target, what string
	a, b         series // tradepipe and its baseline
	aName, bName string
	ratio        float64
	ratioText    string
	goal         string
	met          bool
	note         string
}

// peaks are peak RSS figures by size: of tradepipe ingest, of DuckDB's
// read_csv, and of DuckDB alone inserting generated rows.
type peaks struct{ ingest, native, alone map[int]int64 }

// runner holds what the targets share: where things are, and what earlier
// targets measured or made.
type runner struct {
	ctx          context.Context
	dir, dbDir   string
	tp, self     string
	pairs        int
	shortPairs   int // pairs of a target whose runs take under shortRun
	historyRuns  int
	sizes        []int
	comtradeRows int
	log          func(format string, a ...any)
	results      []result
	// made by earlier targets
	largest dataset        // the largest BACI file
	tpDB    string         // a tradepipe database of the largest file
	rawDB   string         // DuckDB's own table of its raw rows
	ingest  map[int]series // tradepipe ingest runs by size
	rss     peaks
	history *historyDB // the 100M-row database
	lines   []string   // extra lines for the end of the report
}

func cmdRun(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	dir := fs.String("dir", defaultDir(), "where generated data and databases go (outside the repository)")
	tp := fs.String("tradepipe", filepath.Join("bin", "tradepipe"), "the tradepipe binary to measure")
	pairs := fs.Int("pairs", 3, "A/B pairs per target")
	shortPairs := fs.Int("short-pairs", 11, "A/B pairs at least, for a target whose first two runs take under a second each")
	historyRuns := fs.Int("history-runs", 1, "runs of the 100M-row history ingest (each takes a minute or more)")
	targets := fs.String("targets", strings.Join(targetNames, ","), "targets to run: "+strings.Join(targetNames, ", "))
	sizesFlag := fs.String("sizes", "1000000,10000000", "BACI sizes in rows for ingest; the largest feeds export and report")
	historyYears := fs.Int("history-years", 10, "yearly files in the history release zip")
	comtradeRows := fs.Int("comtrade-rows", 1_000_000, "rows of the Comtrade+ file for ingest")
	if err := fs.Parse(args); err != nil {
		return err
	}
	// A word the bench does not know is a mistyped subcommand, not a
	// request for the whole run (twenty minutes of both cores).
	if fs.NArg() > 0 {
		names := slices.Sorted(maps.Keys(subcommands))
		return fmt.Errorf("unknown subcommand or argument %q (subcommands: %s; the run takes flags only)", fs.Arg(0), strings.Join(names, ", "))
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	if *tp, err = filepath.Abs(*tp); err != nil {
		return err
	}
	if _, err := os.Stat(*tp); err != nil {
		return fmt.Errorf("tradepipe binary: %w (make build)", err)
	}
	r := &runner{ctx: context.Background(), dir: *dir, dbDir: filepath.Join(*dir, "db"), tp: *tp, self: self,
		pairs: *pairs, shortPairs: *shortPairs, historyRuns: *historyRuns, comtradeRows: *comtradeRows, ingest: map[int]series{},
		rss: peaks{map[int]int64{}, map[int]int64{}, map[int]int64{}}}
	r.log = func(format string, a ...any) { fmt.Fprintf(stderr, format+"\n", a...) }
	for _, s := range strings.Split(*sizesFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 2 {
			return fmt.Errorf("bad size %q", s)
		}
		r.sizes = append(r.sizes, n)
	}
	slices.Sort(r.sizes)
	want := map[string]bool{}
	for _, t := range strings.Split(*targets, ",") {
		t = strings.TrimSpace(t)
		if !slices.Contains(targetNames, t) {
			return fmt.Errorf("unknown target %q (known: %s)", t, strings.Join(targetNames, ", "))
		}
		want[t] = true
	}
	if err := gen.CheckCodes(gen.BACICodes); err != nil {
		return err
	}
	if err := os.MkdirAll(r.dbDir, 0o755); err != nil {
		return err
	}
	started := time.Now()
	m := machine(r.ctx, self, r.tp)
	r.log("%s", m)
	if slices.ContainsFunc(needBACI, func(t string) bool { return want[t] }) {
		if err := r.prepareBACI(); err != nil {
			return err
		}
	}
	steps := map[string]func() error{"ingest": r.ingestTarget, "readers": r.readersTarget, "export": r.exportTarget, "report": r.reportTarget,
		"history":     func() error { return r.historyTarget(*historyYears) },
		"nightly":     func() error { return r.nightlyTarget(*historyYears) },
		"zip-entries": r.zipEntriesTarget}
	for _, name := range targetNames {
		if want[name] {
			if err := steps[name](); err != nil {
				// What the targets before measured is printed all the same.
				printResults(stdout, m, r.pairs, r.shortPairs, r.results, r.rss, r.sizes, time.Since(started))
				return fmt.Errorf("%s: %w", name, err)
			}
		}
	}
	if r.tpDB != "" {
		removeDB(r.tpDB)
		removeDB(r.rawDB)
	}
	printResults(stdout, m, r.pairs, r.shortPairs, r.results, r.rss, r.sizes, time.Since(started))
	for _, l := range r.lines {
		fmt.Fprintln(stdout, l)
	}
	return nil
}

// prepareBACI generates the BACI files and loads the largest once into a
// tradepipe database and, as its raw rows, into DuckDB's own table: what
// export and report read.
func (r *runner) prepareBACI() error {
	for _, n := range r.sizes {
		ds, err := prepare(r.dir, "baci", n, os.Stderr)
		if err != nil {
			return err
		}
		r.largest = ds
	}
	r.tpDB, r.rawDB = filepath.Join(r.dbDir, "largest.duckdb"), filepath.Join(r.dbDir, "raw.duckdb")
	removeDB(r.tpDB)
	removeDB(r.rawDB)
	if _, err := runProc(r.ctx, r.tp, "ingest", "--db", r.tpDB, "--dataset", "baci", r.largest.first); err != nil {
		return err
	}
	_, err := runProc(r.ctx, r.self, "native-csv", "-db", r.rawDB, "-layout", "baci", "-file", r.largest.first)
	return err
}

// shortRun is how long a run may take for its target to be run
// shortPairs times (pairsOf).
const shortRun = time.Second

// pairsOf runs a and b alternately, pairs times, and logs each pair.
//
// Where both runs of the first pair took under shortRun, it runs at least
// r.shortPairs pairs: runs of a tenth of a second spread by a third from
// one to the next (a report's 21 runs, alternating with the plain query's:
// 0.108-0.151 s), so three pairs could call a target met or missed by
// chance, and more pairs of it cost seconds.
func (r *runner) pairsOf(what string, n int, a, b func() (sample, error)) (series, series, error) {
	var as, bs series
	for p := 0; p < n; p++ {
		x, err := a()
		if err != nil {
			return nil, nil, err
		}
		y, err := b()
		if err != nil {
			return nil, nil, err
		}
		as, bs = append(as, x), append(bs, y)
		r.log("%s, pair %d: %ss, %ss", what, p+1, secs(x.t()), secs(y.t()))
		if p == 0 && x.t() < shortRun && y.t() < shortRun {
			n = max(n, r.shortPairs)
		}
	}
	return as, bs, nil
}

func (r *runner) proc(name string, args ...string) func() (sample, error) {
	return func() (sample, error) { return runProc(r.ctx, name, args...) }
}

// ingestTarget: BACI ingest against DuckDB's read_csv at each size, the
// revision of each against its first load, and Comtrade+ (issue 6's first
// three targets, kept as they were).
func (r *runner) ingestTarget() error {
	tpDB, nDB := filepath.Join(r.dbDir, "t1.duckdb"), filepath.Join(r.dbDir, "native.duckdb")
	defer removeDB(tpDB)
	defer removeDB(nDB)
	for _, n := range r.sizes {
		ds, err := prepare(r.dir, "baci", n, os.Stderr)
		if err != nil {
			return err
		}
		var a, b, c series
		for p := 0; p < r.pairs; p++ {
			removeDB(tpDB)
			s, err := runProc(r.ctx, r.tp, "ingest", "--db", tpDB, "--dataset", "baci", ds.first)
			if err != nil {
				return err
			}
			if !strings.Contains(s.out, fmt.Sprintf(": %d rows", n)) {
				return fmt.Errorf("tradepipe ingest: unexpected output %q", s.out)
			}
			a = append(a, s)
			removeDB(nDB)
			if s, err = runProc(r.ctx, r.self, "native-csv", "-db", nDB, "-layout", "baci", "-file", ds.first); err != nil {
				return err
			}
			b = append(b, s)
			if s, err = runProc(r.ctx, r.tp, "ingest", "--db", tpDB, "--dataset", "baci", ds.revised); err != nil {
				return err
			}
			if !strings.Contains(s.out, fmt.Sprintf("replaced %d earlier rows", n)) {
				return fmt.Errorf("tradepipe ingest of the revision: unexpected output %q", s.out)
			}
			c = append(c, s)
			r.log("baci %d rows, pair %d: first load %ss, DuckDB read_csv %ss, revision %ss", n, p+1,
				secs(a[p].t()), secs(b[p].t()), secs(c[p].t()))
		}
		r.ingest[n] = a
		r.rss.ingest[n], r.rss.native[n] = a.maxRSS(), b.maxRSS()
		// Context for the memory bound: DuckDB alone, the same number of
		// rows, no CSV and no Go.
		var alone series
		for p := 0; p < r.pairs; p++ {
			removeDB(nDB)
			s, err := runProc(r.ctx, r.self, "native-rows", "-db", nDB, "-rows", strconv.Itoa(n))
			if err != nil {
				return err
			}
			alone = append(alone, s)
		}
		r.rss.alone[n] = alone.maxRSS()
		res := result{target: "ingest", what: fmt.Sprintf("ingest BACI, %s rows", count(n)), a: a, b: b,
			aName: "tradepipe ingest", bName: "DuckDB read_csv"}
		res.ratio = b.median().Seconds() / a.median().Seconds()
		res.ratioText = fmt.Sprintf("%.2fx speed", res.ratio)
		res.goal, res.met = ">= 0.9x", res.ratio >= 0.9
		if n < 10_000_000 {
			// Issue 6 set the target on a 10-million-row file; below that
			// the fixed costs of a run (a new database with its schema
			// and country tables) weigh more.
			res.goal, res.note = "context", "set at 10M rows"
		}
		r.results = append(r.results, res)
		rev := result{target: "ingest", what: fmt.Sprintf("reload a revised BACI file, %s rows", count(n)), a: c, b: a,
			aName: "revision", bName: "first load"}
		rev.ratio = c.median().Seconds() / a.median().Seconds()
		rev.ratioText = fmt.Sprintf("%.2fx time", rev.ratio)
		rev.goal, rev.met = "<= 1.5x", rev.ratio <= 1.5
		r.results = append(r.results, rev)
	}
	ds, err := prepare(r.dir, "comtrade", r.comtradeRows, os.Stderr)
	if err != nil {
		return err
	}
	t3, n3 := filepath.Join(r.dbDir, "t3.duckdb"), filepath.Join(r.dbDir, "native3.duckdb")
	defer removeDB(t3)
	defer removeDB(n3)
	a, b, err := r.pairsOf(fmt.Sprintf("comtrade+ %d rows: tradepipe, DuckDB read_csv", ds.rows), r.pairs,
		func() (sample, error) {
			removeDB(t3)
			return runProc(r.ctx, r.tp, "ingest", "--db", t3, "--dataset", "comtrade", ds.first)
		},
		func() (sample, error) {
			removeDB(n3)
			return runProc(r.ctx, r.self, "native-csv", "-db", n3, "-layout", "comtrade", "-file", ds.first)
		})
	if err != nil {
		return err
	}
	res := result{target: "ingest", what: fmt.Sprintf("ingest Comtrade+ (47 quoted columns), %s rows", count(ds.rows)), a: a, b: b,
		aName: "tradepipe ingest", bName: "DuckDB read_csv"}
	res.ratio = b.median().Seconds() / a.median().Seconds()
	res.ratioText = fmt.Sprintf("%.2fx speed", res.ratio)
	res.goal, res.met = ">= 0.5x", res.ratio >= 0.5
	r.results = append(r.results, res)
	return nil
}

// exportTarget: the Parquet export of the trade table against DuckDB's own
// COPY of the same query (every column, value_usd included), to the same
// layout and compression.
func (r *runner) exportTarget() error {
	pa, pb := filepath.Join(r.dbDir, "export-tradepipe"), filepath.Join(r.dbDir, "export-native")
	defer os.RemoveAll(pa)
	defer os.RemoveAll(pb)
	var sa, sb int64
	a, b, err := r.pairsOf(fmt.Sprintf("parquet export %s rows: export.Run, DuckDB COPY", count(r.largest.rows)), r.pairs,
		func() (sample, error) {
			os.RemoveAll(pa)
			s, err := runProc(r.ctx, r.self, "export", "-mode", "tradepipe", "-db", r.tpDB, "-out", pa)
			sa = dirSize(pa, ".parquet")
			return s, err
		},
		func() (sample, error) {
			os.RemoveAll(pb)
			s, err := runProc(r.ctx, r.self, "export", "-mode", "native", "-db", r.tpDB, "-out", pb)
			sb = dirSize(pb, ".parquet")
			return s, err
		})
	if err != nil {
		return err
	}
	res := result{target: "export", what: fmt.Sprintf("Parquet export of trade, %s rows", count(r.largest.rows)), a: a, b: b,
		aName: "export.Run", bName: "DuckDB COPY, same columns"}
	res.ratio = b.median().Seconds() / a.median().Seconds()
	res.ratioText = fmt.Sprintf("%.2fx speed", res.ratio)
	res.goal, res.met = ">= 1.0x", res.ratio >= 1.0
	res.note = fmt.Sprintf("Parquet %s and %s", mb(sa), mb(sb))
	r.results = append(r.results, res)
	return nil
}
