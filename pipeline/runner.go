package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/tradepipe/tradepipe/sql/report/render"
	"github.com/tradepipe/tradepipe/sql/store"
)

// Runner runs jobs of a config and keeps their history in the database's
// runs table. Run is not meant to be called concurrently (the Scheduler
// runs one job at a time); Skipped may be called from any goroutine.
type Runner struct {
	Config  *Config
	Log     *slog.Logger
	Version string // recorded in export manifests
	// Now is the clock (default time.Now): run times and the inbox's
	// settle check read it.
	Now func() time.Time
	// Force makes every report and export step run even when no data and
	// no step changed since the job's last successful run.
	Force bool

	mu      sync.Mutex
	pending []store.Run // runs to record at the next open: skips, and ends that could not be written
	hashes  map[hashKey]string
	// hashesRecalled: hashes were read from the database (once per
	// Runner); hashesDirty: they changed since they were last written.
	hashesRecalled, hashesDirty bool

	// Test hooks: the wait before a retry (default time.After) and a
	// load's progress.
	after    func(time.Duration) <-chan time.Time
	progress func(file string, n int64)

	jlog *slog.Logger // Log with the running job's name
}

// Result is how one run of a job went.
type Result struct {
	Job      string
	RunID    int64 // 0 if the database could not be opened to record it
	Outcome  string
	Started  time.Time
	Ended    time.Time
	Attempts int
	Files    int64 // files loaded
	Rows     int64 // rows loaded
	Failed   int   // files that failed in this run
	Held     int   // files left alone: they failed before and their bytes have not changed
	Waiting  int   // files still being written (modified within Settle)
	Err      error
}

// Duration is how long the run took.
func (r Result) Duration() time.Duration { return r.Ended.Sub(r.Started) }

// NewRunner returns a Runner for c logging to log.
func NewRunner(c *Config, log *slog.Logger) *Runner {
	return &Runner{Config: c, Log: log, Now: time.Now}
}

func (r *Runner) wait(d time.Duration) <-chan time.Time {
	if r.after != nil {
		return r.after(d)
	}
	return time.After(d)
}

func (r *Runner) now() time.Time {
	if r.Now == nil {
		return time.Now()
	}
	return r.Now()
}

// Run runs job j once: its steps in order, each attempt with the database
// opened for the attempt only, retrying transient failures up to
// j.Retries times with backoff. The run is recorded in the runs table.
func (r *Runner) Run(ctx context.Context, j *Job) (res Result) {
	res = Result{Job: j.Name, Started: r.now(), Outcome: store.RunRunning}
	r.jlog = r.Log.With("job", j.Name)
	r.jlog.Info("job started")
	var st *store.Store
	defer func() {
		if p := recover(); p != nil {
			res.Outcome, res.Err = store.RunFailed, fmt.Errorf("panic: %v", p)
			r.end(st, &res)
			panic(p) // for cron.Recover, which logs the stack
		}
	}()
	backoff := r.Config.RetryBackoff
	for attempt := 1; ; attempt++ {
		res.Attempts = attempt
		var err error
		st, err = r.attempt(ctx, j, &res)
		done := true
		switch {
		case err == nil:
			res.Outcome = store.RunOK
		case ctx.Err() != nil:
			res.Outcome, res.Err = store.RunCancelled, fmt.Errorf("cancelled: %w", err)
		case attempt <= j.Retries && store.Classify(err).Transient():
			done = false
		default:
			res.Outcome, res.Err = store.RunFailed, err
		}
		if done {
			break
		}
		r.jlog.Warn("job attempt failed; retrying", "attempt", attempt, "retry_in", backoff, "error", err)
		if st != nil {
			r.flush(ctx, st)
			st.Close()
			st = nil
		}
		select {
		case <-ctx.Done():
			res.Outcome, res.Err = store.RunCancelled, fmt.Errorf("cancelled while waiting to retry after: %w", err)
		case <-r.wait(backoff):
		}
		if res.Outcome == store.RunCancelled {
			break
		}
		backoff *= 2
	}
	r.end(st, &res)
	return res
}

