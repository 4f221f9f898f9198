package store

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"portal/models"
)

func registerRows(db *gorm.DB, query string, st models.RegisterStatus) *gorm.DB {
	q := db.Table("filings").Select(`institutions.id AS institution_id, institutions.name, institutions.uscc, d.name AS district,
		filings.filing_number, filings.filing_date, institutions.custody_bank,
		COALESCE((SELECT ch.address FROM institution_channels ch WHERE ch.institution_id = institutions.id
			AND ch.kind = 'website' ORDER BY ch.position LIMIT 1), '') AS website,
		c.status = 'revoked' AS revoked, c.revoked_at, COALESCE(c.revoked_reason, '') AS revoked_reason`).
		Joins("JOIN institutions ON institutions.id = filings.institution_id").
		Joins("JOIN divisions d ON d.id = institutions.district_id").
		Joins("JOIN certificates c ON c.application_id = filings.application_id")
	switch st {
	case models.RegisterValid:
		q = q.Where("c.status <> ?", models.CertificateRevoked)
	case models.RegisterRevoked:
		q = q.Where("c.status = ?", models.CertificateRevoked)
	}
	if query = strings.TrimSpace(query); query != "" {
		like := "%" + escapeLike(query) + "%"
		q = q.Where("institutions.name ILIKE ? OR institutions.uscc ILIKE ? OR filings.filing_number ILIKE ?", like, like, like)
	}
	return q.Order("filings.filing_date DESC, filings.id DESC")
}

// Register returns a page of the public filing register: filings whose certificate is
// valid. Public.
func (s *Store) Register(ctx context.Context, query string, p models.Page) ([]models.RegisterEntry, int64, error) {
	return s.RegisterFiltered(ctx, query, models.RegisterValid, p)
}

// RegisterFiltered is Register with the status filter: valid (default), revoked or all.
func (s *Store) RegisterFiltered(ctx context.Context, query string, st models.RegisterStatus, p models.Page) ([]models.RegisterEntry, int64, error) {
	p = p.Normalize()
	var total int64
	if err := registerRows(s.db.WithContext(ctx), query, st).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []models.RegisterEntry
	err := registerRows(s.db.WithContext(ctx), query, st).Limit(p.Size).Offset(p.Offset()).Scan(&rows).Error
	return rows, total, err
}

// RegisterAll returns every valid entry matching query, for the CSV and XLSX exports.
func (s *Store) RegisterAll(ctx context.Context, query string) ([]models.RegisterEntry, error) {
	return s.RegisterAllFiltered(ctx, query, models.RegisterValid)
}

// RegisterAllFiltered is RegisterAll with the status filter.
func (s *Store) RegisterAllFiltered(ctx context.Context, query string, st models.RegisterStatus) ([]models.RegisterEntry, error) {
	var rows []models.RegisterEntry
	err := registerRows(s.db.WithContext(ctx), query, st).Limit(10000).Scan(&rows).Error
	return rows, err
}
