package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tradepipe/tradepipe/ingest"
	"github.com/tradepipe/tradepipe/transform/country"
)

// TestInterruptedLoads cancels loads at many moments of their insert:
// each ends loaded or cancelled, leaves the database as it was, and the
// store loads the same file after. An interrupted insert over an Arrow
// view is cleaned up by DuckDB at the connection's next statement, which
// once called on a stream already let go of (a panic: insertFrom).
func TestInterruptedLoads(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a 300,000-row file twenty times")
	}
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString(longHeader)
	partners := []string{"KAZ", "CHN", "RUS", "UZB", "TKM", "TJK", "AFG", "IRN"}
	for i := range 300_000 {
		fmt.Fprintf(&b, "%d,%d,KGZ,%s,X,%06d,%d.5,USD\n", 2000+i%20, 1+i%12, partners[i%len(partners)], 10000+i%5000, i)
	}
	path := write(t, dir, "big.csv", []byte(b.String()))
	cs, err := country.Load()
	if err != nil {
		t.Fatal(err)
	}
	srcs, err := ingest.Sources(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, filepath.Join(dir, "t.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	empty := counts(t, s)
	cancelled := 0
	for i := range 20 {
		cctx, cancel := context.WithCancel(ctx)
		go func() {
			time.Sleep(time.Duration(5+8*i) * time.Millisecond)
			cancel()
		}()
		res := s.Load(cctx, srcs[0], LoadOptions{Codes: cs})
		stopped := cctx.Err() != nil
		cancel()
		switch {
		case res.Status == Loaded:
			if _, err := s.Forget(ctx, []int64{res.FileID}); err != nil {
				t.Fatalf("try %d: forgetting the load: %v", i, err)
			}
		case res.Status == Failed && stopped:
			// (context.Canceled, or DuckDB's interrupt of a statement)
			cancelled++
		default:
			t.Fatalf("try %d: %s %v", i, res.Status, res.Err)
		}
		if got := counts(t, s); got != empty {
			t.Fatalf("try %d (%s): the database holds %s, want %s", i, res.Status, got, empty)
		}
	}
	if cancelled == 0 {
		t.Fatal("no load was cancelled: the moments are all after the load")
	}
	if res := s.Load(ctx, srcs[0], LoadOptions{Codes: cs}); res.Status != Loaded || res.Rows != 300_000 {
		t.Fatalf("the load after: %s, %d rows, %v", res.Status, res.Rows, res.Err)
	}
}