// attempt opens the database and runs the steps; the store it returns (if
// any) is still open.
func (r *Runner) attempt(ctx context.Context, j *Job, res *Result) (st *store.Store, err error) {
	defer func() {
		if p := recover(); p != nil {
			if st != nil {
				st.Close()
			}
			panic(p)
		}
	}()
	actx := ctx
	if j.Timeout > 0 {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, j.Timeout)
		defer cancel()
	}
	if err := os.MkdirAll(filepath.Dir(r.Config.DB), 0o755); err != nil {
		return nil, err
	}
	st, err = store.Open(actx, r.Config.DB, store.LockWait(r.Config.LockWait))
	if err != nil {
		return nil, r.timedOut(actx, ctx, j, err)
	}
	if res.RunID == 0 {
		r.flush(ctx, st)
		if n, err := st.MarkUnfinished(ctx, r.now()); err != nil {
			return st, err
		} else if n > 0 {
			r.jlog.Warn("marked runs of a process that ended mid-run as unfinished", "runs", n)
		}
		if res.RunID, err = st.StartRun(ctx, j.Name, res.Started); err != nil {
			return st, err
		}
	}
	var fileErrs []error
	pages := map[string]render.Page{} // this run's report pages, for the HTML site
	// The reports stand or are made again together, each export alone
	// (outputs.go).
	var reportSteps []Step
	for _, s := range j.Steps {
		if s.Kind == StepReport || s.Kind == StepBrief {
			reportSteps = append(reportSteps, s)
		}
	}
	var (
		reportsKey    string   // what the reports are made from, once the first is reached
		reportsStand  bool     // ... and the last run's reports were made from it, untouched
		reportsOutput []string // the files this run's report steps wrote
	)
	for i, s := range j.Steps {
		var err error
		part, key := "", ""
		switch s.Kind {
		case StepIngest:
			var bad error
			bad, err = r.ingest(actx, st, res)
			if bad != nil {
				fileErrs = append(fileErrs, bad)
			}
		case StepTransform:
			err = r.refreshGroups(actx, st)
		case StepReport, StepBrief:
			part = reportsPart
			if reportsKey == "" {
				if reportsKey, err = r.outputsKey(actx, st, reportSteps); err != nil {
					return st, err
				}
				if reportsStand = !r.Force && r.outputsCurrent(j.Name, part, reportsKey); reportsStand {
					r.jlog.Info("no data and no step changed since the last run: its reports stand", "state", r.statePath())
				}
			}
			switch {
			case reportsStand:
			case s.Kind == StepBrief:
				err = r.brief(actx, st, s, &reportsOutput)
			default:
				err = r.report(actx, st, s, pages, &reportsOutput)
			}
		case StepExport:
			part = exportPart(i)
			if key, err = r.outputsKey(actx, st, []Step{s}); err != nil {
				return st, err
			}
			if !r.Force && r.outputsCurrent(j.Name, part, key) {
				r.jlog.Info("no data and no step changed since the last run: its export stands", "step", s.Text)
				continue
			}
			var written []string
			if err = r.export(actx, st, s, &written); err == nil {
				r.keepOutputs(j.Name, part, key, written)
			}
		}
		if err != nil {
			if part != "" {
				r.forgetOutputs(j.Name, part)
			}
			return st, r.timedOut(actx, ctx, j, fmt.Errorf("step %q: %w", s.Text, err))
		}
	}
	if len(pages) > 0 {
		if err := r.writeSite(pages, &reportsOutput); err != nil {
			r.forgetOutputs(j.Name, reportsPart)
			return st, fmt.Errorf("report pages: %w", err)
		}
	}
	if reportsKey != "" && !reportsStand {
		r.keepOutputs(j.Name, reportsPart, reportsKey, reportsOutput)
	}
	if len(fileErrs) > 0 {
		return st, joinErrors(fileErrs)
	}
	return st, nil
}

// timedOut says so when the attempt's own deadline (not the caller's
// context) stopped it.
func (r *Runner) timedOut(actx, ctx context.Context, j *Job, err error) error {
	if ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("timed out after %s (the job's timeout): %w", j.Timeout, err)
	}
	return err
}

