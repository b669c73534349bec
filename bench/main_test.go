package main

import (
	"io"
	"strings"
	"testing"
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
