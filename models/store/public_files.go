package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"portal/models"
)

// FileRef is the one reference to a file in the file store: its SHA-256, with the name,
// size and kind the upload intake (handlers.receivePart) found. Every upload yields one,
// and every store method that records a file takes one. As a row of public_files it is a
// file attached to a complaint or a scope-change record; the bytes live in the file
// store, the row only refers to them.
type FileRef struct {
	ID          int64
	OwnerKind   string
	OwnerID     int64
	SHA256      string `gorm:"column:sha256"`
	Name        string
	Size        int64
	Kind        models.FileKind `gorm:"-"` // decided from the content at upload; not a column
	ContentType string
	CreatedAt   time.Time
}

// TableName keeps gorm on the migration's table.
func (FileRef) TableName() string { return "public_files" }

// Attachment is the "sha256 name" reference the decision history keeps.
func (f FileRef) Attachment() string { return f.SHA256 + " " + f.Name }

func attachFiles(tx *gorm.DB, kind string, ownerID int64, files []FileRef, now time.Time) error {
	for _, f := range files {
		f.ID, f.OwnerKind, f.OwnerID, f.CreatedAt = 0, kind, ownerID, now
		if err := tx.Create(&f).Error; err != nil {
			return err
		}
	}
	return nil
}

// FilesOf lists the files attached to an owner, in upload order.
func (s *Store) FilesOf(ctx context.Context, kind string, ownerID int64) ([]FileRef, error) {
	var fs []FileRef
	err := s.db.WithContext(ctx).Where("owner_kind = ? AND owner_id = ?", kind, ownerID).Order("id").Find(&fs).Error
	return fs, err
}
