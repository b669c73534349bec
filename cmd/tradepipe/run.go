package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tradepipe/tradepipe/pipeline"
	"github.com/tradepipe/tradepipe/sql/store"
)

// configFlag is the --config flag of run and schedule.
type configFlag struct {
	Config string `help:"Config file (default: tradepipe.yaml or tradepipe.yml in the working directory; see docs/pipeline.md)." type:"path"`
}

// load reads and checks the config; a bad config is a usage error (exit
// 2) and nothing runs.
func (c configFlag) load() (*pipeline.Config, error) {
	path, err := pipeline.FindConfig(c.Config)
	if err != nil {
		return nil, usageError("%v", err)
	}
	cfg, err := pipeline.Load(path)
	if err != nil {
		var ce *pipeline.ConfigError
		if errors.As(err, &ce) {
			return nil, &exitError{code: 2, err: fmt.Errorf("%w\n(nothing ran: fix the config, see docs/pipeline.md)", err)}
		}
		return nil, usageError("%v", err)
	}
	return cfg, nil
}

// newLogger is the log/slog logger of run and schedule.
func newLogger(w io.Writer, format string, withTime bool) *slog.Logger {
	opts := &slog.HandlerOptions{}
	if !withTime {
		opts.ReplaceAttr = func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		}
	}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

type runCmd struct {
	configFlag
	Job       []string `help:"Run only this job (repeatable); default: every job, in the config's order." placeholder:"NAME"`
	LogFormat string   `name:"log-format" enum:"text,json" default:"text" help:"Log lines (on standard error, each with its time): text or json."`
	DryRun    bool     `name:"dry-run" help:"Print what each step would do, and run nothing."`
	Force     bool     `help:"Make every report and export again, even when no data and no step changed since the job's last run."`
}

func (c *runCmd) Run(e *env) error {
	cfg, err := c.load()
	if err != nil {
		return err
	}
	jobs, err := selectJobs(cfg, c.Job)
	if err != nil {
		return err
	}
	if c.DryRun {
		return dryRun(e, cfg, jobs)
	}
	r := pipeline.NewRunner(cfg, newLogger(e.stderr, c.LogFormat, true))
	r.Version = version
	r.Force = c.Force
	var results []pipeline.Result
	for _, j := range jobs {
		if e.ctx.Err() != nil {
			break
		}
		results = append(results, r.Run(e.ctx, j))
	}
	if err := r.Flush(context.WithoutCancel(e.ctx)); err != nil {
		fmt.Fprintln(e.stderr, "tradepipe: run history:", err)
	}
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "job\trun\toutcome\tduration\tfiles\trows\terror")
	failed := 0
	for _, res := range results {
		if res.Outcome != store.RunOK {
			failed++
		}
		msg := ""
		if res.Err != nil {
			msg = res.Err.Error()
		}
		fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%d\t%d\t%s\n", res.Job, res.RunID, res.Outcome, res.Duration().Round(time.Millisecond), res.Files, res.Rows, msg)
	}
	w.Flush()
	if n := len(jobs) - len(results); n > 0 {
		return &exitError{code: 1, err: fmt.Errorf("interrupted: %d job(s) did not run", n)}
	}
	if failed > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%d of %d job(s) did not succeed", failed, len(results))}
	}
	return nil
}

// dryRun prints each job's plan (pipeline.Config.Plan); the ledger, read
// when the database is there, says which inbox files are loaded already.
func dryRun(e *env, cfg *pipeline.Config, jobs []*pipeline.Job) error {
	var loaded func(string, int64) bool
	if _, err := os.Stat(cfg.DB); err == nil {
		st, err := store.Open(e.ctx, cfg.DB, store.ReadOnly(), store.LockWait(cfg.LockWait))
		if err != nil {
			return err
		}
		files, err := st.Files(e.ctx)
		st.Close()
		if err != nil {
			return err
		}
		loaded = func(path string, size int64) bool {
			abs, _ := filepath.Abs(path)
			return slices.ContainsFunc(files, func(f store.FileInfo) bool { return f.Path == abs && f.Size == size })
		}
	}
	for _, j := range jobs {
		lines, err := cfg.Plan(j, time.Now(), loaded)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "job %s (dry run: nothing runs; database %s):\n", j.Name, cfg.DB)
		for _, l := range lines {
			fmt.Fprintln(e.stdout, "  "+l)
		}
	}
	return nil
}

// selectJobs returns the jobs named, in the config's order, or all.
func selectJobs(cfg *pipeline.Config, names []string) ([]*pipeline.Job, error) {
	var all []string
	for _, j := range cfg.Jobs {
		all = append(all, j.Name)
	}
	for _, n := range names {
		if !slices.Contains(all, n) {
			return nil, usageError("no job %q in %s (jobs: %s)", n, cfg.File, strings.Join(all, ", "))
		}
	}
	var out []*pipeline.Job
	for i := range cfg.Jobs {
		if len(names) == 0 || slices.Contains(names, cfg.Jobs[i].Name) {
			out = append(out, &cfg.Jobs[i])
		}
	}
	return out, nil
}
