package store

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// describe is what tells two databases apart that should be the same:
// their schema, meta, kept macros and every table's rows (as the md5 of
// their text in order; the ledger's without the time of each load). A
// macro's text is DuckDB's, with the columns of an EXCLUDE sorted: DuckDB
// can give them in another order once a checkpoint wrote back a macro it
// had read from the file (after a copy's first load the list was
// reversed), the same macro all the same.
func describe(t *testing.T, s *Store) []string {
	t.Helper()
	var out []string
	for _, q := range append(slices.Clone(schemaQueries),
		`SELECT function_name, function_type, coalesce(macro_definition, '') FROM duckdb_functions()
			WHERE database_name = current_database() AND NOT internal ORDER BY ALL`,
		`SELECT * FROM meta ORDER BY ALL`) {
		for _, r := range textRows(t, s, q) {
			out = append(out, excludeList.ReplaceAllStringFunc(r, func(m string) string {
				cols := strings.Split(excludeList.FindStringSubmatch(m)[1], ", ")
				slices.Sort(cols)
				return "EXCLUDE (" + strings.Join(cols, ", ") + ")"
			}))
		}
	}
	for _, table := range textRows(t, s, `SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() ORDER BY 1`) {
		from := table
		if table == "files" {
			from = `(SELECT * EXCLUDE (loaded_at) FROM files)` // when each was loaded
		}
		out = append(out, textRows(t, s, `SELECT '`+table+`', count(*), coalesce(md5(string_agg(r::VARCHAR, '|' ORDER BY r::VARCHAR)), '')
			FROM `+from+` r`)...)
	}
	return out
}

// excludeList is an EXCLUDE in a macro's text, its columns the match.
var excludeList = regexp.MustCompile(`EXCLUDE \(([^()]*)\)`)

// cacheIn points the user's cache directory (os.UserCacheDir) at a
// directory of the test's own and gives the template's folder in it.
func cacheIn(t *testing.T) string {
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", dir)
	t.Setenv("HOME", dir)
	t.Setenv(templateEnv, "")
	return filepath.Join(dir, "tradepipe")
}

