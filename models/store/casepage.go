package store

import (
	"context"

	"portal/models"
)

// CaseMaterials is the application page's checklist, loaded once, and, when round is
// true (the district reviewing a resubmission), what changed since the last round,
// compared on that same checklist.
func (s *Store) CaseMaterials(ctx context.Context, u *models.User, appID int64, round bool) (*ApplicationView, *RoundChanges, error) {
	app, err := s.Application(ctx, u, appID)
	if err != nil {
		return nil, nil, err
	}
	db := s.db.WithContext(ctx)
	v, err := checklist(db, app)
	if err != nil || !round {
		return v, nil, err
	}
	r, err := roundChanges(db, app, v)
	return v, r, err
}

// AllReviewFiles lists every working paper and piece of objection evidence of the
// application, oldest first: the page takes both kinds from one statement.
func (s *Store) AllReviewFiles(ctx context.Context, appID int64) ([]ReviewFile, error) {
	var fs []ReviewFile
	err := s.db.WithContext(ctx).Where("application_id = ?", appID).Order("id").Find(&fs).Error
	return fs, err
}

// TimelinePageSize is how many decisions one page of an application's timeline shows.
const TimelinePageSize = 50

// TimelinePage is a page of an application's decision history.
type TimelinePage struct {
	Entries []TimelineEntry // oldest first within the page
	Older   int64           // the cursor of the page before (its entries have id < Older); 0: none
	Latest  *TimelineEntry  // the application's latest decision, whichever page this is
}

// TimelineBefore is the page of at most limit decisions of the application just before
// decision `before` (0: the latest ones), by keyset on the decision id: one query for a
// page however deep, and one more for the latest decision when the page is an older one.
func (s *Store) TimelineBefore(ctx context.Context, appID, before int64, limit int) (*TimelinePage, error) {
	if limit <= 0 {
		limit = TimelinePageSize
	}
	q := s.db.WithContext(ctx).Table("decisions").
		Select("decisions.*, COALESCE(users.display_name, decisions.actor_name) AS actor_display").
		Joins("LEFT JOIN users ON users.id = decisions.actor_id").
		Where("decisions.application_id = ?", appID)
	if before > 0 {
		q = q.Where("decisions.id < ?", before)
	}
	var rows []TimelineEntry
	if err := q.Order("decisions.id DESC").Limit(limit + 1).Scan(&rows).Error; err != nil {
		return nil, err
	}
	p := &TimelinePage{}
	if len(rows) > limit {
		rows = rows[:limit]
		p.Older = rows[limit-1].ID
	}
	for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
		rows[i], rows[j] = rows[j], rows[i]
	}
	p.Entries = rows
	if before <= 0 {
		if n := len(rows); n > 0 {
			p.Latest = &rows[n-1]
		}
		return p, nil
	}
	var latest []TimelineEntry
	err := s.db.WithContext(ctx).Table("decisions").
		Select("decisions.*, COALESCE(users.display_name, decisions.actor_name) AS actor_display").
		Joins("LEFT JOIN users ON users.id = decisions.actor_id").
		Where("decisions.application_id = ?", appID).Order("decisions.id DESC").Limit(1).Scan(&latest).Error
	if len(latest) > 0 {
		p.Latest = &latest[0]
	}
	return p, err
}
