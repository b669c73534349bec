package ingest

import "fmt"

// Skipped tells how many data rows a reader read and did not load, and
// why: a file whose rows are all aggregates (the EU-28 as reporter) loads
// no rows, and says so instead of loading nothing silently.
type Skipped struct {
	Rows   int64
	Reason string // "" when Rows is 0
}

// skipTally counts the rows a parser skips; it remembers the first
// reason, which names an example.
type skipTally struct {
	rows  int64
	first string
}

func (t *skipTally) add(reason string) {
	if t.rows == 0 {
		t.first = reason
	}
	t.rows++
}

func (t *skipTally) merge(u skipTally) {
	if t.rows == 0 {
		t.first = u.first
	}
	t.rows += u.rows
}

func (t skipTally) result() Skipped {
	if t.rows == 0 {
		return Skipped{}
	}
	return Skipped{Rows: t.rows, Reason: t.first}
}

// skipper is a parser that skips rows, and counts them.
type skipper interface{ skips() skipTally }

// skipCounter is a reader that can tell what its parsers skipped.
type skipCounter interface{ skipped() skipTally }

func parserSkips(p parser) skipTally {
	if s, ok := p.(skipper); ok {
		return s.skips()
	}
	return skipTally{}
}

func (r *batchReader) skipped() skipTally { return parserSkips(r.p) }

func (r *parallelReader) skipped() skipTally {
	t := r.skip
	if r.slow != nil {
		t.merge(r.slow.skipped())
	}
	return t
}

// Skipped tells how many rows the reader has read and not loaded, and
// why. Ask after the last batch.
func (f *FileReader) Skipped() Skipped {
	if s, ok := f.RecordReader.(skipCounter); ok {
		return s.skipped().result()
	}
	return Skipped{}
}

// aggregateSkip is the reason a row with an aggregate reporter or partner
// is skipped: it names the code and what the country table calls it.
func aggregateSkip(role, code, name string) string {
	return fmt.Sprintf("%s %s (%s) is an aggregate of countries, not a country: such rows are not loaded", role, code, name)
}
