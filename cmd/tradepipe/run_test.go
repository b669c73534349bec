package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const longHeader = "year,month,reporter,partner,flow,product,value,currency\n"

// pipelineDir makes a folder with a config (settle 0s) and an inbox.
func pipelineDir(t *testing.T, config string) (dir, cfg, inbox string) {
	t.Helper()
	dir = t.TempDir()
	inbox = filepath.Join(dir, "inbox")
	if err := os.Mkdir(inbox, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg = filepath.Join(dir, "tradepipe.yaml")
	if err := os.WriteFile(cfg, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, cfg, inbox
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// statusJSON reads 'tradepipe status --format json'.
type statusJSON struct {
	Files []struct {
		Path    string `json:"path"`
		Dataset string `json:"dataset"`
		Rows    int64  `json:"rows"`
	} `json:"files"`
	Datasets map[string]int64 `json:"datasets"`
	Failures []struct {
		Path  string `json:"path"`
		Error string `json:"error"`
	} `json:"failures"`
	Runs []struct {
		RunID       int64  `json:"run_id"`
		Job         string `json:"job"`
		Outcome     string `json:"outcome"`
		FilesLoaded int64  `json:"files_loaded"`
		RowsLoaded  int64  `json:"rows_loaded"`
		Error       string `json:"error"`
	} `json:"runs"`
}

func status(t *testing.T, db string) statusJSON {
	t.Helper()
	code, out, errs := tp(t, "status", "--db", db, "--format", "json")
	if code != 0 {
		t.Fatalf("status: exit %d: %s", code, errs)
	}
	var s statusJSON
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("status json: %v\n%s", err, out)
	}
	return s
}

// TestRunInbox: 'tradepipe run' over an inbox picks up new files, skips
// those loaded, records a bad file and leaves it alone until it changes,
// and lets a revised file replace the rows it revises.
func TestRunInbox(t *testing.T) {
	t.Parallel()
	dir, cfg, inbox := pipelineDir(t, `db: t.duckdb
inbox: inbox
settle: 0s
datasets:
  - name: nso
    files: ["kaz_*.csv"]
jobs:
  - name: load
    steps: [ingest]
`)
	db := filepath.Join(dir, "t.duckdb")
	run := func(wantCode int) (string, string) {
		t.Helper()
		code, out, errs := tp(t, "run", "--config", cfg)
		if code != wantCode {
			t.Fatalf("run: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, wantCode, out, errs)
		}
		return out, errs
	}

	// A new file is picked up, into the dataset its name matches.
	writeFile(t, filepath.Join(inbox, "kaz_2019.csv"), longHeader+"2019,,KAZ,CHN,X,TOTAL,100,USD\n2019,,KAZ,RUS,X,TOTAL,50,USD\n")
	out, errs := run(0)
	if !strings.Contains(out, "load  1    ok") || !strings.Contains(errs, `msg="file loaded" job=load file=`) {
		t.Errorf("first run:\n%s\n%s", out, errs)
	}
	s := status(t, db)
	if len(s.Files) != 1 || s.Files[0].Dataset != "nso" || s.Datasets["nso"] != 2 {
		t.Errorf("after the first run: %+v", s)
	}

	// The same file again (and a copy under another name) is skipped.
	writeFile(t, filepath.Join(inbox, "copy.csv"), longHeader+"2019,,KAZ,CHN,X,TOTAL,100,USD\n2019,,KAZ,RUS,X,TOTAL,50,USD\n")
	run(0)
	s = status(t, db)
	if len(s.Files) != 1 || s.Runs[0].Outcome != "ok" || s.Runs[0].FilesLoaded != 0 {
		t.Errorf("second run loaded again: %+v", s)
	}

	// A bad file fails the run, with its place in the file, and is recorded.
	bad := filepath.Join(inbox, "kaz_bad.csv")
	writeFile(t, bad, longHeader+"2019,,KAZ,CHN,M,TOTAL,12x,USD\n")
	out, errs = run(1)
	if !strings.Contains(errs, "kaz_bad.csv:2:") || !strings.Contains(out, "failed") {
		t.Errorf("bad file:\n%s\n%s", out, errs)
	}
	s = status(t, db)
	if len(s.Failures) != 1 || !strings.Contains(s.Failures[0].Error, "kaz_bad.csv:2:") ||
		s.Runs[0].Outcome != "failed" || !strings.Contains(s.Runs[0].Error, "kaz_bad.csv:2:") {
		t.Errorf("after the bad file: %+v", s)
	}
	// ... and is not tried again while its bytes are the same.
	run(0)
	if s = status(t, db); len(s.Failures) != 1 || s.Runs[0].Outcome != "ok" {
		t.Errorf("the bad file was tried again: %+v", s)
	}
	// Fixed, it loads.
	writeFile(t, bad, longHeader+"2019,,KAZ,CHN,M,TOTAL,120,USD\n")
	run(0)
	if s = status(t, db); s.Runs[0].FilesLoaded != 1 || s.Datasets["nso"] != 3 {
		t.Errorf("the fixed file: %+v", s)
	}

	// A revision replaces the rows it revises, never adds to them.
	writeFile(t, filepath.Join(inbox, "kaz_2019_rev1.csv"), longHeader+"2019,,KAZ,CHN,X,TOTAL,110,USD\n")
	run(0)
	s = status(t, db)
	if s.Runs[0].FilesLoaded != 1 || s.Datasets["nso"] != 3 {
		t.Errorf("after the revision: %+v", s)
	}
	code, q, qerr := tp(t, "query", "--db", db, "--format", "csv", "SELECT value FROM trade WHERE partner = 'CHN' AND flow = 'X'")
	if code != 0 || q != "value\n110\n" {
		t.Errorf("revised value: exit %d %q %s", code, q, qerr)
	}
	if len(s.Runs) != 6 {
		t.Errorf("%d runs in the history, want 6", len(s.Runs))
	}
}

// TestRunConfig: config mistakes stop everything before anything runs;
// the config is found in the working directory; --job picks jobs.
func TestRunConfig(t *testing.T) {
	dir, cfg, _ := pipelineDir(t, "db: t.duckdb\ninbox: inbox\njobs:\n  - name: j\n    schedule: \"*/5 * *\"\n    steps: [ingest]\n")
	code, out, errs := tp(t, "run", "--config", cfg)
	if code != 2 || out != "" || !strings.Contains(errs, `tradepipe.yaml:5: jobs[0].schedule: bad cron spec "*/5 * *": expected 5 fields (minute hour day-of-month month day-of-week), found 3`) ||
		!strings.Contains(errs, "nothing ran") {
		t.Errorf("bad config: exit %d\n%s\n%s", code, out, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "t.duckdb")); err == nil {
		t.Error("a bad config created the database")
	}

	writeFile(t, cfg, "db: t.duckdb\ninbox: inbox\nsettle: 0s\njobs:\n  - {name: a, steps: [ingest]}\n  - {name: b, steps: [transform]}\n")
	t.Chdir(dir)
	code, out, errs = tp(t, "run", "--job", "b")
	if code != 0 || !strings.Contains(out, "b    1    ok") || strings.Contains(out, "\na ") {
		t.Errorf("--job b from the config's folder: exit %d\n%s\n%s", code, out, errs)
	}
	if code, _, errs := tp(t, "run", "--job", "c"); code != 2 || !strings.Contains(errs, `no job "c" in `) || !strings.Contains(errs, "(jobs: a, b)") {
		t.Errorf("--job c: exit %d %s", code, errs)
	}
	os.Remove(cfg)
	if code, _, errs := tp(t, "run"); code != 2 || !strings.Contains(errs, "no config: name one with --config, or put tradepipe.yaml in the working directory") {
		t.Errorf("no config: exit %d %s", code, errs)
	}
}
