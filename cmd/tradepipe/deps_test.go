package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyRules keeps one heavy dependency per package: ingest and
// transform build without cgo (no duckdb), and only pipeline uses cron.
func TestDependencyRules(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found")
	}
	deps := func(pkg string) string {
		out, err := exec.Command("go", "list", "-tags", "duckdb_arrow", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", pkg, err, out)
		}
		return string(out)
	}
	for _, pkg := range []string{"../../ingest", "../../transform/country", "../../transform", "../../sql/sqlfile"} {
		d := deps(pkg)
		for _, banned := range []string{"github.com/duckdb/duckdb-go", "github.com/robfig/cron"} {
			if strings.Contains(d, banned) {
				t.Errorf("%s depends on %s", pkg, banned)
			}
		}
	}
	out, err := exec.Command("go", "list", "-tags", "duckdb_arrow", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "../../...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, " ")
		if strings.Contains(imports, "github.com/duckdb/duckdb-go") && !strings.HasSuffix(pkg, "/sql/store") && !strings.Contains(pkg, "/bench") {
			t.Errorf("%s imports duckdb-go; only sql/store may", pkg)
		}
		if strings.Contains(imports, "github.com/robfig/cron") && !strings.HasSuffix(pkg, "/pipeline") {
			t.Errorf("%s imports robfig/cron; only pipeline may", pkg)
		}
	}
}
