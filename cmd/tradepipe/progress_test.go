package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tradepipe/tradepipe/ingest"
)

// clock is a fake time source the test moves by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// barLike is what a progress bar writes: carriage returns, ANSI escapes,
// bar glyphs.
func barLike(s string) bool { return strings.ContainsAny(s, "\r\x1b█▏▎▍▌▋▊▉[]") }

func TestProgressNotATerminal(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		src   ingest.Source
		lines []string
	}{
		// A line every 5 s: a 20 s load shows four.
		{"plain file", ingest.Source{Name: "/data/big.csv", Compression: "none", Size: 600_000_000},
			[]string{"reading big.csv: 50.0 MB of 600.0 MB (8%), 10.0 MB/s, about 55s left",
				"reading big.csv: 100.0 MB of 600.0 MB (16%), 10.0 MB/s, about 50s left",
				"reading big.csv: 150.0 MB of 600.0 MB (25%), 10.0 MB/s, about 45s left",
				"reading big.csv: 200.0 MB of 600.0 MB (33%), 10.0 MB/s, about 40s left",
				"loading big.csv: replacing earlier rows", "loading big.csv: committing"}},
		{"gzip: size unknown", ingest.Source{Name: "/data/big.csv.gz", Compression: "gzip", Size: 50_000_000},
			[]string{"reading big.csv.gz: 50.0 MB of text, 10.0 MB/s", "reading big.csv.gz: 100.0 MB of text, 10.0 MB/s",
				"reading big.csv.gz: 150.0 MB of text, 10.0 MB/s", "reading big.csv.gz: 200.0 MB of text, 10.0 MB/s",
				"loading big.csv.gz: replacing earlier rows", "loading big.csv.gz: committing"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var w bytes.Buffer
			clk := &clock{t: time.Date(2026, 5, 27, 2, 30, 0, 0, time.UTC)}
			p := newProgress(&w, c.src, clk.now)
			// 10 MB a second for 20 s, in 1 MB reads, then the steps
			// after reading.
			for range 200 {
				clk.advance(100 * time.Millisecond)
				p.add(1_000_000)
			}
			p.stage("replacing earlier rows")
			clk.advance(3 * time.Second)
			p.stage("committing")
			if w.Len() > 0 && barLike(w.String()) {
				t.Errorf("bar-like output to a non-terminal: %q", w.String())
			}
			got := strings.Split(strings.TrimSuffix(w.String(), "\n"), "\n")
			if strings.Join(got, "|") != strings.Join(c.lines, "|") {
				t.Errorf("lines %q, want %q", got, c.lines)
			}
			p.done()
			p.add(1) // after done: silent
			if strings.Count(w.String(), "\n") != len(c.lines) {
				t.Errorf("output after done: %q", w.String())
			}
		})
	}
}

// TestProgressShortLoad: a file loaded in under logEvery prints nothing.
func TestProgressShortLoad(t *testing.T) {
	t.Parallel()
	var w bytes.Buffer
	clk := &clock{t: time.Unix(0, 0)}
	p := newProgress(&w, ingest.Source{Name: "small.csv", Compression: "none", Size: 1000}, clk.now)
	clk.advance(4 * time.Second)
	p.add(1000)
	p.stage("committing")
	p.done()
	if w.Len() != 0 {
		t.Errorf("output: %q", w.String())
	}
}

// TestProgressBarOnTerminal drives the bar as on a terminal (tty forced):
// nothing in the first second, then a bar with the file's name and bytes,
// cleared at the end.
func TestProgressBarOnTerminal(t *testing.T) {
	t.Parallel()
	var w bytes.Buffer
	clk := &clock{t: time.Unix(0, 0)}
	p := newProgress(&w, ingest.Source{Name: "/data/big.csv", Compression: "none", Size: 100_000_000}, clk.now)
	p.tty, p.throttle = true, 0
	for range 9 {
		clk.advance(100 * time.Millisecond)
		p.add(1_000_000)
	}
	if w.Len() != 0 {
		t.Fatalf("bar drawn in the first second: %q", w.String())
	}
	clk.advance(time.Second)
	p.add(1_000_000)
	out := w.String()
	if !strings.Contains(out, "big.csv") || !strings.Contains(out, "/100 MB") || !strings.Contains(out, "\r") {
		t.Errorf("bar: %q", out)
	}
	// Read to the end, the bar says what the load does next.
	for range 90 {
		p.add(1_000_000)
	}
	p.stage("replacing earlier rows")
	if after := w.String()[len(out):]; !strings.Contains(after, "big.csv: replacing earlier rows") {
		t.Errorf("bar at 100%% does not say what the load does: %q", after)
	}
	out = w.String()
	p.done()
	if after := strings.TrimPrefix(w.String(), out); !strings.HasPrefix(after, "\r") || strings.TrimSpace(after) != "" {
		t.Errorf("bar not cleared: %q", after)
	}
}

// TestIngestQuietOffTerminal: with standard error not a terminal, a
// successful ingest writes nothing there, and its per-file lines are as
// they were.
func TestIngestQuietOffTerminal(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "t.duckdb")
	code, out, errs := tp(t, "ingest", "--db", db, sample("fx_wdi_sample.csv"), sample("baci_sample.csv"))
	if code != 0 || errs != "" {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "loaded  ") || !strings.HasSuffix(lines[1], ": 60 rows (format baci, dataset baci)") || barLike(out) {
		t.Errorf("stdout %q", out)
	}
}
