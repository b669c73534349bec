package ingest

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. A *ParseError wraps one of these (possibly with more
// detail), so callers test with errors.Is.
var (
	ErrEmpty          = errors.New("empty file")
	ErrUnknownFormat  = errors.New("no recognisable header")
	ErrMissingColumn  = errors.New("missing required column")
	ErrFieldCount     = errors.New("wrong number of fields")
	ErrBadNumber      = errors.New("invalid number")
	ErrNegative       = errors.New("negative value")
	ErrBadYear        = errors.New("year outside 1900-2100")
	ErrBadPeriod      = errors.New("invalid period")
	ErrBadRate        = errors.New("exchange rate must be positive")
	ErrUnknownCountry = errors.New("unknown country code")
	ErrBadCode        = errors.New("invalid code")
	ErrNUL            = errors.New("NUL byte")
	ErrQuote          = errors.New("bad quoting")
	ErrFieldTooLong   = errors.New("field too long")
	ErrUTF16          = errors.New("UTF-16 text is not supported; save the file as UTF-8")
	ErrTruncated      = errors.New("truncated or corrupt compressed file")
	ErrTooLarge       = errors.New("value beyond any trade figure")
	// ErrChanged: the file's size or modification time changed between
	// its listing and the end of its read. Nothing of it is loaded; the
	// next run reads it again.
	ErrChanged = errors.New("the file changed while it was read; it is read again at the next run")
	// ErrNotRegular: a FIFO, device or socket. Such a file is refused at
	// once, never opened (opening a FIFO blocks, reading a device may never end).
	ErrNotRegular = errors.New("not a regular file (a FIFO, device or socket); copy it to a file first")
	// SDMX-CSV: a dataflow that no table of tradepipe's reads.
	ErrUnknownDataflow = errors.New("unknown SDMX dataflow")
)

// ParseError reports where in a file a problem was found. Line is the line
// an editor shows (1-based, counting preamble and header lines; for a
// compressed file, in its decompressed text). Column is the 1-based byte
// column of the start of the offending field; 0 when the whole line or
// file is at fault.
type ParseError struct {
	File   string
	Line   int
	Column int
	Field  string // column name, when known
	Err    error
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *ParseError) Unwrap() error { return e.Err }

// valueError builds "invalid number \"x\"" style errors that unwrap to a sentinel.
func valueError(sentinel error, raw []byte) error {
	return fmt.Errorf("%w %q", sentinel, clip(raw))
}

// clip keeps error messages short for absurd fields.
func clip(b []byte) string {
	const max = 40
	if len(b) > max {
		return string(b[:max]) + "..."
	}
	return string(b)
}