// end records the run's end (or queues it when the database is not open)
// and logs it.
func (r *Runner) end(st *store.Store, res *Result) {
	res.Ended = r.now()
	rec := store.Run{RunID: res.RunID, Job: res.Job, StartedAt: res.Started, EndedAt: &res.Ended, Outcome: res.Outcome,
		FilesLoaded: res.Files, RowsLoaded: res.Rows}
	if res.Err != nil {
		rec.Error = res.Err.Error()
	}
	if st != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		var err error
		if rec.RunID != 0 {
			err = st.FinishRun(ctx, rec)
		} else {
			res.RunID, err = st.RecordRun(ctx, rec)
		}
		if err != nil {
			r.Log.Error("could not record the run; will try at the next run", "job", res.Job, "error", err)
			r.queue(rec)
		}
		r.flush(ctx, st)
		cancel()
		if err := st.Close(); err != nil {
			r.Log.Error("closing the database", "error", err)
		}
	} else {
		r.queue(rec)
	}
	attrs := []any{"job", res.Job, "run_id", res.RunID, "outcome", res.Outcome, "duration", res.Duration().Round(time.Millisecond),
		"files_loaded", res.Files, "rows_loaded", res.Rows, "files_failed", res.Failed, "files_held", res.Held,
		"files_waiting", res.Waiting, "attempts", res.Attempts}
	if res.Err != nil {
		attrs = append(attrs, "error", res.Err.Error())
		r.Log.Error("job finished", attrs...)
		return
	}
	r.Log.Info("job finished", attrs...)
}

// Skipped records that a run of job due at did not start, and why. The
// record is written when the database is next open (by the run that is
// still going, at its end).
func (r *Runner) Skipped(job string, at time.Time, reason string) {
	r.queue(store.Run{Job: job, StartedAt: at, EndedAt: &at, Outcome: store.RunSkipped, Error: reason})
}

func (r *Runner) queue(rec store.Run) {
	r.mu.Lock()
	r.pending = append(r.pending, rec)
	r.mu.Unlock()
}

// flush writes the queued run records.
func (r *Runner) flush(ctx context.Context, st *store.Store) {
	ctx = context.WithoutCancel(ctx)
	r.mu.Lock()
	defer r.mu.Unlock()
	var keep []store.Run
	for _, rec := range r.pending {
		var err error
		switch {
		case rec.RunID != 0:
			err = st.FinishRun(ctx, rec)
		case rec.Outcome == store.RunSkipped:
			_, err = st.SkipRun(ctx, rec.Job, rec.StartedAt, rec.Error)
		default:
			_, err = st.RecordRun(ctx, rec)
		}
		if err != nil {
			r.Log.Error("could not record a run", "job", rec.Job, "outcome", rec.Outcome, "error", err)
			keep = append(keep, rec)
		}
	}
	r.pending = keep
}

// Flush opens the database to write the queued run records, if there are
// any (the Scheduler calls it at shutdown).
func (r *Runner) Flush(ctx context.Context) error {
	r.mu.Lock()
	n := len(r.pending)
	r.mu.Unlock()
	if n == 0 {
		return nil
	}
	st, err := store.Open(ctx, r.Config.DB, store.LockWait(r.Config.LockWait))
	if err != nil {
		return fmt.Errorf("recording %d run(s): %w", n, err)
	}
	defer st.Close()
	r.flush(ctx, st)
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.pending) > 0 {
		return fmt.Errorf("%d run(s) could not be recorded", len(r.pending))
	}
	return nil
}

// joinedErrors is errors.Join on one line, for the runs table.
type joinedErrors []error

func (e joinedErrors) Error() string {
	var b strings.Builder
	for i, x := range e {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(x.Error())
	}
	return b.String()
}

func (e joinedErrors) Unwrap() []error { return e }

func joinErrors(errs []error) error {
	if len(errs) == 1 {
		return errs[0]
	}
	return joinedErrors(errs)
}
