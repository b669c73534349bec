package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "t.duckdb")
	if code, out, errs := tp(t, "ingest", "--db", db, "--dataset", "sample", sample("c5_comtrade_2017_2020.csv"), sample("fx_wdi_sample.csv")); code != 0 {
		t.Fatalf("ingest exit %d\n%s%s", code, out, errs)
	}
	out := filepath.Join(dir, "parquet")
	papers := filepath.Join(dir, "papers")
	os.Mkdir(papers, 0o755)
	os.WriteFile(filepath.Join(papers, "draft.tex"), []byte("x"), 0o644)

	code, stdout, stderr := tp(t, "export", "--db", db, "--out", out, "--partition-by", "year,reporter")
	if code != 0 {
		t.Fatalf("export exit %d\n%s%s", code, stdout, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 6 || !strings.HasPrefix(lines[0], "trade ") || !strings.Contains(lines[0], " 502 rows ") ||
		!strings.HasPrefix(lines[1], "totals ") || !strings.HasPrefix(lines[5], "wrote "+out+" (manifest.json: dataset sample, 2 source file(s))") {
		t.Errorf("export output:\n%s", stdout)
	}
	// Not a terminal: one plain progress line per table, no bar.
	if !strings.HasPrefix(stderr, "exported trade (1/5): 502 rows in ") || strings.Count(stderr, "\n") != 5 || strings.ContainsAny(stderr, "\r█") {
		t.Errorf("export progress on a non-terminal:\n%q", stderr)
	}
	var m struct {
		TradepipeVersion string `json:"tradepipe_version"`
		Dataset          string `json:"dataset"`
		Basis            string `json:"basis"`
		Tables           []struct {
			Name         string   `json:"name"`
			Rows         int64    `json:"rows"`
			Partitioning []string `json:"partitioning"`
		} `json:"tables"`
	}
	b, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.TradepipeVersion != version || m.Dataset != "sample" || m.Basis != "importer-first" || len(m.Tables) != 5 ||
		strings.Join(m.Tables[0].Partitioning, ",") != "year,reporter" {
		t.Errorf("manifest: %s", b)
	}
	if _, err := os.Stat(filepath.Join(out, "trade", "year=2019", "reporter=KAZ", "data_0.parquet")); err != nil {
		t.Error(err)
	}

	// A report by name, unpartitioned, snappy: the folder is replaced.
	code, stdout, stderr = tp(t, "export", "--db", db, "--out", out, "--partition-by", "none", "--compression", "snappy", "regional-shares", "trade")
	if code != 0 || !strings.HasPrefix(stdout, "regional-shares  4 rows ") {
		t.Fatalf("export report: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "trade", "year=2019")); !os.IsNotExist(err) {
		t.Errorf("a partition of the earlier export is left: %v", err)
	}

	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--out", out, "nope"}, 2, `no table or report "nope"`},
		{[]string{"--out", out, "--partition-by", "month"}, 2, `cannot partition by "month"`},
		{[]string{"--out", out, "--compression", "lz4"}, 2, "--compression"},
		{[]string{"trade"}, 2, "--out"},
		{[]string{"--out", out, "--dataset", "nope"}, 2, `no trade dataset "nope"`},
		{[]string{"--out", out, "--basis", "flow"}, 2, "basis flow needs a flow table"},
		{[]string{"--out", out, "--group", "NOPE", "regional-shares"}, 2, `unknown group "NOPE"`},
		{[]string{"--out", dir}, 2, "holds the database"},
		{[]string{"--out", papers}, 2, "not an earlier export"},
		{[]string{"--db", filepath.Join(dir, "missing.duckdb"), "--out", out}, 1, "no database here yet"},
	} {
		args := append([]string{"export", "--db", db}, c.args...)
		code, _, stderr := tp(t, args...)
		if code != c.code || !strings.Contains(stderr, c.msg) {
			t.Errorf("%v: exit %d, want %d with %q\n%s", c.args, code, c.code, c.msg, stderr)
		}
	}
	// The failed attempts left the last export, and the other folder, as they were.
	if _, err := os.Stat(filepath.Join(out, "regional-shares", "data_0.parquet")); err != nil {
		t.Error(err)
	}
	if b, err := os.ReadFile(filepath.Join(papers, "draft.tex")); err != nil || string(b) != "x" {
		t.Errorf("papers/draft.tex: %q, %v", b, err)
	}
}
