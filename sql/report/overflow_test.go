package report

import (
	"context"
	"errors"
	"testing"

	"github.com/tradepipe/tradepipe/sql/store"
)

// Issue 17, case 6: a sum that overflows is an error, never Inf. DuckDB's
// sum of doubles gives +Inf past 1.8e308; the check a report's table
// passes before it is printed refuses it.
func TestSumOverflowIsAnError(t *testing.T) {
	t.Parallel()
	st, err := store.Open(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, tc := range []struct {
		sql string
		err error
	}{
		{`SELECT 'a' AS k, sum(x) AS total FROM (VALUES (1e308), (1e308)) t(x)`, ErrOverflow},
		{`SELECT 'a' AS k, sum(x) AS total FROM (VALUES (1e15), (1e15)) t(x)`, nil},
	} {
		rows, err := st.DB().Query(tc.sql)
		if err != nil {
			t.Fatal(err)
		}
		tab, err := FromRows(rows)
		if err != nil {
			t.Fatal(err)
		}
		if err := tab.finite(); !errors.Is(err, tc.err) {
			t.Errorf("%s: %v, want %v", tc.sql, err, tc.err)
		}
	}
}
