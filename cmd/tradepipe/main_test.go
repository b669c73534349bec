package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tp runs the CLI in-process.
func tp(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &o, &e)
	return code, o.String(), e.String()
}

func sample(name string) string { return filepath.Join("..", "..", "testdata", "sample", name) }

func TestIngestStatusQuery(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "t.duckdb")
	code, out, errs := tp(t, "ingest", "--db", db, "--dataset", "sample", sample("c5_comtrade_2017_2020.csv"), sample("asean_long_1996_2020.csv"))
	if code != 0 {
		t.Fatalf("ingest exit %d\n%s%s", code, out, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "loaded  ") || !strings.Contains(lines[0], ": 502 rows (format comtrade, dataset sample)") {
		t.Errorf("ingest output:\n%s", out)
	}

	// Same file again: skipped, exit 0.
	code, out, _ = tp(t, "ingest", "--db", db, "--dataset", "sample", sample("c5_comtrade_2017_2020.csv"))
	if code != 0 || !strings.HasPrefix(out, "skipped ") || !strings.Contains(out, "already loaded at ") {
		t.Errorf("re-ingest: exit %d, %s", code, out)
	}

	// A bad file fails alone; the good one beside it loads; exit 1.
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("year,month,reporter,partner,flow,product,value,currency\n2019,,KAZ,CHN,X,TOTAL,-1,USD\n"), 0o644)
	code, out, errs = tp(t, "ingest", "--db", db, bad, sample("fx_wdi_sample.csv"))
	if code != 1 || !strings.Contains(errs, "bad.csv:2:") || !strings.Contains(errs, `value: negative value "-1"`) || !strings.Contains(out, "loaded  ") {
		t.Errorf("bad+good: exit %d\nstdout %s\nstderr %s", code, out, errs)
	}

	// A file that cannot be listed is named once the database opened; the
	// file after it, its reading begun before the open, loads.
	missing := filepath.Join(t.TempDir(), "missing.csv")
	code, out, errs = tp(t, "ingest", "--db", filepath.Join(t.TempDir(), "m.duckdb"), missing, sample("kgz_national_kgs_2019.csv"))
	if code != 1 || !strings.HasPrefix(errs, "failed  ") || !strings.Contains(errs, "missing.csv") ||
		!strings.HasPrefix(out, "loaded  ") || !strings.Contains(errs, "1 of the files failed") {
		t.Errorf("missing+good: exit %d\nstdout %s\nstderr %s", code, out, errs)
	}

	// Usage errors exit 2.
	if code, _, _ := tp(t, "ingest", "--no-such-flag"); code != 2 {
		t.Errorf("unknown flag: exit %d", code)
	}
	if code, _, _ := tp(t, "ingest", "--db", db, "--format", "nope", bad); code != 2 {
		t.Errorf("unknown format: exit %d", code)
	}

	code, out, errs = tp(t, "status", "--db", db, "--format", "json")
	if code != 0 {
		t.Fatalf("status: %d %s", code, errs)
	}
	var st struct {
		Files []struct {
			Path     string `json:"path"`
			SHA256   string `json:"sha256"`
			Format   string `json:"format"`
			Dataset  string `json:"dataset"`
			Rows     int64  `json:"rows"`
			LoadedAt string `json:"loaded_at"`
		} `json:"files"`
		Datasets map[string]int64 `json:"datasets"`
		Tables   map[string]int64 `json:"tables"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("status json: %v\n%s", err, out)
	}
	if len(st.Files) != 3 || st.Files[0].Rows != 502 || len(st.Files[0].SHA256) != 64 || st.Files[0].LoadedAt == "" {
		t.Errorf("files = %+v", st.Files)
	}
	if st.Datasets["sample"] != 502+1365 || st.Datasets["wdi-fx"] == 0 {
		t.Errorf("datasets = %v", st.Datasets)
	}
	if st.Tables["trade"] != 502+1365 {
		t.Errorf("tables = %v", st.Tables)
	}

	code, out, _ = tp(t, "query", "--db", db, "--format", "csv", "select count(*) as n from trade where partner = 'WLD'")
	recs, _ := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || len(recs) != 2 || recs[0][0] != "n" {
		t.Errorf("query csv: %d %q", code, out)
	}
	if code, _, _ := tp(t, "query", "--db", db, "create table t_x as select 1"); code != 1 {
		t.Errorf("query allowed a write (exit %d)", code)
	}
	if code, _, _ := tp(t, "query", "--db", db, "select * from read_csv('"+sample("baci_sample.csv")+"')"); code != 1 {
		t.Errorf("query read a file without --allow-external-access (exit %d)", code)
	}
}
