package main

import (
	"fmt"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"testing"
)

// depsRules is the whole import graph of tradepipe, in the manner of Go's
// own go/build/deps_test.go. A rule "a, b < c, d" lets c and d import a
// and b, and whatever a and b may import of tradepipe's packages: the
// layers are transitive. An outside module (the names in capitals, see
// modules) is not: a package imports one only where its own rule names
// it, so each heavy dependency stays in the one package that needs it.
// The standard library is open to all. Every package must be here: a new
// one, or a new import against the flow, fails the test until the graph
// says where it goes. Only the non-test imports count.
const depsRules = `
	# Leaves: the standard library only.
	STD < transform/country, sql/sqlfile, transform/country/internal/genseed;

	# The generator of the currency seed reads the country table's names.
	transform/country < transform/country/internal/gencurrency;

	# Readers: bytes to Arrow batches, codes through the country table;
	# workbooks (IMF DOTS .xlsx) through excelize, pure Go; Windows-1252
	# text through x/text; gzip and zip entries inflated by klauspost's
	# flate (faster than compress/flate).
	transform/country, ARROW, EXCELIZE, XTEXT, KLAUSPOST < ingest;

	# Reference data and the set-wise transforms, as SQL.
	transform/country, sql/sqlfile < transform;

	# The one owner of the DuckDB file.
	ingest, transform, ARROW, DUCKDB < sql/store;
	sql/store < sql/store/storetest;

	# Named reports, their rendering, and the Parquet export.
	sql/store < sql/report;
	sql/report, PLOT, PRETTY < sql/report/render;
	sql/report < sql/export;

	# The brief: the claims (YAML) measured by the reports, drawn by render.
	sql/report/render, YAML < sql/report/brief;

	# Jobs and schedules; the command line on top.
	sql/report/brief, sql/export, CRON, YAML < pipeline;
	pipeline, KONG, KONGCOMPLETION, COMPLETE, MANGOKONG, ROFF, PROGRESSBAR, TERM < cmd/tradepipe;

	# The benchmark and its data generator.
	transform/country < bench/gen;
	bench/gen, sql/export, DUCKDB < bench;

	# Tests only: no imports of its own.
	STD < transform/sqltest;
`

// modules names the outside modules of the rules by their path prefix.
var modules = map[string]string{
	"ARROW":  "github.com/apache/arrow-go/v18/",
	"DUCKDB": "github.com/duckdb/duckdb-go", // the driver, and its bindings (the library version)
	"PLOT":   "gonum.org/v1/plot",
	"PRETTY": "github.com/jedib0t/go-pretty/v6", // the aligned text table
	"CRON":   "github.com/robfig/cron/v3",
	"YAML":   "go.yaml.in/yaml/v3",
	"KONG":   "github.com/alecthomas/kong",
	// Shell completion and the man page, from kong's definitions.
	"KONGCOMPLETION": "github.com/jotaen/kong-completion",
	"COMPLETE":       "github.com/posener/complete",
	"MANGOKONG":      "github.com/alecthomas/mango-kong",
	"ROFF":           "github.com/muesli/roff",
	"PROGRESSBAR":    "github.com/schollz/progressbar/v3",
	"TERM":           "golang.org/x/term",
	"EXCELIZE":       "github.com/xuri/excelize/v2",
	"XTEXT":          "golang.org/x/text/",             // Windows-1252 decoding
	"KLAUSPOST":      "github.com/klauspost/compress/", // inflating gzip and zip
}

const module = "github.com/tradepipe/tradepipe/"

