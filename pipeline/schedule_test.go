package pipeline

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/robfig/cron/v3"
)

// The scheduler tests run in a testing/synctest bubble: time there is a
// fake clock that jumps to the next timer as soon as every goroutine of
// the bubble is blocked, so "time.Sleep(3 * time.Minute)" takes no real
// time and cron's timers fire exactly on their ticks.

// epoch is where a synctest bubble's clock starts.
var epoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

func sched(t *testing.T, spec string) cron.Schedule {
	t.Helper()
	s, _, problem := parseSchedule(spec, "UTC")
	if problem != "" {
		t.Fatalf("%s: %s", spec, problem)
	}
	return s
}

// syncBuffer is a log sink safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func testLogger() (*slog.Logger, *syncBuffer) {
	var b syncBuffer
	return slog.New(slog.NewTextHandler(&b, &slog.HandlerOptions{Level: slog.LevelDebug})), &b
}

// since gives the fake time elapsed since the bubble started.
func since() time.Duration { return time.Since(epoch) }

func TestSchedulerTicks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		log, _ := testLogger()
		var mu sync.Mutex
		runs := map[string][]time.Duration{}
		body := func(name string) func(context.Context) error {
			return func(context.Context) error {
				mu.Lock()
				runs[name] = append(runs[name], since())
				mu.Unlock()
				return nil
			}
		}
		s := NewScheduler(log, []Task{
			{Name: "every", Schedule: sched(t, "@every 10m"), Run: body("every")},
			{Name: "cron", Schedule: sched(t, "*/15 * * * *"), Run: body("cron")},
			{Name: "daily", Schedule: sched(t, "@daily"), Run: body("daily")},
			{Name: "almaty", Schedule: sched(t, "CRON_TZ=Asia/Almaty 30 2 * * *"), Run: body("almaty")},
		})
		s.Start()
		synctest.Wait()
		next := s.Next()
		if want := epoch.Add(10 * time.Minute); !next["every"].Equal(want) {
			t.Errorf("next run of every: %s, want %s", next["every"], want)
		}
		time.Sleep(24*time.Hour + time.Second)
		synctest.Wait()
		s.Shutdown(time.Minute)
		mu.Lock()
		defer mu.Unlock()
		if n := len(runs["every"]); n != 144 {
			t.Errorf("@every 10m ran %d times in a day, want 144", n)
		}
		if n := len(runs["cron"]); n != 96 || runs["cron"][0] != 15*time.Minute || runs["cron"][1] != 30*time.Minute {
			t.Errorf("*/15 ran %d times, first at %v", n, runs["cron"][:2])
		}
		if got := runs["daily"]; len(got) != 1 || got[0] != 24*time.Hour {
			t.Errorf("@daily ran at %v, want once at 24h", got)
		}
		// 02:30 in Almaty (UTC+5 in 2000, UTC+6 before 2024) is 20:30 or 21:30 UTC.
		if got := runs["almaty"]; len(got) != 1 || (got[0] != 20*time.Hour+30*time.Minute && got[0] != 21*time.Hour+30*time.Minute) {
			t.Errorf("CRON_TZ=Asia/Almaty 30 2 * * * ran at %v", got)
		}
	})
}

// TestSchedulerOverlap: a job still running at its next tick is skipped,
// and the skip is logged and reported.
func TestSchedulerOverlap(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		log, logs := testLogger()
		release := make(chan struct{})
		var started atomic.Int32
		var mu sync.Mutex
		var skips []time.Duration
		var reasons []string
		s := NewScheduler(log, []Task{{
			Name:     "slow",
			Schedule: sched(t, "@every 1m"),
			Run: func(context.Context) error {
				if started.Add(1) == 1 {
					<-release // the first run lasts until the test says
				}
				return nil
			},
			Skipped: func(at time.Time, reason string) {
				mu.Lock()
				skips = append(skips, at.Sub(epoch))
				reasons = append(reasons, reason)
				mu.Unlock()
			},
		}})
		s.Start()
		time.Sleep(3*time.Minute + time.Second)
		synctest.Wait()
		mu.Lock()
		if started.Load() != 1 || len(skips) != 2 || skips[0] != 2*time.Minute || skips[1] != 3*time.Minute || reasons[0] != SkipStillRunning {
			t.Errorf("started %d, skips at %v (%q)", started.Load(), skips, reasons)
		}
		mu.Unlock()
		if n := strings.Count(logs.String(), `msg="job skipped" job=slow reason="skipped: the previous run of this job was still going"`); n != 2 {
			t.Errorf("%d skip lines logged:\n%s", n, logs)
		}
		close(release)
		time.Sleep(time.Minute)
		synctest.Wait()
		if started.Load() != 2 {
			t.Errorf("after the long run ended, the next tick started %d runs in all, want 2", started.Load())
		}
		s.Shutdown(time.Minute)
	})
}

