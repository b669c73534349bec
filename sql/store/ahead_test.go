package store

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/tradepipe/tradepipe/ingest"
	"github.com/tradepipe/tradepipe/transform/country"
)

// aheadLoad loads path's only source into s, with a reader read ahead for
// ahead (nil: none), and says how many bytes of text were read through the
// load's options in all (the reader read ahead counts in them).
func aheadLoad(t *testing.T, s *Store, path string, ahead string) (LoadResult, int64, *Ahead) {
	t.Helper()
	src := source(t, path)
	cs, err := country.Load()
	if err != nil {
		t.Fatal(err)
	}
	var read atomic.Int64
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	o := LoadOptions{Codes: cs, Allocator: mem, Progress: func(n int64) { read.Add(n) }}
	var a *Ahead
	if ahead != "" {
		a = ReadAhead(context.Background(), []ingest.Source{source(t, ahead)}, o)
		if a == nil {
			t.Fatal("ReadAhead gave nil for a plain file")
		}
		o.Ahead = a
	}
	r := s.Load(context.Background(), src, o)
	mem.AssertSize(t, 0)
	return r, read.Load(), a
}

func source(t *testing.T, path string) ingest.Source {
	t.Helper()
	srcs, err := ingest.Sources(path)
	if err != nil || len(srcs) != 1 {
		t.Fatalf("%s: %d sources, %v", path, len(srcs), err)
	}
	return srcs[0]
}

// A load takes the reader read ahead for its source where the ledger holds
// no file of its size, and then reads the text once; where it holds one,
// or the reader is another source's, it opens its own, and loads or skips
// as without one. Every outcome is the one without a reader read ahead.
func TestReadAheadTakenOnlyWhereItWouldOpenTheSame(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	values := make([]string, 250000) // 8 MB: more than is read ahead, on goroutines
	for i := range values {
		values[i] = fmt.Sprint(i + 1)
	}
	a := write(t, dir, "a.csv", []byte(longRows(values...)))
	b := write(t, dir, "b.csv", []byte(longRows("1", "2", "3")))
	sameBytes := write(t, dir, "a_copy.csv", []byte(longRows(values...)))
	bad := write(t, dir, "bad.csv", []byte("no,header,known\n1,2,3\n"))
	size := source(t, a).Size

	without, with := openTest(t), openTest(t)
	for _, step := range []struct {
		path, ahead string
		taken       bool
		status      string
	}{
		{a, a, true, Loaded},
		{b, a, false, Loaded},                  // another source's reader
		{sameBytes, sameBytes, false, Skipped}, // a file of its size in the ledger
		{bad, bad, false, Failed},              // did not open: opened again, and fails as it would
	} {
		name := step.path[len(dir)+1:]
		want, _, _ := aheadLoad(t, without, step.path, "")
		got, read, ahead := aheadLoad(t, with, step.path, step.ahead)
		if got.Status != step.status || want.Status != step.status {
			t.Fatalf("%s: %s (%v), without reading ahead %s (%v); want %s", name, got.Status, got.Err, want.Status, want.Err, step.status)
		}
		if fmt.Sprint(got.Err) != fmt.Sprint(want.Err) || got.Rows != want.Rows || got.SHA256 != want.SHA256 || got.Earlier != want.Earlier {
			t.Errorf("%s: %+v\nwithout reading ahead %+v", name, got, want)
		}
		if ahead.claim() != nil {
			t.Errorf("%s: the load neither took nor closed the reader read ahead", name)
		}
		if step.taken && read != size {
			t.Errorf("%s: %d bytes read, want the file's %d once: the load did not take the reader", name, read, size)
		}
		if step.path == sameBytes && read >= size {
			t.Errorf("%s: %d bytes read of %d: the load read the text of bytes it then skipped", name, read, size)
		}
		if cw, cg := counts(t, without), counts(t, with); cw != cg {
			t.Errorf("after %s: %s, without reading ahead %s", name, cg, cw)
		}
	}
}

// A reader read ahead and closed unused (the database did not open, say)
// leaves no goroutine reading.
func TestReadAheadClosedUnused(t *testing.T) {
	dir := t.TempDir()
	values := make([]string, 40000)
	for i := range values {
		values[i] = fmt.Sprint(i + 1)
	}
	p := write(t, dir, "a.csv", []byte(longRows(values...)))
	before := runtime.NumGoroutine()
	a := ReadAhead(context.Background(), []ingest.Source{source(t, p)}, LoadOptions{})
	a.Close()
	a.Close() // twice: nothing more
	for range 100 {
		if runtime.NumGoroutine() <= before {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("%d goroutines, %d before", runtime.NumGoroutine(), before)
}
