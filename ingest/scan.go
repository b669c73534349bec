package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Limits that keep memory bounded whatever the input.
const (
	maxFieldBytes  = 64 << 10 // one field
	maxRecordBytes = 1 << 20  // one record, all fields together
	maxFields      = 4096
)

// scanner splits comma-separated text into records, like encoding/csv, but
// reports the editor line and byte column of every field, rejects NUL bytes,
// stray quotes and absurdly long fields, and never holds more than one
// bounded record in memory. A UTF-8 BOM is dropped; a UTF-16 BOM is an error.
// Blank lines are skipped (but counted). The returned fields are valid until
// the next call to read.
type scanner struct {
	file string
	br   *bufio.Reader

	line    int // lines consumed so far
	recLine int // line on which the current record starts
	started bool

	rawLine []byte   // the current physical line, without its newline
	buf     []byte   // unescaped field bytes of the current record
	spans   []span   // where each field is, in rawLine or buf
	cols    []int    // 1-based column of each field's first byte
	lines   []int    // line of each field's first byte (a quoted field may span lines)
	fields  [][]byte // views into buf
	trimCR  bool
	// sep separates fields: a comma, or a tab where the first line holds
	// tabs and no comma (Comtrade+ bulk files); 0 until the first line,
	// unless the format sets it (SDMX-CSV may use ';').
	sep byte
}

func newScanner(file string, r io.Reader) *scanner {
	size := int64(-1)
	if b, ok := r.(*bytes.Reader); ok {
		size = int64(b.Len())
	}
	return newScannerSize(file, r, size)
}

// newScannerSize is newScanner over a text of size bytes (-1: unknown).
func newScannerSize(file string, r io.Reader, size int64) *scanner {
	return &scanner{file: file, br: bufio.NewReaderSize(r, bufferFor(size, 256<<10)), trimCR: true}
}

// bufferFor is the size of a read buffer of at most limit bytes for a
// text of size bytes (-1: unknown): a small text gets a small one. A zip
// of 10,000 small entries opens 10,000 readers, and allocating and
// clearing their full-sized buffers cost more than reading the entries.
func bufferFor(size int64, limit int) int {
	if size < 0 || size >= int64(limit) {
		return limit
	}
	return max(int(size)+1, 4<<10)
}

func (s *scanner) errAt(line, col int, err error) *ParseError {
	return &ParseError{File: s.file, Line: line, Column: col, Err: err}
}

