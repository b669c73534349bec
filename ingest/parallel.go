package ingest

import (
	"bytes"
	"io"

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

// parallelReader parses a quoted format (Comtrade+, legacy Comtrade) on two
// goroutines: chunkPipe cuts the text after the header into chunks of whole
// records, each parsed by a copy of the format's own parser on a scanner
// that starts at the chunk's line, into one batch; anything a chunk's
// parser rejects goes to the one-pass path, so rows and errors are those of
// reading the file in one pass.
type parallelReader struct {
	chunkPipe
	p chunkable // the parser that read the header
}

func newParallelReader(schema *arrow.Schema, o *options, p chunkable, s *scanner) *parallelReader {
	r := &parallelReader{p: p}
	r.init(schema, o, s, true)
	r.parse, r.onePass = r.parseChunk, p.withScanner
	if w, ok := p.(wideRecords); ok {
		r.recordRows = w.rowsPerRecord()
	}
	return r
}

// wideRecords is a chunkable parser whose records each make several rows
// (a column a year): its chunks hold fewer records, so that their batches,
// and the memory of the chunks in flight, stay bounded.
type wideRecords interface{ rowsPerRecord() int }

// parseChunk turns a chunk into one batch, or marks it failed at the first
// error.
func (r *parallelReader) parseChunk(c *chunk) {
	s := newScanner(r.file, bytes.NewReader(c.data))
	s.line, s.started, s.sep = c.line-1, true, r.sep
	p := r.p.withScanner(s)
	b := array.NewRecordBuilder(r.opts.mem, r.schema)
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
	c.skip = parserSkips(p)
}
