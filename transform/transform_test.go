package transform

import (
	"path"
	"regexp"
	"strings"
	"testing"
)

var (
	defines = regexp.MustCompile(`(?m)^CREATE OR REPLACE TEMP MACRO (tp_\w+)\(`)
	uses    = regexp.MustCompile(`\b(tp_\w+)\(`)
)

// TestFlow keeps the files in the order the data flows: every macro a
// file uses is defined above its use, in the same file or one earlier in
// flow, so the files read top-down and run in that order. Each file is
// named for its concept.
func TestFlow(t *testing.T) {
	files, err := SQL()
	if err != nil {
		t.Fatal(err)
	}
	defined := map[string]string{}
	for _, f := range files {
		if want := strings.TrimSuffix(path.Base(f.Path), ".sql"); f.Name != want {
			t.Errorf("%s is named %q in its header; want %q", f.Path, f.Name, want)
		}
		body := stripComments(f.Text)
		ds := defines.FindAllStringSubmatchIndex(body, -1)
		if len(ds) == 0 {
			t.Errorf("%s defines no macro", f.Path)
		}
		for i, d := range ds {
			name := body[d[2]:d[3]]
			if prev, dup := defined[name]; dup {
				t.Errorf("%s defines %s again (first in %s)", f.Path, name, prev)
			}
			end := len(body)
			if i+1 < len(ds) {
				end = ds[i+1][0]
			}
			for _, u := range uses.FindAllStringSubmatch(body[d[3]:end], -1) {
				if _, ok := defined[u[1]]; !ok {
					t.Errorf("%s: %s uses %s, which is not defined above it", f.Path, name, u[1])
				}
			}
			defined[name] = f.Path
		}
	}
}

func stripComments(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if i := strings.Index(line, "--"); i >= 0 {
			line = line[:i]
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}

func TestRules(t *testing.T) {
	for _, r := range []Rule{BilateralRule} {
		text, err := r.Text()
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range r {
			if !strings.Contains(text, "TEMP MACRO "+name+"(") {
				t.Errorf("rule %v lacks %s: %s", r, name, text)
			}
		}
		// Each statement is whole: it ends where the macro does, not at a
		// semicolon inside it.
		if n := strings.Count(text, ";\n"); n != len(r) {
			t.Errorf("rule %v: %d statement ends, want %d", r, n, len(r))
		}
	}
	if _, err := (Rule{"tp_no_such"}).Text(); err == nil {
		t.Error("a rule naming no macro: no error")
	}
}

func TestProductLevel(t *testing.T) {
	for code, want := range map[string]int{"TOTAL": 0, "27": 2, "2709": 4, "270900": 6, "0": 1, "33411": 5, "": 0} {
		if got := ProductLevel(code); got != want {
			t.Errorf("ProductLevel(%q) = %d, want %d", code, got, want)
		}
	}
}
