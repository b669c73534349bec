package export

import (
	"slices"
	"strings"
	"testing"

	"github.com/tradepipe/tradepipe/sql/sqlfile"
)

// TestStatements: tables/ holds the COPY template, the one-year query
// around a table's, and one statement per table of the allow-list, none of them a format string.
func TestStatements(t *testing.T) {
	t.Parallel()
	fs, err := sqlfile.Dir(tablesFS, "tables")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range fs {
		names = append(names, f.Name)
		if strings.Contains(f.Text, "'%") || strings.Contains(f.Text, "%s") {
			t.Errorf("%s looks like a format string", f.Name)
		}
	}
	want := append([]string{"copy", "one_year"}, Tables()...)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("tables/ holds %v, want %v", names, want)
	}
}
