package pipeline

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"
)

// Task is what the Scheduler runs: a thin job body with its schedule.
type Task struct {
	Name     string
	Schedule cron.Schedule
	// Run is the job body. The context is cancelled when shutdown's grace
	// period is over.
	Run func(ctx context.Context) error
	// Skipped, if set, is told of each run that did not start: the
	// task's previous run was still going, or the scheduler was stopping.
	Skipped func(at time.Time, reason string)
}

// Skip reasons.
const (
	SkipStillRunning = "skipped: the previous run of this job was still going"
	SkipStopping     = "skipped: the scheduler was stopping"
)

// Scheduler runs tasks on their cron schedules, one task at a time: a
// task due while another runs waits for it; a task due while its own
// previous run is still going (or waiting) is skipped.
type Scheduler struct {
	cron     *cron.Cron
	log      *slog.Logger
	ctx      context.Context
	cancel   context.CancelFunc
	one      chan struct{} // held by the running task
	stopping chan struct{}
	stopOnce sync.Once
	names    map[cron.EntryID]string
	active   atomic.Int32 // task bodies started and not returned (running or waiting their turn)
}

// NewScheduler prepares tasks; Start starts the clock.
func NewScheduler(log *slog.Logger, tasks []Task) *Scheduler {
	s := &Scheduler{
		cron:     cron.New(cron.WithLogger(cronLogger{log: log})),
		log:      log,
		one:      make(chan struct{}, 1),
		stopping: make(chan struct{}),
		names:    map[cron.EntryID]string{},
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	for _, t := range tasks {
		// SkipIfStillRunning outside Recover: cron v3.0.1's skip wrapper
		// returns its token only when the job returns normally, so a
		// panic must be recovered inside it.
		job := cron.NewChain(
			cron.SkipIfStillRunning(skipLogger{log: log, task: t}),
			cron.Recover(cronLogger{log: log, job: t.Name}),
		).Then(cron.FuncJob(func() { s.run(t) }))
		s.names[s.cron.Schedule(t.Schedule, job)] = t.Name
	}
	return s
}

// run waits for the other tasks, then runs t.
func (s *Scheduler) run(t Task) {
	s.active.Add(1)
	defer s.active.Add(-1)
	select {
	case <-s.stopping:
		s.skip(t, time.Now(), SkipStopping)
		return
	default:
	}
	select {
	case s.one <- struct{}{}:
	case <-s.stopping:
		s.skip(t, time.Now(), SkipStopping)
		return
	}
	defer func() { <-s.one }()
	if err := t.Run(s.ctx); err != nil {
		s.log.Debug("job body returned", "job", t.Name, "error", err)
	}
}

func (s *Scheduler) skip(t Task, at time.Time, reason string) {
	s.log.Warn("job skipped", "job", t.Name, "reason", reason)
	if t.Skipped != nil {
		t.Skipped(at, reason)
	}
}

// Start starts scheduling.
func (s *Scheduler) Start() { s.cron.Start() }

// Next returns each task's next run time (zero before Start).
func (s *Scheduler) Next() map[string]time.Time {
	out := map[string]time.Time{}
	for _, e := range s.cron.Entries() {
		out[s.names[e.ID]] = e.Next
	}
	return out
}

// Shutdown stops scheduling and waits for the running task to finish; when
// grace passes first, it cancels the task's context and waits for it to
// return. It tells whether it had to cancel.
func (s *Scheduler) Shutdown(grace time.Duration) (cancelled bool) {
	s.stopOnce.Do(func() { close(s.stopping) })
	done := s.cron.Stop().Done()
	defer s.cancel()
	if s.active.Load() > 0 {
		s.log.Info("stopping: waiting for the running job", "grace_period", grace)
	}
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-done:
		return false
	case <-t.C:
	}
	s.log.Warn("grace period over: cancelling the running job (an ingest in progress rolls back its file)")
	s.cancel()
	<-done
	return true
}

// skipLogger is the logger of cron.SkipIfStillRunning, whose only message
// is a skip.
type skipLogger struct {
	log  *slog.Logger
	task Task
}

func (l skipLogger) Info(string, ...any) {
	at := time.Now()
	l.log.Warn("job skipped", "job", l.task.Name, "reason", SkipStillRunning)
	if l.task.Skipped != nil {
		l.task.Skipped(at, SkipStillRunning)
	}
}

func (l skipLogger) Error(err error, msg string, kv ...any) {
	cronLogger{log: l.log, job: l.task.Name}.Error(err, msg, kv...)
}

// cronLogger passes cron's errors (a recovered panic) to slog and drops
// its chatter.
type cronLogger struct {
	log *slog.Logger
	job string
}

func (cronLogger) Info(string, ...any) {}

func (l cronLogger) Error(err error, msg string, kv ...any) {
	if err == nil {
		err = errors.New(msg)
	}
	attrs := []any{"error", err}
	if l.job != "" {
		attrs = append(attrs, "job", l.job)
	}
	l.log.Error("job "+msg, append(attrs, kv...)...)
}
