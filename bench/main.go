// Command bench measures tradepipe against what a user would do instead
// (DuckDB's own CSV reader and COPY, a plain DuckDB query over the raw rows)
// and prints a table of medians, ratios and peak RSS with the machine it ran
// on. Run it with make bench; see docs/performance.md.
//
//	bench [-dir DIR] [-tradepipe BIN] [-pairs N] [-targets ingest,export,report,history]
//	      [-sizes 1000000,10000000] [-history-years 10] [-history-runs 1]
//
// It generates its data once into DIR (outside the repository; reused while
// the generator is unchanged), then runs each target and its baseline
// alternately, A B A B, each run a process of its own. The subcommands gen,
// native-csv, native-rows, export, report, plain-shares, parquet-rows and
// duckdb-version are the pieces it runs; gen is useful alone.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tradepipe/tradepipe/bench/gen"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// subcommands are the pieces the run is made of, by name; anything else
// is the run's flags.
var subcommands = map[string]func(args []string, stdout io.Writer) error{
	"gen":            cmdGen,
	"native-csv":     childNativeCSV,
	"native-rows":    childNativeRows,
	"export":         childExport,
	"report":         childReport,
	"plain-shares":   childPlainShares,
	"parquet-rows":   childParquetRows,
	"duckdb-version": func(_ []string, stdout io.Writer) error { return childVersion(stdout) },
}

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		if f, ok := subcommands[args[0]]; ok {
			return f(args[1:], stdout)
		}
	}
	return cmdRun(args, stdout, stderr)
}

// genVersion changes whenever the generators' output does, so that old
// data in the directory is made again.
const genVersion = "1"

// dataset is one generated file and its revision.
type dataset struct {
	rows           int
	first, revised string
}

func defaultDir() string { return filepath.Join(os.TempDir(), "tradepipe-bench") }

// prepare generates (or finds, from an earlier run) the BACI file of rows
// rows and its revision, or the Comtrade+ file.
func prepare(dir, kind string, rows int, log io.Writer) (dataset, error) {
	d := filepath.Join(dir, fmt.Sprintf("%s-%d-v%s", kind, rows, genVersion))
	if err := os.MkdirAll(d, 0o755); err != nil {
		return dataset{}, err
	}
	o := gen.Options{Rows: rows, Year: 2019, KeySeed: 2019, ValueSeed: 1, EmptyQ: 20}
	ds := dataset{rows: rows}
	type file struct {
		path  string
		write func(io.Writer, gen.Options) error
		o     gen.Options
	}
	var files []file
	switch kind {
	case "baci":
		// BACI's file names carry the classification and the release.
		ds.first = filepath.Join(d, "BACI_HS17_Y2019_V202401.csv")
		ds.revised = filepath.Join(d, "BACI_HS17_Y2019_V202501.csv")
		rev := o
		rev.ValueSeed = 2
		files = []file{{ds.first, gen.WriteBACI, o}, {ds.revised, gen.WriteBACI, rev}}
	case "comtrade":
		ds.first = filepath.Join(d, "comtrade_plus_2019.csv")
		files = []file{{ds.first, gen.WriteComtrade, o}}
	}
	for _, f := range files {
		if _, err := os.Stat(f.path); err == nil {
			continue
		}
		start := time.Now()
		tmp := f.path + ".tmp"
		w, err := os.Create(tmp)
		if err != nil {
			return ds, err
		}
		if err := errors.Join(f.write(w, f.o), w.Close()); err != nil {
			os.Remove(tmp)
			return ds, err
		}
		if err := os.Rename(tmp, f.path); err != nil {
			return ds, err
		}
		st, _ := os.Stat(f.path)
		fmt.Fprintf(log, "generated %s: %d rows, %s in %s\n", f.path, rows, mb(st.Size()), time.Since(start).Round(time.Millisecond))
	}
	return ds, nil
}