// TestTemplateCopyIsANewDatabase: a database copied from the empty one in
// the cache is, before and after a load, the database made from nothing:
// opened as any existing database is (its checks run), and opened by the
// Open that copies it (they do not). Each is compared as a later open
// reads it: a macro read back from the file is DuckDB's own text of it (a
// CTE's MATERIALIZED is not kept), not the text it was made with.
func TestTemplateCopyIsANewDatabase(t *testing.T) {
	cache := cacheIn(t)
	ctx := context.Background()
	dir := t.TempDir()
	baci := write(t, dir, "baci.csv", []byte("t,i,j,k,v,q\n2019,398,156,010121,1.5,2\n2019,398,643,010121,2.5,3\n"))
	for _, step := range []string{"new", "after a load"} {
		copied, opened, made := filepath.Join(dir, step+" copied.duckdb"), filepath.Join(dir, step+" opened.duckdb"), filepath.Join(dir, step+" made.duckdb")
		if tpl := fromTemplate(ctx, copied); tpl == "" || filepath.Dir(tpl) != cache {
			t.Fatalf("no copy made (template %q, want one in %s)", tpl, cache)
		}
		var got [3][]string
		for i, p := range []string{copied, opened, made} {
			var opts []Option
			if p != opened {
				opts = append(opts, noTemplate())
			}
			s, err := Open(ctx, p, opts...)
			if err != nil {
				t.Fatal(err)
			}
			if step == "after a load" {
				loadFile(t, s, baci, LoadOptions{})
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if s, err = Open(ctx, p, ReadOnly()); err != nil {
				t.Fatal(err)
			}
			got[i] = describe(t, s)
			s.Close()
		}
		for i, name := range []string{"copied", "opened"} {
			if !slices.Equal(got[i], got[2]) {
				t.Fatalf("%s, %s:\n%s\nmade:\n%s", step, name, strings.Join(got[i], "\n"), strings.Join(got[2], "\n"))
			}
		}
	}
}

// TestTemplateNeverReplaces: no copy is made over a file, beside a WAL,
// into a folder that is not there, or with the copy turned off; and Open
// of an existing database leaves it as it was.
func TestTemplateNeverReplaces(t *testing.T) {
	cacheIn(t)
	ctx := context.Background()
	dir := t.TempDir()
	file := write(t, dir, "file.duckdb", []byte("not a database"))
	write(t, dir, "orphan.duckdb.wal", []byte("a WAL"))
	for _, p := range []string{file, filepath.Join(dir, "orphan.duckdb"), filepath.Join(dir, "none", "x.duckdb"), ":memory:"} {
		if tpl := fromTemplate(ctx, p); tpl != "" {
			t.Errorf("%s: copied", p)
		}
	}
	if b, err := os.ReadFile(file); err != nil || string(b) != "not a database" {
		t.Errorf("the file holds %q (%v)", b, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "orphan.duckdb")); err == nil {
		t.Error("a copy beside the WAL")
	}
	t.Setenv(templateEnv, "1")
	if tpl := fromTemplate(ctx, filepath.Join(dir, "off.duckdb")); tpl != "" {
		t.Errorf("copied with %s set", templateEnv)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("the folder holds %d files, want the 2 written (a copy left behind?)", len(entries))
	}
}

// TestTemplateDamaged: a damaged empty database in the cache gives a good
// new database all the same, made from nothing, and is made again; and
// making one removes those of other versions.
func TestTemplateDamaged(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	other := filepath.Join(cacheIn(t), "empty-0123.duckdb") // another version's
	if err := os.MkdirAll(filepath.Dir(other), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Dir(other), filepath.Base(other), []byte("another version's"))
	tpl, err := template(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(other); err == nil {
		t.Error("another version's empty database is still there")
	}
	for i, damage := range []func() error{
		func() error { return os.Truncate(tpl, 4096) },
		func() error { return os.WriteFile(tpl, []byte(strings.Repeat("x", 8192)), 0o644) },
	} {
		if err := damage(); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, "new"+string(rune('a'+i))+".duckdb")
		s, err := Open(ctx, p)
		if err != nil {
			t.Fatalf("damage %d: %v", i, err)
		}
		made, err := Open(ctx, filepath.Join(dir, "made"+string(rune('a'+i))+".duckdb"), noTemplate())
		if err != nil {
			t.Fatal(err)
		}
		if got, want := describe(t, s), describe(t, made); !slices.Equal(got, want) {
			t.Errorf("damage %d: the new database differs from one made from nothing:\n%s", i, strings.Join(got, "\n"))
		}
		s.Close()
		made.Close()
		if _, err := os.Stat(tpl); err == nil {
			t.Errorf("damage %d: the damaged template is still there", i)
		}
		if again, err := template(ctx); err != nil || again != tpl {
			t.Fatalf("damage %d: made again as %q (%v)", i, again, err)
		}
	}
}

// TestTemplateCopyLikeAFile: a copy has the mode DuckDB gives a database it
// makes (0666 less the umask, not a temporary file's 0600, which would
// keep other users from reading it), and a copy a killed process left
// beside it is removed.
func TestTemplateCopyLikeAFile(t *testing.T) {
	cacheIn(t)
	ctx := context.Background()
	dir := t.TempDir()
	left := write(t, dir, ".copied.duckdb.new-killed", []byte("half a copy"))
	copied, made := filepath.Join(dir, "copied.duckdb"), filepath.Join(dir, "made.duckdb")
	if fromTemplate(ctx, copied) == "" {
		t.Fatal("no copy made")
	}
	s, err := Open(ctx, made, noTemplate())
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	a, errA := os.Stat(copied)
	b, errB := os.Stat(made)
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	if a.Mode() != b.Mode() {
		t.Errorf("the copy's mode is %v, a database made from nothing %v", a.Mode(), b.Mode())
	}
	if _, err := os.Stat(left); err == nil {
		t.Error("the killed process's copy is still there")
	}
}
