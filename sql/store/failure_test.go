package store

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/tradepipe/tradepipe/ingest"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	locked := fmt.Errorf("open x: %w", &LockError{Path: "x", Err: errors.New("Conflicting lock")})
	bad := &ingest.ParseError{File: "a.csv", Line: 2, Column: 3, Err: ingest.ErrBadNumber}
	full := &os.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC}
	for _, c := range []struct {
		err                  error
		kind                 FailureKind
		transient, retryLate bool
	}{
		{nil, "", false, false},
		{locked, FailLocked, true, true},
		{full, FailDiskFull, true, true},
		{errors.New(`IO Error: Could not write file "x.wal": No space left on device`), FailDiskFull, true, true},
		{bad, FailInput, false, false},
		{fmt.Errorf("step %q: %w", "ingest", bad), FailInput, false, false},
		{fmt.Errorf("b.zip: %w", zip.ErrFormat), FailInput, false, false},
		{errors.New("Catalog Error: Table with name x does not exist"), FailOther, false, false},
		{context.DeadlineExceeded, FailCancelled, false, true},
		{fmt.Errorf("a.csv: %w", context.Canceled), FailCancelled, false, true},
		{&duckdb.Error{Type: duckdb.ErrorTypeInterrupt, Msg: "INTERRUPT Error: Interrupted!"}, FailCancelled, false, true},
		{&duckdb.Error{Type: duckdb.ErrorTypeOutOfMemory, Msg: "Out of Memory Error: failed to allocate"}, FailMemory, false, true},
		{errors.New("a.csv: Out of Memory Error: could not allocate block"), FailMemory, false, true},
		{errors.Join(locked, full), FailLocked, true, true},
		{fmt.Errorf("2 file(s) failed: %w", errors.Join(full, bad)), FailInput, false, false},
	} {
		k := Classify(c.err)
		if k != c.kind || k.Transient() != c.transient || k.RetryLater() != c.retryLate {
			t.Errorf("Classify(%v) = %q (transient %v, retry later %v), want %q (%v, %v)",
				c.err, k, k.Transient(), k.RetryLater(), c.kind, c.transient, c.retryLate)
		}
	}
}

// TestFailureKindRecorded: a failed load is in load_failures with its
// kind, and KnownHashes and Status give it back.
func TestFailureKindRecorded(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	p := write(t, t.TempDir(), "bad.csv", []byte(longHeader+"2019,,KGZ,KAZ,X,TOTAL,12x,USD\n"))
	if r := loadFile(t, s, p, LoadOptions{}); r[0].Status != Failed {
		t.Fatalf("%+v", r[0])
	}
	st, err := s.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Failures) != 1 || st.Failures[0].Kind != FailInput {
		t.Fatalf("failures %+v", st.Failures)
	}
	h, err := s.KnownHashes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := h.Failed[st.Failures[0].SHA256]; !ok || f.Kind != FailInput || f.Kind.RetryLater() {
		t.Errorf("known failure %+v", f)
	}
	s.RecordFailure("/x/full.zip", "abc", fmt.Errorf("reading: %w", syscall.ENOSPC))
	if h, err = s.KnownHashes(context.Background()); err != nil || h.Failed["abc"].Kind != FailDiskFull {
		t.Errorf("recorded failure %+v (%v)", h.Failed["abc"], err)
	}
}

// TestFailureKindMigration: failures recorded before schema 004 get the
// kind their text tells.
func TestFailureKindMigration(t *testing.T) {
	t.Parallel()
	path, db := databaseAt(t, 3)
	for _, q := range []string{
		`INSERT INTO meta VALUES ('schema_version', '3')`,
		`INSERT INTO load_failures VALUES
			('/a.csv', 'a', NULL, NULL, 'a.csv:2:3: field "value": invalid number "12x"', now()),
			('/b.csv', 'b', NULL, NULL, 'IO Error: Could not write file "t.wal": No space left on device', now()),
			('/c.csv', 'c', NULL, NULL, 'b.csv: context canceled', now()),
			('/d.csv', 'd', NULL, NULL, 'database /t.duckdb is in use by another process (pid 7); waited 30s for it', now())`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	h, err := s.KnownHashes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for sha, want := range map[string]FailureKind{"a": FailOther, "b": FailDiskFull, "c": FailCancelled, "d": FailLocked} {
		if got := h.Failed[sha].Kind; got != want {
			t.Errorf("%s: kind %q, want %q", sha, got, want)
		}
	}
}
