package store

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"portal/models"
)

const registerColumns = `institutions.id AS institution_id, institutions.name, institutions.uscc, d.name AS district,
		filings.filing_number, filings.filing_date, institutions.custody_bank,
		COALESCE((SELECT ch.address FROM institution_channels ch WHERE ch.institution_id = institutions.id
			AND ch.kind = 'website' ORDER BY ch.position LIMIT 1), '') AS website,
		c.status = 'revoked' AS revoked, c.revoked_at, COALESCE(c.revoked_reason, '') AS revoked_reason`

func registerRows(db *gorm.DB, query string, st models.RegisterStatus) *gorm.DB {
	// The certificate, the institution and its district are joined for the page's rows
	// only (registerPageRows): the status is a semi-join on the few revoked
	// certificates (index certificates_revoked), so the capped count reads filings
	// alone. An application has one certificate (a revoked one ends its path).
	q := db.Table("filings")
	const revoked = "EXISTS (SELECT 1 FROM certificates r WHERE r.application_id = filings.application_id AND r.status = 'revoked')"
	switch st {
	case models.RegisterValid:
		q = q.Where("NOT " + revoked)
	case models.RegisterRevoked:
		q = q.Where(revoked)
	}
	if query = strings.TrimSpace(query); query != "" {
		like := "%" + escapeLike(query) + "%"
		q = q.Where("(filings.institution_id IN (SELECT id FROM institutions WHERE name ILIKE ? OR uscc::text ILIKE ?) OR filings.filing_number ILIKE ?)", like, like, like)
	}
	return q
}

// registerOrder is the newest filing first; the index filings_listing of migration
// 00085 holds the key.
var registerOrder = keyset{desc: true, keys: []sortKey{{"filings.filing_date", "date"}, {"filings.id", "bigint"}}}

// registerRow is an entry with its filing's id, the last column of its cursor.
type registerRow struct {
	models.RegisterEntry
	FilingID int64
}

func registerKey(r *registerRow) []string { return []string{r.FilingDate.String(), idKey(r.FilingID)} }

// RegisterPage is one page of the public register at s, newest filing first: the count
// (kept counters, list_counts.go; capped when searched) and the page. Public.
func registerPageRows(q *gorm.DB) *gorm.DB {
	return q.Select(registerColumns + ", filings.id AS filing_id").
		Joins("JOIN certificates c ON c.application_id = filings.application_id").
		Joins("JOIN institutions ON institutions.id = filings.institution_id").
		Joins("JOIN divisions d ON d.id = institutions.district_id")
}

func (s *Store) RegisterPage(ctx context.Context, query string, st models.RegisterStatus, at models.Seek) ([]models.RegisterEntry, models.PageInfo, error) {
	db := s.db.WithContext(ctx)
	base := func() *gorm.DB { return registerRows(db, query, st) }
	rows, info, err := seekPageCounted(db, registerCount(db, query, st), base, registerPageRows,
		registerOrder, at, registerKey)
	out := make([]models.RegisterEntry, len(rows))
	for i, r := range rows {
		out[i] = r.RegisterEntry
	}
	return out, info, err
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
	err := registerPageRows(registerRows(s.db.WithContext(ctx), query, st)).Order(registerOrder.order(false)).Limit(p.Size).Offset(p.Offset()).Scan(&rows).Error
	return rows, total, err
}

// RegisterAll returns every valid entry matching query, for the CSV and XLSX exports.
func (s *Store) RegisterAll(ctx context.Context, query string) ([]models.RegisterEntry, error) {
	return s.RegisterAllFiltered(ctx, query, models.RegisterValid)
}

// RegisterAllFiltered is RegisterAll with the status filter.
func (s *Store) RegisterAllFiltered(ctx context.Context, query string, st models.RegisterStatus) ([]models.RegisterEntry, error) {
	var rows []models.RegisterEntry
	err := registerPageRows(registerRows(s.db.WithContext(ctx), query, st)).Order(registerOrder.order(false)).Limit(10000).Scan(&rows).Error
	return rows, err
}
