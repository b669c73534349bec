package store

import (
	"context"
	"errors"
	"strings"
	"syscall"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/tradepipe/tradepipe/ingest"
)

// FailureKind says what made a load or a job fail, and so whether trying
// again can help. The store records it with every failed load
// (load_failures.kind); the pipeline decides from it alone, never from an
// error's text.
type FailureKind string

const (
	// FailInput: the file's bytes are at fault (a value that does not
	// parse, an unknown format or country, a broken archive). The same
	// bytes fail the same way: not tried again until they change.
	FailInput FailureKind = "input"
	// FailLocked: another process holds the database.
	FailLocked FailureKind = "locked"
	// FailDiskFull: no space left on the device.
	FailDiskFull FailureKind = "disk-full"
	// FailMemory: DuckDB ran out of memory.
	FailMemory FailureKind = "out-of-memory"
	// FailCancelled: interrupted, cancelled or out of time.
	FailCancelled FailureKind = "cancelled"
	// FailChanged: the file changed while it was read
	// (ingest.ErrChanged); it is read again at the next run.
	FailChanged FailureKind = "changed"
	// FailOther: anything else. Like an input failure it is kept for
	// those bytes, so that a file that breaks the loader is not loaded
	// again and again.
	FailOther FailureKind = "other"
)

// Transient tells whether a job that failed so is worth another attempt
// at once (after a back-off): the database was locked, or the disk full.
func (k FailureKind) Transient() bool { return k == FailLocked || k == FailDiskFull }

// RetryLater tells whether a file whose load failed so is tried again at
// the next run: the circumstance failed, not the file's bytes.
func (k FailureKind) RetryLater() bool {
	switch k {
	case FailLocked, FailDiskFull, FailMemory, FailCancelled, FailChanged:
		return true
	}
	return false
}

// Classify tells what kind of failure err is ("" for nil). An error that
// joins several is of the kind of the first that is not transient, else of
// the first: it is transient only if all of them are.
func Classify(err error) FailureKind {
	if err == nil {
		return ""
	}
	if m, ok := err.(interface{ Unwrap() []error }); ok {
		var first FailureKind
		for _, e := range m.Unwrap() {
			k := Classify(e)
			if !k.Transient() {
				return k
			}
			if first == "" {
				first = k
			}
		}
		if first != "" {
			return first
		}
	}
	var pe *ingest.ParseError
	var de *duckdb.Error
	switch {
	// A reader's error names its file as a *ParseError whatever its
	// cause: the circumstance's causes are not the input's.
	case errors.As(err, &pe) && (errors.Is(pe, context.Canceled) || errors.Is(pe, context.DeadlineExceeded)):
		return FailCancelled
	case errors.As(err, &pe) && errors.Is(pe, ingest.ErrChanged):
		return FailChanged
	case errors.As(err, &pe) && errors.Is(pe, syscall.ENOSPC):
		return FailDiskFull
	case errors.As(err, &pe), ingest.IsCompressionError(err):
		return FailInput
	case errors.Is(err, ErrLocked):
		return FailLocked
	case errors.Is(err, syscall.ENOSPC):
		return FailDiskFull
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return FailCancelled
	case errors.As(err, &de) && de.Type == duckdb.ErrorTypeOutOfMemory:
		return FailMemory
	case errors.As(err, &de) && de.Type == duckdb.ErrorTypeInterrupt:
		return FailCancelled
	}
	// DuckDB's errors often reach here as text only (raised inside a
	// scan, or wrapped with %v on the way): the words it uses are known.
	switch msg := strings.ToLower(err.Error()); {
	case strings.Contains(msg, "no space left on device"):
		return FailDiskFull
	case strings.Contains(msg, "out of memory"):
		return FailMemory
	case strings.Contains(msg, "interrupt"), strings.Contains(msg, "context canceled"), strings.Contains(msg, "context deadline exceeded"):
		return FailCancelled
	}
	return FailOther
}
