//go:build unix

package render_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tradepipe/tradepipe/sql/report"
	"github.com/tradepipe/tradepipe/sql/report/brief"
	"github.com/tradepipe/tradepipe/sql/report/render"
	"github.com/tradepipe/tradepipe/sql/store/storetest"
)

// consoleLine is how headless Chromium logs a page's console messages and
// uncaught errors on stderr with --enable-logging=stderr --v=0:
// "[...:INFO:CONSOLE:1] "Uncaught ReferenceError: ...", source: file:///...".
var consoleLine = regexp.MustCompile(`(?m)^.*(?::CONSOLE|Uncaught|Failed to load resource).*$`)

// screenshot renders the file at page in headless Chromium (1200 x 900) and
// returns the screenshot and the page's console lines. The browser runs in
// its own process group, killed if it outlives the deadline.
func screenshot(t *testing.T, chromium, page string) (image.Image, []string, string) {
	t.Helper()
	return screenshotSized(t, chromium, page, 1200, 900)
}

// screenshotSized is screenshot with a window of w x h pixels.
func screenshotSized(t *testing.T, chromium, page string, w, h int) (image.Image, []string, string) {
	t.Helper()
	shot := filepath.Join(t.TempDir(), "shot.png")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--host-resolver-rules=MAP * ~NOTFOUND", // nothing on the page may need the network
		"--user-data-dir="+t.TempDir(), "--enable-logging=stderr", "--v=0",
		"--screenshot="+shot, "--window-size="+strconv.Itoa(w)+","+strconv.Itoa(h), "file://"+page)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("chromium did not finish in 90 s:\n%s", stderr.String())
	}
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v\n%s", err, stderr.String())
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot %s: %v", shot, err)
	}
	return img, consoleLine.FindAllString(stderr.String(), -1), shot
}

// TestBrowserRendersPage opens the regional-shares page of the sample in
// headless Chromium: the screenshot must show the chart's lines in their
// colours, and the page must log nothing to the console.
func TestBrowserRendersPage(t *testing.T) {
	t.Parallel()
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed (apt-get install chromium): the page is not rendered in a browser")
	}
	s := storetest.Sample(t)
	tab := sampleTable(t, s, "regional-shares", report.Params{Dataset: "sample", Compare: "ASEAN"})
	dir := t.TempDir()
	page := filepath.Join(dir, "regional-shares.html")
	var b bytes.Buffer
	if err := render.WriteHTML(&b, tab, made); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	img, console, shot := screenshot(t, chromium, page)
	t.Logf("screenshot: %s", shot)
	defer func() {
		if t.Failed() { // keep the evidence past the test's temporary folder
			if keep, err := os.MkdirTemp("", "tradepipe-browser-"); err == nil {
				data, _ := os.ReadFile(shot)
				os.WriteFile(filepath.Join(keep, "shot.png"), data, 0o644)
				os.WriteFile(filepath.Join(keep, "regional-shares.html"), b.Bytes(), 0o644)
				t.Logf("kept the screenshot and page in %s", keep)
			}
		}
	}()
	if len(console) > 0 {
		t.Errorf("console messages:\n%s", strings.Join(console, "\n"))
	}
	bounds := img.Bounds()
	if bounds.Dx() != 1200 || bounds.Dy() != 900 {
		t.Errorf("screenshot is %dx%d, want 1200x900", bounds.Dx(), bounds.Dy())
	}
	nonWhite := 0
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if r>>8 < 240 || g>>8 < 240 || b>>8 < 240 {
				nonWhite++
			}
		}
	}
	if share := float64(nonWhite) / float64(bounds.Dx()*bounds.Dy()); share < 0.02 {
		t.Errorf("screenshot nearly blank: %.2f%% of its pixels are not white", 100*share)
	}
	// The chart is drawn: each line's colour covers a run of pixels.
	for name, want := range map[string][3]uint8{"blue (intra)": {0x00, 0x72, 0xB2}, "vermillion (China)": {0xD5, 0x5E, 0x00},
		"green (Russia)": {0x00, 0x9E, 0x73}} {
		if n := countColour(img, want, 30); n < 300 {
			t.Errorf("%s: %d pixels in the screenshot, want at least 300", name, n)
		}
	}
}

// TestBrowserConsoleCheck shows the console check can fail: a page with a
// script error is caught.
func TestBrowserConsoleCheck(t *testing.T) {
	t.Parallel()
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed (apt-get install chromium): the console check is not exercised")
	}
	page := filepath.Join(t.TempDir(), "broken.html")
	os.WriteFile(page, []byte(`<!DOCTYPE html><html><body><p>x</p><script>undefinedFunction();</script></body></html>`), 0o644)
	_, console, _ := screenshot(t, chromium, page)
	if len(console) == 0 || !strings.Contains(strings.Join(console, "\n"), "undefinedFunction") {
		t.Errorf("script error not seen; console lines: %q", console)
	}
}

