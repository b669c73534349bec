package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tradepipe/tradepipe/ingest"
)

// Run outcomes in the runs table.
const (
	RunRunning    = "running"    // started, not ended yet (or the process died: see MarkUnfinished)
	RunOK         = "ok"         // every step succeeded
	RunFailed     = "failed"     // a step failed; error says which and why
	RunSkipped    = "skipped"    // not started: the job's previous run was still going
	RunCancelled  = "cancelled"  // stopped by shutdown or an interrupt
	RunUnfinished = "unfinished" // was running when its process ended
)

// StartRun records that a run of job started at, with outcome running,
// and returns its run_id.
func (s *Store) StartRun(ctx context.Context, job string, at time.Time) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `INSERT INTO runs (run_id, job, started_at, outcome)
		VALUES (nextval('run_id_seq'), ?, ?, ?) RETURNING run_id`, job, at.UTC(), RunRunning).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("recording the start of job %s: %w", job, err)
	}
	return id, nil
}

// FinishRun records how the run r.RunID ended: r.EndedAt, r.Outcome,
// r.FilesLoaded, r.RowsLoaded and r.Error.
func (s *Store) FinishRun(ctx context.Context, r Run) error {
	end := time.Now()
	if r.EndedAt != nil {
		end = *r.EndedAt
	}
	res, err := s.db.ExecContext(ctx, `UPDATE runs SET ended_at = ?, outcome = ?, files_loaded = ?, rows_loaded = ?, error = ?
		WHERE run_id = ?`, end.UTC(), r.Outcome, r.FilesLoaded, r.RowsLoaded, nullIfEmpty(r.Error), r.RunID)
	if err != nil {
		return fmt.Errorf("recording the end of run %d: %w", r.RunID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("recording the end of run %d: no such run", r.RunID)
	}
	return nil
}

// RecordRun adds a run that has already ended (a skip, or a run whose
// database could not be opened while it ran) and returns its run_id.
func (s *Store) RecordRun(ctx context.Context, r Run) (int64, error) {
	var end any
	if r.EndedAt != nil {
		end = r.EndedAt.UTC()
	}
	var id int64
	err := s.db.QueryRowContext(ctx, `INSERT INTO runs (run_id, job, started_at, ended_at, outcome, files_loaded, rows_loaded, error)
		VALUES (nextval('run_id_seq'), ?, ?, ?, ?, ?, ?, ?) RETURNING run_id`,
		r.Job, r.StartedAt.UTC(), end, r.Outcome, r.FilesLoaded, r.RowsLoaded, nullIfEmpty(r.Error)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("recording a run of job %s: %w", r.Job, err)
	}
	return id, nil
}

// SkipRun records that a run of job due at was skipped, and why.
func (s *Store) SkipRun(ctx context.Context, job string, at time.Time, reason string) (int64, error) {
	return s.RecordRun(ctx, Run{Job: job, StartedAt: at, EndedAt: &at, Outcome: RunSkipped, Error: reason})
}

// MarkUnfinished ends every run still marked running with outcome
// unfinished. Call it with the database open for writing and before
// starting a run: the write lock means no other process is running a job
// on this file, so such rows belong to a process that died mid-run.
func (s *Store) MarkUnfinished(ctx context.Context, at time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE runs SET outcome = ?, ended_at = ?,
		error = coalesce(error || '; ', '') || 'the process ended before the run finished'
		WHERE outcome = ?`, RunUnfinished, at.UTC(), RunRunning)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Hashes is what the ledger knows about file contents.
type Hashes struct {
	Loaded map[string]bool    // sha256 of every file loaded
	Failed map[string]Failure // sha256 of every file whose load failed -> its latest failure
}

// KnownHashes reads the sha256 of the files loaded and of the failed
// attempts, so a caller can tell a new file from one seen before without
// starting a load.
func (s *Store) KnownHashes(ctx context.Context) (*Hashes, error) {
	h := &Hashes{Loaded: map[string]bool{}, Failed: map[string]Failure{}}
	rows, err := s.db.QueryContext(ctx, `SELECT sha256 FROM files`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var sha string
		if err := rows.Scan(&sha); err != nil {
			rows.Close()
			return nil, err
		}
		h.Loaded[sha] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.db.QueryContext(ctx, `SELECT path, sha256, coalesce(format, ''), coalesce(dataset, ''), error,
		coalesce(kind, 'other'), failed_at FROM load_failures WHERE sha256 IS NOT NULL ORDER BY failed_at`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var f Failure
		if err := rows.Scan(&f.Path, &f.SHA256, &f.Format, &f.Dataset, &f.Error, &f.Kind, &f.FailedAt); err != nil {
			return nil, err
		}
		h.Failed[f.SHA256] = f // ordered by time: the latest wins
	}
	return h, rows.Err()
}

// RecordFailure notes a failed attempt at a file that never reached Load
// (a broken archive, say), so it shows beside the other failures. sha256
// may be empty when the file could not be read.
func (s *Store) RecordFailure(path, sha256 string, err error) {
	if err == nil {
		err = errors.New("failed")
	}
	s.recordFailure(ingest.Source{Name: path, Path: path}, &LoadResult{SHA256: sha256, Err: err})
}
