package ingest

import (
	"bytes"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
)

// chunkPipe is what the parallel readers share (the BACI fast path and
// parallelReader): it cuts the text after the header into chunks of whole
// records, has up to two goroutines parse them, delivers their batches in
// order, and hands the first chunk that needs it, and everything after it,
// to the format's one-pass parser. It is an array.RecordReader.
//
// A newline ends a record, except inside quotes in a quoted format. Every
// quote the scanner accepts opens a field, closes one or is half of an
// escaped pair, so counting quotes since the last record end tells inside
// from outside. A chunk that its parser rejected, or that could not be cut
// into whole records, goes to the one-pass path; the chunks before it were
// parsed without error, so they ended where one pass ends a record, and
// the one-pass path starts on a record boundary and gives exactly its own
// rows and positioned error.
type chunkPipe struct {
	refs   atomic.Int64
	schema *arrow.Schema
	opts   *options
	file   string
	src    io.Reader // the text after the header
	quoted bool

	sep  byte      // the header's field separator, for the chunks' scanners
	skip skipTally // rows the delivered chunks' parsers skipped
	// recordRows is how many rows one record can make (a WITS time series
	// record makes one a year): a chunk holds batchRows / recordRows
	// records, so that its batch stays about batchRows rows. 0 means 1.
	recordRows int

	parse     func(c *chunk)        // fills c.rec, or sets c.failed
	onePass   func(*scanner) parser // the format's parser on a scanner of the rest
	onStart   func()                // before the first chunk is parsed (may be nil)
	onRelease func()                // when the last reference goes (may be nil)
	// inline parses each chunk on the reading goroutine, one at a time:
	// for a text known to be small, where goroutines would only add the
	// handing over.
	inline  bool
	started bool

	line  int    // lines cut into chunks so far
	limit int    // bytes the next chunk may hold (chunkFirst doubling to chunkMax)
	tail  []byte // bytes read beyond the last chunk
	eof   bool
	rerr  error // src failed after tail

	inflight []*chunk
	jobs     chan *chunk
	workers  sync.WaitGroup
	free     chan []byte // recycled chunk buffers

	// Off the inline path a goroutine of its own, the cutter, reads and
	// cuts the chunks, so that reading, checking and hashing the text
	// overlap what the caller of Next does with each batch (DuckDB's
	// insert, on its own thread). It hands them on in order through queue,
	// which it closes when it ends; stop ends it early, and orphan is the
	// chunk it held then.
	queue      chan *chunk
	stop       chan struct{}
	cutterDone chan struct{}
	orphan     *chunk

	cur  arrow.RecordBatch
	slow *batchReader // the one-pass path, once a chunk needed it
	done bool
}

// chunk is some whole records of the file and what parsing made of them.
type chunk struct {
	data   []byte
	line   int  // line number of the first line in data
	lines  int  // lines in data (the last may lack its newline at EOF)
	cutBad bool // cut could not make it whole records (set before any worker sees it)
	failed bool // its parser gave up (set by the worker, read after done)
	rec    arrow.RecordBatch
	done   chan struct{}

	skip skipTally // rows its parser skipped (set with rec)
}

const (
	chunkMax = 16 << 20 // cut a chunk here even short of batchRows records
	// chunkFirst bounds the first chunk's bytes, and each next chunk may
	// hold twice its last's, up to chunkMax: the first batch, which the
	// caller waits for while nothing else runs, comes sooner.
	chunkFirst   = 1 << 20
	chunkRead    = 256 << 10
	chunkWindow  = 3 // chunks in flight: one per goroutine and one ready
	chunkWorkers = 2
)

// init sets p up to read the rest of s.
func (p *chunkPipe) init(schema *arrow.Schema, o *options, s *scanner, quoted bool) {
	p.schema, p.opts, p.file, p.src, p.quoted, p.line = schema, o, s.file, s.br, quoted, s.line
	p.sep = s.sep
	p.free = make(chan []byte, chunkWindow+1)
	p.limit = chunkFirst
	p.refs.Store(1)
}

func (p *chunkPipe) Retain() { p.refs.Add(1) }

func (p *chunkPipe) Release() {
	if p.refs.Add(-1) != 0 {
		return
	}
	if p.cur != nil {
		p.cur.Release()
		p.cur = nil
	}
	p.stopCutter()
	p.drain(p.inflight)
	p.inflight = nil
	if p.jobs != nil {
		close(p.jobs)
		p.workers.Wait()
	}
	for len(p.free) > 0 {
		b := <-p.free
		chunkBuffers.Put(&b)
	}
	if p.slow != nil {
		p.slow.Release()
	}
	if p.onRelease != nil {
		p.onRelease()
	}
}