// TestBrowserTableFits: the regional-shares page, its table of 21
// columns included, is no wider than the window: the table scrolls in its
// own box. A copy of the page with a measuring script (the page itself
// has none) writes the widths into its title, which --dump-dom shows.
func TestBrowserTableFits(t *testing.T) {
	t.Parallel()
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed (apt-get install chromium): the page is not measured in a browser")
	}
	s := storetest.Sample(t)
	tab := sampleTable(t, s, "regional-shares", report.Params{Dataset: "sample", Compare: "ASEAN", Partial: "show"})
	var b bytes.Buffer
	if err := render.WriteHTML(&b, tab, made); err != nil {
		t.Fatal(err)
	}
	measure := `<script>document.title = [document.documentElement.scrollWidth, window.innerWidth,
		Math.max(...Array.from(document.querySelectorAll('.scroll')).map(e => e.getBoundingClientRect().right)),
		Math.max(...Array.from(document.querySelectorAll('.scroll')).map(e => e.scrollWidth - e.clientWidth))].join(' ');</script>`
	page := filepath.Join(t.TempDir(), "measured.html")
	if err := os.WriteFile(page, []byte(strings.Replace(b.String(), "</body>", measure+"</body>", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--host-resolver-rules=MAP * ~NOTFOUND", "--user-data-dir="+t.TempDir(),
		"--window-size=1200,900", "--dump-dom", "file://"+page)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	m := regexp.MustCompile(`<title>(\d+) (\d+) ([\d.]+) (\d+)</title>`).FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("no measurements in the page's title:\n%.2000s", out)
	}
	doc, win, right, overflow := atoi(m[1]), atoi(m[2]), m[3], atoi(m[4])
	t.Logf("page %d px wide in a window of %d; table box ends at %s px, its table %d px wider than the box", doc, win, right, overflow)
	if doc > win {
		t.Errorf("the page is %d px wide, wider than the window (%d px): the table does not scroll in its box", doc, win)
	}
	if r, _ := strconv.ParseFloat(right, 64); r > float64(win) {
		t.Errorf("the table's box ends at %s px, past the window (%d px)", right, win)
	}
	if overflow <= 0 {
		t.Logf("the table fits its box without scrolling")
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// TestBrowserRendersBrief opens the sample's brief in headless Chromium, in
// a window tall enough for the whole page: nothing on the console, and
// every section's chart drawn (each chart's first line is blue, so the
// screenshot has one band of blue rows per chart).
func TestBrowserRendersBrief(t *testing.T) {
	t.Parallel()
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed (apt-get install chromium): the brief is not rendered in a browser")
	}
	s := storetest.Sample(t)
	b, err := brief.Build(context.Background(), s, brief.Options{Dataset: "sample"})
	if err != nil {
		t.Fatal(err)
	}
	charts := 0
	for _, sec := range b.Sections {
		if sec.Figure != nil {
			charts++
		}
	}
	if charts != len(b.Sections) {
		t.Errorf("%d charts for %d sections", charts, len(b.Sections))
	}
	page := filepath.Join(t.TempDir(), "brief.html")
	var buf bytes.Buffer
	if err := brief.WriteHTML(&buf, b); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	img, console, shot := screenshotSized(t, chromium, page, 1200, 14000)
	t.Logf("screenshot: %s", shot)
	if len(console) > 0 {
		t.Errorf("console messages:\n%s", strings.Join(console, "\n"))
	}
	// Rows with a run of the palette's blue, grouped into bands.
	bounds := img.Bounds()
	bands, last := 0, -1000
	var spans []string
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		n := 0
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r>>8, 0x00, 30) && near(g>>8, 0x72, 30) && near(bl>>8, 0xB2, 30) {
				n++
			}
		}
		if n >= 3 {
			if y-last > 450 { // a chart is about 575 px tall: its legend and its line are one band
				bands++
				spans = append(spans, fmt.Sprintf("%d-", y))
			}
			spans[len(spans)-1] = strings.SplitAfter(spans[len(spans)-1], "-")[0] + strconv.Itoa(y)
			last = y
		}
	}
	if bands != charts {
		t.Errorf("%d charts drawn in the screenshot (bands of blue rows: %v), want %d", bands, spans, charts)
	}
}
