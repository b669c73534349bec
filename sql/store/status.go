package store

import (
	"context"
	dsql "database/sql"
	"fmt"
	"time"
)

// FileInfo is one row of the ledger.
type FileInfo struct {
	FileID      int64     `json:"file_id"`
	Path        string    `json:"path"`
	Entry       string    `json:"entry,omitempty"`
	SHA256      string    `json:"sha256"`
	Size        int64     `json:"size"`
	Compression string    `json:"compression"`
	Format      string    `json:"format"`
	Kind        string    `json:"kind"`
	Dataset     string    `json:"dataset"`
	Rows        int64     `json:"rows"`
	Replaced    int64     `json:"replaced"`
	LoadedAt    time.Time `json:"loaded_at"`
	Encoding    string    `json:"encoding,omitempty"` // what the text was read as; "" for files loaded before it was kept
	// Vintage is the publisher's release: BACI's V202401, the publication
	// date of a Comtrade+ bulk file (from its name); "" if none. Skipped:
	// the rows the file held and did not load, and why.
	Vintage       string `json:"vintage,omitempty"`
	Skipped       int64  `json:"skipped,omitempty"`
	SkippedReason string `json:"skipped_reason,omitempty"`
}

// Failure is one failed load attempt.
type Failure struct {
	Path     string      `json:"path"`
	SHA256   string      `json:"sha256,omitempty"`
	Format   string      `json:"format,omitempty"`
	Dataset  string      `json:"dataset,omitempty"`
	Error    string      `json:"error"`
	Kind     FailureKind `json:"kind"` // what failed: the file's bytes (input) or a circumstance
	FailedAt time.Time   `json:"failed_at"`
}

// Run is one run of a pipeline job.
type Run struct {
	RunID       int64      `json:"run_id"`
	Job         string     `json:"job"`
	StartedAt   time.Time  `json:"started_at"`
	EndedAt     *time.Time `json:"ended_at"`
	Outcome     string     `json:"outcome"`
	FilesLoaded int64      `json:"files_loaded"`
	RowsLoaded  int64      `json:"rows_loaded"`
	Error       string     `json:"error,omitempty"`
}

// Status is what 'tradepipe status' shows.
type Status struct {
	Database string           `json:"database"`
	Files    []FileInfo       `json:"files"`
	Datasets map[string]int64 `json:"datasets"`
	// Services counts, per dataset, the trade rows that are services
	// (typeCode S, or an EBOPS classification): kept, never in the goods
	// totals.
	Services map[string]int64 `json:"services"`
	Tables   map[string]int64 `json:"tables"`
	Failures []Failure        `json:"failures"`
	Runs     []Run            `json:"runs"`
}

// Files reads the ledger: every file loaded, in the order it was.
func (s *Store) Files(ctx context.Context) ([]FileInfo, error) {
	out := []FileInfo{}
	rows, err := s.db.QueryContext(ctx, `SELECT file_id, path, coalesce(entry, ''), sha256, size, compression, format, kind,
		dataset, rows, replaced, loaded_at, coalesce(encoding, ''), coalesce(vintage, ''), coalesce(skipped, 0), coalesce(skipped_reason, '')
		FROM files ORDER BY file_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var f FileInfo
		if err := rows.Scan(&f.FileID, &f.Path, &f.Entry, &f.SHA256, &f.Size, &f.Compression, &f.Format, &f.Kind,
			&f.Dataset, &f.Rows, &f.Replaced, &f.LoadedAt, &f.Encoding, &f.Vintage, &f.Skipped, &f.SkippedReason); err != nil {
			return nil, err
		}
		f.LoadedAt = f.LoadedAt.UTC()
		out = append(out, f)
	}
	return out, rows.Err()
}

// Status reads the ledger, dataset sizes, table row counts, recent
// failures and the run history.
func (s *Store) Status(ctx context.Context) (*Status, error) {
	st := &Status{Database: s.path, Datasets: map[string]int64{}, Services: map[string]int64{}, Tables: map[string]int64{},
		Failures: []Failure{}, Runs: []Run{}}
	files, err := s.Files(ctx)
	if err != nil {
		return nil, err
	}
	st.Files = files
	if err := scanCounts(ctx, s.db, `SELECT dataset, count(*) FROM (SELECT dataset FROM trade UNION ALL SELECT dataset FROM fx_rates) GROUP BY dataset`, st.Datasets); err != nil {
		return nil, err
	}
	if err := s.services(ctx, st.Services); err != nil {
		return nil, err
	}
	tables, err := s.db.QueryContext(ctx, `SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND NOT internal AND schema_name = 'main'
		UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT temporary AND NOT internal AND schema_name = 'main' ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	var names []string
	for tables.Next() {
		var n string
		if err := tables.Scan(&n); err != nil {
			tables.Close()
			return nil, err
		}
		names = append(names, n)
	}
	tables.Close()
	for _, n := range names {
		var c int64
		if err := s.db.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) FROM "%s"`, n)).Scan(&c); err != nil {
			return nil, err
		}
		st.Tables[n] = c
	}
	frows, err := s.db.QueryContext(ctx, `SELECT path, coalesce(sha256, ''), coalesce(format, ''), coalesce(dataset, ''), error,
		coalesce(kind, 'other'), failed_at FROM load_failures ORDER BY failed_at DESC LIMIT 20`)
	if err != nil {
		return nil, err
	}
	for frows.Next() {
		var f Failure
		if err := frows.Scan(&f.Path, &f.SHA256, &f.Format, &f.Dataset, &f.Error, &f.Kind, &f.FailedAt); err != nil {
			frows.Close()
			return nil, err
		}
		st.Failures = append(st.Failures, f)
	}
	frows.Close()
	rrows, err := s.db.QueryContext(ctx, `SELECT run_id, job, started_at, ended_at, outcome, files_loaded, rows_loaded, coalesce(error, '')
		FROM runs ORDER BY run_id DESC LIMIT 50`)
	if err != nil {
		return nil, err
	}
	defer rrows.Close()
	for rrows.Next() {
		var r Run
		var end dsql.NullTime
		if err := rrows.Scan(&r.RunID, &r.Job, &r.StartedAt, &end, &r.Outcome, &r.FilesLoaded, &r.RowsLoaded, &r.Error); err != nil {
			return nil, err
		}
		if end.Valid {
			t := end.Time.UTC()
			r.EndedAt = &t
		}
		st.Runs = append(st.Runs, r)
	}
	return st, rrows.Err()
}

// services counts the services rows per dataset, by the rule of the
// transforms (tp_is_services).
func (s *Store) services(ctx context.Context, into map[string]int64) error {
	c, err := s.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	rows, err := c.QueryContext(ctx, `SELECT dataset, count(*) FROM trade WHERE tp_is_services(trade_type, classification) GROUP BY dataset`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			return err
		}
		into[k] = n
	}
	return rows.Err()
}

func scanCounts(ctx context.Context, db *dsql.DB, q string, into map[string]int64) error {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			return err
		}
		into[k] = n
	}
	return rows.Err()
}