// drain waits for chunks being parsed and drops their batches.
func (p *chunkPipe) drain(cs []*chunk) {
	for _, c := range cs {
		<-c.done
		if c.rec != nil {
			c.rec.Release()
			c.rec = nil
		}
	}
}

func (p *chunkPipe) Schema() *arrow.Schema { return p.schema }

func (p *chunkPipe) RecordBatch() arrow.RecordBatch {
	if p.slow != nil {
		return p.slow.RecordBatch()
	}
	return p.cur
}

// Record is the deprecated name of RecordBatch.
func (p *chunkPipe) Record() arrow.RecordBatch { return p.RecordBatch() }

// Err is the one-pass path's error: every problem is handed to it.
func (p *chunkPipe) Err() error {
	if p.slow != nil {
		return p.slow.Err()
	}
	return nil
}

func (p *chunkPipe) Next() bool {
	if p.cur != nil {
		p.cur.Release()
		p.cur = nil
	}
	if p.slow != nil {
		return p.slow.Next()
	}
	if p.done {
		return false
	}
	if !p.started {
		p.start()
	}
	for {
		if !p.take() {
			p.done = true
			return false
		}
		c := p.inflight[0]
		<-c.done
		if c.cutBad || c.failed {
			p.stopCutter() // the chunks cut after c join it in inflight
			p.fallback()
			return p.slow.Next()
		}
		p.inflight = p.inflight[1:]
		p.skip.merge(c.skip)
		p.recycle(c.data)
		if c.rec.NumRows() == 0 { // blank lines, or rows the format skips
			c.rec.Release()
			continue
		}
		p.cur = c.rec
		return true
	}
}

// readAhead starts the cutter and the parsing goroutines before the first
// Next (FileReader.ReadAhead); they stop when the chunks in flight fill.
func (p *chunkPipe) readAhead() {
	if !p.started && !p.done && p.slow == nil {
		p.start()
	}
}

func (p *chunkPipe) start() {
	p.started = true
	if p.onStart != nil {
		p.onStart()
	}
	if p.inline {
		return
	}
	p.jobs = make(chan *chunk, chunkWindow)
	// In flight: the chunk Next waits on, one queued and the one the
	// cutter holds, chunkWindow in all.
	p.queue, p.stop, p.cutterDone = make(chan *chunk, chunkWindow-2), make(chan struct{}), make(chan struct{})
	go p.cutter()
	n := min(chunkWorkers, runtime.GOMAXPROCS(0))
	p.workers.Add(n)
	for range n {
		go func() {
			defer p.workers.Done()
			for c := range p.jobs {
				p.parse(c)
				close(c.done)
			}
		}()
	}
}

// take makes the next chunk inflight[0], cut and parsed inline or taken
// from the cutter; false at the end of the input.
func (p *chunkPipe) take() bool {
	if !p.inline {
		c, ok := <-p.queue
		if ok {
			p.inflight = append(p.inflight[:0], c)
		}
		return ok
	}
	c := p.cut()
	if c == nil {
		return false
	}
	if !c.cutBad {
		p.parse(c)
	}
	close(c.done)
	p.inflight = append(p.inflight[:0], c)
	return true
}

// cutter cuts chunks, gives them to the parsing goroutines and hands them
// on in order, until the input ends, a chunk the one-pass path will take
// (nothing is read past it), or stop.
func (p *chunkPipe) cutter() {
	defer func() {
		close(p.queue)
		close(p.cutterDone)
	}()
	for {
		select {
		case <-p.stop:
			return
		default:
		}
		c := p.cut()
		if c == nil {
			return
		}
		if c.cutBad {
			close(c.done)
		} else {
			p.jobs <- c
		}
		select {
		case p.queue <- c:
		case <-p.stop:
			p.orphan = c
			return
		}
		if c.cutBad {
			return
		}
	}
}

// stopReading ends the reading of the input where it is, for a caller
// that reads the rest itself (FileReader.SHA256): Next returns false
// after it, unless the one-pass path already reads (on the caller's
// goroutine).
func (p *chunkPipe) stopReading() {
	p.stopCutter()
	p.done = true
}

// stopCutter ends the cutter, if it runs, and adds the chunks it cut and
// no one took to inflight, in order. After it, the cutter's state (tail,
// eof, rerr, line) is the caller's.
func (p *chunkPipe) stopCutter() {
	if p.queue == nil {
		return
	}
	close(p.stop)
	<-p.cutterDone
	for c := range p.queue {
		p.inflight = append(p.inflight, c)
	}
	if p.orphan != nil {
		p.inflight = append(p.inflight, p.orphan)
		p.orphan = nil
	}
	p.queue = nil
}

// chunkBuffers keeps the chunk buffers of readers that ended, for the
// next: a zip of 10,000 small entries opens 10,000 readers, and a new 4
// MB buffer each (allocated and cleared) cost more than their parse.
var chunkBuffers sync.Pool // of *[]byte

