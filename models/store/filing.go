package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"portal/models"
)

// AfterCertificate is where an application stands after its certificate: the
// business-scope change and the filing.
type AfterCertificate struct {
	ApplicationID   int64
	Version         int
	State           models.State
	InstitutionID   int64
	InstitutionName string
	USCC            string `gorm:"column:uscc"`
	DistrictName    string
	CertificateID   int64
	Serial          string
	IssueDate       models.Date
	CertStatus      string
	ScopeDeadline   models.Date // application due date while certified
	ScopePending    int         // the calendar year the scope-change deadline waits for, if any
	ChangeDate      models.Date
	ChangeDeadline  models.Date
	Late            bool
	FilingNumber    string
	FilingDate      models.Date
	RevokedAt       *time.Time
	RevokedReason   string
}

func afterCertificate(db *gorm.DB) *gorm.DB {
	return db.Table("applications").Select(`applications.id AS application_id, applications.version, applications.state,
		institutions.id AS institution_id, institutions.name AS institution_name, institutions.uscc, d.name AS district_name,
		c.id AS certificate_id, c.serial, c.issue_date, c.status AS cert_status, applications.due_date AS scope_deadline,
		COALESCE(ck.pending_year, 0) AS scope_pending, sc.change_date, sc.deadline AS change_deadline, COALESCE(sc.late, false) AS late, f.filing_number, f.filing_date,
		c.revoked_at, c.revoked_reason`).
		Joins("JOIN institutions ON institutions.id = applications.institution_id").
		Joins("JOIN divisions d ON d.id = institutions.district_id").
		Joins("JOIN certificates c ON c.application_id = applications.id").
		Joins("LEFT JOIN scope_changes sc ON sc.application_id = applications.id").
		Joins("LEFT JOIN filings f ON f.application_id = applications.id").
		Joins("LEFT JOIN clocks ck ON ck.id = applications.clock_id AND ck.rule = 'scope_change'")
}

// PlatformAfterCertificate is the platform's latest certified application, or nil.
func (s *Store) PlatformAfterCertificate(ctx context.Context, u *models.User) (*AfterCertificate, error) {
	var rows []AfterCertificate
	err := afterCertificate(s.db.WithContext(ctx)).Where("applications.institution_id = ?", models.IDOrZero(u.InstitutionID)).
		Order("c.id DESC").Limit(1).Scan(&rows).Error
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	return &rows[0], nil
}

// FilingQueue lists the certified applications in the province officer's jurisdiction:
// waiting for the scope change (overdue ones stand out), waiting for filing, or filed.
func (s *Store) FilingQueue(ctx context.Context, u *models.User, state models.State, p models.Page) ([]AfterCertificate, int64, error) {
	p = p.Normalize()
	var total int64
	if err := s.filingQuery(ctx, u, state).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []AfterCertificate
	err := s.filingQuery(ctx, u, state).Order(filingOrder).Limit(p.Size).Offset(p.Offset()).Scan(&rows).Error
	return rows, total, err
}

// filingOrder is the filing list's order: open cases first, oldest certificate first.
const filingOrder = "applications.state = 'filed', c.issue_date, applications.id"

func (s *Store) filingQuery(ctx context.Context, u *models.User, state models.State) *gorm.DB {
	q := scopeInstitutions(afterCertificate(s.db.WithContext(ctx)), u)
	if state != "" {
		return q.Where("applications.state = ?", state)
	}
	return q.Where("applications.state IN ?", []models.State{models.StateCertified, models.StateScopeChanged, models.StateFiled})
}

// RecordScopeChange records the platform's business-scope change with its evidence and
// moves the application to scope_changed. A change after the 5-working-day deadline is
// accepted and flagged late.
func (s *Store) RecordScopeChange(ctx context.Context, a Actor, appID int64, changed models.Date, files []FileRef, version int) (*models.ScopeChange, error) {
	var sc *models.ScopeChange
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var err error
		sc, err = recordScopeChange(tx, a, appID, changed, files, version)
		return err
	})
	return sc, err
}

