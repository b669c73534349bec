package store

import (
	"context"
	"fmt"
)

// InboxHash is the sha256 of an inbox file, or of one entry of a zip, as
// it was when the pipeline last hashed it: valid while the file's size
// and modification time are those recorded.
type InboxHash struct {
	Path, Entry string // Entry is "" for a plain or gzip file
	Index       int    // the zip entry's position
	Size        int64
	ModNanos    int64
	SHA256      string
}

// InboxHashes returns the pipeline's remembered hashes.
func (s *Store) InboxHashes(ctx context.Context) ([]InboxHash, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT path, entry, idx, size, mod_ns, sha256 FROM inbox_hashes`)
	if err != nil {
		return nil, fmt.Errorf("inbox hashes: %w", err)
	}
	defer rows.Close()
	var out []InboxHash
	for rows.Next() {
		var h InboxHash
		if err := rows.Scan(&h.Path, &h.Entry, &h.Index, &h.Size, &h.ModNanos, &h.SHA256); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// SaveInboxHashes replaces the remembered hashes with hs, in one
// transaction.
func (s *Store) SaveInboxHashes(ctx context.Context, hs []InboxHash) error {
	if s.readOnly {
		return fmt.Errorf("inbox hashes: database opened read-only")
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM inbox_hashes`); err != nil {
		return err
	}
	err = insertBatched(ctx, tx, "INSERT OR REPLACE INTO inbox_hashes (path, entry, idx, size, mod_ns, sha256) VALUES ", 6, len(hs), func(i int) []any {
		h := hs[i]
		return []any{h.Path, h.Entry, h.Index, h.Size, h.ModNanos, h.SHA256}
	})
	if err != nil {
		return fmt.Errorf("inbox hashes: %w", err)
	}
	return tx.Commit()
}