func (p *chunkPipe) buffer() []byte {
	select {
	case b := <-p.free:
		return b[:0]
	default:
	}
	// Room for the largest chunk at once: growing by doubling cleared and
	// copied each chunk's bytes two or three times over. Pages a chunk
	// does not reach are never touched; a text of known size gets no more
	// than it can fill, and a kept buffer too small for this text is left.
	size := chunkMax + chunkRead
	if n := p.opts.textSize; n >= 0 && n+chunkRead < int64(size) {
		size = int(n) + chunkRead
	}
	if b, ok := chunkBuffers.Get().(*[]byte); ok && cap(*b) >= size {
		return (*b)[:0]
	}
	return make([]byte, 0, size)
}

func (p *chunkPipe) recycle(b []byte) {
	select {
	case p.free <- b[:0]:
	default:
		chunkBuffers.Put(&b)
	}
}

// cut reads the next chunk: the tail of the last read, then more of the
// input, until batchRows records end or the input does. It returns nil at
// the end of the input. A chunk it marks cutBad holds all it read: a
// record too long to cut, or the bytes before a read error.
func (p *chunkPipe) cut() *chunk {
	if p.eof && len(p.tail) == 0 {
		return nil
	}
	buf := append(p.buffer(), p.tail...)
	p.tail = nil
	c := &chunk{line: p.line + 1, done: make(chan struct{})}
	// scanned: bytes looked at; quotes: quotes in buf[end:scanned]; end:
	// just after the last newline that ended a record; lines and endLines:
	// newlines in buf[:scanned] and buf[:end].
	scanned, quotes, end, lines, endLines, records := 0, 0, 0, 0, 0, 0
	maxRows := p.opts.batchRows
	if p.recordRows > 1 {
		maxRows = max(1, maxRows/p.recordRows)
	}
	for {
		for records < maxRows {
			i := bytes.IndexByte(buf[scanned:], '\n')
			if i < 0 {
				if p.quoted {
					quotes += bytes.Count(buf[scanned:], []byte{'"'})
				}
				scanned = len(buf)
				break
			}
			if p.quoted {
				quotes += bytes.Count(buf[scanned:scanned+i], []byte{'"'})
			}
			scanned += i + 1
			lines++
			if quotes%2 == 0 { // outside quotes: the record ends here
				end, endLines, quotes = scanned, lines, 0
				records++
			}
		}
		if records == maxRows || p.eof {
			break
		}
		if len(buf)-end > maxRecordBytes+2 { // longer than a record may be
			if end == 0 {
				c.cutBad, c.data = true, buf // the one-pass path words the error
				return c
			}
			break // cut before it
		}
		if end > 0 && len(buf) >= p.limit {
			break
		}
		// Small batches read little at a time, so that the tail carried
		// over to the next chunk stays short.
		step := min(chunkRead, max(4<<10, 64*maxRows))
		if cap(buf)-len(buf) < step {
			buf = append(buf[:cap(buf)], make([]byte, cap(buf)+step)...)[:len(buf)]
		}
		n, err := p.src.Read(buf[len(buf) : len(buf)+step])
		buf = buf[:len(buf)+n]
		switch {
		case err == io.EOF:
			p.eof = true
		case err != nil:
			// The one-pass path reads the same bytes, meets the same
			// error and words it with its line.
			p.rerr, p.eof = err, true
			c.cutBad, c.data = true, buf
			return c
		}
	}
	if records < maxRows && p.eof && end < len(buf) {
		// The rest of the input: a last record without a newline, or an
		// open quote (the parser says so).
		end, endLines = len(buf), lines+1
	}
	if end == 0 {
		return nil
	}
	p.limit = min(2*p.limit, chunkMax)
	c.data, c.lines = buf[:end], endLines
	if end < len(buf) {
		p.tail = append([]byte(nil), buf[end:]...)
	}
	p.line += endLines
	return c
}

// fallback hands the first in-flight chunk and everything after it to the
// one-pass scanner and parser.
func (p *chunkPipe) fallback() {
	first := p.inflight[0]
	p.drain(p.inflight)
	parts := make([]io.Reader, 0, len(p.inflight)+3)
	for _, c := range p.inflight {
		parts = append(parts, bytes.NewReader(c.data))
	}
	parts = append(parts, bytes.NewReader(p.tail))
	switch {
	case p.rerr != nil:
		parts = append(parts, errReader{p.rerr})
	case !p.eof:
		parts = append(parts, p.src)
	}
	p.inflight, p.tail = nil, nil
	s := newScanner(p.file, io.MultiReader(parts...))
	s.line, s.started, s.sep = first.line-1, true, p.sep
	p.slow = newBatchReader(p.schema, p.opts, p.onePass(s))
}

// errReader fails every read with err.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
