package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Ad-hoc SQL cannot change the data, and reaches no file unless asked to
// with --allow-external-access; report parameters are bound, never spliced.
// (TestIngestStatusQuery covers CREATE TABLE and read_csv; sql/store's
// TestReadOnly the store itself.)

func fileHash(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

const (
	readOnly = "attached in read-only mode"
	noFiles  = "File system LocalFileSystem has been disabled by configuration"
	locked   = "the configuration has been locked"
)

func TestQueryCannotChangeOrReachOut(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "t.duckdb")
	if code, _, errs := tp(t, "ingest", "--db", db, "--dataset", "sample", sample("asean_long_1996_2020.csv")); code != 0 {
		t.Fatal(errs)
	}
	before, hash := tableCounts(t, db), fileHash(t, db)
	out := filepath.Join(dir, "out.csv")
	csvFile, _ := filepath.Abs(sample("baci_sample.csv"))
	for _, tc := range []struct{ sql, want string }{
		{"DELETE FROM trade_rows", readOnly},
		{"DROP TABLE trade_rows", readOnly},
		{"DROP VIEW trade", readOnly},
		{"UPDATE trade_rows SET value = 0", readOnly},
		{"DELETE FROM trade", "Can only delete from base table"},
		{"INSERT INTO files SELECT * FROM files", readOnly},
		{"ALTER TABLE trade_rows RENAME TO t2", readOnly},
		{"CREATE MACRO m() AS 1", readOnly},
		{"SELECT count(*) FROM trade; DROP TABLE trade_rows", readOnly},
		{"COPY trade TO '" + out + "'", noFiles},
		{"COPY (SELECT 1) TO '" + db + "' (FORMAT csv)", noFiles},
		{"EXPORT DATABASE '" + filepath.Join(dir, "export") + "'", noFiles},
		{"COPY trade_rows FROM '" + csvFile + "'", noFiles},
		{"SELECT * FROM read_csv('" + csvFile + "')", noFiles},
		{"SELECT * FROM read_text('" + csvFile + "')", noFiles},
		{"SELECT * FROM '" + csvFile + "'", noFiles},
		{"SELECT * FROM glob('" + dir + "/*')", noFiles},
		{"ATTACH '" + filepath.Join(dir, "other.duckdb") + "' AS o", noFiles},
		{"INSTALL httpfs", noFiles},
		{"LOAD httpfs", "Loading external extensions is disabled"},
		{"SET enable_external_access = true", locked},
		{"RESET enable_external_access", locked},
		{"SET lock_configuration = false", locked},
		// Issue 17: DuckDB lets a connection with external access off
		// still write and read its own database's files.
		{"COPY (SELECT 1 AS x) TO '" + db + "' (FORMAT csv, USE_TMP_FILE false)", noFiles},
		{"COPY (SELECT 1 AS x) TO '" + db + ".wal' (FORMAT csv, USE_TMP_FILE false)", noFiles},
		{"COPY (SELECT 1 AS x) TO '" + db + ".tmp/x.csv' (FORMAT csv)", noFiles},
		{"COPY (SELECT 1 AS x) TO '.tmp/x.csv' (FORMAT csv)", noFiles},
		{"SELECT size FROM read_blob('" + db + "')", noFiles},
		{"SELECT content FROM read_text('" + db + ".wal')", noFiles},
		{"SELECT * FROM read_text('/etc/passwd')", noFiles},
		{"SELECT * FROM glob('" + db + "')", noFiles},
		{"SELECT * FROM glob('/*')", noFiles},
		{"ATTACH '" + db + "' AS again", noFiles},
		{"INSTALL httpfs FROM '" + dir + "'", noFiles},
		{"SELECT * FROM read_csv('https://example.com/x.csv')", noFiles},
		{"SET disabled_filesystems = ''", locked},
		{"SET allowed_paths = ['" + db + "']", locked},
		{"SET temp_directory = '" + dir + "'", locked},
		{"SET enable_external_access = false; SET temp_directory = '" + dir + "'", locked},
	} {
		code, stdout, stderr := tp(t, "query", "--db", db, tc.sql)
		if code != 1 || stdout != "" || !strings.HasPrefix(stderr, "tradepipe: ") || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 1 and %q", tc.sql, code, stdout, stderr, tc.want)
		}
	}
	// With the flag, SQL may read and write files, still not the database.
	for _, tc := range []struct {
		sql  string
		code int
		want string
	}{
		{"SELECT count(*) AS n FROM read_csv('" + csvFile + "')", 0, "n\n60\n"},
		{"COPY (SELECT 1 AS x) TO '" + out + "'", 0, ""},
		{"DELETE FROM trade_rows", 1, readOnly},
		{"ATTACH '" + db + "' AS again (READ_WRITE)", 1, "already attached"},
	} {
		code, stdout, stderr := tp(t, "query", "--db", db, "--allow-external-access", "--format", "csv", tc.sql)
		if code != tc.code || !strings.Contains(stdout+stderr, tc.want) {
			t.Errorf("--allow-external-access %s: exit %d, %q %q; want exit %d and %q", tc.sql, code, stdout, stderr, tc.code, tc.want)
		}
	}
	if _, err := os.Stat(out); err != nil {
		t.Errorf("COPY TO with --allow-external-access wrote nothing: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "export")); err == nil {
		t.Error("EXPORT DATABASE wrote a folder without --allow-external-access")
	}
	sameCounts(t, "after the hostile queries", tableCounts(t, db), before)
	if fileHash(t, db) != hash {
		t.Error("the database file changed under read-only queries")
	}
	for _, p := range []string{db + ".wal", db + ".tmp", filepath.Join(dir, "export")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s was made by a read-only query", p)
		}
	}
}

