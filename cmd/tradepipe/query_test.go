package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestQueryConventions: SQL from standard input and from -f -, -o and
// --out with the format from its extension, --columns, and a refused file
// access that names the flag which allows it.
func TestQueryConventions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "t.duckdb")
	if code, _, stderr := tp(t, "ingest", "--db", db, sample("baci_sample.csv")); code != 0 {
		t.Fatal(stderr)
	}
	withStdin := func(in string, args ...string) (int, string, string) {
		var o, e bytes.Buffer
		code := run(context.Background(), args, strings.NewReader(in), &o, &e)
		return code, o.String(), e.String()
	}
	const q = "SELECT count(*) AS n, 'x' AS s FROM trade"
	for _, c := range []struct {
		name, stdin string
		args        []string
		code        int
		out, err    string
	}{
		{"stdin", q, []string{"query", "--db", db, "-o", "csv"}, 0, "n,s\n60,x\n", ""},
		{"-f -", q, []string{"query", "--db", db, "-f", "-", "-o", "csv"}, 0, "n,s\n60,x\n", ""},
		{"columns", "", []string{"query", "--db", db, "-o", "csv", "--columns", "s,n", q}, 0, "s,n\nx,60\n", ""},
		{"unknown column", "", []string{"query", "--db", db, "--columns", "m", q}, 2, "", `the result has no column "m" (it has n, s)`},
		{"no SQL", "", []string{"query", "--db", db}, 2, "", "no SQL given"},
		{"both", "", []string{"query", "--db", db, "-f", "-", q}, 2, "", "not both"},
		{"file access", "", []string{"query", "--db", db, "SELECT * FROM read_csv('" + db + "')"}, 1, "", "give --allow-external-access"},
		{"format against out", "", []string{"query", "--db", db, "-o", "json", "--out", filepath.Join(dir, "x.csv"), q}, 2, "", "--format json but --out"},
	} {
		code, out, errs := withStdin(c.stdin, c.args...)
		if code != c.code || (c.out != "" && out != c.out) || !strings.Contains(errs, c.err) {
			t.Errorf("%s: exit %d, out %q, err %q; want %d, %q, %q", c.name, code, out, errs, c.code, c.out, c.err)
		}
	}
	out := filepath.Join(dir, "q.json")
	if code, _, stderr := tp(t, "query", "--db", db, "--out", out, q); code != 0 {
		t.Fatal(stderr)
	}
	if b, err := os.ReadFile(out); err != nil || !strings.Contains(string(b), `"n":60`) {
		t.Errorf("--out q.json: %s %v", b, err)
	}
}
