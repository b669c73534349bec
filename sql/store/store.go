// Package store is the one owner of the DuckDB file: the schema and its
// migrations (schema.go), the reference tables synced from the seeds of
// package transform (reference.go), atomic per-file loads with a ledger
// (load.go, narrow.go), the kind of every failure (failure.go), the run
// history (runs.go), and connections on which the transforms' macros are
// created for reports and exports (Conn). It is the only package that
// imports duckdb-go.
package store

import (
	"context"
	dsql "database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// Store is an open tradepipe database.
type Store struct {
	db       *dsql.DB
	path     string
	dsn      string // what a writable open opened (reopen)
	memLimit string // DuckDB's memory limit as the store set it at open (memory.go)
	readOnly bool
	locked   bool // read-only, and SQL on it reaches no file (lockdown)
	threads  int  // DuckDB's threads as Open was asked for (0: its default)
	// lockWait: how long Open waited for another process's lock, and how
	// long opening again between loads waits (afresh)
	lockWait time.Duration
	// afreshAfter: the rows after which LoadAll opens the database again;
	// 0 is bigLoad (group.go)
	afreshAfter int64
	// directSpare: the free space a load's commit with a checkpoint
	// leaves; 0 is directFree (load.go)
	directSpare uint64
	// macros: the database holds this tradepipe's transform macros, so a
	// connection needs none of its own (macros.go).
	macros bool
	// loads run one at a time: each hands out the next slice, code and
	// product ids after the largest in the database.
	loadMu sync.Mutex
}

// Option configures Open.
type Option func(*config)

type config struct {
	readOnly      bool
	allowExternal bool
	lockWait      time.Duration
	threads       int
	noTemplate    bool // make a new database from nothing, not a copy (template.go)
}

// noTemplate makes a new database from nothing: the empty database the
// copies come from, and the tests of making one.
func noTemplate() Option { return func(c *config) { c.noTemplate = true } }

// ReadOnly opens the database for reading only: no statement can change it.
func ReadOnly() Option { return func(c *config) { c.readOnly = true } }

// AllowExternalAccess lets SQL read and write files (read_csv, COPY,
// ATTACH, extension installs); off for read-only opens unless asked for.
func AllowExternalAccess(ok bool) Option { return func(c *config) { c.allowExternal = ok } }

// LockWait sets how long Open waits for another process's lock on the file.
func LockWait(d time.Duration) Option { return func(c *config) { c.lockWait = d } }

// Threads sets how many threads DuckDB runs a query on (0, the default:
// one per core). A report reads the small tables the store keeps, a few
// thousand rows a year: on one thread DuckDB builds one hash table per
// operator instead of one per thread and schedules nothing, which takes
// less time and memory than two threads do.
func Threads(n int) Option { return func(c *config) { c.threads = n } }

// ErrNoDatabase is returned by a read-only Open of a file that does not exist.
var ErrNoDatabase = errors.New("no database here yet: load files with 'tradepipe ingest' first")

// ErrLocked is returned when another process holds the database; the
// error is a *LockError naming that process.
var ErrLocked = errors.New("database is in use by another process")

// LockError says which process holds the database Open gave up waiting
// for. errors.Is(err, ErrLocked) is true of it.
type LockError struct {
	Path   string
	PID    int    // the holder's process id; 0 when DuckDB did not say
	Holder string // the holder's command line, or its program; "" when unknown
	Waited time.Duration
	Err    error // DuckDB's own message
}

func (e *LockError) Error() string {
	who := "another process"
	if e.PID > 0 {
		who = fmt.Sprintf("process %d", e.PID)
		if e.Holder != "" {
			who += " (" + e.Holder + ")"
		}
	}
	return fmt.Sprintf("database %s is in use by %s; waited %s for it", e.Path, who, e.Waited)
}

func (e *LockError) Is(target error) bool { return target == ErrLocked }
func (e *LockError) Unwrap() error        { return e.Err }

// lockHolder matches DuckDB's "Conflicting lock is held in /path/prog (PID 123)".
var lockHolder = regexp.MustCompile(`lock is held in (.*?) \(PID (\d+)\)`)

func lockError(path string, waited time.Duration, err error) *LockError {
	e := &LockError{Path: path, Waited: waited, Err: err}
	m := lockHolder.FindStringSubmatch(err.Error())
	if m == nil {
		return e
	}
	e.PID, _ = strconv.Atoi(m[2])
	e.Holder = filepath.Base(m[1])
	// Where /proc is there (Linux), show what the holder is doing.
	if b, rerr := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", e.PID)); rerr == nil && len(b) > 0 {
		args := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
		args[0] = filepath.Base(args[0])
		if cmd := strings.Join(args, " "); len(cmd) > 200 {
			e.Holder = cmd[:200] + "..."
		} else {
			e.Holder = cmd
		}
	}
	return e
}

