package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestAsWrittenPutsTheSettingBack: the optimizers asWritten turns off are
// off while f runs, and DuckDB's global setting is what it was after, when
// f fails as when it does not, so that nothing after a load (a report in
// the daemon's process) is planned as written.
func TestAsWrittenPutsTheSettingBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTest(t)
	boom := errors.New("boom")
	for _, tc := range []struct {
		before, during string
		fail           error
	}{
		{"", planAsWritten, nil},
		{"", planAsWritten, boom},
		{"top_n", "top_n," + planAsWritten, nil},
	} {
		if _, err := s.db.ExecContext(ctx, `SET disabled_optimizers = '`+tc.before+`'`); err != nil {
			t.Fatal(err)
		}
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		var during string
		err = asWritten(ctx, tx, func() error {
			if err := tx.QueryRowContext(ctx, `SELECT current_setting('disabled_optimizers')`).Scan(&during); err != nil {
				return err
			}
			return tc.fail
		})
		tx.Rollback()
		if !errors.Is(err, tc.fail) || (tc.fail == nil && err != nil) {
			t.Errorf("before %q: asWritten returned %v, want %v", tc.before, err, tc.fail)
		}
		if !sameNames(during, tc.during) {
			t.Errorf("before %q: during f the setting is %q, want %q", tc.before, during, tc.during)
		}
		var after string
		if err := s.db.QueryRowContext(ctx, `SELECT current_setting('disabled_optimizers')`).Scan(&after); err != nil {
			t.Fatal(err)
		}
		if after != tc.before {
			t.Errorf("after asWritten the setting is %q, want %q as before", after, tc.before)
		}
	}
}

// sameNames says whether two comma-separated lists hold the same names
// (DuckDB gives the optimizers in an order of its own).
func sameNames(a, b string) bool {
	x, y := strings.Split(a, ","), strings.Split(b, ",")
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}
