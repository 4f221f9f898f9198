package store

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"portal/models"
)

// The officers' views of the loan books of their jurisdiction: the periods whose
// declared figures differ from the computed ones, and the borrowers above their cap. Both
// read the latest completed import of each (institution, period).

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

// LoanBookCheck is one institution's period with both a declared report and a loan book.
type LoanBookCheck struct {
	InstitutionID   int64
	InstitutionName string
	DistrictName    string
	Period          models.Period
	ImportID        int64
	Declared        models.MonthlyFigures
	Computed        models.MonthlyFigures
}

// MaxLoanBookChecks bounds the periods compared for one list: the comparison is the pure
// rule's (models.CompareFiguresOn), run on the rows read.
const MaxLoanBookChecks = 20000

// LoanBookChecks lists, newest period first, every (institution, period) of the user's
// jurisdiction that has both its latest declared report and a completed loan book, with
// the items of models.LoanBookFieldKeys of each side.
func (s *Store) LoanBookChecks(ctx context.Context, u *models.User, f LoanBookCheckFilter) ([]LoanBookCheck, error) {
	q := s.loanBookChecksQuery(ctx, u, f).
		Joins(`JOIN LATERAL (SELECT * FROM disclosure_reports r WHERE r.institution_id = lf.institution_id AND r.period = lf.period
			ORDER BY r.version DESC LIMIT 1) dr ON true`)
	if f.Query != "" {
		like := "%" + escapeLike(strings.TrimSpace(f.Query)) + "%"
		q = q.Where("(institutions.name ILIKE ? OR institutions.uscc ILIKE ?)", like, like)
	}
	cols := []string{"institutions.id", "institutions.name", "dv.name", "lf.period", "lf.import_id"}
	for _, k := range models.LoanBookFieldKeys {
		cols = append(cols, "dr."+k, "lf."+k)
	}
	rows, err := q.Select(strings.Join(cols, ", ")).Order("lf.period DESC, institutions.name, institutions.id").Limit(MaxLoanBookChecks).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LoanBookCheck
	vals := make([]int64, 2*len(models.LoanBookFieldKeys))
	for rows.Next() {
		var c LoanBookCheck
		var period int
		dest := []any{&c.InstitutionID, &c.InstitutionName, &c.DistrictName, &period, &c.ImportID}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		c.Period = periodOfKey(period)
		c.Declared.Period, c.Computed.Period = c.Period, c.Period
		for i, k := range models.LoanBookFieldKeys {
			ff, _ := models.MonthlyFigureFieldOf(k)
			ff.Set(&c.Declared, vals[2*i])
			ff.Set(&c.Computed, vals[2*i+1])
		}
		out = append(out, c)
	}
	return out, rows.Err()
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
