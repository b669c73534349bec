package sqltest

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/tradepipe/tradepipe/transform"
)

// bases are every basis a report takes (report.Bases).
var bases = []string{"reporter", "flow", "importer-first", "exporter-first", "average"}

// TestViewForEveryBasis: on every fixture's data, for every dataset and
// basis, with every group and a CIF/FOB factor, the member view with ViewFor's branch
// in place holds the same rows as the union the database keeps, and a
// branch made for one basis gives no rows under any other (a report that
// asked for the wrong branch would show nothing rather than wrong
// figures). GenericView puts the union back. (The store's kept macros,
// which DropView restores, are the report tests'.)
func TestViewForEveryBasis(t *testing.T) {
	t.Parallel()
	files, err := transform.SQL()
	if err != nil {
		t.Fatal(err)
	}
	cases, err := filepath.Glob(filepath.Join(testdata, "*", "*.txtar"))
	if err != nil || len(cases) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	generic, err := transform.GenericView()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	compared, turn := map[string]int{}, 0
	for _, c := range cases {
		conn, _, _ := setUp(t, c, files)
		datasets, err := queryRows(ctx, conn, `SELECT DISTINCT dataset FROM trade_bilateral ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		groups, err := queryRows(ctx, conn, `SELECT string_agg(DISTINCT group_name, ',' ORDER BY group_name) FROM group_membership`)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range datasets[1:] {
			// With -short each dataset takes one basis, in turn, so that
			// every basis is still compared, on fewer fixtures.
			these := bases
			if testing.Short() {
				these = bases[turn%len(bases) : turn%len(bases)+1]
				turn++
			}
			for _, basis := range these {
				{
					cif := "1.25"
					view := fmt.Sprintf(`tp_view('%s', '%s', '%s', %s, NULL)`, d[0], groups[1][0], basis, cif)
					diff := `SELECT count(*) FROM ((FROM generic EXCEPT ALL FROM ` + view + `) UNION ALL (FROM ` + view + ` EXCEPT ALL FROM generic))`
					if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE generic AS FROM `+view); err != nil {
						t.Fatal(err)
					}
					for _, branch := range []string{basis, other(basis)} {
						stmt, err := transform.ViewFor(branch)
						if err != nil {
							t.Fatal(err)
						}
						if _, err := conn.ExecContext(ctx, stmt); err != nil {
							t.Fatalf("%s: %v", branch, err)
						}
						q := diff
						if branch != basis {
							q = `SELECT count(*) FROM ` + view
						}
						got, err := queryRows(ctx, conn, q)
						if err != nil {
							t.Fatalf("%s: %s: %v", c, q, err)
						}
						if got[1][0] != "0" {
							t.Errorf("%s: dataset %s, basis %s, cif %s, the branch for %s: %s rows differ from the union's", c, d[0], basis, cif, branch, got[1][0])
						}
						if _, err := conn.ExecContext(ctx, generic); err != nil {
							t.Fatal(err)
						}
					}
					rows, err := queryRows(ctx, conn, `SELECT count(*) FROM generic`)
					if err != nil {
						t.Fatal(err)
					}
					if rows[1][0] != "0" {
						compared[basis]++
					}
					again, err := queryRows(ctx, conn, diff)
					if err != nil || again[1][0] != "0" {
						t.Errorf("%s: after GenericView the view is not the union's: %v %v", c, again, err)
					}
				}
			}
		}
	}
	// The fixtures hold rows under every basis family.
	n := 0
	for _, b := range bases {
		if compared[b] == 0 {
			t.Errorf("basis %s: no non-empty view compared", b)
		}
		n += compared[b]
	}
	if !testing.Short() && n < 10 {
		t.Errorf("only %d non-empty views compared", n)
	}
}

// other is a basis whose branch is not basis's.
func other(basis string) string {
	switch basis {
	case "reporter":
		return "flow"
	case "flow":
		return "average"
	}
	return "reporter"
}
