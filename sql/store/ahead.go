package store

import (
	"context"
	"sync"

	"github.com/tradepipe/tradepipe/ingest"
)

// Ahead is a source's reader opened, and reading, before the database it
// is to load into: DuckDB opens a database on one thread, and a command
// that opens one and then loads a file can meanwhile parse the file's
// first chunks on the other core (ingest.FileReader.ReadAhead). Nothing
// of the database is touched: the load takes the reader (LoadOptions.Ahead)
// only where it would have opened the same one then, for the same source,
// with no file of its size in the ledger, so read without hashing first;
// where the ledger holds one, the bytes may have been loaded, and the load
// closes the reader and hashes the source before it reads it, as always.
// A load given an Ahead of another source closes it too.
type Ahead struct {
	src    ingest.Source
	opened chan struct{} // closed once the goroutine opening fr ends
	mu     sync.Mutex
	fr     *ingest.FileReader // nil where it did not open, or once taken
}

// ReadAhead opens the reader of srcs[0], the first source of a LoadAll,
// as its load with o would, and starts its reading, on a goroutine of its
// own: it returns at once. It returns nil where the source is the first of
// a group of zip entries (group.go), which opens its readers otherwise.
// Where the reader does not open, the load opens it again and fails as it
// would have, recorded.
func ReadAhead(ctx context.Context, srcs []ingest.Source, o LoadOptions) *Ahead {
	if len(srcs) == 0 || groupEnd(srcs, 0) > 1 {
		return nil
	}
	a := &Ahead{src: srcs[0], opened: make(chan struct{})}
	go func() {
		defer close(a.opened)
		opts, err := readerOptions(ctx, o, false)
		if err != nil {
			return
		}
		fr, err := ingest.OpenReader(a.src, o.Format, opts...)
		if err != nil {
			return
		}
		fr.ReadAhead()
		a.fr = fr
	}()
	return a
}

// take gives the reader to a load of src, once; nil if it is not src's,
// or did not open, or was taken or closed.
func (a *Ahead) take(src ingest.Source) *ingest.FileReader {
	if a == nil || a.src != src {
		return nil
	}
	return a.claim()
}

// claim waits for the reader's open and takes it, once.
func (a *Ahead) claim() *ingest.FileReader {
	<-a.opened
	a.mu.Lock()
	defer a.mu.Unlock()
	fr := a.fr
	a.fr = nil
	return fr
}

// Close closes the reader if no load took it. A nil Ahead does nothing.
func (a *Ahead) Close() {
	if a == nil {
		return
	}
	if fr := a.claim(); fr != nil {
		fr.Release()
		fr.Close()
	}
}
