package store

import (
	"context"
	dsql "database/sql"
	"errors"
	"fmt"

	"github.com/tradepipe/tradepipe/transform"
)

// ErrOutdated is returned by a read-only Open of a database that an older
// tradepipe made: its schema, or the totals it keeps, are not what this
// version reads. A read-only open cannot bring it up to date; any open for
// writing does ('tradepipe upgrade').
var ErrOutdated = errors.New("the database was made by another version of tradepipe")

// checkCurrent fails with ErrOutdated unless the database's schema is this
// version's and the totals it keeps were made by this version's rules (a
// report would otherwise fail on a missing column, or read totals made by
// another rule).
func (s *Store) checkCurrent(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	have, err := s.schemaVersion(ctx)
	if err != nil {
		return err
	}
	want := ms[len(ms)-1].version
	upgrade := fmt.Sprintf("run 'tradepipe upgrade --db %s' once (it needs write access) to bring it up to date", s.path)
	switch {
	case have > want:
		return fmt.Errorf("%s: %w: schema version %d, newer than this tradepipe knows (%d): use a newer tradepipe", s.path, ErrOutdated, have, want)
	case have < want:
		return fmt.Errorf("%s: %w: schema version %d, this tradepipe reads %d: %s", s.path, ErrOutdated, have, want, upgrade)
	}
	sum, err := ruleHash(transform.BilateralRule)
	if err != nil {
		return err
	}
	var rule string
	err = s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'bilateral_rule'`).Scan(&rule)
	if err != nil && !errors.Is(err, dsql.ErrNoRows) {
		return err
	}
	levels, err := s.staleLevels(ctx)
	if err != nil {
		return err
	}
	if rule != sum || len(levels) > 0 {
		return fmt.Errorf("%s: %w: its totals were made by another rule: %s", s.path, ErrOutdated, upgrade)
	}
	return nil
}
