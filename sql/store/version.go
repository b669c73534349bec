package store

import (
	"context"
	"fmt"

	"github.com/tradepipe/tradepipe/sql/sqlfile"
)

// DataVersion is a fingerprint of everything the reports and exports of
// a dataset ("" for all datasets) are made from (state/data_version.sql):
// while it stays the same, so do they. The pipeline uses it to skip a
// run's reports and exports when nothing came in.
func (s *Store) DataVersion(ctx context.Context, dataset string) (string, error) {
	fs, err := sqlfile.Dir(sqlFS, "state")
	if err != nil {
		return "", err
	}
	f, ok := sqlfile.Find(fs, "data_version")
	if !ok {
		return "", fmt.Errorf("sql/store/state: no statement data_version")
	}
	var v string
	args, err := f.Bind(map[string]any{"dataset": dataset})
	if err != nil {
		return "", err
	}
	if err := s.db.QueryRowContext(ctx, f.Text, args...).Scan(&v); err != nil {
		return "", fmt.Errorf("data version: %w", err)
	}
	return v, nil
}