func recordScopeChange(tx *gorm.DB, a Actor, appID int64, changed models.Date, files []FileRef, version int) (*models.ScopeChange, error) {
	var sc *models.ScopeChange
	err := func() error {
		// locked first: the opinion states the deadline of the clock the lock holds still
		app, err := lockFor(tx, a, appID)
		if err != nil {
			return err
		}
		var cert models.Certificate
		if err := tx.Where("application_id = ?", appID).Order("id DESC").First(&cert).Error; err != nil {
			return notFound(err, "合格证明")
		}
		if cert.Revoked() {
			return models.Errorf(models.EConflict, "合格证明 %s 已被撤销，不能登记经营范围变更", cert.Serial)
		}
		if err := models.ValidateScopeChangeDate(changed, cert.IssueDate, models.DateOf(a.Now)); err != nil {
			return err
		}
		clk, err := currentClock(tx, app)
		if err != nil {
			return err
		}
		var deadline models.Date // zero while the scope-change clock waits for a calendar year
		if clk != nil && clk.Rule == models.RuleScopeChange && clk.DueDate != nil {
			deadline = *clk.DueDate
		}
		refs := make([]string, len(files))
		for i, f := range files {
			refs[i] = f.Attachment()
		}
		// a pending deadline lies beyond every published day, so a change on one is in time
		late := !deadline.IsZero() && models.ScopeChangeLate(deadline, changed)
		due := deadline.String()
		if deadline.IsZero() && clk != nil && clk.PendingYear != 0 {
			due = models.PendingCalendarText(clk.PendingYear)
		}
		opinion := fmt.Sprintf("已于 %s 完成经营范围变更登记，增加“网络借贷信息中介”（期限 %s）", changed, due)
		if late {
			opinion += "，逾期 " + fmt.Sprint(changed.Sub(deadline)) + " 天"
		}
		if _, err := decideIn(tx, a, appID, models.EventScopeChange, DecisionInput{Version: version, Opinion: opinion, Attachments: refs}, decideHooks{}); err != nil {
			return err
		}
		sc = &models.ScopeChange{ApplicationID: appID, InstitutionID: app.InstitutionID, ChangeDate: changed, Deadline: deadline,
			Late: late, RecordedBy: a.User.ID, CreatedAt: a.Now}
		if err := tx.Create(sc).Error; err != nil {
			return err
		}
		return attachFiles(tx, FilesScopeChange, appID, files, a.Now)
	}()
	return sc, err
}

// RecordFiling records the filing registration (备案登记) and moves the application to
// filed; the institution then appears in the public register.
func (s *Store) RecordFiling(ctx context.Context, a Actor, appID int64, number string, date models.Date, version int) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		return recordFiling(tx, a, appID, number, date, version)
	})
}

func recordFiling(tx *gorm.DB, a Actor, appID int64, number string, date models.Date, version int) error {
	typed, number := number, strings.TrimSpace(number)
	in := DecisionInput{Version: version, Opinion: fmt.Sprintf("备案登记：编号 %s，日期 %s", number, date)}
	app, err := decideIn(tx, a, appID, models.EventFile, in, decideHooks{
		before: func(tx *gorm.DB, app *models.Application, _ *models.Facts) error {
			var sc models.ScopeChange
			if err := tx.Where("application_id = ?", appID).First(&sc).Error; err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
				return err
			}
			if errs := models.ValidateFiling(typed, date, sc.ChangeDate, models.DateOf(a.Now)); len(errs) > 0 {
				for _, k := range []string{"filing_number", "filing_date"} {
					if errs[k] != "" {
						return models.FieldErrorf(k, models.EInvalid, "%s", errs[k])
					}
				}
			}
			var used int64
			if err := tx.Model(&models.Filing{}).Where("filing_number = ?", number).Count(&used).Error; err != nil {
				return err
			}
			if used > 0 {
				return models.FieldErrorf("filing_number", models.EInvalid, "备案编号 %s 已被使用，请核对", number)
			}
			return nil
		},
	})
	if err != nil {
		return err
	}
	row := models.Filing{ApplicationID: appID, InstitutionID: app.InstitutionID, FilingNumber: number, FilingDate: date,
		RecordedBy: a.User.ID, CreatedAt: a.Now}
	if err := tx.Create(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return models.Errorf(models.EInvalid, "备案编号 %s 已被使用，请核对", number)
		}
		return err
	}
	return audit(tx, a, "备案登记", number, fmt.Sprintf("申请 %d", app.ID))
}
