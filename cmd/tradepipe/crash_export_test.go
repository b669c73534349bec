package main

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A crash in the middle of an export loses that export and nothing else:
// over a first complete export to DIR, a tradepipe export is killed
// (SIGKILL: no chance to clean up) at a few moments after it has started
// writing its temporary folder .DIR.tmp-* beside DIR; after each kill DIR
// holds, byte for byte, the previous export (or, if the kill came after
// the swap, the new one, whole). At the end an export completes and its
// manifest's row counts match the database.
//
// A killed export may leave its .DIR.tmp-* folder behind: that is allowed.
// A later export removes such folders once they are a day old (younger
// ones may belong to an export still running), so this test does not
// expect them gone.

func crashExportRows() int { return bigRows(1_500_000) }

// treeHashes lists every file under dir (relative, slash-separated path)
// with its sha256; nil if dir does not exist.
func treeHashes(t *testing.T, dir string) map[string]string {
	t.Helper()
	if _, err := os.Stat(dir); os.IsNotExist(err) {
		return nil
	}
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		m[filepath.ToSlash(rel)] = fileHash(t, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// diffTrees describes how got differs from want ("" when they are the same).
func diffTrees(got, want map[string]string) string {
	var d []string
	for p, h := range want {
		switch g, ok := got[p]; {
		case !ok:
			d = append(d, "missing "+p)
		case g != h:
			d = append(d, "changed "+p)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			d = append(d, "extra "+p)
		}
	}
	slices.Sort(d)
	return strings.Join(d, "\n")
}

// tmpDirs lists the temporary folders of exports to out.
func tmpDirs(t *testing.T, out string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".tmp-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// checkExport checks that out holds a whole export of db's dataset: every
// file its manifest lists is there and nothing else, and the row counts of
// the tables match the database (flows, a derived table, matches want's
// when want is given).
func checkExport(t *testing.T, what, out, db, dataset string, want map[string]int64) map[string]int64 {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	var m struct {
		Dataset string `json:"dataset"`
		Tables  []struct {
			Name  string   `json:"name"`
			Rows  int64    `json:"rows"`
			Files []string `json:"files"`
		} `json:"tables"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: manifest: %v", what, err)
	}
	listed := map[string]bool{"manifest.json": true}
	rows := map[string]int64{}
	for _, tb := range m.Tables {
		rows[tb.Name] = tb.Rows
		for _, f := range tb.Files {
			listed[f] = true
		}
	}
	for p := range treeHashes(t, out) {
		if !listed[p] {
			t.Errorf("%s: %s is not in the manifest", what, p)
		}
		delete(listed, p)
	}
	for p := range listed {
		t.Errorf("%s: the manifest lists %s, which is missing", what, p)
	}
	code, csv, errs := tp(t, "query", "--db", db, "--format", "csv",
		"SELECT (SELECT count(*) FROM trade WHERE dataset = '"+dataset+"'), (SELECT count(*) FROM fx_rates), (SELECT count(*) FROM group_membership)")
	if code != 0 {
		t.Fatalf("%s: query: %s", what, errs)
	}
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	counts := strings.Split(lines[len(lines)-1], ",")
	for i, name := range []string{"trade", "fx_rates", "group_membership"} {
		n, err := strconv.ParseInt(counts[i], 10, 64)
		if err != nil {
			t.Fatalf("%s: query output %q", what, csv)
		}
		if got, ok := rows[name]; !ok || got != n {
			t.Errorf("%s: manifest has %d rows of %s (present %v), the database %d", what, got, name, ok, n)
		}
	}
	if m.Dataset != dataset || rows["flows"] == 0 || want != nil && rows["flows"] != want["flows"] {
		t.Errorf("%s: dataset %q, flows %d rows (want %d)", what, m.Dataset, rows["flows"], want["flows"])
	}
	return rows
}

func TestCrashDuringExport(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "crash.duckdb")
	out := filepath.Join(dir, "parquet")
	crashExportRows := crashExportRows()
	big := bigTradeFile(t, dir, "big.csv", crashExportRows, 2012)
	if code, o, errs := runBinary(t, bin, "ingest", "--db", db, "--dataset", "big", big, sample("fx_wdi_sample.csv")); code != 0 {
		t.Fatalf("ingest: exit %d\n%s%s", code, o, errs)
	}
	start := time.Now()
	if code, o, errs := runBinary(t, bin, "export", "--db", db, "--out", out); code != 0 {
		t.Fatalf("first export: exit %d\n%s%s", code, o, errs)
	}
	took := time.Since(start)
	rows := checkExport(t, "first export", out, db, "big", nil)
	if rows["trade"] != int64(crashExportRows) {
		t.Fatalf("first export: %d trade rows, want %d", rows["trade"], crashExportRows)
	}
	prev := treeHashes(t, out)
	if len(prev) < 5 {
		t.Fatalf("first export: only %d files", len(prev))
	}
	seed := uint64(time.Now().UnixNano())
	r := rand.New(rand.NewPCG(seed, 2))
	t.Logf("seed %d; first export of %d rows took %s", seed, crashExportRows, took.Round(time.Millisecond))

	// Kill points: how long after the temporary folder appears, as a
	// share of the first export's time. Each export is asked for the
	// other compression than the one in out, so that it writes every
	// partition again: asked for the same, it would find nothing changed,
	// link the earlier files and be done before any kill point but the
	// first.
	points := []float64{0, 0.1 + 0.3*r.Float64(), 0.4 + 0.4*r.Float64(), 0.8 + 0.4*r.Float64()}
	in := "zstd" // the compression of the export in out
	for i, share := range points {
		left := tmpDirs(t, out) // by earlier kills
		next := map[string]string{"zstd": "snappy", "snappy": "zstd"}[in]
		cmd := exec.Command(bin, "export", "--db", db, "--out", out, "--compression", next)
		var o, errs bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &errs
		start := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		var tmp string
		exited := false
		deadline := time.After(60 * time.Second)
	wait:
		for tmp == "" {
			select {
			case err := <-done:
				exited = true
				if err != nil {
					t.Fatalf("kill %d: export failed on its own: %v\n%s%s", i, err, o.String(), errs.String())
				}
				break wait
			case <-deadline:
				cmd.Process.Kill()
				<-done
				t.Fatalf("kill %d: no temporary folder within 60s", i)
			case <-time.After(time.Millisecond):
			}
			for _, p := range tmpDirs(t, out) {
				if !slices.Contains(left, p) {
					tmp = p
				}
			}
		}
		if !exited {
			select {
			case err := <-done:
				exited = true
				if err != nil {
					t.Fatalf("kill %d: export failed on its own: %v\n%s%s", i, err, o.String(), errs.String())
				}
			case <-time.After(time.Duration(share * float64(took))):
				cmd.Process.Kill()
				<-done
			}
		}
		elapsed := time.Since(start).Round(time.Millisecond)
		if exited {
			t.Logf("kill %d (%.2f): export finished first, after %s", i, share, elapsed)
			prev, in = treeHashes(t, out), next
			checkExport(t, "an export that finished first", out, db, "big", rows)
			continue
		}
		if _, err := os.Stat(tmp); err == nil {
			t.Logf("kill %d (%.2f): killed after %s, before the swap", i, share, elapsed)
			if d := diffTrees(treeHashes(t, out), prev); d != "" {
				t.Fatalf("kill %d: %s is not the previous export:\n%s", i, out, d)
			}
			continue
		}
		// The temporary folder is gone: the kill came after the swap's
		// rename, so the new export must be there whole.
		t.Logf("kill %d (%.2f): killed after %s, after the swap", i, share, elapsed)
		checkExport(t, "an export killed after its swap", out, db, "big", rows)
		prev, in = treeHashes(t, out), next
	}
	if code, o, errs := runBinary(t, bin, "export", "--db", db, "--out", out); code != 0 {
		t.Fatalf("export after the crashes: exit %d\n%s%s", code, o, errs)
	}
	checkExport(t, "export after the crashes", out, db, "big", rows)
	t.Logf("left beside the export: %d temporary folder(s) (allowed)", len(tmpDirs(t, out)))
}
