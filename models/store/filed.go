package store

import (
	"context"

	"gorm.io/gorm"

	"portal/models"
)

// The one definition of "filed" (备案登记, seeds/003 §8: from then on the platform reports
// monthly): the institution has a filing whose application stands in state filed (a
// revoked certificate takes the application out of it). Its filing date is the earliest
// such filing's. Every reader of the filed status goes through filedSince.

// filedSince selects (institution_id, filing_date) of every filed institution; callers
// narrow it with a Where on f.institution_id or join it.
func filedSince(db *gorm.DB) *gorm.DB {
	return db.Table("filings f").Select("f.institution_id, MIN(f.filing_date) AS filing_date").
		Joins("JOIN applications fa ON fa.id = f.application_id AND fa.state = ?", models.StateFiled).
		Group("f.institution_id")
}

// FiledOn is the institution's filing date (备案登记), false while it is not filed.
func (s *Store) FiledOn(ctx context.Context, institutionID int64) (models.Date, bool, error) {
	var rows []struct {
		InstitutionID int64
		FilingDate    models.Date
	}
	err := filedSince(s.db.WithContext(ctx)).Where("f.institution_id = ?", institutionID).Scan(&rows).Error
	if err != nil || len(rows) == 0 {
		return models.Date{}, false, err
	}
	return rows[0].FilingDate, true, nil
}

// IsFiled says the institution completed filing registration (备案登记) and its
// certificate stands: from then on it reports monthly (seeds/003 §8).
func (s *Store) IsFiled(ctx context.Context, institutionID int64) (bool, error) {
	_, ok, err := s.FiledOn(ctx, institutionID)
	return ok, err
}
