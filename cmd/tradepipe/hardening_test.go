package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tradepipe/tradepipe/sql/store"
)

// Issue 17, case 6: a trade-long row of 1e308 loaded, and regional-shares
// printed +Inf. It is refused at ingest with its file, line and column.
func TestOverflowingValueRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "t.duckdb")
	if code, _, errs := tp(t, "ingest", "--db", db, "--dataset", "sample", sample("asean_long_1996_2020.csv")); code != 0 {
		t.Fatal(errs)
	}
	before := tableCounts(t, db)
	big := filepath.Join(dir, "big.csv")
	os.WriteFile(big, []byte("year,month,reporter,partner,flow,product,value,currency\n2019,,IDN,MYS,X,TOTAL,1e308,USD\n"), 0o644)
	code, _, errs := tp(t, "ingest", "--db", db, "--dataset", "sample", big)
	if want := "failed  " + big + `:2:23: value: value beyond any trade figure: "1e308" units is above 1e+15 USD`; code != 1 || !strings.HasPrefix(errs, want) {
		t.Errorf("exit %d %s\nwant %s", code, errs, want)
	}
	before["load_failures"]++
	sameCounts(t, "after the refused file", tableCounts(t, db), before)
	if code, out, errs := tp(t, "report", "regional-shares", "--db", db, "--dataset", "sample", "--group", "ASEAN", "--format", "csv"); code != 0 || strings.Contains(out, "Inf") {
		t.Errorf("report: exit %d %s %s", code, out, errs)
	}
}

// Issue 17, case 7: every numeric flag is finite and in range, and a zero
// given is not silently the default; a dataset name is one line; a lock
// wait is not negative.
func TestFlagsInRange(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "t.duckdb")
	if code, _, errs := tp(t, "ingest", "--db", db, "--dataset", "sample", sample("asean_long_1996_2020.csv")); code != 0 {
		t.Fatal(errs)
	}
	before := tableCounts(t, db)
	rs := []string{"report", "regional-shares", "--db", db, "--dataset", "sample"}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{append(rs, "--cif-fob", "NaN"), "cif/fob factor NaN outside 1-2"},
		{append(rs, "--cif-fob", "0"), "cif/fob factor 0 outside 1-2"},
		{append(rs, "--cif-fob", "+Inf"), "cif/fob factor +Inf outside 1-2"},
		{append(rs, "--cif-fob", "3"), "cif/fob factor 3 outside 1-2"},
		{append([]string{"report", "partner-shares", "--db", db, "--dataset", "sample"}, "--top=-1"), "--top -1: a count of partners, 1 or more"},
		{append([]string{"report", "partner-shares", "--db", db, "--dataset", "sample"}, "--top", "0"), "--top 0: a count of partners, 1 or more"},
		{append(rs, "--min-reporters=-3"), "--min-reporters -3: a count of countries, 0 or more"},
		{append(rs, "--from=-5"), "--from -5: a year from 1900 to 2100"},
		{append(rs, "--min-world-share", "NaN"), "min world share NaN outside 0-100"},
		{append(rs, "--min-partner-share", "0"), "min partner share 0 outside 0-100"},
		{[]string{"export", "--db", db, "--out", filepath.Join(dir, "out"), "--cif-fob", "NaN"}, "cif/fob factor NaN outside 1-2"},
		{[]string{"ingest", "--db", db, "--dataset", "a\nb", sample("baci_sample.csv")}, `dataset name "a\nb": no control characters`},
		{[]string{"ingest", "--db", db, "--dataset", " a", sample("baci_sample.csv")}, `dataset name " a": not empty, no leading or trailing spaces`},
		{[]string{"status", "--db", db, "--lock-wait=-1s"}, "--lock-wait -1s: a duration of 0s or more"},
	} {
		code, out, errs := tp(t, tc.args...)
		if code != 2 || out != "" || !strings.Contains(errs, tc.want) {
			t.Errorf("%q: exit %d %q %q; want exit 2 and %q", tc.args, code, out, errs, tc.want)
		}
	}
	sameCounts(t, "after the refused flags", tableCounts(t, db), before)
	if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
		t.Error("export wrote with a NaN factor")
	}
}

// Issue 17, case 7: the config's numbers and schedules likewise; a cron
// spec that never fires (0 0 31 2 *) is refused, not scheduled for the
// year 1.
func TestConfigInRange(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct{ job, want string }{
		{`schedule: "0 0 31 2 *"`, "never fires"},
		{`schedule: "0 0 30 2 *"`, "never fires"},
		{`steps: [report regional-shares --cif-fob NaN]`, "cif/fob factor NaN outside 1-2"},
		{`steps: [report regional-shares --cif-fob 0]`, "cif/fob factor 0 outside 1-2"},
		{`steps: [report partner-shares --top -1]`, "--top -1: a count of partners, 1 or more"},
		{`steps: [report partner-shares --top 0]`, "--top 0: a count of partners, 1 or more"},
		{`steps: [report regional-shares --from 0]`, "--from 0: a year from 1900 to 2100"},
	} {
		cfg := filepath.Join(dir, "tradepipe.yaml")
		text := "db: t.duckdb\ninbox: in\noutputs: out\njobs:\n  - name: j\n    " + tc.job + "\n"
		if !strings.Contains(tc.job, "steps") {
			text += "    steps: [ingest]\n"
		}
		if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, errs := tp(t, "check", "--config", cfg)
		if code != 2 || !strings.Contains(errs, tc.want) || !strings.Contains(errs, cfg) {
			t.Errorf("%s: exit %d %s; want exit 2 naming %s and %q", tc.job, code, errs, cfg, tc.want)
		}
	}
}

