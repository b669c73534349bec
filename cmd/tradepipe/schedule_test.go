package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestScheduleEndToEnd starts 'tradepipe schedule' as a process with an
// @every 1s job, drops a file into the inbox, waits (polling with a
// deadline) until the run history shows it loaded, sends SIGTERM and
// expects a clean exit.
func TestScheduleEndToEnd(t *testing.T) {
	t.Parallel()
	dir, cfg, inbox := pipelineDir(t, `db: t.duckdb
inbox: inbox
settle: 0s
grace_period: 20s
jobs:
  - name: watch
    schedule: "@every 1s"
    steps: [ingest]
`)
	db := filepath.Join(dir, "t.duckdb")
	cmd := exec.Command(binary(t), "schedule", "--config", cfg, "--log-format", "json")
	var stderr, stdout lockedBuffer
	cmd.Stderr, cmd.Stdout = &stderr, &stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-exited
		}
	}()

	// Written under a hidden name, then renamed: the file appears whole.
	tmp := filepath.Join(inbox, ".kaz.csv.part")
	writeFile(t, tmp, longHeader+"2019,,KAZ,CHN,X,TOTAL,100,USD\n2019,,KAZ,RUS,X,TOTAL,50,USD\n")
	if err := os.Rename(tmp, filepath.Join(inbox, "kaz.csv")); err != nil {
		t.Fatal(err)
	}

	deadline := time.Now().Add(60 * time.Second)
	var loaded bool
	for !loaded {
		if time.Now().After(deadline) {
			t.Fatalf("no run loaded the file within 60s\nlog:\n%s", stderr.String())
		}
		select {
		case err := <-exited:
			t.Fatalf("schedule exited early: %v\n%s", err, stderr.String())
		case <-time.After(200 * time.Millisecond):
		}
		if _, err := os.Stat(db); err != nil {
			continue
		}
		code, out, _ := tp(t, "status", "--db", db, "--format", "json")
		if code != 0 {
			continue
		}
		var s statusJSON
		if err := json.Unmarshal([]byte(out), &s); err != nil {
			t.Fatalf("status json: %v", err)
		}
		for _, r := range s.Runs {
			if r.Job == "watch" && r.Outcome == "ok" && r.FilesLoaded == 1 && r.RowsLoaded == 2 {
				loaded = true
			}
		}
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("schedule after SIGTERM: %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("schedule did not exit within 30s of SIGTERM\n%s", stderr.String())
	}

	// The log: JSON lines, a start and an end line per run, with counts.
	var starts, ends, skips, loadedLines int
	var stopped bool
	for _, line := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not a JSON log line: %q", line)
		}
		switch rec["msg"] {
		case "job started":
			starts++
		case "job finished":
			ends++
			if rec["files_loaded"] == 1.0 && rec["rows_loaded"] == 2.0 && rec["outcome"] == "ok" && rec["duration"] != nil {
				loadedLines++
			}
		case "job skipped":
			skips++ // a run still going at the next tick (under load, the first one may take over a second)
		case "scheduler stopped":
			stopped = true
		}
	}
	if starts == 0 || starts != ends || loadedLines != 1 || !stopped {
		t.Errorf("%d start and %d end lines, %d that loaded the file, stopped %v:\n%s", starts, ends, loadedLines, stopped, stderr.String())
	}
	// Every run and skip in the log is in the history; none failed or is
	// left running.
	s := status(t, db)
	if len(s.Runs) != ends+skips {
		t.Errorf("%d runs in the history; %d runs and %d skips in the log", len(s.Runs), ends, skips)
	}
	for _, r := range s.Runs {
		if r.Outcome != "ok" && r.Outcome != "skipped" {
			t.Errorf("run %d: %s %s", r.RunID, r.Outcome, r.Error)
		}
	}
}
