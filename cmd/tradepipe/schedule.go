package main

import (
	"context"
	"time"

	"github.com/tradepipe/tradepipe/pipeline"
)

type scheduleCmd struct {
	configFlag
	LogFormat string `name:"log-format" enum:"text,json" default:"text" help:"Log lines (on standard error): text or json."`
}

// Run is the daemon: it runs the config's scheduled jobs until SIGINT or
// SIGTERM, then lets the running job finish within the grace period,
// cancels it after that, and exits 0.
func (c *scheduleCmd) Run(e *env) error {
	cfg, err := c.load()
	if err != nil {
		return err
	}
	log := newLogger(e.stderr, c.LogFormat, true)
	r := pipeline.NewRunner(cfg, log)
	r.Version = version
	var tasks []pipeline.Task
	for i := range cfg.Jobs {
		j := &cfg.Jobs[i]
		if j.Cron() == nil {
			log.Info("job has no schedule: run it with 'tradepipe run --job'", "job", j.Name)
			continue
		}
		tasks = append(tasks, pipeline.Task{
			Name:     j.Name,
			Schedule: j.Cron(),
			Run:      func(ctx context.Context) error { return r.Run(ctx, j).Err },
			Skipped:  func(at time.Time, reason string) { r.Skipped(j.Name, at, reason) },
		})
	}
	if len(tasks) == 0 {
		return usageError("%s: no job has a schedule: nothing to do", cfg.File)
	}
	s := pipeline.NewScheduler(log, tasks)
	s.Start()
	log.Info("scheduler started", "config", cfg.File, "db", cfg.DB, "jobs", len(tasks), "version", version)
	next := s.Next()
	for _, t := range tasks {
		log.Info("job scheduled", "job", t.Name, "schedule", jobSchedule(cfg, t.Name), "next", next[t.Name].Format(time.RFC3339))
	}
	<-e.ctx.Done()
	log.Info("stop requested: no new runs")
	cancelled := s.Shutdown(cfg.GracePeriod)
	if err := r.Flush(context.Background()); err != nil {
		log.Error("could not record the last runs", "error", err)
	}
	log.Info("scheduler stopped", "cancelled_running_job", cancelled)
	return nil
}

func jobSchedule(cfg *pipeline.Config, name string) string {
	for _, j := range cfg.Jobs {
		if j.Name == name {
			return j.Schedule
		}
	}
	return ""
}
