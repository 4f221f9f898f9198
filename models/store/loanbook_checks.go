package store

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"portal/models"
)

// The officers' views of the loan books of their jurisdiction: the borrowers above their
// cap, from the latest completed import of each (institution, period). The periods whose
// declared figures differ from the computed ones are compared when written
// (loanbook_mismatches.go).

// LoanBookCheckFilter narrows the officer lists.
type LoanBookCheckFilter struct {
	Query      string        // institution name or USCC; borrower id in the cap list
	Period     models.Period // zero: every period
	DistrictID int64
}

// loanBookChecksQuery starts from the jurisdiction's institutions and joins the latest
// completed import of each of their (institution, period) as lf: the latest is the
// highest import id (loanbook_figures_inst serves it), so nothing outside the
// jurisdiction is read.
func (s *Store) loanBookChecksQuery(ctx context.Context, u *models.User, f LoanBookCheckFilter) *gorm.DB {
	q := scopeInstitutionsDirect(s.db.WithContext(ctx).Table("institutions"), u).
		Joins("JOIN divisions dv ON dv.id = institutions.district_id").
		Joins(`JOIN loanbook_figures lf ON lf.institution_id = institutions.id AND lf.import_id =
			(SELECT max(x.import_id) FROM loanbook_figures x WHERE x.institution_id = lf.institution_id AND x.period = lf.period)`)
	if f.Period.Valid() {
		q = q.Where("lf.period = ?", f.Period.Key())
	}
	if f.DistrictID > 0 {
		q = q.Where("institutions.district_id = ?", f.DistrictID)
	}
	return q
}

// CapViolationRow is one borrower above its cap in an institution's latest book of a
// period.
type CapViolationRow struct {
	InstitutionID   int64
	InstitutionName string
	DistrictName    string
	Period          models.Period
	ImportID        int64
	models.CapBreach
}

// capViolationQuery is the cap list's filtered query, in its order: newest period first.
func (s *Store) capViolationQuery(ctx context.Context, u *models.User, f LoanBookCheckFilter) *gorm.DB {
	q := s.loanBookChecksQuery(ctx, u, f).Joins("JOIN loanbook_cap_violations v ON v.import_id = lf.import_id")
	if f.Query != "" {
		like := "%" + escapeLike(strings.TrimSpace(f.Query)) + "%"
		q = q.Where("(institutions.name ILIKE ? OR institutions.uscc ILIKE ? OR v.borrower_id ILIKE ?)", like, like, like)
	}
	return q
}

const (
	capViolationColumns = `institutions.id AS institution_id, institutions.name AS institution_name, dv.name AS district_name,
		lf.period, lf.import_id, v.borrower_id, v.borrower_type, v.total, v.cap, v.loans`
	capViolationOrder = "lf.period DESC, institutions.name, v.total DESC, v.borrower_id"
)

type capViolationSQLRow struct {
	InstitutionID            int64
	InstitutionName          string
	DistrictName             string
	Period                   int
	ImportID                 int64
	BorrowerID, BorrowerType string
	Total, Cap, Loans        int64
}

func (r capViolationSQLRow) row() CapViolationRow {
	return CapViolationRow{InstitutionID: r.InstitutionID, InstitutionName: r.InstitutionName, DistrictName: r.DistrictName,
		Period: periodOfKey(r.Period), ImportID: r.ImportID,
		CapBreach: models.CapBreach{BorrowerID: r.BorrowerID, Type: models.BorrowerType(r.BorrowerType), Total: models.Money(r.Total), Cap: models.Money(r.Cap), Loans: r.Loans}}
}

// CapViolationList pages through the cap violations of the jurisdiction, newest period
// first; Query matches the institution's name or USCC or the borrower id.
func (s *Store) CapViolationList(ctx context.Context, u *models.User, f LoanBookCheckFilter, p models.Page) ([]CapViolationRow, int64, error) {
	p = p.Normalize()
	var total int64
	if err := s.capViolationQuery(ctx, u, f).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []capViolationSQLRow
	err := s.capViolationQuery(ctx, u, f).Select(capViolationColumns).Order(capViolationOrder).
		Limit(p.Size).Offset(p.Offset()).Scan(&rows).Error
	out := make([]CapViolationRow, len(rows))
	for i, r := range rows {
		out[i] = r.row()
	}
	return out, total, err
}

// EachCapViolation calls fn for every row of the cap list with the filter, in its order,
// streamed.
func (s *Store) EachCapViolation(ctx context.Context, u *models.User, f LoanBookCheckFilter, fn func(CapViolationRow) error) error {
	return streamRows(s.capViolationQuery(ctx, u, f).Select(capViolationColumns).Order(capViolationOrder),
		func(r capViolationSQLRow) error { return fn(r.row()) })
}
