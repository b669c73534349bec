package main

import (
	"io"
	"strings"
	"testing"
	"time"
)

// A word bench does not know is refused before anything runs: a mistyped
// subcommand once started the whole bench.
func TestUnknownWordRefused(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"-pairs", "1", "ingest"}, {"-targets", "readers", "extra"}} {
		err := run(args, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "unknown subcommand or argument") {
			t.Errorf("bench %s: %v, want the unknown word refused", strings.Join(args, " "), err)
		}
	}
}

// TestShortRunsGetMorePairs: a target whose first runs both take under
// shortRun is run shortPairs times; one whose runs take longer, or where
// either run of the first pair does, the pairs asked for.
func TestShortRunsGetMorePairs(t *testing.T) {
	r := &runner{shortPairs: 11, log: func(string, ...any) {}}
	for _, tc := range []struct {
		a, b time.Duration
		want int
	}{
		{100 * time.Millisecond, 120 * time.Millisecond, 11},
		{100 * time.Millisecond, 2 * time.Second, 3},
		{3 * time.Second, 2 * time.Second, 3},
	} {
		run := func(d time.Duration) func() (sample, error) {
			return func() (sample, error) { return sample{wall: d}, nil }
		}
		as, bs, err := r.pairsOf("test", 3, run(tc.a), run(tc.b))
		if err != nil {
			t.Fatal(err)
		}
		if len(as) != tc.want || len(bs) != tc.want {
			t.Errorf("runs of %s and %s: %d and %d pairs, want %d", tc.a, tc.b, len(as), len(bs), tc.want)
		}
	}
}