// TestSchedulerOneAtATime: two jobs due together run one after the other.
func TestSchedulerOneAtATime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		log, _ := testLogger()
		var active, most atomic.Int32
		var mu sync.Mutex
		var ended []time.Duration
		body := func(context.Context) error {
			n := active.Add(1)
			if n > most.Load() {
				most.Store(n)
			}
			time.Sleep(20 * time.Second)
			active.Add(-1)
			mu.Lock()
			ended = append(ended, since())
			mu.Unlock()
			return nil
		}
		s := NewScheduler(log, []Task{
			{Name: "a", Schedule: sched(t, "@every 1m"), Run: body},
			{Name: "b", Schedule: sched(t, "@every 1m"), Run: body},
		})
		s.Start()
		time.Sleep(time.Minute + 50*time.Second)
		synctest.Wait()
		s.Shutdown(time.Minute)
		mu.Lock()
		defer mu.Unlock()
		if most.Load() != 1 || len(ended) != 2 || ended[0] != time.Minute+20*time.Second || ended[1] != time.Minute+40*time.Second {
			t.Errorf("at most %d at once; runs ended at %v, want one at a time: 1m20s, 1m40s", most.Load(), ended)
		}
	})
}

// TestSchedulerShutdown: stop lets the running job finish within the
// grace period, then cancels it; no run starts after stop.
func TestSchedulerShutdown(t *testing.T) {
	t.Run("finishes within grace", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			log, _ := testLogger()
			var runs atomic.Int32
			var jobErr atomic.Value
			s := NewScheduler(log, []Task{{Name: "j", Schedule: sched(t, "@every 1m"), Run: func(ctx context.Context) error {
				runs.Add(1)
				select {
				case <-time.After(20 * time.Second):
					jobErr.Store("finished")
				case <-ctx.Done():
					jobErr.Store(ctx.Err().Error())
				}
				return nil
			}}})
			s.Start()
			time.Sleep(time.Minute + 5*time.Second) // the job runs from 1m to 1m20s
			start := time.Now()
			if s.Shutdown(time.Minute) {
				t.Error("Shutdown cancelled a job that finished within the grace period")
			}
			if waited := time.Since(start); waited != 15*time.Second {
				t.Errorf("Shutdown waited %s, want 15s (the rest of the running job)", waited)
			}
			if jobErr.Load() != "finished" {
				t.Errorf("job: %v", jobErr.Load())
			}
			time.Sleep(10 * time.Minute)
			synctest.Wait()
			if runs.Load() != 1 {
				t.Errorf("%d runs: a run started after Shutdown", runs.Load())
			}
		})
	})
	t.Run("cancelled after grace", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			log, logs := testLogger()
			var jobErr atomic.Value
			var skipped atomic.Value
			s := NewScheduler(log, []Task{
				{Name: "stuck", Schedule: sched(t, "@every 1m"), Run: func(ctx context.Context) error {
					<-ctx.Done()
					jobErr.Store(ctx.Err())
					return ctx.Err()
				}},
				{Name: "waiting", Schedule: sched(t, "@every 90s"), Run: func(context.Context) error {
					t.Error("a job waiting for the running one started after Shutdown")
					return nil
				}, Skipped: func(_ time.Time, reason string) { skipped.Store(reason) }},
			})
			s.Start()
			time.Sleep(time.Minute + 35*time.Second) // stuck runs from 1m; waiting is due at 1m30s
			synctest.Wait()
			start := time.Now()
			if !s.Shutdown(30 * time.Second) {
				t.Error("Shutdown did not cancel a job running past the grace period")
			}
			if waited := time.Since(start); waited != 30*time.Second {
				t.Errorf("Shutdown waited %s, want the grace period, 30s", waited)
			}
			if err, _ := jobErr.Load().(error); !errors.Is(err, context.Canceled) {
				t.Errorf("job's context: %v", err)
			}
			if skipped.Load() != SkipStopping {
				t.Errorf("the job waiting for the running one: skipped %v", skipped.Load())
			}
			if !strings.Contains(logs.String(), "grace period over: cancelling the running job") {
				t.Errorf("log:\n%s", logs)
			}
		})
	})
}

// TestSchedulerRecover: a panicking job is logged and runs again at its
// next tick (the skip guard is not left locked).
func TestSchedulerRecover(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		log, logs := testLogger()
		var runs atomic.Int32
		s := NewScheduler(log, []Task{{Name: "p", Schedule: sched(t, "@every 1m"), Run: func(context.Context) error {
			if runs.Add(1) == 1 {
				panic("boom")
			}
			return nil
		}}})
		s.Start()
		time.Sleep(2*time.Minute + time.Second)
		synctest.Wait()
		s.Shutdown(time.Minute)
		if runs.Load() != 2 {
			t.Errorf("%d runs, want 2: the job should run again after a panic", runs.Load())
		}
		if !strings.Contains(logs.String(), `msg="job panic" error=boom job=p stack=`) {
			t.Errorf("panic not logged:\n%s", logs)
		}
	})
}
