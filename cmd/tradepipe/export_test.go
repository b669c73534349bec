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

	// Tables by name, unpartitioned: those folders are replaced, the
	// others kept, and the manifest lists them all.
	flowsBefore := treeHashes(t, filepath.Join(out, "flows"))
	code, stdout, stderr = tp(t, "export", "--db", db, "--out", out, "--partition-by", "none", "regional-shares", "trade")
	if code != 0 || !strings.Contains(stdout, "\nregional-shares  4 rows ") || !strings.Contains(stdout, "\nkept totals, flows, fx_rates, group_membership from the earlier export\n") {
		t.Fatalf("export report: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "trade", "year=2019")); !os.IsNotExist(err) {
		t.Errorf("a partition of the earlier trade is left: %v", err)
	}
	if got := treeHashes(t, filepath.Join(out, "flows")); diffTrees(got, flowsBefore) != "" {
		t.Errorf("flows not kept as it was: %s", diffTrees(got, flowsBefore))
	}
	b, _ = os.ReadFile(filepath.Join(out, "manifest.json"))
	var m2 struct {
		Basis  string `json:"basis"`
		Tables []struct {
			Name, Basis string
			Files       []string
		} `json:"tables"`
	}
	json.Unmarshal(b, &m2)
	var names []string
	for _, tb := range m2.Tables {
		names = append(names, tb.Name+":"+tb.Basis)
		for _, f := range tb.Files {
			if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(f))); err != nil {
				t.Errorf("manifest names %s: %v", f, err)
			}
		}
	}
	if strings.Join(names, " ") != "trade: totals: flows:importer-first fx_rates: group_membership: regional-shares:reporter" || m2.Basis != "importer-first" {
		t.Errorf("manifest after a partial export: basis %q, tables %v", m2.Basis, names)
	}
	// Kept tables must match the new ones.
	if code, _, errs := tp(t, "export", "--db", db, "--out", out, "--compression", "snappy", "trade"); code != 2 || !strings.Contains(errs, "compression zstd, this one snappy") {
		t.Errorf("partial export with another compression: exit %d %s", code, errs)
	}
	// A report alone records the basis it used (it was "").
	alone := filepath.Join(dir, "alone")
	if code, _, errs := tp(t, "export", "--db", db, "--out", alone, "regional-shares"); code != 0 {
		t.Fatalf("export regional-shares: %s", errs)
	}
	b, _ = os.ReadFile(filepath.Join(alone, "manifest.json"))
	if !strings.Contains(string(b), `"basis": "reporter"`) {
		t.Errorf("manifest of a report alone:\n%s", b)
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
