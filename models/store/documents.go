package store

import (
	"context"

	"gorm.io/gorm"

	"portal/models"
)

// Document numbers (文号) are derived, not stored: a document's running number is its
// rank among the documents of the same issuer and year, ordered by id. Notices and
// failure notices are never deleted, so a number, once shown, never changes.

// NoticeDocNumber is the public notice's 文号, issued by its city's financial office:
// e.g. 广州金验公〔2026〕3号.
func (s *Store) NoticeDocNumber(ctx context.Context, n *NoticeRow) (string, error) {
	var seq int
	err := s.db.WithContext(ctx).Raw(`SELECT count(*) FROM notices o
		JOIN institutions i ON i.id = o.institution_id JOIN divisions d ON d.id = i.district_id
		WHERE d.parent_id = (SELECT d2.parent_id FROM institutions i2 JOIN divisions d2 ON d2.id = i2.district_id WHERE i2.id = ?)
		AND extract(year FROM o.start_date) = ? AND o.id <= ?`, n.InstitutionID, n.StartDate.Year, n.ID).Row().Scan(&seq)
	if err != nil {
		return "", err
	}
	return models.DocNumber(models.ShortPlace(n.CityName)+models.NoticeDocKind, n.StartDate.Year, seq), nil
}

// FailureLetter is the 不合格告知书 of the application's latest failure notice, for the
// platform and the officers who may see the application; nil when it has none.
func (s *Store) FailureLetter(ctx context.Context, u *models.User, appID int64) (*models.Document, error) {
	if _, err := s.Application(ctx, u, appID); err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	fn, err := latestFailureNotice(db, appID)
	if err != nil || fn == nil {
		return nil, err
	}
	var inst models.Institution
	if err := db.Joins("JOIN applications a ON a.institution_id = institutions.id").Where("a.id = ?", appID).First(&inst).Error; err != nil {
		return nil, err
	}
	number, err := failureNumber(db, fn, inst.ID)
	if err != nil {
		return nil, err
	}
	f := models.FailureLetterFacts{Number: number, Authority: fn.Authority, Institution: inst.Name, USCC: inst.USCC,
		Problems: fn.ProblemList(), Remarks: fn.Remarks, NotifiedOn: fn.NotifiedOn, ObjectionDeadline: fn.ObjectionDeadline}
	if fn.ObjectionDeadline.IsZero() && fn.ClockID != nil { // the objection clock waits for a year's calendar
		var c models.Clock
		if err := db.Take(&c, *fn.ClockID).Error; err != nil {
			return nil, err
		}
		f.ObjectionPending = c.PendingYear
	}
	doc := models.FailureLetter(f)
	return &doc, nil
}

// failureNumber is e.g. 天河金验告〔2026〕1号 for a district's notice, 粤金验告〔2026〕1号
// for the province's.
func failureNumber(db *gorm.DB, fn *FailureNotice, institutionID int64) (string, error) {
	names, err := divisionNames(db, institutionID)
	if err != nil {
		return "", err
	}
	prefix := models.ShortPlace(names.District)
	if fn.Authority == models.ProvinceAuthority(names.Province) {
		var abbr string
		if err := db.Raw(`SELECT p.abbr FROM institutions i JOIN divisions d ON d.id = i.district_id
			JOIN divisions c ON c.id = d.parent_id JOIN divisions p ON p.id = c.parent_id WHERE i.id = ?`, institutionID).
			Row().Scan(&abbr); err != nil {
			return "", err
		}
		prefix = abbr
	}
	var seq int
	if err := db.Raw(`SELECT count(*) FROM failure_notices WHERE authority = ? AND extract(year FROM notified_on) = ? AND id <= ?`,
		fn.Authority, fn.NotifiedOn.Year, fn.ID).Row().Scan(&seq); err != nil {
		return "", err
	}
	return models.DocNumber(prefix+models.FailureDocKind, fn.NotifiedOn.Year, seq), nil
}
