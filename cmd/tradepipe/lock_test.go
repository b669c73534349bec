package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tradepipe/tradepipe/sql/store"
)

// One process writes a database at a time; readers share it. Whoever finds
// the database taken waits up to --lock-wait, then fails with a message
// that names the process holding it; nothing is lost or half-loaded.

// lockMessage is what a command prints when it gives up waiting.
func lockMessage(db string, pid int, holder, waited string) string {
	return fmt.Sprintf("tradepipe: database %s is in use by process %d (%s); waited %s for it; try again when it finishes, or wait longer with --lock-wait\n",
		db, pid, holder, waited)
}

const extraRows = "year,month,reporter,partner,flow,product,value,currency\n2019,,TJK,KAZ,X,TOTAL,5,USD\n2019,,TJK,CHN,X,TOTAL,6,USD\n"

// lockedDB makes a database holding the sample, and a small file to load.
func lockedDB(t *testing.T) (db, extra string) {
	t.Helper()
	dir := t.TempDir()
	db = filepath.Join(dir, "t.duckdb")
	if code, _, errs := tp(t, "ingest", "--db", db, "--dataset", "sample", sample("asean_long_1996_2020.csv")); code != 0 {
		t.Fatalf("load: %s", errs)
	}
	return db, writeTemp(t, dir, "extra.csv", []byte(extraRows))
}

func sameCounts(t *testing.T, what string, got, want map[string]int64) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: table %s has %d rows, want %d", what, k, got[k], v)
		}
	}
}

// While a writer holds the database every command waits, then says who
// holds it: never DuckDB's raw lock error.
func TestLockedDatabaseMessage(t *testing.T) {
	t.Parallel()
	db, extra := lockedDB(t)
	before := tableCounts(t, db)
	h := hold(t, db, false)
	pid := h.cmd.Process.Pid
	for _, args := range [][]string{
		{"ingest", extra},
		{"status"},
		{"query", "SELECT count(*) FROM trade"},
		{"report", "regional-shares", "--dataset", "sample", "--group", "ASEAN"},
	} {
		start := time.Now()
		code, out, errs := tp(t, append([]string{args[0], "--db", db, "--lock-wait", "300ms"}, args[1:]...)...)
		waited := time.Since(start)
		if want := lockMessage(db, pid, "tradepipe.test", "300ms"); code != 1 || out != "" || errs != want {
			t.Errorf("%s: exit %d\nstdout %q\nstderr %q\nwant   %q", args[0], code, out, errs, want)
		}
		if waited < 300*time.Millisecond {
			t.Errorf("%s gave up after %s, before --lock-wait 300ms", args[0], waited)
		}
	}
	h.release(t)
	sameCounts(t, "after the failed attempts", tableCounts(t, db), before)
	if code, out, errs := tp(t, "ingest", "--db", db, extra); code != 0 || !strings.Contains(out, ": 2 rows") {
		t.Errorf("ingest once the database is free: exit %d %s%s", code, out, errs)
	}
}

// Readers share the database with each other; a writer waits for them.
func TestReadersShareWritersWait(t *testing.T) {
	t.Parallel()
	db, extra := lockedDB(t)
	h := hold(t, db, true)
	for _, args := range [][]string{
		{"status", "--db", db},
		{"query", "--db", db, "SELECT count(*) FROM trade"},
		{"report", "coverage", "--db", db, "--dataset", "sample"},
	} {
		if code, _, errs := tp(t, args...); code != 0 {
			t.Errorf("%s beside a reader: exit %d %s", args[0], code, errs)
		}
	}
	code, _, errs := tp(t, "ingest", "--db", db, "--lock-wait", "0s", extra)
	if want := lockMessage(db, h.cmd.Process.Pid, "tradepipe.test", "0s"); code != 1 || errs != want {
		t.Errorf("ingest beside a reader: exit %d\n%q\nwant %q", code, errs, want)
	}
}

