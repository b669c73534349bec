//go:build unix

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// tpWithin runs the CLI in-process and fails the test if it has not
// returned within d (the run is then left behind: it hangs).
func tpWithin(t *testing.T, d time.Duration, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	type result struct {
		code     int
		out, err string
	}
	done := make(chan result, 1)
	go func() {
		var r result
		r.code, r.out, r.err = tp(t, args...)
		done <- r
	}()
	select {
	case r := <-done:
		return r.code, r.out, r.err
	case <-time.After(d):
		t.Fatalf("%v did not return within %s", args, d)
	}
	return
}

// Issue 17, case 5: a FIFO or a character device is refused at once, with
// a message, never opened (a FIFO was opened twice, the second open
// blocking for ever; /dev/zero was read and hashed for ever). The same for
// a FIFO as the config file of run.
func TestNonRegularFilesRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	db := filepath.Join(dir, "t.duckdb")
	code, out, errs := tpWithin(t, 10*time.Second, "ingest", "--db", db, fifo, "/dev/zero", sample("fx_wdi_sample.csv"))
	if code != 1 || !strings.Contains(out, "loaded  ") {
		t.Errorf("exit %d\nstdout %s\nstderr %s", code, out, errs)
	}
	for _, p := range []string{fifo, "/dev/zero"} {
		if want := "failed  " + p + ": not a regular file (a FIFO, device or socket); copy it to a file first\n"; !strings.Contains(errs, want) {
			t.Errorf("stderr %q\nlacks %q", errs, want)
		}
	}
	cfg := filepath.Join(dir, "tradepipe.yaml")
	if err := syscall.Mkfifo(cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs = tpWithin(t, 10*time.Second, "run", "--config", cfg)
	if code != 2 || !strings.Contains(errs, "not a regular file") {
		t.Errorf("run with a FIFO config: exit %d %s", code, errs)
	}
}

// Issue 17, case 5: SIGTERM ends an ingest of a never-ending input within
// a second. The input is a 1 TiB sparse file: its first line is NUL bytes,
// so it fails at once, and the failure's record used to hash the whole
// file with no way to stop it.
func TestSIGTERMEndsNeverEndingIngest(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	dir := t.TempDir()
	big := filepath.Join(dir, "zeros.csv")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 40); err != nil {
		f.Close()
		t.Skip("no sparse files here:", err)
	}
	f.Close()
	db := filepath.Join(dir, "t.duckdb")
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
		if ok && n > 256<<20 || !ok && time.Since(start) > 3*time.Second {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("ingest ended before the signal: %v %s %s", err, out.String(), errs.String())
		case <-time.After(5 * time.Millisecond):
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	sent := time.Now()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatal("ingest did not stop on SIGTERM")
	}
	if took := time.Since(sent); took > time.Second {
		t.Errorf("ingest took %s to stop after SIGTERM", took)
	}
	if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.HasPrefix(errs.String(), "failed  "+big+":") {
		t.Errorf("exit %d\nstderr %s", code, errs.String())
	}
}