// allowed parses rules into, for each package, what it may import: the
// packages of this module (transitively) and the outside modules named on
// its own rule.
func allowed(rules string) (map[string]map[string]bool, error) {
	out := map[string]map[string]bool{}
	var text []string
	for _, l := range strings.Split(rules, "\n") {
		if l, _, _ = strings.Cut(l, "#"); strings.TrimSpace(l) != "" {
			text = append(text, strings.TrimSpace(l))
		}
	}
	for _, stmt := range strings.Split(strings.Join(text, " "), ";") {
		if stmt = strings.TrimSpace(stmt); stmt == "" {
			continue
		}
		below, above, ok := strings.Cut(stmt, "<")
		if !ok {
			return nil, fmt.Errorf("rule %q lacks <", stmt)
		}
		for _, b := range strings.Split(above, ",") {
			b = strings.TrimSpace(b)
			if _, dup := out[b]; dup {
				return nil, fmt.Errorf("%s is above two rules", b)
			}
			set := map[string]bool{}
			for _, a := range strings.Split(below, ",") {
				a = strings.TrimSpace(a)
				switch _, ext := modules[a]; {
				case a == "STD":
				case ext:
					set[a] = true
				default:
					lower, ok := out[a]
					if !ok {
						return nil, fmt.Errorf("%s is used in a rule before its own", a)
					}
					set[a] = true
					for p := range lower {
						if _, ext := modules[p]; !ext {
							set[p] = true
						}
					}
				}
			}
			out[b] = set
		}
	}
	return out, nil
}

// TestDependencies checks every package's imports against depsRules.
func TestDependencies(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found")
	}
	rules, err := allowed(depsRules)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "list", "-tags", "duckdb_arrow", "-f", "{{.ImportPath}} {{.Standard}} {{join .Imports \" \"}}", "-deps", "../../...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	std := map[string]bool{}
	imports := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if f[1] == "true" {
			std[f[0]] = true
		}
		if strings.HasPrefix(f[0], module) {
			imports[strings.TrimPrefix(f[0], module)] = f[2:]
		}
	}
	var pkgs []string
	for p := range imports {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, p := range pkgs {
		ok, known := rules[p]
		if !known {
			t.Errorf("%s is not in depsRules: say where it goes in the graph", p)
			continue
		}
		for _, imp := range imports[p] {
			switch {
			case std[imp]:
			case strings.HasPrefix(imp, module):
				if !ok[strings.TrimPrefix(imp, module)] {
					t.Errorf("%s imports %s, which depsRules does not allow", p, strings.TrimPrefix(imp, module))
				}
			default:
				name := ""
				for n, prefix := range modules {
					if strings.HasPrefix(imp, prefix) {
						name = n
					}
				}
				if name == "" || !ok[name] {
					t.Errorf("%s imports %s, which depsRules does not allow", p, imp)
				}
			}
		}
	}
	for p := range rules {
		if _, ok := imports[p]; !ok {
			t.Errorf("depsRules names %s, which is not a package", p)
		}
	}
}

// TestNoCgoBelowTheStore: the readers and the transforms build and test
// without cgo: nothing below the store depends on DuckDB, even indirectly.
func TestNoCgoBelowTheStore(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found")
	}
	for _, pkg := range []string{"ingest", "transform", "transform/country", "sql/sqlfile"} {
		out, err := exec.Command("go", "list", "-tags", "duckdb_arrow", "-deps", "../../"+pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", pkg, err, out)
		}
		deps := strings.Fields(string(out))
		if i := slices.IndexFunc(deps, func(d string) bool { return d == "runtime/cgo" || strings.HasPrefix(d, modules["DUCKDB"]) }); i >= 0 {
			t.Errorf("%s depends on %s", pkg, deps[i])
		}
	}
}

// TestDepsRulesCatch: the rules refuse an import against the flow, and
// a third-party module imported by a package that does not name it.
func TestDepsRulesCatch(t *testing.T) {
	t.Parallel()
	rules, err := allowed(depsRules)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		pkg, imp string
		want     bool
	}{
		{"sql/report", "sql/store", true},
		{"pipeline", "ingest", true},   // through the store
		{"ingest", "sql/store", false}, // upward
		{"transform", "ingest", false}, // beside
		{"sql/store", "sql/report", false},
		{"sql/report", "DUCKDB", false}, // only the store imports DuckDB
		{"pipeline", "DUCKDB", false},
		{"sql/export", "ARROW", false},   // Parquet through the store's COPY
		{"cmd/tradepipe", "CRON", false}, // only pipeline imports cron
	} {
		if got := rules[c.pkg][c.imp]; got != c.want {
			t.Errorf("%s may import %s: %v, want %v", c.pkg, c.imp, got, c.want)
		}
	}
	if _, err := allowed("a < b; b < a;"); err == nil {
		t.Error("a cycle was accepted")
	}
}