// readLine reads one physical line into s.rawLine (newline and a trailing
// CR removed). It returns io.EOF only when no bytes remain.
func (s *scanner) readLine() error {
	s.rawLine = s.rawLine[:0]
	for {
		chunk, err := s.br.ReadSlice('\n')
		if len(s.rawLine)+len(chunk) > maxRecordBytes {
			// Drain nothing more: the caller stops at the error.
			return s.errAt(s.line+1, 0, fmt.Errorf("%w: line longer than %d bytes", ErrFieldTooLong, maxRecordBytes))
		}
		s.rawLine = append(s.rawLine, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil && err != io.EOF {
			return readErr(s.file, s.line+1, err)
		}
		if err == io.EOF && len(s.rawLine) == 0 {
			return io.EOF
		}
		break
	}
	s.line++
	n := len(s.rawLine)
	if n > 0 && s.rawLine[n-1] == '\n' {
		n--
	}
	// CRLF, or a CR left at the very end of the text (a CRLF file cut short).
	if s.trimCR && n > 0 && s.rawLine[n-1] == '\r' {
		n--
	}
	s.rawLine = s.rawLine[:n]
	if !s.started {
		s.started = true
		if bytes.HasPrefix(s.rawLine, []byte{0xFE, 0xFF}) || bytes.HasPrefix(s.rawLine, []byte{0xFF, 0xFE}) {
			return s.errAt(1, 0, ErrUTF16)
		}
		s.rawLine = bytes.TrimPrefix(s.rawLine, []byte{0xEF, 0xBB, 0xBF})
		if s.sep == 0 {
			s.sep = ','
			if bytes.IndexByte(s.rawLine, '\t') >= 0 && bytes.IndexByte(s.rawLine, ',') < 0 {
				s.sep = '\t'
			}
		}
	}
	if i := bytes.IndexByte(s.rawLine, 0); i >= 0 {
		return s.errAt(s.line, i+1, ErrNUL)
	}
	return nil
}

// readErr turns a decompression failure into a positioned, typed error.
func readErr(file string, line int, err error) error {
	var pe *ParseError
	if errors.As(err, &pe) { // positioned already (the decoder's)
		return err
	}
	if isCorruption(err) {
		return &ParseError{File: file, Line: line, Err: fmt.Errorf("%w: %v", ErrTruncated, err)}
	}
	return &ParseError{File: file, Line: line, Err: err}
}

// read returns the next non-blank record: a line of nothing but spaces
// and tabs is blank too (an editor's stray last line). At the end of input
// it returns io.EOF.
func (s *scanner) read() ([][]byte, error) {
	for {
		if err := s.readLine(); err != nil {
			return nil, err
		}
		if !blank(s.rawLine) {
			break
		}
	}
	s.recLine = s.line
	if s.sep == 0 {
		s.sep = ','
	}
	s.buf, s.spans, s.cols, s.lines = s.buf[:0], s.spans[:0], s.cols[:0], s.lines[:0]
	line := s.rawLine
	pos := 0 // offset in line
	for {
		if len(s.spans) >= maxFields {
			return nil, s.errAt(s.recLine, pos+1, fmt.Errorf("%w: more than %d fields", ErrFieldCount, maxFields))
		}
		col := pos + 1
		if pos < len(line) && line[pos] == '"' {
			qline, qcol := s.line, col
			pos++
			var f span
			if i := bytes.IndexByte(line[pos:], '"'); i >= 0 && (pos+i+1 == len(line) || line[pos+i+1] != '"') {
				// Closed on its line, no escaped quote: the line's own bytes.
				f = span{pos, pos + i, true}
				pos += i + 1
			} else {
				// Unescaped into buf, possibly over several lines: the
				// fields before it move to buf first, as the next line
				// will be read over them.
				s.detach(line)
				start := len(s.buf)
				for {
					i := bytes.IndexByte(line[pos:], '"')
					if i < 0 {
						s.buf = append(s.buf, line[pos:]...)
						if len(s.buf)-start > maxFieldBytes {
							return nil, s.errAt(qline, qcol, fmt.Errorf("%w: over %d bytes", ErrFieldTooLong, maxFieldBytes))
						}
						if err := s.readLine(); err != nil {
							if err == io.EOF {
								return nil, s.errAt(qline, qcol, fmt.Errorf("%w: unterminated quoted field", ErrQuote))
							}
							return nil, err
						}
						s.buf = append(s.buf, '\n')
						line, pos = s.rawLine, 0
						continue
					}
					s.buf = append(s.buf, line[pos:pos+i]...)
					pos += i + 1
					if pos < len(line) && line[pos] == '"' { // escaped quote
						s.buf = append(s.buf, '"')
						pos++
						continue
					}
					break
				}
				f = span{start, len(s.buf), false}
			}
			if f.b-f.a > maxFieldBytes {
				return nil, s.errAt(qline, qcol, fmt.Errorf("%w: over %d bytes", ErrFieldTooLong, maxFieldBytes))
			}
			s.add(f, qcol, qline)
			if pos == len(line) {
				break
			}
			if line[pos] != s.sep {
				return nil, s.errAt(s.line, pos+1, fmt.Errorf("%w: extraneous %q after closing quote", ErrQuote, line[pos]))
			}
			pos++
			if pos == len(line) { // trailing comma: one more, empty field
				s.add(span{}, pos+1, s.line)
				break
			}
			continue
		}
		i := bytes.IndexByte(line[pos:], s.sep)
		end := len(line)
		if i >= 0 {
			end = pos + i
		}
		f := line[pos:end]
		if q := bytes.IndexByte(f, '"'); q >= 0 {
			return nil, s.errAt(s.line, pos+q+1, fmt.Errorf("%w: bare \" in unquoted field", ErrQuote))
		}
		if len(f) > maxFieldBytes {
			return nil, s.errAt(s.line, col, fmt.Errorf("%w: over %d bytes", ErrFieldTooLong, maxFieldBytes))
		}
		s.add(span{pos, end, true}, col, s.line)
		if i < 0 {
			break
		}
		pos = end + 1
		if pos == len(line) {
			s.add(span{}, pos+1, s.line)
			break
		}
	}
	s.fields = s.fields[:0]
	for _, f := range s.spans {
		src := s.buf
		if f.line {
			src = s.rawLine
		}
		s.fields = append(s.fields, src[f.a:f.b:f.b])
	}
	return s.fields, nil
}

// span is where a field of the current record is: bytes a to b of the
// current line (rawLine), where its text is the line's own, or of buf,
// where it had to be unescaped. Most fields are the line's own, so the
// scanner copies only what it must.
type span struct {
	a, b int
	line bool
}

func (s *scanner) add(f span, col, line int) {
	s.spans = append(s.spans, f)
	s.cols = append(s.cols, col)
	s.lines = append(s.lines, line)
}

// detach copies the fields that are line's own into buf, before a quoted
// field is unescaped there (and may read the next line over them).
func (s *scanner) detach(line []byte) {
	for i, f := range s.spans {
		if f.line {
			start := len(s.buf)
			s.buf = append(s.buf, line[f.a:f.b]...)
			s.spans[i] = span{start, len(s.buf), false}
		}
	}
}

// blank reports whether a line holds nothing but spaces and tabs: it
// makes no record.
func blank(line []byte) bool {
	for _, c := range line {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

// col returns the 1-based column of field i of the current record.
func (s *scanner) col(i int) int {
	if i < len(s.cols) {
		return s.cols[i]
	}
	return 0
}

// fieldLine returns the line on which field i of the current record starts.
func (s *scanner) fieldLine(i int) int {
	if i < len(s.lines) {
		return s.lines[i]
	}
	return s.recLine
}

var errCorrupt = errors.New("corrupt input")

func isCorruption(err error) bool {
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, errCorrupt) || isFlateOrGzipErr(err)
}
