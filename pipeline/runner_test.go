package pipeline

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tradepipe/tradepipe/ingest"
	"github.com/tradepipe/tradepipe/sql/store"
)

// TestMain doubles as a helper process that holds a database open for
// writing (as a running 'tradepipe schedule' job does) until its standard
// input closes.
func TestMain(m *testing.M) {
	if db := os.Getenv("TRADEPIPE_TEST_HOLD_DB"); db != "" {
		st, err := store.Open(context.Background(), db)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println("holding")
		io.Copy(io.Discard, os.Stdin)
		st.Close()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// holdDB starts a process holding db; release ends it.
func holdDB(t *testing.T, db string) (pid int, release func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "TRADEPIPE_TEST_HOLD_DB="+db)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "holding\n" {
		t.Fatalf("helper: %q %v", line, err)
	}
	done := false
	release = func() {
		if !done {
			done = true
			in.Close()
			cmd.Wait()
		}
	}
	t.Cleanup(release)
	return cmd.Process.Pid, release
}

const tradeHeader = "year,month,reporter,partner,flow,product,value,currency\n"

// setup writes a config (settle 0s) with the given jobs into a temporary
// folder and returns it with its inbox folder.
func setup(t *testing.T, jobs string) (*Config, string) {
	t.Helper()
	dir := t.TempDir()
	p := writeConfig(t, dir, "db: t.duckdb\ninbox: inbox\nsettle: 0s\nretry_backoff: 1s\n"+jobs)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	return c, filepath.Join(dir, "inbox")
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// query runs one SELECT returning one integer on a read-only store.
func query(t *testing.T, db, q string, args ...any) int64 {
	t.Helper()
	st, err := store.Open(context.Background(), db, store.ReadOnly())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int64
	if err := st.DB().QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func runs(t *testing.T, db string) []store.Run {
	t.Helper()
	st, err := store.Open(context.Background(), db, store.ReadOnly())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s, err := st.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s.Runs // newest first
}

// TestSettle: a file modified within the settle time waits for the next
// run.
func TestSettle(t *testing.T) {
	c, inbox := setup(t, "jobs:\n  - {name: load, steps: [ingest]}\n")
	c.Settle = 5 * time.Second
	f := filepath.Join(inbox, "kaz.csv")
	write(t, f, tradeHeader+"2019,,KAZ,CHN,X,TOTAL,100,USD\n")
	fi, _ := os.Stat(f)
	now := fi.ModTime().Add(2 * time.Second)
	log, logs := testLogger()
	r := NewRunner(c, log)
	r.Now = func() time.Time { return now }
	res := r.Run(context.Background(), &c.Jobs[0])
	if res.Outcome != store.RunOK || res.Waiting != 1 || res.Files != 0 {
		t.Fatalf("2s after the last write: %+v", res)
	}
	if !strings.Contains(logs.String(), `msg="file still being written: waits for the next run"`) {
		t.Errorf("log:\n%s", logs)
	}
	now = fi.ModTime().Add(5 * time.Second)
	res = r.Run(context.Background(), &c.Jobs[0])
	if res.Outcome != store.RunOK || res.Waiting != 0 || res.Files != 1 || res.Rows != 1 {
		t.Fatalf("5s after the last write: %+v", res)
	}
}

// TestRetryLocked: a database held by another process is a transient
// failure: retried with backoff, and the message names the process.
func TestRetryLocked(t *testing.T) {
	c, inbox := setup(t, "jobs:\n  - {name: load, steps: [ingest], retries: 2}\n")
	c.LockWait = 0
	write(t, filepath.Join(inbox, "kaz.csv"), tradeHeader+"2019,,KAZ,CHN,X,TOTAL,100,USD\n")
	log, logs := testLogger()
	r := NewRunner(c, log)
	var waits []time.Duration
	immediately := func(d time.Duration) <-chan time.Time {
		waits = append(waits, d)
		ch := make(chan time.Time, 1)
		ch <- time.Now()
		return ch
	}

	// Held throughout: three attempts, waits of 1s and 2s, then failed.
	pid, release := holdDB(t, c.DB)
	r.after = immediately
	res := r.Run(context.Background(), &c.Jobs[0])
	if res.Outcome != store.RunFailed || res.Attempts != 3 || !errors.Is(res.Err, store.ErrLocked) || res.RunID != 0 {
		t.Fatalf("held throughout: %+v", res)
	}
	if fmt.Sprint(waits) != "[1s 2s]" {
		t.Errorf("backoff %v, want [1s 2s]", waits)
	}
	if !strings.Contains(res.Err.Error(), fmt.Sprintf("process %d", pid)) {
		t.Errorf("the error does not name the process holding the file: %v", res.Err)
	}
	if n := strings.Count(logs.String(), `msg="job attempt failed; retrying"`); n != 2 {
		t.Errorf("%d retry lines:\n%s", n, logs)
	}
	release()
	// The run could not be recorded while it ran: it is at the next open.
	if err := r.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	rs := runs(t, c.DB)
	if len(rs) != 1 || rs[0].Outcome != store.RunFailed || !strings.Contains(rs[0].Error, "in use by") {
		t.Fatalf("runs: %+v", rs)
	}

	// Released during the first wait: the second attempt succeeds.
	waits = nil
	_, release = holdDB(t, c.DB)
	r.after = func(d time.Duration) <-chan time.Time {
		release()
		return immediately(d)
	}
	res = r.Run(context.Background(), &c.Jobs[0])
	if res.Outcome != store.RunOK || res.Attempts != 2 || res.Files != 1 || fmt.Sprint(waits) != "[1s]" {
		t.Fatalf("released after the first attempt: %+v, waits %v", res, waits)
	}
}

// TestBadDataNotRetried: a file that fails to parse fails the run at
// once (no retries) and is left alone until its bytes change.
func TestBadDataNotRetried(t *testing.T) {
	c, inbox := setup(t, "jobs:\n  - {name: load, steps: [ingest], retries: 3}\n")
	write(t, filepath.Join(inbox, "bad.csv"), tradeHeader+"2019,,KAZ,CHN,X,TOTAL,12x,USD\n")
	write(t, filepath.Join(inbox, "broken.zip"), "PK\x03\x04 not really a zip archive")
	log, _ := testLogger()
	r := NewRunner(c, log)
	r.after = func(time.Duration) <-chan time.Time { t.Error("retried bad data"); return time.After(0) }
	res := r.Run(context.Background(), &c.Jobs[0])
	var pe *ingest.ParseError
	if res.Outcome != store.RunFailed || res.Attempts != 1 || res.Failed != 2 || !errors.As(res.Err, &pe) ||
		!strings.Contains(res.Err.Error(), "bad.csv:2:") || !strings.Contains(res.Err.Error(), "broken.zip") {
		t.Fatalf("%+v", res)
	}
	if n := query(t, c.DB, `SELECT count(*) FROM load_failures WHERE sha256 IS NOT NULL`); n != 2 {
		t.Errorf("%d failures recorded, want 2", n)
	}
	res = r.Run(context.Background(), &c.Jobs[0])
	if res.Outcome != store.RunOK || res.Held != 2 || res.Failed != 0 {
		t.Fatalf("second run: %+v", res)
	}
	if n := query(t, c.DB, `SELECT count(*) FROM load_failures`); n != 2 {
		t.Errorf("%d failures recorded after the second run, want still 2", n)
	}
}

// TestCancelledIngestRollsBack: a load cancelled half-way leaves nothing,
// the run is recorded as cancelled, and the file loads at the next run.
func TestCancelledIngestRollsBack(t *testing.T) {
	c, inbox := setup(t, "jobs:\n  - {name: load, steps: [ingest]}\n")
	var b strings.Builder
	b.WriteString(tradeHeader)
	for y := 1950; y < 2050; y++ {
		for _, p := range []string{"CHN", "RUS", "KGZ", "UZB", "TJK", "TKM", "DEU", "USA"} {
			fmt.Fprintf(&b, "%d,,KAZ,%s,X,TOTAL,100,USD\n", y, p)
		}
	}
	write(t, filepath.Join(inbox, "kaz.csv"), b.String())
	log, _ := testLogger()
	r := NewRunner(c, log)
	ctx, cancel := context.WithCancel(context.Background())
	r.progress = func(string, int64) { cancel() } // half-way through the read
	res := r.Run(ctx, &c.Jobs[0])
	t.Logf("cancelled run: %v", res.Err)
	if res.Outcome != store.RunCancelled || res.Files != 0 {
		t.Fatalf("%+v", res)
	}
	if n := query(t, c.DB, `SELECT count(*) FROM trade`); n != 0 {
		t.Errorf("%d rows left by a cancelled load", n)
	}
	if rs := runs(t, c.DB); len(rs) != 1 || rs[0].Outcome != store.RunCancelled {
		t.Errorf("runs: %+v", rs)
	}
	r.progress = nil
	res = r.Run(context.Background(), &c.Jobs[0])
	if res.Outcome != store.RunOK || res.Files != 1 || res.Rows != 800 {
		t.Fatalf("next run: %+v", res)
	}
}

// TestRunHistory: skips are recorded by the next open, and runs left
// running by a dead process are marked unfinished.
func TestRunHistory(t *testing.T) {
	c, _ := setup(t, "jobs:\n  - {name: load, steps: [ingest]}\n")
	st, err := store.Open(context.Background(), c.DB)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.StartRun(context.Background(), "load", time.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	st.Close()
	log, logs := testLogger()
	r := NewRunner(c, log)
	at := time.Date(2024, 5, 1, 2, 0, 0, 0, time.UTC)
	r.Skipped("load", at, SkipStillRunning)
	res := r.Run(context.Background(), &c.Jobs[0])
	if res.Outcome != store.RunOK {
		t.Fatal(res)
	}
	rs := runs(t, c.DB)
	if len(rs) != 3 {
		t.Fatalf("runs: %+v", rs)
	}
	dead, skip, this := rs[2], rs[1], rs[0]
	if dead.Outcome != store.RunUnfinished || dead.EndedAt == nil || dead.Error != "the process ended before the run finished" {
		t.Errorf("the dead process's run: %+v", dead)
	}
	if skip.Outcome != store.RunSkipped || !skip.StartedAt.Equal(at) || skip.Error != SkipStillRunning {
		t.Errorf("the skip: %+v", skip)
	}
	if this.Outcome != store.RunOK || this.RunID != res.RunID || this.EndedAt == nil {
		t.Errorf("the run: %+v", this)
	}
	if !strings.Contains(logs.String(), `msg="marked runs of a process that ended mid-run as unfinished" job=load runs=1`) {
		t.Errorf("log:\n%s", logs)
	}
}

// TestTimeout: a job running past its timeout fails with a message that
// says so.
func TestTimeout(t *testing.T) {
	c, inbox := setup(t, "jobs:\n  - {name: load, steps: [ingest], timeout: 1h}\n")
	write(t, filepath.Join(inbox, "kaz.csv"), tradeHeader+"2019,,KAZ,CHN,X,TOTAL,100,USD\n")
	c.Jobs[0].Timeout = time.Nanosecond
	log, _ := testLogger()
	res := NewRunner(c, log).Run(context.Background(), &c.Jobs[0])
	if res.Outcome != store.RunFailed || !strings.Contains(res.Err.Error(), "timed out after 1ns (the job's timeout)") {
		t.Fatalf("%+v", res)
	}
}

// TestReportAndGroups: transform puts the config's groups into the
// database; report writes CSV and Markdown into outputs/reports.
func TestReportAndGroups(t *testing.T) {
	c, inbox := setup(t, `groups:
  - name: KK
    members: [KAZ, {country: KGZ, from: 2015}]
jobs:
  - name: nightly
    steps:
      - ingest
      - transform
      - report regional-shares --group KK --compare none --partial show
`)
	write(t, filepath.Join(inbox, "kk.csv"), tradeHeader+`2019,,KAZ,WLD,X,TOTAL,1000,USD
2019,,KAZ,KGZ,X,TOTAL,100,USD
2019,,KAZ,CHN,X,TOTAL,300,USD
2019,,KAZ,WLD,M,TOTAL,500,USD
2019,,KAZ,KGZ,M,TOTAL,50,USD
2019,,KAZ,RUS,M,TOTAL,100,USD
2019,,KGZ,WLD,X,TOTAL,200,USD
2019,,KGZ,KAZ,X,TOTAL,40,USD
2019,,KGZ,CHN,X,TOTAL,20,USD
2019,,KGZ,WLD,M,TOTAL,300,USD
2019,,KGZ,KAZ,M,TOTAL,90,USD
2019,,KGZ,RUS,M,TOTAL,60,USD
`)
	log, _ := testLogger()
	r := NewRunner(c, log)
	res := r.Run(context.Background(), &c.Jobs[0])
	if res.Outcome != store.RunOK {
		t.Fatalf("%+v", res)
	}
	if n := query(t, c.DB, `SELECT count(*) FROM group_membership WHERE source = 'config' AND group_name = 'KK'`); n != 2 {
		t.Errorf("%d config rows for KK", n)
	}
	csv, err := os.ReadFile(filepath.Join(c.Outputs, "reports", "regional-shares.csv"))
	if err != nil {
		t.Fatal(err)
	}
	// Total 1000+500+200+300 = 2000; intra 100+50+40+90 = 280 (14%);
	// China 300+20 = 320 (16%); Russia 100+60 = 160 (8%); rest 62%. The
	// partner lists are partial (KAZ's imports have no China row): the
	// step's --partial show fills the shares, and complete says false.
	lines := strings.Split(string(csv), "\n")
	if !strings.HasPrefix(lines[0], "year,group,members,intra_share_pct,china_share_pct,russia_share_pct,rest_share_pct,total_trade_usd,mirror_share_pct") ||
		!strings.HasPrefix(lines[1], "2019,KK,2,14,16,8,62,2000,0,") || !strings.Contains(lines[1], ",false,") {
		t.Errorf("regional-shares.csv:\n%s", csv)
	}
	if _, err := os.Stat(filepath.Join(c.Outputs, "reports", "regional-shares.md")); err != nil {
		t.Error(err)
	}
	// The run's pages: NAME.html and an index linking them.
	index, err := os.ReadFile(filepath.Join(c.Outputs, "reports", "index.html"))
	if err != nil || !strings.Contains(string(index), `href="regional-shares.html"`) {
		t.Errorf("index.html: %v\n%s", err, index)
	}
	if _, err := os.Stat(filepath.Join(c.Outputs, "reports", "regional-shares.html")); err != nil {
		t.Error(err)
	}
	// A group taken out of the config leaves the database at the next run.
	c.Groups = nil
	c.Jobs[0].Steps = c.Jobs[0].Steps[:2]
	if res := r.Run(context.Background(), &c.Jobs[0]); res.Outcome != store.RunOK {
		t.Fatalf("%+v", res)
	}
	if n := query(t, c.DB, `SELECT count(*) FROM group_membership WHERE source = 'config'`); n != 0 {
		t.Errorf("%d config rows left", n)
	}
	// A group named like a seeded one is refused with its place in the config.
	c.Groups = []Group{{Name: "C5", Line: 7, Members: []Member{{Country: "AFG"}}}}
	res = r.Run(context.Background(), &c.Jobs[0])
	if res.Outcome != store.RunFailed || !strings.Contains(res.Err.Error(), `tradepipe.yaml:7: groups[0].name: "C5" is a seeded group (`) {
		t.Errorf("%+v", res)
	}
}

// TestPanicRecorded: a job that panics is recorded as failed (at the next
// open: its database was closed on the way out) and the panic goes on to
// the caller, cron.Recover in the daemon.
func TestPanicRecorded(t *testing.T) {
	c, _ := setup(t, "jobs:\n  - {name: load, steps: [ingest]}\n")
	log, _ := testLogger()
	r := NewRunner(c, log)
	calls := 0
	r.Now = func() time.Time {
		if calls++; calls == 2 { // the second reading is inside the attempt, with the database open
			panic("boom")
		}
		return time.Now()
	}
	func() {
		defer func() {
			if p := recover(); p != "boom" {
				t.Errorf("recovered %v, want the job's panic", p)
			}
		}()
		r.Run(context.Background(), &c.Jobs[0])
	}()
	if err := r.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if rs := runs(t, c.DB); len(rs) != 1 || rs[0].Outcome != store.RunFailed || rs[0].Error != "panic: boom" || rs[0].EndedAt == nil {
		t.Errorf("runs: %+v", rs)
	}
}
