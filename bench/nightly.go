package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tradepipe/tradepipe/bench/gen"
)

// nightlyConfig is the job the nightly target runs: the whole BACI
// history and a Comtrade+ dataset, each with two reports and a Parquet
// export of the default tables.
const nightlyConfig = `db: nightly.duckdb
inbox: inbox
outputs: outputs
settle: 0s
datasets:
  - name: baci
    files: ["BACI_*.zip"]
    coverage: world
  - name: comtrade
    files: ["comtrade_*.csv"]
jobs:
  - name: nightly
    steps:
      - ingest
      - transform
      - report regional-shares partner-shares --dataset baci --group C5
      - report coverage group-compare --dataset comtrade --group C5
      - export --dataset baci --out parquet-baci
      - export --dataset comtrade --out parquet-comtrade
`

// kazM49 is Kazakhstan's UN M49 code: the reporter of the nightly new file.
const kazM49 = 398

// nightlyTarget: 'tradepipe run' of a nightly job over the 100M-row history
// with a Comtrade+ dataset beside it, once with no new file and once with
// one small new file (a month of Comtrade+ for one reporter), alternately.
// The job's first run (which loads nothing new but hashes the inbox and
// makes every report and export) is not timed.
func (r *runner) nightlyTarget(years int) error {
	h := r.history
	if h == nil {
		var err error
		if h, err = prepareHistory(r.dir, years, r.largest.rows, r.log); err != nil {
			return err
		}
		h.path = filepath.Join(r.dbDir, "history.duckdb")
		if _, err := os.Stat(h.path); err != nil {
			r.log("nightly: loading the %s-row history once", count(h.rows))
			if _, err := runProc(r.ctx, r.tp, "ingest", "--db", h.path, "--dataset", "baci", h.zip); err != nil {
				return err
			}
		}
	}
	ct, err := prepare(r.dir, "comtrade", r.comtradeRows, os.Stderr)
	if err != nil {
		return err
	}
	dir := filepath.Join(r.dbDir, "nightly")
	os.RemoveAll(dir)
	defer os.RemoveAll(dir)
	inbox := filepath.Join(dir, "inbox")
	if err := os.MkdirAll(inbox, 0o755); err != nil {
		return err
	}
	r.log("nightly: copying the history's database")
	if err := copyFileTo(h.path, filepath.Join(dir, "nightly.duckdb")); err != nil {
		return err
	}
	for _, l := range []struct{ from, to string }{{h.zip, filepath.Base(h.zip)}, {ct.first, "comtrade_2019.csv"}} {
		if err := os.Symlink(l.from, filepath.Join(inbox, l.to)); err != nil {
			return err
		}
	}
	cfg := filepath.Join(dir, "tradepipe.yaml")
	if err := os.WriteFile(cfg, []byte(nightlyConfig), 0o644); err != nil {
		return err
	}
	run := func() (sample, error) { return runProc(r.ctx, r.tp, "run", "--config", cfg) }
	start := time.Now()
	if _, err := run(); err != nil {
		return err
	}
	r.log("nightly: first run (Comtrade+ loaded, inbox hashed, every report and export made) in %s", time.Since(start).Round(time.Second))
	month := 0
	newFile := func() (sample, error) {
		month++
		// A month of 2020, then of 2021 from the thirteenth run on.
		y, m := 2020+(month-1)/12, (month-1)%12+1
		p := filepath.Join(inbox, fmt.Sprintf("comtrade_kaz_%d_%02d.csv", y, m))
		if err := writeGen(p, gen.WriteComtrade, gen.Options{Rows: r.comtradeRows, Year: y, KeySeed: 2019,
			ValueSeed: uint64(100 + month), Month: m, Reporter: kazM49}); err != nil {
			return sample{}, err
		}
		s, err := run()
		if err == nil && !strings.Contains(s.err, "files_loaded=1") {
			err = fmt.Errorf("nightly run with a new file loaded none: %s", lastLines(s.err, 5))
		}
		return s, err
	}
	nothing := func() (sample, error) {
		s, err := run()
		if err == nil && (!strings.Contains(s.err, "its reports stand") || strings.Count(s.err, "its export stands") != 2) {
			err = fmt.Errorf("nightly run with no new file made its outputs again: %s", lastLines(s.err, 5))
		}
		return s, err
	}
	a, b, err := r.pairsOf("nightly run: nothing new, one new file", r.pairs, nothing, newFile)
	if err != nil {
		return err
	}
	an, bn := a.median(), b.median()
	r.results = append(r.results, result{target: "nightly",
		what: fmt.Sprintf("tradepipe run over the %s-row history and a Comtrade+ dataset (4 reports, 2 exports)", count(h.rows)),
		a:    a, aName: "no new file", b: b, bName: "one new file (a month of Comtrade+ for one reporter)",
		ratio: bn.Seconds(), ratioText: fmt.Sprintf("%s s and %s s", secs(an), secs(bn)),
		goal: "< 1 s and < 2 s", met: an < time.Second && bn < 2*time.Second})
	return nil
}

// writeGen writes one generated file through a temporary name.
func writeGen(path string, write func(io.Writer, gen.Options) error, o gen.Options) error {
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := errors.Join(write(f, o), f.Close()); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

func copyFileTo(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// lastLines is the end of a process's log, for an error.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
