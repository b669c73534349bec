// Package pipeline runs tradepipe's jobs: named lists of steps (ingest the
// new files of an inbox, refresh the config's groups, write reports, export
// Parquet) that 'tradepipe run' runs once and 'tradepipe schedule' runs on
// cron schedules. It is the only package that imports robfig/cron.
//
// # Configuration
//
// One YAML file (docs/pipeline.md is the reference) is read by [Load]:
//
//	db: tradepipe.duckdb
//	inbox: downloads
//	jobs:
//	  - name: nightly
//	    schedule: "@daily"
//	    steps: [ingest, transform, report regional-shares]
//
// Every mistake is reported with the file, line and key
// ("tradepipe.yaml:12: jobs[0].schedule: bad cron spec ..."); unknown keys
// are mistakes too.
//
// # Running jobs
//
// A [Runner] runs one job at a time: it opens the database only for the
// job (so 'tradepipe query', 'report' and 'status' work between runs),
// records the run in the runs table (running, then ok, failed or
// cancelled), retries transient failures (a locked database, a full disk)
// with backoff and never retries bad data. A [Scheduler] starts jobs on
// their schedules through robfig/cron, wrapping each in
// cron.SkipIfStillRunning and cron.Recover; a skip is logged and recorded.
//
// # New files only
//
// The ingest step loads the inbox files whose bytes are not in the ledger
// (sha256). A file modified within the last Settle (default 5s) is still
// being written and waits for the next run. A file that failed with bad
// data stays where it is, with its error in load_failures, and is not tried
// again until its bytes change.
package pipeline