// Issue 17, case 7: status prints one line per failure, a multi-line
// error flattened onto it.
func TestStatusOneLinePerFailure(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "t.duckdb")
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("year,month,reporter,partner,flow,product,value,currency\n2019,,KAZ,CHN,X,TOTAL,x,USD\n"), 0o644)
	tp(t, "ingest", "--db", db, bad)
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	st.RecordFailure(filepath.Join(dir, "two\nlines.csv"), "", errors.New("Binder Error: no such column\n\nLINE 1: SELECT x\n               ^"))
	st.Close()
	code, out, errs := tp(t, "status", "--db", db)
	if code != 0 {
		t.Fatal(errs)
	}
	_, table, _ := strings.Cut(out, "recent failed loads")
	table, _, _ = strings.Cut(table, "\n\n")
	lines := strings.Split(strings.TrimSpace(table), "\n")
	if len(lines) != 3 || !strings.Contains(lines[1]+lines[2], "Binder Error: no such column | LINE 1: SELECT x | ^") {
		t.Errorf("failures table:\n%s", table)
	}
}

// Issue 17, case 7: query has a time bound (--timeout, none by default)
// and a row bound (--max-rows) of its own.
func TestQueryTimeoutAndMaxRows(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "t.duckdb")
	if code, _, errs := tp(t, "ingest", "--db", db, "--dataset", "sample", sample("asean_long_1996_2020.csv")); code != 0 {
		t.Fatal(errs)
	}
	start := time.Now()
	code, out, errs := tp(t, "query", "--db", db, "--timeout", "300ms", "SELECT count(*) FROM range(1000000000000) a, range(1000) b")
	if took := time.Since(start); code != 1 || out != "" || !strings.Contains(errs, "the statement ran longer than --timeout 300ms") || took > 5*time.Second {
		t.Errorf("timeout: exit %d after %s, %q %q", code, took, out, errs)
	}
	for _, f := range []string{"csv", "json", "table"} {
		code, out, errs = tp(t, "query", "--db", db, "--max-rows", "3", "--format", f, "SELECT i FROM range(10) t(i) ORDER BY i")
		want := map[string]string{"csv": "i\n0\n1\n2\n", "json": `{"columns":["i"],"rows":[{"i":0},{"i":1},{"i":2}],"notes":[]}` + "\n", "table": "i\n0\n1\n2\n"}[f]
		if code != 0 || out != want || errs != "tradepipe: stopped after 3 rows (--max-rows); the statement gives more\n" {
			t.Errorf("--max-rows 3 --format %s: exit %d\n%q\nwant %q\n%q", f, code, out, want, errs)
		}
	}
	// Without a bound, every row, and no note.
	code, out, errs = tp(t, "query", "--db", db, "--format", "csv", "SELECT i FROM range(3) t(i) ORDER BY i")
	if code != 0 || out != "i\n0\n1\n2\n" || errs != "" {
		t.Errorf("unbounded: exit %d %q %q", code, out, errs)
	}
	for _, a := range [][]string{{"--timeout=-1s"}, {"--max-rows=-1"}} {
		if code, _, _ := tp(t, append(append([]string{"query", "--db", db}, a...), "SELECT 1")...); code != 2 {
			t.Errorf("%v: exit %d, want 2", a, code)
		}
	}
}

// countWriter counts what is written and keeps none of it.
type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// Issue 17, case 7: query writes CSV and JSON as the rows come, holding
// none: a result of a million rows (some 80 MB held whole) grows the heap
// by a few MB only. Not parallel: the heap is measured alone.
func TestQueryStreamsRows(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.duckdb")
	if code, _, errs := tp(t, "ingest", "--db", db, "--dataset", "sample", sample("asean_long_1996_2020.csv")); code != 0 {
		t.Fatal(errs)
	}
	for _, f := range []string{"csv", "json"} {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base := ms.HeapInuse
		var peak uint64
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			for {
				select {
				case <-stop:
					return
				case <-time.After(5 * time.Millisecond):
				}
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapInuse)
			}
		}()
		var out countWriter
		var errs bytes.Buffer
		code := run(context.Background(), []string{"query", "--db", db, "--format", f, "SELECT i, i * 2 AS j FROM range(1000000) t(i)"}, strings.NewReader(""), &out, &errs)
		close(stop)
		<-done
		if code != 0 || out.n < 1000000*4 {
			t.Fatalf("%s: exit %d, %d bytes, %s", f, code, out.n, errs.String())
		}
		t.Logf("%s: heap grew by %d KB", f, (int64(peak)-int64(base))>>10)
		if grew := int64(peak) - int64(base); grew > 24<<20 {
			t.Errorf("%s: the heap grew by %d MB for %d bytes of output", f, grew>>20, out.n)
		}
	}
}
