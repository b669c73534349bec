package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBareHelpVersion: a bare tradepipe prints the whole usage (every
// command), --version the version, help COMMAND the command's help.
func TestBareHelpVersion(t *testing.T) {
	t.Parallel()
	code, out, errs := tp(t)
	if code != 0 || errs != "" {
		t.Errorf("bare: exit %d, stderr %q", code, errs)
	}
	for _, cmd := range []string{"ingest", "status", "query", "report", "export", "run", "schedule", "formats", "help",
		"completion", "man", "datasets", "groups", "countries", "forget", "check"} {
		if !strings.Contains(out, "\n  "+cmd+" ") {
			t.Errorf("bare usage lacks %s:\n%s", cmd, out)
		}
	}
	if code, out, _ := tp(t, "--version"); code != 0 || out != "tradepipe "+version+"\n" {
		t.Errorf("--version: exit %d, %q", code, out)
	}
	_, want, _ := tp(t, "report", "--help")
	code, got, _ := tp(t, "help", "report")
	if code != 0 || got != want || !strings.Contains(got, "Usage: tradepipe report") {
		t.Errorf("help report: exit %d\n%s\nwant\n%s", code, got, want)
	}
	if code, _, errs := tp(t, "help", "no-such-command"); code != 2 || !strings.Contains(errs, "no-such-command") {
		t.Errorf("help of an unknown command: exit %d, %s", code, errs)
	}
	// --db's help says what it would use.
	if _, out, _ := tp(t, "status", "--help"); !strings.Contains(strings.Join(strings.Fields(out), " "), "now "+dbNow()) {
		t.Errorf("status --help does not show the database it would use (%s):\n%s", dbNow(), out)
	}
}

// TestDBHelpFromEnv: with TRADEPIPE_DB set, --db's help names its value.
// (Not parallel: it sets the environment.)
func TestDBHelpFromEnv(t *testing.T) {
	t.Setenv("TRADEPIPE_DB", "/srv/trade/x.duckdb")
	_, out, _ := tp(t, "report", "--help")
	if !strings.Contains(strings.Join(strings.Fields(out), " "), "now /srv/trade/x.duckdb, from $TRADEPIPE_DB") {
		t.Errorf("report --help:\n%s", out)
	}
}

// TestCompletionAndMan: the completion code for each shell, answers to
// the shell's requests (COMP_LINE), and the man page, all from the kong
// definitions. (Not parallel: it sets the environment.)
func TestCompletionAndMan(t *testing.T) {
	for shell, want := range map[string]string{"bash": "complete -o default -o bashdefault -C ", "zsh": "bashcompinit",
		"fish": "complete -f -c tradepipe"} {
		code, out, errs := tp(t, "completion", shell)
		if code != 0 || !strings.Contains(out, want) || !strings.Contains(out, "tradepipe") {
			t.Errorf("completion %s: exit %d %s\n%s", shell, code, errs, out)
		}
	}
	if code, _, _ := tp(t, "completion", "powershell"); code != 2 {
		t.Errorf("completion powershell: exit %d, want 2", code)
	}
	for line, want := range map[string][]string{
		"tradepipe rep":                  {"report"},
		"tradepipe report reg":           {"regional-shares"},
		"tradepipe report --format c":    {"csv"},
		"tradepipe report --membership ": {"as-of", "fixed"},
		"tradepipe data":                 {"datasets"},
	} {
		t.Setenv("COMP_LINE", line)
		code, out, _ := tp(t)
		got := strings.Fields(out)
		for _, w := range want {
			if code != 0 || !strings.Contains(" "+strings.Join(got, " ")+" ", " "+w+" ") {
				t.Errorf("COMP_LINE %q: exit %d, %q, want %s", line, code, got, w)
			}
		}
	}
	os.Unsetenv("COMP_LINE")
	code, out, _ := tp(t, "man")
	if code != 0 || !strings.HasPrefix(out, ".TH TRADEPIPE 1") {
		t.Fatalf("man: exit %d %q", code, out[:min(len(out), 200)])
	}
	for _, w := range []string{".SH COMMANDS", `\fBreport`, `--db`, `--min-partner-share`, `\fBcountries`} {
		if !strings.Contains(out, w) {
			t.Errorf("man page lacks %q", w)
		}
	}
}

// TestDatabaseFolderCreated: TRADEPIPE_DB under a folder not made yet
// is created, as the config's db key is. (Not parallel: it sets the
// environment.)
func TestDatabaseFolderCreated(t *testing.T) {
	db := filepath.Join(t.TempDir(), "home", "trade", "tradepipe.duckdb")
	t.Setenv("TRADEPIPE_DB", db)
	code, out, errs := tp(t, "ingest", sample("fx_wdi_sample.csv"))
	if code != 0 || !strings.HasPrefix(out, "loaded  ") {
		t.Fatalf("ingest: exit %d\n%s%s", code, out, errs)
	}
	if _, err := os.Stat(db); err != nil {
		t.Errorf("no database at %s: %v", db, err)
	}
}

// TestOutputFollowsFileName: --out's extension sets the format; a
// --format that disagrees with it is a usage error; -o is --format.
func TestOutputFollowsFileName(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "t.duckdb")
	if code, out, errs := tp(t, "ingest", "--db", db, "--dataset", "sample", sample("c5_comtrade_2017_2020.csv"), sample("asean_long_1996_2020.csv")); code != 0 {
		t.Fatalf("ingest: %s%s", out, errs)
	}
	check := map[string]func(b []byte) bool{
		"x.csv": func(b []byte) bool {
			recs, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
			return err == nil && len(recs) == 5 && recs[0][0] == "year"
		},
		"x.json": func(b []byte) bool {
			var v struct{ Rows []map[string]any }
			return json.Unmarshal(b, &v) == nil && len(v.Rows) == 4
		},
		"x.md":   func(b []byte) bool { return strings.HasPrefix(string(b), "| year | group |") },
		"x.html": func(b []byte) bool { return strings.HasPrefix(string(b), "<!DOCTYPE html>") },
		"x.png":  func(b []byte) bool { return strings.HasPrefix(string(b), "\x89PNG\r\n") },
		"X.SVG":  func(b []byte) bool { return strings.Contains(string(b[:min(len(b), 300)]), "<svg") },
		"x.txt":  func(b []byte) bool { return strings.HasPrefix(string(b), "year  group") },
	}
	for name, ok := range check {
		p := filepath.Join(dir, name)
		if code, _, errs := tp(t, "report", "regional-shares", "--db", db, "--out", p); code != 0 {
			t.Errorf("--out %s: exit %d %s", name, code, errs)
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil || !ok(b) {
			t.Errorf("--out %s wrote %q", name, b[:min(len(b), 120)])
		}
	}
	// Agreeing is fine; disagreeing is a usage error, and nothing is written.
	if code, _, errs := tp(t, "report", "regional-shares", "--db", db, "--format", "csv", "--out", filepath.Join(dir, "y.csv")); code != 0 {
		t.Errorf("--format csv --out y.csv: exit %d %s", code, errs)
	}
	bad := filepath.Join(dir, "z.json")
	code, _, errs := tp(t, "report", "regional-shares", "--db", db, "--format", "csv", "--out", bad)
	if code != 2 || !strings.Contains(errs, "--format csv but --out") {
		t.Errorf("--format csv --out z.json: exit %d %s", code, errs)
	}
	if _, err := os.Stat(bad); err == nil {
		t.Errorf("%s written despite the usage error", bad)
	}
	// -o is the short form of --format.
	code, out, _ := tp(t, "report", "regional-shares", "--db", db, "-o", "json")
	if code != 0 || !strings.HasPrefix(out, `{"columns":`) {
		t.Errorf("-o json: exit %d %q", code, out[:min(len(out), 80)])
	}
	code, out, _ = tp(t, "status", "--db", db, "-o", "json")
	if code != 0 || !strings.HasPrefix(out, "{") {
		t.Errorf("status -o json: exit %d %q", code, out[:min(len(out), 80)])
	}
}
