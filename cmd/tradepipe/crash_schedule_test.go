package main

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A scheduler killed (SIGKILL) while its job loads a large inbox file loses
// that load and nothing else: the database opens, holds none of the
// file's rows and shows the run as running (its process died before it
// could end it); the next 'tradepipe run' marks that run unfinished and
// loads the file whole.

func crashScheduleRows() int { return bigRows(1_500_000) }

func TestCrashDuringScheduledIngest(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	dir, cfg, inbox := pipelineDir(t, `db: t.duckdb
inbox: inbox
outputs: outputs
settle: 0s
jobs:
  - name: watch
    schedule: "@every 1s"
    steps: [ingest]
`)
	db := filepath.Join(dir, "t.duckdb")
	if code, _, errs := tp(t, "ingest", "--db", db, "--dataset", "before", sample("asean_long_1996_2020.csv")); code != 0 {
		t.Fatalf("baseline load: %s", errs)
	}
	before := tableCounts(t, db)
	crashScheduleRows := int64(crashScheduleRows())
	big := bigTradeFile(t, inbox, "kaz_big.csv", int(crashScheduleRows), 2013)
	st, err := os.Stat(big)
	if err != nil {
		t.Fatal(err)
	}
	size := st.Size()
	seed := uint64(time.Now().UnixNano())
	r := rand.New(rand.NewPCG(seed, 3))
	// The job reads the file twice (hashed, then loaded): kill while it
	// hashes or inserts.
	killAt := int64(float64(size) * (0.3 + 1.5*r.Float64()))
	t.Logf("seed %d; %d rows, %d MB; kill after %.2f x the file is read", seed, crashScheduleRows, size>>20, float64(killAt)/float64(size))

	cmd := exec.Command(bin, "schedule", "--config", cfg)
	var stderr lockedBuffer
	cmd.Stderr, cmd.Stdout = &stderr, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.After(60 * time.Second)
	for {
		n, ok := readBytes(cmd.Process.Pid)
		if !ok {
			cmd.Process.Kill()
			<-done
			t.Skip("no /proc/PID/io here: cannot tell when the load is under way")
		}
		if n >= killAt {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("schedule exited before the kill: %v\n%s", err, stderr.String())
		case <-deadline:
			cmd.Process.Kill()
			<-done
			t.Fatalf("schedule had read %d of %d bytes after 60s\n%s", n, killAt, stderr.String())
		case <-time.After(2 * time.Millisecond):
		}
	}
	cmd.Process.Kill()
	<-done
	if strings.Contains(stderr.String(), "job finished") {
		t.Fatalf("a run finished before the kill:\n%s", stderr.String())
	}
	t.Logf("killed after %s", time.Since(start).Round(time.Millisecond))

	// The database opens and holds what it held before, with the run left
	// running by the dead process.
	after := tableCounts(t, db)
	before["runs"]++
	sameCounts(t, "after the kill", after, before)
	s := status(t, db)
	if len(s.Runs) != 1 || s.Runs[0].Job != "watch" || s.Runs[0].Outcome != "running" {
		t.Fatalf("runs after the kill: %+v", s.Runs)
	}
	killed := s.Runs[0].RunID
	for _, f := range s.Files {
		if filepath.Base(f.Path) == "kaz_big.csv" {
			t.Errorf("the killed load is in the ledger: %+v", f)
		}
	}
	if len(s.Failures) != 0 {
		t.Errorf("failures after the kill: %+v", s.Failures)
	}

	// The next run ends the dead run as unfinished and loads the file.
	code, out, errs := runBinary(t, bin, "run", "--config", cfg)
	if code != 0 {
		t.Fatalf("run after the kill: exit %d\n%s%s", code, out, errs)
	}
	s = status(t, db)
	var loaded int
	for _, f := range s.Files {
		if filepath.Base(f.Path) == "kaz_big.csv" {
			loaded++
			if f.Rows != crashScheduleRows {
				t.Errorf("the file loaded %d rows, want %d", f.Rows, crashScheduleRows)
			}
		}
	}
	if loaded != 1 {
		t.Errorf("the file is in the ledger %d times, want once", loaded)
	}
	var ok bool
	for _, r := range s.Runs {
		switch {
		case r.RunID == killed:
			if r.Outcome != "unfinished" {
				t.Errorf("the killed run %d is %q, want unfinished", r.RunID, r.Outcome)
			}
		case r.Job == "watch" && r.Outcome == "ok" && r.FilesLoaded == 1 && r.RowsLoaded == crashScheduleRows:
			ok = true
		default:
			t.Errorf("unexpected run %+v", r)
		}
	}
	if !ok || len(s.Runs) != 2 {
		t.Errorf("runs after 'tradepipe run': %+v\n%s", s.Runs, errs)
	}
	after = tableCounts(t, db)
	before["trade"] += crashScheduleRows
	before["trade_rows"] += crashScheduleRows
	// The file's shared columns, country codes and sums: whatever the run added
	// (the killed run added none: checked above).
	for _, k := range []string{"trade_slices", "trade_codes", "trade_products", "trade_sums", "trade_file_sums", "trade_bilateral"} {
		if after[k] <= before[k] {
			t.Errorf("%s: %d rows after the run, %d before", k, after[k], before[k])
		}
		before[k] = after[k]
	}
	before["trade_years"] = after["trade_years"] // a new year, or none
	// The totals made from trade_bilateral: new reporters and years, or the
	// same ones made again.
	before["trade_own"], before["trade_world"] = after["trade_own"], after["trade_world"]
	before["files"]++
	before["runs"]++
	before["inbox_hashes"]++ // the run remembers the file's hash
	sameCounts(t, "after the run", after, before)
}
