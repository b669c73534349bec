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

func TestTotalsRule(t *testing.T) {
	r, err := TotalsRule()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r, "TEMP MACRO tp_row_totals()") || !strings.Contains(r, "TEMP MACRO tp_is_services(") {
		t.Errorf("rule: %s", r)
	}
}