func cmdGen(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	dir := fs.String("dir", defaultDir(), "where the data goes (outside the repository)")
	kind := fs.String("kind", "baci", "baci or comtrade")
	rows := fs.Int("rows", 1_000_000, "rows")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := gen.CheckCodes(gen.BACICodes); err != nil {
		return err
	}
	ds, err := prepare(*dir, *kind, *rows, stdout)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, ds.first)
	if ds.revised != "" {
		fmt.Fprintln(stdout, ds.revised)
	}
	return nil
}

// A measured run.
type sample struct {
	wall time.Duration // the whole process
	self time.Duration // what the child timed itself (0 if nothing)
	rss  int64         // peak resident set of the process, bytes
	cpu  time.Duration // user and system CPU time of the process
	out  string
	err  string // standard error
}

// t is the time that counts: the child's own timing where it gives one.
func (s sample) t() time.Duration {
	if s.self > 0 {
		return s.self
	}
	return s.wall
}

type series []sample

func (s series) median() time.Duration {
	ts := make([]time.Duration, len(s))
	for i, x := range s {
		ts[i] = x.t()
	}
	return medianOf(ts)
}

func (s series) maxRSS() int64 {
	var m int64
	for _, x := range s {
		m = max(m, x.rss)
	}
	return m
}

func medianOf(ts []time.Duration) time.Duration {
	if len(ts) == 0 {
		return 0
	}
	ts = slices.Clone(ts)
	slices.Sort(ts)
	if len(ts)%2 == 1 {
		return ts[len(ts)/2]
	}
	return (ts[len(ts)/2-1] + ts[len(ts)/2]) / 2
}

// cpus lists the CPU time (user and system) of each run; for a child that
// timed itself it covers the whole process, setup included.
func (s series) cpus() string {
	var parts []string
	for _, x := range s {
		parts = append(parts, fmt.Sprintf("%.1f", x.cpu.Seconds()))
	}
	return strings.Join(parts, " ")
}

func (s series) String() string {
	var parts []string
	for _, x := range s {
		parts = append(parts, secs(x.t()))
	}
	return strings.Join(parts, " ")
}

// secs prints a time in seconds: to the millisecond below a second, where
// the small loads and the reports are told apart, and to 0.01 s above.
func secs(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%.3f", d.Seconds())
	}
	return fmt.Sprintf("%.2f", d.Seconds())
}

// runProc runs a child process and measures it.
func runProc(ctx context.Context, name string, args ...string) (sample, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	s := sample{wall: time.Since(start), out: out.String(), err: errb.String()}
	if cmd.ProcessState != nil {
		s.rss = maxRSS(cmd.ProcessState)
		s.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if err != nil {
		return s, fmt.Errorf("%s %s: %v\n%s%s", filepath.Base(name), strings.Join(args, " "), err, out.String(), errb.String())
	}
	for _, l := range strings.Split(s.out, "\n") {
		if v, ok := strings.CutPrefix(l, "elapsed_ns "); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			s.self = time.Duration(n)
		}
	}
	return s, nil
}

// removeDB deletes a DuckDB file and its write-ahead log.
func removeDB(path string) {
	os.Remove(path)
	os.Remove(path + ".wal")
}

