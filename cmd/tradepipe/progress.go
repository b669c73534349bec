package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/tradepipe/tradepipe/ingest"
)

// How progress shows: on a terminal a bar, once a file has been read for
// barDelay (small files load without one); elsewhere a plain line every
// logEvery, so a long load in a log file is seen to move (a 20 s load
// among them).
const (
	barDelay = time.Second
	logEvery = 5 * time.Second
)

// progress follows the reading of one file. Its add method is the
// store.LoadOptions.Progress hook (bytes of text read); done clears the
// bar before the file's outcome line is printed.
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	name     string
	total    int64 // -1: unknown
	tty      bool
	now      func() time.Time
	start    time.Time
	lastLog  time.Time
	read     int64
	bar      *progressbar.ProgressBar
	gate     *gate
	throttle time.Duration // least real time between redraws of the bar
	finished bool
	logged   bool // a plain progress line was printed
}

// newProgress follows src, writing to w (standard error): a bar when w is
// a terminal, else plain lines. The total is the file's size, or its
// uncompressed size for a zip entry; a gzip file's size on disk says
// little about its text, so it gets a counter without an estimate.
func newProgress(w io.Writer, src ingest.Source, now func() time.Time) *progress {
	total := src.Size
	if src.Compression == "gzip" || total <= 0 {
		total = -1
	}
	t := now()
	return &progress{w: w, name: filepath.Base(src.Name), total: total, tty: isTerminal(w), now: now, start: t, lastLog: t,
		throttle: 100 * time.Millisecond}
}

// add records n more bytes read.
func (p *progress) add(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.finished {
		return
	}
	p.read += n
	if p.tty {
		if p.bar == nil {
			p.gate = &gate{w: p.w, open: func() bool { return p.now().Sub(p.start) >= barDelay }}
			p.bar = newBar(p.gate, p.name, p.total, p.throttle)
		}
		p.bar.Add64(n)
		return
	}
	if t := p.now(); t.Sub(p.lastLog) >= logEvery {
		p.lastLog, p.logged = t, true
		fmt.Fprintln(p.w, p.line(t))
	}
}

// stage shows what the load does once the file is read (the
// store.LoadOptions.Stage hook): on the bar, which sits at 100% by then,
// as its description; off a terminal as a line, for a load that has
// shown its reading already (a quick one stays quiet).
func (p *progress) stage(what string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.finished {
		return
	}
	if p.tty {
		if p.bar != nil && p.gate.opened {
			p.bar.Describe(p.name + ": " + what)
		}
		return
	}
	if p.logged {
		fmt.Fprintf(p.w, "loading %s: %s\n", p.name, what)
	}
}

// line is the plain progress line: "reading big.csv: 1.2 GB of 4.0 GB
// (30%), 41.0 MB/s, about 1m25s left".
func (p *progress) line(t time.Time) string {
	secs := t.Sub(p.start).Seconds()
	rate := 0.0
	if secs > 0 {
		rate = float64(p.read) / secs
	}
	s := "reading " + p.name + ": " + byteSize(float64(p.read))
	if p.total > 0 {
		s += fmt.Sprintf(" of %s (%d%%)", byteSize(float64(p.total)), 100*p.read/p.total)
	} else {
		s += " of text"
	}
	s += ", " + byteSize(rate) + "/s"
	if p.total > 0 && rate > 0 && p.read < p.total {
		left := time.Duration(float64(p.total-p.read)/rate) * time.Second
		s += ", about " + left.Round(time.Second).String() + " left"
	}
	return s
}

// done ends the display: the bar, if one was shown, is cleared.
func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.finished = true
	if p.bar != nil && p.gate.opened {
		p.bar.Exit()
		p.bar.Clear()
	}
}

func newBar(w io.Writer, name string, total int64, throttle time.Duration) *progressbar.ProgressBar {
	return progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(name),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowTotalBytes(true),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(throttle),
		progressbar.OptionSpinnerType(14),
		// No ticker goroutine: the spinner moves as bytes are read.
		progressbar.OptionSetSpinnerChangeInterval(0),
		progressbar.OptionFullWidth(),
	)
}

// gate drops what is written to it until open says yes, then passes
// everything on: the bar is drawn only once a load has taken a while.
type gate struct {
	w      io.Writer
	open   func() bool
	opened bool
}

func (g *gate) Write(b []byte) (int, error) {
	if !g.opened {
		if !g.open() {
			return len(b), nil
		}
		g.opened = true
	}
	return g.w.Write(b)
}

// isTerminal tells whether w is a terminal.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// byteSize is n bytes for people: "812 B", "41.0 MB", "1.2 GB".
func byteSize(n float64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%.0f B", n)
	}
	exp, div := 0, float64(unit)
	for n/div >= unit && exp < 4 {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", n/div, "kMGTP"[exp])
}
