package sqltest

import (
	"context"
	dsql "database/sql"
	"path/filepath"
	"slices"
	"testing"

	"github.com/tradepipe/tradepipe/sql/store"
)

// TestTablesAsInTheStore keeps testdata/tables.sql true to the store: the
// tables the transforms read have the same columns, in the same order and
// of the same types, as in a database the store made.
func TestTablesAsInTheStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fixture := newDB(t)
	real, err := st.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer real.Close()
	for _, table := range []string{"trade", "fx_rates", "group_membership", "country_codes", "world_trade", "trade_slices", "trade_codes", "trade_sums", "trade_bilateral", "trade_years",
		"trade_own", "trade_world", "currency_changes"} {
		want, err := columns(ctx, real, table)
		if err != nil {
			t.Fatal(err)
		}
		got, err := columns(ctx, fixture, table)
		if err != nil {
			t.Fatal(err)
		}
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("tables.sql: %s has columns\n%v\nthe store's has\n%v", table, got, want)
		}
	}
}

func columns(ctx context.Context, c *dsql.Conn, table string) ([]string, error) {
	rows, err := c.QueryContext(ctx, `SELECT column_name || ' ' || data_type FROM information_schema.columns
		WHERE table_name = ? AND table_schema = 'main' ORDER BY ordinal_position`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