// A command that finds the database taken waits and then proceeds.
func TestWaitThenProceed(t *testing.T) {
	t.Parallel()
	db, extra := lockedDB(t)
	for _, tc := range []struct {
		args []string
		want string // in stdout
	}{
		{[]string{"ingest", "--db", db, "--lock-wait", "2m", extra}, ": 2 rows (format trade-long"},
		{[]string{"query", "--db", db, "--lock-wait", "2m", "--format", "csv", "SELECT count(*) AS n FROM trade WHERE reporter = 'TJK'"}, "n\n2\n"},
	} {
		args := tc.args
		h := hold(t, db, false)
		type result struct {
			code     int
			out, err string
		}
		done := make(chan result, 1)
		go func() {
			var o, e bytes.Buffer
			code := run(context.Background(), args, strings.NewReader(""), &o, &e)
			done <- result{code, o.String(), e.String()}
		}()
		select {
		case r := <-done:
			t.Fatalf("%s finished while the database was held: %+v", args[0], r)
		case <-time.After(time.Second):
		}
		h.release(t)
		select {
		case r := <-done:
			if r.code != 0 || !strings.Contains(r.out, tc.want) {
				t.Errorf("%s after waiting: %+v", args[0], r)
			}
		case <-time.After(2 * time.Minute):
			t.Fatalf("%s still waiting after the database was released", args[0])
		}
	}
}

// waitHeldBy polls until process pid holds db.
func waitHeldBy(t *testing.T, db string, pid int, exited <-chan struct{}) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		s, err := store.Open(context.Background(), db, store.ReadOnly(), store.LockWait(0))
		var le *store.LockError
		switch {
		case err == nil:
			s.Close()
		case errors.As(err, &le) && le.PID == pid:
			return
		case errors.Is(err, store.ErrNoDatabase):
		default:
			t.Fatalf("probe: %v", err)
		}
		select {
		case <-exited:
			t.Fatalf("process %d exited before it was seen holding %s", pid, db)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("process %d never held %s", pid, db)
}

// Two ingest processes on one database: both started together, one loads
// while the other waits, and both files end up loaded whole. Then one
// that will not wait fails, naming the ingest that holds the database, and
// loses nothing.
func TestTwoIngestProcesses(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	db, extra := lockedDB(t)
	dir := t.TempDir()
	before := tableCounts(t, db)
	a := bigTradeFile(t, dir, "a.csv", 150_000, 2001)
	b := bigTradeFile(t, dir, "b.csv", 150_000, 2002)
	start := func(file string) (*exec.Cmd, *bytes.Buffer, chan struct{}) {
		cmd := exec.Command(bin, "ingest", "--db", db, "--lock-wait", "2m", file)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		return cmd, &out, exited
	}
	ca, outA, exA := start(a)
	cb, outB, exB := start(b)
	for _, x := range []struct {
		cmd    *exec.Cmd
		out    *bytes.Buffer
		exited chan struct{}
	}{{ca, outA, exA}, {cb, outB, exB}} {
		select {
		case <-x.exited:
		case <-time.After(3 * time.Minute):
			x.cmd.Process.Kill()
			t.Fatal("ingest did not finish")
		}
		if x.cmd.ProcessState.ExitCode() != 0 || !strings.Contains(x.out.String(), ": 150000 rows") {
			t.Errorf("ingest: exit %d\n%s", x.cmd.ProcessState.ExitCode(), x.out)
		}
	}
	after := tableCounts(t, db)
	if after["trade"] != before["trade"]+300_000 || after["files"] != before["files"]+2 {
		t.Errorf("after two concurrent ingests: trade %d files %d; before: trade %d files %d",
			after["trade"], after["files"], before["trade"], before["files"])
	}

	c := bigTradeFile(t, dir, "c.csv", 400_000, 2003)
	cc, outC, exC := start(c)
	waitHeldBy(t, db, cc.Process.Pid, exC)
	code, _, errs := tp(t, "ingest", "--db", db, "--lock-wait", "0s", extra)
	holder := "tradepipe ingest --db " + db + " --lock-wait 2m " + c
	if want := lockMessage(db, cc.Process.Pid, holder, "0s"); code != 1 || errs != want {
		t.Errorf("second ingest: exit %d\n%q\nwant %q", code, errs, want)
	}
	select {
	case <-exC:
	case <-time.After(3 * time.Minute):
		cc.Process.Kill()
		t.Fatal("ingest did not finish")
	}
	if cc.ProcessState.ExitCode() != 0 || !strings.Contains(outC.String(), ": 400000 rows") {
		t.Errorf("ingest c: exit %d\n%s", cc.ProcessState.ExitCode(), outC)
	}
	if code, out, errs := tp(t, "ingest", "--db", db, extra); code != 0 || !strings.Contains(out, ": 2 rows") {
		t.Errorf("ingest once free: exit %d %s%s", code, out, errs)
	}
	final := tableCounts(t, db)
	if final["trade"] != before["trade"]+300_000+400_000+2 || final["files"] != before["files"]+4 {
		t.Errorf("final: trade %d files %d", final["trade"], final["files"])
	}
}
