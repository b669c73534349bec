package ingest

import (
	"bytes"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// chunkable is a parser that can also parse some whole records on a
// scanner of their own: withScanner returns a copy that shares the header
// and options (read only) and keeps its own scratch space.
type chunkable interface {
	parser
	withScanner(s *scanner) parser
}

// parallelReader parses a quoted format on two goroutines. It cuts the
// text after the header into chunks of whole records (at most batchRows
// records each): a newline ends a record only outside quotes, and since
// every quote the scanner accepts opens a field, closes one or is half of
// an escaped pair, counting quotes tells inside from outside. Each chunk
// is parsed by the format's own parser on a scanner that starts at the
// chunk's line, into one batch; batches are delivered in order.
//
// Anything a chunk's parser rejects, and a record too long to cut, hands
// that chunk and everything after it to the general path (one scanner over
// the rest of the text), so the rows, and the error with its position, are
// exactly those of reading the file in one pass. Chunks before it were
// parsed without error, so they ended where the one-pass scanner would
// have ended a record, and the general path starts on a record boundary.
type parallelReader struct {
	refs   atomic.Int64
	schema *arrow.Schema
	o      *options
	p      chunkable // the parser that read the header
	file   string
	src    io.Reader // the text after the header

	line int    // lines cut into chunks so far
	tail []byte // bytes read beyond the last chunk
	eof  bool
	rerr error // src failed after tail

	inflight []*recChunk
	jobs     chan *recChunk
	workers  sync.WaitGroup
	free     chan []byte // recycled chunk buffers

	cur  arrow.RecordBatch
	slow *batchReader
	done bool
}

type recChunk struct {
	data   []byte
	line   int  // line number of the first line in data
	cutBad bool // cut could not make it whole records (set before parsing)
	failed bool // its parser met an error (set by the worker, read after done)
	rec    arrow.RecordBatch
	done   chan struct{}
}

const (
	parChunkMax  = 16 << 20 // cut a chunk here even short of batchRows records
	parReadSize  = 256 << 10
	parWindow    = 3 // chunks in flight: one per goroutine and one ready
	parMaxWorker = 2
)

func newParallelReader(schema *arrow.Schema, o *options, p chunkable, s *scanner) *parallelReader {
	r := &parallelReader{schema: schema, o: o, p: p, file: s.file, src: s.br, line: s.line,
		free: make(chan []byte, parWindow+1)}
	r.refs.Store(1)
	return r
}

func (r *parallelReader) Retain() { r.refs.Add(1) }

func (r *parallelReader) Release() {
	if r.refs.Add(-1) != 0 {
		return
	}
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	r.drain(r.inflight)
	r.inflight = nil
	if r.jobs != nil {
		close(r.jobs)
		r.workers.Wait()
	}
	if r.slow != nil {
		r.slow.Release()
	}
}

func (r *parallelReader) drain(cs []*recChunk) {
	for _, c := range cs {
		<-c.done
		if c.rec != nil {
			c.rec.Release()
			c.rec = nil
		}
	}
}

func (r *parallelReader) Schema() *arrow.Schema { return r.schema }

func (r *parallelReader) RecordBatch() arrow.RecordBatch {
	if r.slow != nil {
		return r.slow.RecordBatch()
	}
	return r.cur
}

// Record is the deprecated name of RecordBatch.
func (r *parallelReader) Record() arrow.RecordBatch { return r.RecordBatch() }

// Err is the general path's error: every problem is handed to it.
func (r *parallelReader) Err() error {
	if r.slow != nil {
		return r.slow.Err()
	}
	return nil
}

func (r *parallelReader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.slow != nil {
		return r.slow.Next()
	}
	if r.done {
		return false
	}
	if r.jobs == nil {
		r.start()
	}
	for {
		r.fill()
		if len(r.inflight) == 0 {
			r.done = true
			return false
		}
		c := r.inflight[0]
		<-c.done
		if c.cutBad || c.failed {
			r.fallback()
			return r.slow.Next()
		}
		r.inflight = r.inflight[1:]
		r.recycle(c.data)
		if c.rec.NumRows() == 0 { // blank lines, or rows the format skips
			c.rec.Release()
			continue
		}
		r.cur = c.rec
		return true
	}
}

func (r *parallelReader) start() {
	r.jobs = make(chan *recChunk, parWindow)
	n := min(parMaxWorker, runtime.GOMAXPROCS(0))
	r.workers.Add(n)
	for range n {
		go func() {
			defer r.workers.Done()
			for c := range r.jobs {
				r.parse(c)
				close(c.done)
			}
		}()
	}
}

// parse turns a chunk into one batch, or marks it failed at the first error.
func (r *parallelReader) parse(c *recChunk) {
	s := newScanner(r.file, bytes.NewReader(c.data))
	s.line, s.started = c.line-1, true
	p := r.p.withScanner(s)
	b := array.NewRecordBuilder(r.o.mem, r.schema)
	defer b.Release()
	for {
		err := p.next(b)
		if err == io.EOF {
			break
		}
		if err != nil {
			c.failed = true
			b.NewRecordBatch().Release()
			return
		}
	}
	c.rec = b.NewRecordBatch()
}

// fill cuts chunks until parWindow are in flight or the input ends.
func (r *parallelReader) fill() {
	for len(r.inflight) < parWindow {
		if n := len(r.inflight); n > 0 && r.inflight[n-1].cutBad {
			return // nothing is read past a chunk the general path will take
		}
		c := r.cut()
		if c == nil {
			return
		}
		r.inflight = append(r.inflight, c)
		if c.cutBad {
			close(c.done)
		} else {
			r.jobs <- c
		}
	}
}

// buffer returns a recycled chunk buffer, or a new one.
func (r *parallelReader) buffer() []byte {
	select {
	case b := <-r.free:
		return b[:0]
	default:
		return make([]byte, 0, 4<<20)
	}
}

func (r *parallelReader) recycle(b []byte) {
	select {
	case r.free <- b[:0]:
	default:
	}
}

// cut reads the next chunk: the tail of the last read, then more of the
// input, until batchRows records end or the input does. It returns nil at
// the end of the input. A chunk it marks cutBad holds all it read: a record
// too long to cut, or the bytes before a read error.
func (r *parallelReader) cut() *recChunk {
	if r.eof && len(r.tail) == 0 {
		return nil
	}
	buf := append(r.buffer(), r.tail...)
	r.tail = nil
	c := &recChunk{line: r.line + 1, done: make(chan struct{})}
	// scanned: bytes looked at; quotes: quotes in buf[end:scanned]; end:
	// just after the last newline that ended a record; lines: newlines in
	// buf[:end].
	scanned, quotes, end, lines, endLines, records := 0, 0, 0, 0, 0, 0
	for {
		for records < r.o.batchRows {
			i := bytes.IndexByte(buf[scanned:], '\n')
			if i < 0 {
				quotes += bytes.Count(buf[scanned:], []byte{'"'})
				scanned = len(buf)
				break
			}
			quotes += bytes.Count(buf[scanned:scanned+i], []byte{'"'})
			scanned += i + 1
			lines++
			if quotes%2 == 0 { // outside quotes: the record ends here
				end, endLines, quotes = scanned, lines, 0
				records++
			}
		}
		if records == r.o.batchRows || r.eof {
			break
		}
		if len(buf)-end > maxRecordBytes+2 { // longer than a record may be
			if end == 0 {
				c.cutBad, c.data = true, buf // the general path words the error
				return c
			}
			break // cut before it
		}
		if end > 0 && len(buf) >= parChunkMax {
			break
		}
		if cap(buf)-len(buf) < parReadSize {
			buf = append(buf[:cap(buf)], make([]byte, cap(buf))...)[:len(buf)]
		}
		n, err := r.src.Read(buf[len(buf) : len(buf)+parReadSize])
		buf = buf[:len(buf)+n]
		switch {
		case err == io.EOF:
			r.eof = true
		case err != nil:
			// The general path reads the same bytes, meets the same
			// error and words it with its line.
			r.rerr, r.eof = err, true
			c.cutBad, c.data = true, buf
			return c
		}
	}
	if records < r.o.batchRows && r.eof && end < len(buf) {
		// The rest of the input: a last record without a newline, or an
		// open quote (the parser says so).
		end, endLines = len(buf), lines+1
	}
	if end == 0 {
		return nil
	}
	c.data = buf[:end]
	if end < len(buf) {
		r.tail = append([]byte(nil), buf[end:]...)
	}
	r.line += endLines
	return c
}

// fallback hands the first in-flight chunk and everything after it to the
// general scanner and parser.
func (r *parallelReader) fallback() {
	first := r.inflight[0]
	r.drain(r.inflight)
	parts := make([]io.Reader, 0, len(r.inflight)+3)
	for _, c := range r.inflight {
		parts = append(parts, bytes.NewReader(c.data))
	}
	parts = append(parts, bytes.NewReader(r.tail))
	switch {
	case r.rerr != nil:
		parts = append(parts, errReader{r.rerr})
	case !r.eof:
		parts = append(parts, r.src)
	}
	r.inflight, r.tail = nil, nil
	s := newScanner(r.file, io.MultiReader(parts...))
	s.line, s.started = first.line-1, true
	r.slow = newBatchReader(r.schema, r.o, r.p.withScanner(s))
}
