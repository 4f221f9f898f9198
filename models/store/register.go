package store

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"portal/models"
)

func registerRows(db *gorm.DB, query string) *gorm.DB {
	q := db.Table("filings").Select(`institutions.id AS institution_id, institutions.name, institutions.uscc, d.name AS district,
		filings.filing_number, filings.filing_date, institutions.custody_bank,
		COALESCE((SELECT ch.address FROM institution_channels ch WHERE ch.institution_id = institutions.id
			AND ch.kind = 'website' ORDER BY ch.position LIMIT 1), '') AS website`).
		Joins("JOIN institutions ON institutions.id = filings.institution_id").
		Joins("JOIN divisions d ON d.id = institutions.district_id")
	if query = strings.TrimSpace(query); query != "" {
		like := "%" + escapeLike(query) + "%"
		q = q.Where("institutions.name ILIKE ? OR institutions.uscc ILIKE ? OR filings.filing_number ILIKE ?", like, like, like)
	}
	return q.Order("filings.filing_date DESC, filings.id DESC")
}

// Register returns a page of the public filing register. Public.
func (s *Store) Register(ctx context.Context, query string, p models.Page) ([]models.RegisterEntry, int64, error) {
	p = p.Normalize()
	var total int64
	if err := registerRows(s.db.WithContext(ctx), query).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []models.RegisterEntry
	err := registerRows(s.db.WithContext(ctx), query).Limit(p.Size).Offset(p.Offset()).Scan(&rows).Error
	return rows, total, err
}

// RegisterAll returns every entry matching query, for the CSV and XLSX exports.
func (s *Store) RegisterAll(ctx context.Context, query string) ([]models.RegisterEntry, error) {
	var rows []models.RegisterEntry
	err := registerRows(s.db.WithContext(ctx), query).Limit(10000).Scan(&rows).Error
	return rows, err
}
