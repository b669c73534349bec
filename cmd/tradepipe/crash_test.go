package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A crash in the middle of a load loses the load and nothing else: a
// tradepipe ingest of a large file is killed (SIGKILL: no chance to clean
// up) as it starts, while it reads (hashing and inserting in one pass), and
// after it has read the whole file (commit and checkpoint); after each kill the database opens,
// holds exactly what it held before and no ledger entry for the file, and
// at the end the same ingest completes with the exact row count.

// crashRows is the size of the file killed in: 2 million rows, a load of a
// few seconds; a quarter of it with -short (make test), still a load that
// every kill point lands inside.
func crashRows() int { return bigRows(2_000_000) }

// readBytes is how much the process has read so far (Linux: rchar in
// /proc/PID/io); ok is false where that is not available.
func readBytes(pid int) (n int64, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid))
	if err != nil {
		return 0, false
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, found := strings.CutPrefix(l, "rchar: "); found {
			n, err := strconv.ParseInt(v, 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

func TestCrashDuringIngest(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "crash.duckdb")
	if code, _, errs := tp(t, "ingest", "--db", db, "--dataset", "before", sample("asean_long_1996_2020.csv")); code != 0 {
		t.Fatalf("baseline load: %s", errs)
	}
	before := tableCounts(t, db)
	crashRows := crashRows()
	big := bigTradeFile(t, dir, "big.csv", crashRows, 2010)
	st, err := os.Stat(big)
	if err != nil {
		t.Fatal(err)
	}
	size := st.Size()
	seed := uint64(time.Now().UnixNano())
	r := rand.New(rand.NewPCG(seed, 1))
	t.Logf("seed %d; %d rows, %d MB", seed, crashRows, size>>20)

	// Kill points: bytes read (the file is read once, hashed as it is
	// loaded, since the ledger holds no file of its size), then a moment
	// after the last byte is read. Where /proc is missing, times from the
	// start instead.
	type point struct {
		what  string
		bytes int64         // kill once the process has read this much
		after time.Duration // ... and then waited this long
	}
	points := []point{
		{"starting", 0, time.Duration(r.IntN(150)) * time.Millisecond},
		{"inserting", int64(float64(size) * (0.05 + 0.3*r.Float64())), 0},
		{"inserting", int64(float64(size) * (0.35 + 0.3*r.Float64())), 0},
		{"inserting", int64(float64(size) * (0.65 + 0.3*r.Float64())), 0},
		{"committing", size, time.Duration(r.IntN(400)) * time.Millisecond},
	}
	completed := false
	for i, p := range points {
		cmd := exec.Command(bin, "ingest", "--db", db, "--dataset", "big", big)
		var out, errs bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errs
		start := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		exited := false
		var killedAt int64
		deadline := time.After(120 * time.Second)
	wait:
		for {
			select {
			case err := <-done:
				exited = true
				if err != nil {
					t.Fatalf("kill %d (%s): ingest failed on its own: %v\n%s%s", i, p.what, err, out.String(), errs.String())
				}
				break wait
			case <-deadline:
				cmd.Process.Kill()
				t.Fatalf("kill %d: ingest still running after 2 minutes", i)
			case <-time.After(2 * time.Millisecond):
			}
			n, ok := readBytes(cmd.Process.Pid)
			if !ok {
				// No /proc: kill at a time spread like the byte points.
				n = int64(float64(time.Since(start)) / float64(8*time.Second) * float64(2*size))
			}
			if n >= p.bytes {
				time.Sleep(p.after)
				n, _ = readBytes(cmd.Process.Pid)
				cmd.Process.Kill()
				killedAt = n
				<-done
				break wait
			}
		}
		if exited {
			// It finished before the kill point: that was the last point
			// worth killing at.
			t.Logf("kill %d (%s): ingest finished first, after %s", i, p.what, time.Since(start).Round(time.Millisecond))
			completed = true
			break
		}
		t.Logf("kill %d (%s): killed after %s, having read %.2f x the file", i, p.what, time.Since(start).Round(time.Millisecond), float64(killedAt)/float64(size))
		after := tableCounts(t, db)
		for k, v := range before {
			if after[k] != v {
				t.Errorf("kill %d (%s): table %s has %d rows, %d before", i, p.what, k, after[k], v)
			}
		}
		if t.Failed() {
			t.FailNow()
		}
	}
	if !completed {
		code, out, errs := runBinary(t, bin, "ingest", "--db", db, "--dataset", "big", big)
		if code != 0 {
			t.Fatalf("ingest after the crashes: exit %d\n%s%s", code, out, errs)
		}
	}
	after := tableCounts(t, db)
	if after["trade"] != before["trade"]+int64(crashRows) || after["files"] != before["files"]+1 {
		t.Errorf("after the complete load: trade %d (want %d), files %d (want %d)",
			after["trade"], before["trade"]+int64(crashRows), after["files"], before["files"]+1)
	}
	// Every row once: the values are (i mod 100,000) + 0.25, a sum that
	// doubles hold exactly.
	code, out, _ := tp(t, "query", "--db", db, "--format", "csv",
		"SELECT count(*) = "+strconv.Itoa(crashRows)+" AS rows_ok, sum(value) = "+
			strconv.Itoa(crashRows/100_000*(99_999*100_000/2)+crashRows/4)+" AS sum_ok FROM trade WHERE dataset = 'big'")
	if code != 0 || out != "rows_ok,sum_ok\ntrue,true\n" {
		t.Errorf("big dataset: exit %d %q", code, out)
	}
	if code, out, _ := tp(t, "ingest", "--db", db, "--dataset", "big", big); code != 0 || !strings.HasPrefix(out, "skipped ") {
		t.Errorf("the file loaded again: exit %d %s", code, out)
	}
}

func runBinary(t *testing.T, bin string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var out, errs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errs
	err := cmd.Run()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), out.String(), errs.String()
		}
		t.Fatal(err)
	}
	return 0, out.String(), errs.String()
}

// An interrupt (Ctrl-C, SIGINT) stops a load cleanly: the load is rolled
// back, recorded as failed, and the command says so and exits 1.
func TestInterruptDuringIngest(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "int.duckdb")
	if code, _, errs := tp(t, "ingest", "--db", db, "--dataset", "before", sample("asean_long_1996_2020.csv")); code != 0 {
		t.Fatalf("baseline load: %s", errs)
	}
	before := tableCounts(t, db)
	big := bigTradeFile(t, dir, "big.csv", 600_000, 2011)
	st, err := os.Stat(big)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "ingest", "--db", db, big)
	var out, errs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	start := time.Now()
	for {
		n, ok := readBytes(cmd.Process.Pid)
		if !ok && time.Since(start) > time.Second || ok && n > st.Size()*3/10 {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("ingest finished before the interrupt: %v %s", err, out.String())
		case <-time.After(2 * time.Millisecond):
		}
	}
	cmd.Process.Signal(os.Interrupt)
	select {
	case <-done:
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		t.Fatal("ingest did not stop on an interrupt")
	}
	abs, _ := filepath.Abs(big)
	if code := cmd.ProcessState.ExitCode(); code != 1 || out.Len() != 0 ||
		!strings.HasPrefix(errs.String(), "failed  "+abs+":") || !strings.Contains(errs.String(), ": context canceled\n") ||
		!strings.HasSuffix(errs.String(), "tradepipe: 1 of the files failed; the database holds none of their rows\n") {
		t.Errorf("interrupted ingest: exit %d\nstdout %s\nstderr %s", code, out.String(), errs.String())
	}
	after := tableCounts(t, db)
	before["load_failures"]++
	sameCounts(t, "after the interrupt", after, before)
}
