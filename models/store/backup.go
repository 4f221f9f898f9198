package store

import (
	"context"
	"database/sql"
	"fmt"

	"gorm.io/gorm"
)

// Snapshot holds one consistent view of the database open while fn runs: fn gets the id
// of an exported snapshot (pg_dump --snapshot=<id> dumps exactly this view), the file
// hashes the view refers to, and the number of decisions in its chain, all read in the
// same REPEATABLE READ transaction.
func (s *Store) Snapshot(ctx context.Context, fn func(id string, refs map[string]bool, decisions int64) error) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var id string
		if err := tx.Raw("SELECT pg_export_snapshot()").Scan(&id).Error; err != nil {
			return fmt.Errorf("exporting a snapshot: %w", err)
		}
		refs, err := fileReferences(tx)
		if err != nil {
			return err
		}
		var n int64
		if err := tx.Raw("SELECT count(*) FROM decisions").Scan(&n).Error; err != nil {
			return err
		}
		return fn(id, refs, n)
	}, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
}

// SchemaVersion is the goose version the database is migrated to.
func (s *Store) SchemaVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.db.WithContext(ctx).Raw("SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied").Scan(&v).Error
	return v, err
}