// Open opens (creating if needed) the database at path and brings its
// schema and reference tables up to date.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	c := config{lockWait: 30 * time.Second}
	for _, o := range opts {
		o(&c)
	}
	if c.readOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("%s: %w", path, ErrNoDatabase)
		}
	}
	dsn, err := dataSource(path, c.readOnly)
	if err != nil {
		return nil, err
	}
	var tpl string
	if !c.readOnly && !c.noTemplate {
		tpl = fromTemplate(ctx, path)
	}
	s, err := open(ctx, path, dsn, c, tpl != "")
	if err != nil && tpl != "" && !errors.Is(err, ErrLocked) {
		// The copy would not open: the empty database in the cache is
		// damaged. Make this one from nothing, and that one again next
		// time.
		os.Remove(path)
		os.Remove(path + ".wal")
		os.Remove(tpl)
		c.noTemplate = true
		return open(ctx, path, dsn, c, false)
	}
	return s, err
}

// open is Open of path, as dsn, once the copy of a new database is made
// or not. A copy (copied) is not checked: the empty database it copies
// was made by this tradepipe, under the hash of everything the checks
// compare (the schema files, the seeds, the macros and with them the
// totals' rule: templateKey), so they would find nothing to bring up to
// date. They took 4-7 ms of every new database's open
// (docs/performance-log.md).
func open(ctx context.Context, path, dsn string, c config, copied bool) (*Store, error) {
	db, err := openDB(ctx, path, dsn, c)
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, path: path, dsn: dsn, readOnly: c.readOnly, locked: c.readOnly && !c.allowExternal,
		threads: c.threads, lockWait: c.lockWait}
	switch {
	case copied:
		s.macros = true
		err = s.keepMemoryLimit(ctx)
	case c.readOnly:
		err = s.checkCurrent(ctx)
	default:
		if err = s.migrate(ctx); err == nil {
			err = s.keepMemoryLimit(ctx)
		}
	}
	if err == nil && !copied {
		s.macros, err = s.keptMacros(ctx)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// openDB opens the database at dsn as c asks, waiting up to c.lockWait
// for another process's lock on it.
func openDB(ctx context.Context, path, dsn string, c config) (*dsql.DB, error) {
	deadline := time.Now().Add(c.lockWait)
	for {
		var db *dsql.DB
		var err error
		if c.readOnly {
			db, err = openReadOnly(ctx, dsn, !c.allowExternal, c.threads)
		} else {
			db, err = openWritable(ctx, dsn, c.threads)
		}
		if err == nil {
			return db, nil
		}
		if !isLockErr(err) {
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
		if time.Now().After(deadline) {
			return nil, lockError(path, c.lockWait, err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// ErrPathOption is returned for a database path DuckDB would read
// connection options from: a '?' starts them in a connection string.
var ErrPathOption = errors.New("a database path may not contain '?' (DuckDB would read what follows as connection options)")

// dataSource gives what the path is opened as: for a writable open the
// connection string, which is the absolute path (so that no prefix such as
// ":memory:" or "md:" is read from it) and must hold no '?'; for a
// read-only open the absolute path, which is attached as a quoted SQL
// string and so never read as options.
func dataSource(path string, readOnly bool) (string, error) {
	if path == ":memory:" && !readOnly {
		return path, nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	if readOnly {
		return abs, nil
	}
	if strings.ContainsRune(abs, '?') {
		return "", fmt.Errorf("%s: %w", path, ErrPathOption)
	}
	if _, err := url.Parse(abs); err != nil {
		return "", fmt.Errorf("%s: DuckDB cannot open this path (a '%%' must start a %%XX escape in it: %w); rename the file", path, err)
	}
	return abs, nil
}

func openWritable(ctx context.Context, dsn string, threads int) (*dsql.DB, error) {
	conn, err := duckdb.NewConnector(dsn, nil)
	if err != nil {
		return nil, err
	}
	db := dsql.OpenDB(conn)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if threads > 0 {
		if _, err := db.ExecContext(ctx, "SET threads = "+strconv.Itoa(threads)); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

// attachedAs is the name a read-only open gives the database it attaches.
const attachedAs = "tp"

// lockdown makes a read-only connection's SQL unable to reach any file.
// DuckDB's enable_external_access=false alone still lets SQL write and
// read the database's own files (they are put in allowed_paths, with
// <db>.wal and the temp directory), so the local file system is switched
// off whole once the database is attached, spilling to a temp directory
// with it, and the configuration is locked. The attached file stays
// readable through the handle DuckDB opened at ATTACH.
var lockdown = []string{
	`SET temp_directory = ''`,
	`SET enable_external_access = false`,
	`SET disabled_filesystems = 'LocalFileSystem'`,
	`SET lock_configuration = true`,
}

// openReadOnly opens an in-memory DuckDB, attaches the file at abs read
// only and makes it every connection's default database. The path reaches
// DuckDB as a quoted string, never as a connection string. With lock, SQL
// on it can reach no file at all (lockdown). threads, if above 0, is set
// before the configuration is locked.
func openReadOnly(ctx context.Context, abs string, lock bool, threads int) (*dsql.DB, error) {
	var ready atomic.Bool
	conn, err := duckdb.NewConnector("", func(e driver.ExecerContext) error {
		if !ready.Load() {
			return nil
		}
		_, err := e.ExecContext(context.Background(), "USE "+attachedAs, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	db := dsql.OpenDB(conn)
	fail := func(err error) (*dsql.DB, error) { db.Close(); return nil, err }
	c, err := db.Conn(ctx)
	if err != nil {
		return fail(err)
	}
	defer c.Close()
	stmts := []string{"ATTACH " + quote(abs) + " AS " + attachedAs + " (READ_ONLY)", "USE " + attachedAs}
	if threads > 0 {
		stmts = append(stmts, "SET threads = "+strconv.Itoa(threads))
	}
	if lock {
		stmts = append(stmts, lockdown...)
	}
	for _, q := range stmts {
		if _, err := c.ExecContext(ctx, q); err != nil {
			return fail(err)
		}
	}
	ready.Store(true)
	return db, nil
}

// quote gives s as an SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// quoteIdent quotes an identifier for SQL.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func isLockErr(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "Could not set lock") || strings.Contains(err.Error(), "Conflicting lock"))
}

// reopen closes a writable database and opens it again, waiting for
// another process's lock as Open does: after DuckDB invalidated it (a
// fatal error: a checkpoint on a full disk; load.go), and between big
// loads (afresh). Loads run one at a time; the caller holds no
// connection. A close that fails (its checkpoint, on a full disk) leaves
// the committed loads in the write-ahead log, which the open replays; it
// is said only if the open fails too. After a failure the store has no
// database.
func (s *Store) reopen(ctx context.Context) error {
	if s.readOnly {
		return errors.New("database opened read-only")
	}
	cerr := s.db.Close()
	db, err := openDB(ctx, s.path, s.dsn, config{lockWait: s.lockWait, threads: s.threads})
	if err != nil {
		if cerr != nil {
			err = fmt.Errorf("%w (closing it: %v)", err, cerr)
		}
		return err
	}
	s.db = db
	return nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Locked reports whether SQL on the store can reach no file: a read-only
// open without AllowExternalAccess. It writes nothing, spills nothing to
// disk and leaves nothing on it for its Close to clean up.
func (s *Store) Locked() bool { return s.locked }

// DB exposes the database handle, for ad-hoc queries.
func (s *Store) DB() *dsql.DB { return s.db }

// Conn returns one connection on which the transforms of package
// transform (the macros: USD conversion, totals, membership, mirror fill,
// flows, the member view and the figures) can be called: those the
// database keeps, or, where they are another version's, its own
// temporary ones (macros.go). Reports and exports read through it; the
// caller closes it.
func (s *Store) Conn(ctx context.Context) (*dsql.Conn, error) {
	c, err := s.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if s.macros {
		return c, nil
	}
	if err := createMacros(ctx, c); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// withConn runs f on one connection with its driver connection at hand,
// which Arrow views need (they are registered per connection).
func (s *Store) withConn(ctx context.Context, f func(c *dsql.Conn, dc driver.Conn) error) error {
	c, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	var dc driver.Conn
	if err := c.Raw(func(x any) error { dc = x.(driver.Conn); return nil }); err != nil {
		return err
	}
	return f(c, dc)
}