func printResults(w io.Writer, m string, pairs, shortPairs int, rs []result, p peaks, sizes []int, took time.Duration) {
	rss := p.ingest
	fmt.Fprintf(w, "\n%s\n\n", m)
	fmt.Fprintf(w, "Medians of %d alternating pairs, of %d where a target's first two runs took under %s each; every run is a process of its own. Ratios compare the medians.\n\n",
		pairs, max(pairs, shortPairs), shortRun)
	fmt.Fprintln(w, "| target | measure | A | A median | B | B median | ratio | goal | met |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|")
	for _, r := range rs {
		met := yes(r.met)
		if r.goal == "context" {
			r.goal, met = "", ""
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s s | %s | %s s | %s | %s | %s |\n", r.target, r.what, r.aName, secs(r.a.median()),
			r.bName, secs(r.b.median()), r.ratioText, r.goal, met)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| target | A runs (s) | A CPU (s) | A peak RSS | B runs (s) | B CPU (s) | B peak RSS | note |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
	for _, r := range rs {
		fmt.Fprintf(w, "| %s: %s | %s | %s | %s | %s | %s | %s | %s |\n", r.target, r.what, r.a, r.a.cpus(), mb(r.a.maxRSS()),
			r.b, r.b.cpus(), mb(r.b.maxRSS()), r.note)
	}
	if len(sizes) >= 2 && rss[sizes[0]] > 0 && rss[sizes[len(sizes)-1]] > 0 {
		lo, hi := rss[sizes[0]], rss[sizes[len(sizes)-1]]
		growth := float64(hi-lo) / float64(lo)
		fmt.Fprintf(w, "\nPeak RSS of tradepipe ingest: %s at %s rows, %s at %s rows: %+.1f%% (goal: <= 1 GB and < 10%% growth): %s\n",
			mb(lo), count(sizes[0]), mb(hi), count(sizes[len(sizes)-1]), 100*growth, yes(hi <= 1<<30 && growth < 0.10))
		for _, c := range []struct {
			what string
			m    map[int]int64
		}{
			{"DuckDB read_csv (the baseline)", p.native},
			{"DuckDB alone inserting generated rows into a table of trade_rows' shape (bench/sql/native_rows.sql)", p.alone},
		} {
			lo, hi := c.m[sizes[0]], c.m[sizes[len(sizes)-1]]
			if lo > 0 && hi > 0 {
				fmt.Fprintf(w, "Peak RSS of %s: %s, %s: %+.1f%%\n", c.what, mb(lo), mb(hi), 100*float64(hi-lo)/float64(lo))
			}
		}
	}
	fmt.Fprintf(w, "\nThe whole run took %s.\n", took.Round(time.Second))
}

func yes(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

func count(n int) string {
	switch {
	case n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return strconv.Itoa(n)
}

func mb(n int64) string { return fmt.Sprintf("%.0f MB", float64(n)/(1<<20)) }

// dirSize adds up the sizes of the files under dir whose names end in ext.
func dirSize(dir, ext string) int64 {
	var n int64
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ext) {
			if st, err := d.Info(); err == nil {
				n += st.Size()
			}
		}
		return nil
	})
	return n
}

// version is the commit bench was built from (make sets it, as it does
// tradepipe's): its export and report children run the store's code
// linked into bench itself, so both binaries' commits are printed.
var version = "dev"

// machine describes where the run happened, and from which commits: tp
// is the tradepipe binary measured.
func machine(ctx context.Context, self, tp string) string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		f := strings.Fields(string(b))
		if len(f) >= 2 {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			mem = fmt.Sprintf(", %.0f GB RAM", float64(kb)/(1<<20))
		}
	}
	kernel := ""
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		kernel = " " + strings.TrimSpace(string(b))
	}
	load := ""
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = ", load average " + strings.Join(strings.Fields(string(b))[:3], " ")
	}
	duck := "?"
	if s, err := runProc(ctx, self, "duckdb-version"); err == nil {
		duck = strings.TrimSpace(s.out)
	}
	tpv := "?"
	if s, err := runProc(ctx, tp, "--version"); err == nil {
		tpv = strings.TrimPrefix(strings.TrimSpace(s.out), "tradepipe ")
	}
	built := "tradepipe " + tpv + ", bench " + version
	if tpv != version {
		built += " (not one build: make bench builds both)"
	}
	return fmt.Sprintf("Machine: %s, %d logical CPUs%s; %s/%s%s; %s; DuckDB %s; %s%s; commit: %s",
		cpu, runtime.NumCPU(), mem, runtime.GOOS, runtime.GOARCH, kernel, runtime.Version(), duck,
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), load, built)
}