// The settings a read-only query runs under: no folder is allowed, no
// temp directory, external access off and the configuration locked. DuckDB
// itself lists the database's files in allowed_paths (issue 17: that is
// how COPY could overwrite them); they are unreachable all the same, as
// the local file system is switched off (TestQueryCannotChangeOrReachOut
// tries them; disabled_filesystems does not read back in duckdb_settings).
func TestQuerySettingsAllowNoPath(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "t.duckdb")
	if code, _, errs := tp(t, "ingest", "--db", db, "--dataset", "sample", sample("asean_long_1996_2020.csv")); code != 0 {
		t.Fatal(errs)
	}
	code, out, errs := tp(t, "query", "--db", db, "--format", "csv", `SELECT name, value FROM duckdb_settings()
		WHERE name IN ('allowed_directories', 'enable_external_access', 'lock_configuration', 'temp_directory')
		ORDER BY name`)
	want := "name,value\nallowed_directories,[]\nenable_external_access,false\nlock_configuration,true\ntemp_directory,\n"
	if code != 0 || out != want {
		t.Errorf("exit %d %s\n%s\nwant\n%s", code, errs, out, want)
	}
	code, out, errs = tp(t, "query", "--db", db, "--format", "csv", `SELECT unnest(value::VARCHAR[]) AS p FROM duckdb_settings() WHERE name = 'allowed_paths' ORDER BY 1`)
	abs, _ := filepath.Abs(db)
	want = "p\n" + abs + "\n" + abs + ".wal\n" + abs + ".wal.checkpoint\n" + abs + ".wal.recovery\n"
	if code != 0 || out != want {
		t.Errorf("allowed_paths: exit %d %s\n%s\nwant\n%s", code, errs, out, want)
	}
}

// Issue 17, case 2: a --db path that carries connection options is not
// opened with them: query and report read it as a path (no such file),
// ingest refuses it.
func TestDBPathCarriesNoOptions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "t.duckdb")
	if code, _, errs := tp(t, "ingest", "--db", db, "--dataset", "sample", sample("asean_long_1996_2020.csv")); code != 0 {
		t.Fatal(errs)
	}
	before, hash := tableCounts(t, db), fileHash(t, db)
	for _, opts := range []string{"?access_mode=read_write", "?access_mode=read_write&enable_external_access=true", "?"} {
		code, out, errs := tp(t, "query", "--db", db+opts, "DELETE FROM trade_rows")
		if code != 1 || out != "" || !strings.Contains(errs, "no database here yet") {
			t.Errorf("query --db %s: exit %d %q %q; want no database", opts, code, out, errs)
		}
		code, _, errs = tp(t, "ingest", "--db", db+opts, "--dataset", "x", sample("baci_sample.csv"))
		if code != 1 || !strings.Contains(errs, "may not contain '?'") {
			t.Errorf("ingest --db %s: exit %d %q; want the '?' refused", opts, code, errs)
		}
	}
	sameCounts(t, "after paths with options", tableCounts(t, db), before)
	if fileHash(t, db) != hash {
		t.Error("the database changed")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("files made beside the database: %v", ents)
	}
}

func TestReportParametersBound(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "t.duckdb")
	if code, _, errs := tp(t, "ingest", "--db", db, "--dataset", "sample", sample("c5_comtrade_2017_2020.csv")); code != 0 {
		t.Fatal(errs)
	}
	before := tableCounts(t, db)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--group", "x'); DROP TABLE trade; --"}, `tradepipe: bad report parameters: unknown group "x'); DROP TABLE trade; --" (known: `},
		{[]string{"--compare", "ASEAN'; DELETE FROM files; --"}, `tradepipe: bad report parameters: unknown group "ASEAN'; DELETE FROM files; --" (known: `},
		{[]string{"--dataset", "sample' OR '1'='1"}, `tradepipe: bad report parameters: no trade dataset "sample' OR '1'='1" (loaded: sample)`},
	} {
		code, out, errs := tp(t, append([]string{"report", "regional-shares", "--db", db}, tc.args...)...)
		if code != 2 || out != "" || !strings.HasPrefix(errs, tc.want) {
			t.Errorf("%q: exit %d %q\nwant exit 2 and %q", tc.args, code, errs, tc.want)
		}
	}
	sameCounts(t, "after hostile parameters", tableCounts(t, db), before)
	// An honest run still works, with or without file access.
	for _, extra := range [][]string{nil, {"--allow-external-access"}} {
		if code, _, errs := tp(t, append([]string{"report", "regional-shares", "--db", db, "--dataset", "sample"}, extra...)...); code != 0 {
			t.Errorf("report %v: exit %d %s", extra, code, errs)
		}
	}
}
