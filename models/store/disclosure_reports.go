package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"portal/models"
)

// reportRow is a row of disclosure_reports: one version of a monthly report.
type reportRow struct {
	ID                   int64
	InstitutionID        int64
	Period               int
	Version              int
	RuleSet              string
	Source               string
	SubmittedBy          *int64
	TokenID              *int64
	SubmittedAt          time.Time
	DueAt                time.Time
	Note                 string
	UploadSHA256         string `gorm:"column:upload_sha256"`
	CumulativeAmount     int64
	CumulativeCount      int64
	Balance              int64
	BalanceCount         int64
	CumulativeLenders    int64
	CumulativeBorrowers  int64
	CurrentLenders       int64
	CurrentBorrowers     int64
	Top10Share           int64 `gorm:"column:top10_share"`
	LargestBorrowerShare int64
	RelatedBalance       int64
	RelatedCount         int64
	OverdueAmount        int64
	OverdueCount         int64
	Overdue90Amount      int64 `gorm:"column:overdue90_amount"`
	Overdue90Count       int64 `gorm:"column:overdue90_count"`
	CompensationAmount   int64
	CompensationCount    int64
	FeeSchedule          string
	RiskReserveBalance   int64
	CompensationBalance  int64
	PrevHash             string
	Hash                 string
	SubmitterName        string `gorm:"->;-:migration"` // read from a join only
}

func (reportRow) TableName() string { return "disclosure_reports" }

func periodOfKey(k int) models.Period { return models.Period{Year: k / 100, Month: k % 100} }

func (r reportRow) model() models.MonthlyReport {
	return models.MonthlyReport{
		ID: r.ID, InstitutionID: r.InstitutionID, Version: r.Version, RuleSet: models.RuleSetID(r.RuleSet),
		Source: models.ReportSource(r.Source), SubmittedBy: r.SubmittedBy, SubmitterName: r.SubmitterName, TokenID: r.TokenID,
		SubmittedAt: r.SubmittedAt, DueAt: r.DueAt, Note: r.Note, UploadSHA256: r.UploadSHA256, PrevHash: r.PrevHash, Hash: r.Hash,
		Figures: models.MonthlyFigures{
			Period:           periodOfKey(r.Period),
			CumulativeAmount: models.Money(r.CumulativeAmount), CumulativeCount: r.CumulativeCount,
			Balance: models.Money(r.Balance), BalanceCount: r.BalanceCount,
			CumulativeLenders: r.CumulativeLenders, CumulativeBorrowers: r.CumulativeBorrowers,
			CurrentLenders: r.CurrentLenders, CurrentBorrowers: r.CurrentBorrowers,
			Top10Share: models.Ratio(r.Top10Share), LargestBorrowerShare: models.Ratio(r.LargestBorrowerShare),
			RelatedBalance: models.Money(r.RelatedBalance), RelatedCount: r.RelatedCount,
			OverdueAmount: models.Money(r.OverdueAmount), OverdueCount: r.OverdueCount,
			Overdue90Amount: models.Money(r.Overdue90Amount), Overdue90Count: r.Overdue90Count,
			CompensationAmount: models.Money(r.CompensationAmount), CompensationCount: r.CompensationCount,
			FeeSchedule:        r.FeeSchedule,
			RiskReserveBalance: models.Money(r.RiskReserveBalance), CompensationBalance: models.Money(r.CompensationBalance),
		},
	}
}

func rowOf(m models.MonthlyReport) reportRow {
	f := m.Figures
	return reportRow{
		ID: m.ID, InstitutionID: m.InstitutionID, Period: f.Period.Key(), Version: m.Version, RuleSet: string(m.RuleSet),
		Source: string(m.Source), SubmittedBy: m.SubmittedBy, TokenID: m.TokenID, SubmittedAt: m.SubmittedAt, DueAt: m.DueAt,
		Note: m.Note, UploadSHA256: m.UploadSHA256, PrevHash: m.PrevHash, Hash: m.Hash,
		CumulativeAmount: int64(f.CumulativeAmount), CumulativeCount: f.CumulativeCount,
		Balance: int64(f.Balance), BalanceCount: f.BalanceCount,
		CumulativeLenders: f.CumulativeLenders, CumulativeBorrowers: f.CumulativeBorrowers,
		CurrentLenders: f.CurrentLenders, CurrentBorrowers: f.CurrentBorrowers,
		Top10Share: int64(f.Top10Share), LargestBorrowerShare: int64(f.LargestBorrowerShare),
		RelatedBalance: int64(f.RelatedBalance), RelatedCount: f.RelatedCount,
		OverdueAmount: int64(f.OverdueAmount), OverdueCount: f.OverdueCount,
		Overdue90Amount: int64(f.Overdue90Amount), Overdue90Count: f.Overdue90Count,
		CompensationAmount: int64(f.CompensationAmount), CompensationCount: f.CompensationCount,
		FeeSchedule:        f.FeeSchedule,
		RiskReserveBalance: int64(f.RiskReserveBalance), CompensationBalance: int64(f.CompensationBalance),
	}
}

// DeclaredFigures are the figures of the latest version of the institution's report for
// the period; false when none was submitted.
func (s *Store) DeclaredFigures(ctx context.Context, institutionID int64, p models.Period) (models.MonthlyFigures, bool, error) {
	r, err := s.LatestReport(ctx, institutionID, p)
	if err != nil || r == nil {
		return models.MonthlyFigures{}, false, err
	}
	return r.Figures, true, nil
}

// LatestReport is the latest version of the period's report, or nil.
func (s *Store) LatestReport(ctx context.Context, institutionID int64, p models.Period) (*models.MonthlyReport, error) {
	return latestReport(s.db.WithContext(ctx), institutionID, p)
}

func latestReport(db *gorm.DB, institutionID int64, p models.Period) (*models.MonthlyReport, error) {
	var rows []reportRow
	err := db.Where("institution_id = ? AND period = ?", institutionID, p.Key()).Order("version DESC").Limit(1).Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	m := rows[0].model()
	return &m, nil
}

// ReportVersions lists every version of the period's report, oldest first, with the
// submitter's name.
func (s *Store) ReportVersions(ctx context.Context, institutionID int64, p models.Period) ([]models.MonthlyReport, error) {
	var rows []reportRow
	err := s.db.WithContext(ctx).Table("disclosure_reports").
		Select("disclosure_reports.*, COALESCE(users.display_name, '') AS submitter_name").
		Joins("LEFT JOIN users ON users.id = disclosure_reports.submitted_by").
		Where("disclosure_reports.institution_id = ? AND disclosure_reports.period = ?", institutionID, p.Key()).
		Order("disclosure_reports.version").Scan(&rows).Error
	out := make([]models.MonthlyReport, len(rows))
	for i, r := range rows {
		out[i] = r.model()
	}
	return out, err
}

// LatestReports lists the latest version of each period of the institution, newest period first.
func (s *Store) LatestReports(ctx context.Context, institutionID int64, limit int) ([]models.MonthlyReport, error) {
	var rows []reportRow
	err := s.db.WithContext(ctx).Raw(`SELECT DISTINCT ON (period) * FROM disclosure_reports
		WHERE institution_id = ? ORDER BY period DESC, version DESC LIMIT ?`, institutionID, limit).Scan(&rows).Error
	out := make([]models.MonthlyReport, len(rows))
	for i, r := range rows {
		out[i] = r.model()
	}
	return out, err
}

// VerifyReportChain walks the institution's versions and returns the first break, if
// any, with the number of rows checked.
func (s *Store) VerifyReportChain(ctx context.Context, institutionID int64) (*models.ChainBreak, int, error) {
	var rows []reportRow
	if err := s.db.WithContext(ctx).Where("institution_id = ?", institutionID).Order("id").Find(&rows).Error; err != nil {
		return nil, 0, err
	}
	ms := make([]models.MonthlyReport, len(rows))
	for i, r := range rows {
		ms[i] = r.model()
	}
	return models.VerifyReportChain(ms), len(ms), nil
}

// InstitutionRuleSet is the disclosure guideline binding the institution: its city's
// setting, else its province's, else national (SPEC §5).
func (s *Store) InstitutionRuleSet(ctx context.Context, institutionID int64) (models.RuleSetID, error) {
	return institutionRuleSet(s.db.WithContext(ctx), institutionID)
}

func institutionRuleSet(db *gorm.DB, institutionID int64) (models.RuleSetID, error) {
	var row struct {
		Province string
		City     string
	}
	err := db.Raw(`SELECT COALESCE(ps.rule_set, '') AS province, COALESCE(cs.rule_set, '') AS city
		FROM institutions i
		JOIN divisions d ON d.id = i.district_id
		JOIN divisions c ON c.id = d.parent_id
		LEFT JOIN disclosure_rule_settings cs ON cs.division_id = c.id
		LEFT JOIN disclosure_rule_settings ps ON ps.division_id = c.parent_id
		WHERE i.id = ?`, institutionID).Scan(&row).Error
	if err != nil {
		return "", err
	}
	return models.EffectiveRuleSet(models.RuleSetID(row.Province), models.RuleSetID(row.City)), nil
}

// RuleSetting is a division's own choice, "" when it has none.
func (s *Store) RuleSetting(ctx context.Context, divisionID int64) (models.RuleSetID, error) {
	var rs []string
	err := s.db.WithContext(ctx).Raw("SELECT rule_set FROM disclosure_rule_settings WHERE division_id = ?", divisionID).Scan(&rs).Error
	if err != nil || len(rs) == 0 {
		return "", err
	}
	return models.RuleSetID(rs[0]), nil
}

// SetRuleSetting records the officer's choice for their own province or city; "" removes
// it (the city then follows its province, the province the national default).
func (s *Store) SetRuleSetting(ctx context.Context, a Actor, rs models.RuleSetID) error {
	u := a.User
	if u == nil || u.DivisionID == nil || (u.Role != models.RoleProvince && u.Role != models.RoleCity) {
		return models.Errorf(models.EForbidden, "只有省、市金融工作部门可以选择信息披露规则")
	}
	if rs != "" && rs != models.RuleSetNational && rs != models.RuleSetShanghai {
		return models.Errorf(models.EInvalid, "请选择全国或上海市信息披露指引")
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		if rs == "" {
			if err := tx.Exec("DELETE FROM disclosure_rule_settings WHERE division_id = ?", *u.DivisionID).Error; err != nil {
				return err
			}
		} else if err := tx.Exec(`INSERT INTO disclosure_rule_settings (division_id, rule_set, set_by, set_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (division_id) DO UPDATE SET rule_set = EXCLUDED.rule_set, set_by = EXCLUDED.set_by, set_at = EXCLUDED.set_at`,
			*u.DivisionID, string(rs), u.ID, a.Now).Error; err != nil {
			return err
		}
		label := "恢复默认"
		if rs != "" {
			label = rs.Label()
		}
		return audit(tx, a, "disclosure.rule_set", fmt.Sprintf("division:%d", *u.DivisionID), label)
	})
}

// ReportInput is one submission of a month's figures.
type ReportInput struct {
	InstitutionID int64
	Figures       models.MonthlyFigures
	Source        models.ReportSource
	TokenID       *int64 // through the API
	Note          string // why a correction was made
	UploadSHA256  string // the uploaded template, when the figures came from one
}

// SubmitMonthlyReport writes a new version of the period's report in one transaction:
// lock the institution, check the figures against the previous month's (the pure rule),
// link the version to the institution's chain, audit.
func (s *Store) SubmitMonthlyReport(ctx context.Context, a Actor, in ReportInput) (*models.MonthlyReport, error) {
	if !in.Figures.Period.Valid() {
		return nil, models.Errorf(models.EInvalid, "报告期无效")
	}
	cal, err := s.LoadCalendar(ctx)
	if err != nil {
		return nil, err
	}
	var out *models.MonthlyReport
	err = s.tx(ctx, func(tx *gorm.DB) error {
		out, err = submitReport(tx, cal, a, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// submitReport is SubmitMonthlyReport inside tx (also the demo seed's way in).
func submitReport(tx *gorm.DB, cal *models.Calendar, a Actor, in ReportInput) (*models.MonthlyReport, error) {
	var out models.MonthlyReport
	err := func() error {
		var inst models.Institution
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&inst, in.InstitutionID).Error; err != nil {
			return notFound(err, "机构")
		}
		rs, err := institutionRuleSet(tx, inst.ID)
		if err != nil {
			return err
		}
		var prev *models.MonthlyFigures
		if pr, err := latestReport(tx, inst.ID, in.Figures.Period.Prev()); err != nil {
			return err
		} else if pr != nil {
			prev = &pr.Figures
		}
		if errs := models.CheckMonthlyFigures(in.Figures, prev); len(errs) > 0 {
			return &FigureErrors{Errors: errs}
		}
		due, err := models.MonthlyReportDue(cal, rs, in.Figures.Period)
		if err != nil {
			return err
		}
		var last reportRow
		if err := tx.Where("institution_id = ?", inst.ID).Order("id DESC").Limit(1).Find(&last).Error; err != nil {
			return err
		}
		var version int
		if err := tx.Raw("SELECT COALESCE(MAX(version), 0) + 1 FROM disclosure_reports WHERE institution_id = ? AND period = ?",
			inst.ID, in.Figures.Period.Key()).Scan(&version).Error; err != nil {
			return err
		}
		m := models.MonthlyReport{
			InstitutionID: inst.ID, Version: version, RuleSet: rs, Source: in.Source, TokenID: in.TokenID,
			SubmittedAt: a.Now.UTC().Truncate(time.Microsecond), DueAt: due.AddDays(1).Start().UTC(), Note: in.Note, UploadSHA256: in.UploadSHA256,
			Figures: in.Figures, PrevHash: models.GenesisHash,
		}
		if a.User != nil {
			m.SubmittedBy = &a.User.ID
		}
		if last.ID != 0 {
			m.PrevHash = last.Hash
		}
		if err := tx.Raw("SELECT nextval('disclosure_reports_id_seq')").Scan(&m.ID).Error; err != nil {
			return err
		}
		m.Hash = models.MonthlyReportHash(m)
		row := rowOf(m)
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		out = m
		// the list 申报与测算不一致 compares this version with the latest loan book (00109)
		if err := refreshMismatchGorm(tx, inst.ID, in.Figures.Period.Key(), a.Now); err != nil {
			return err
		}
		// the dashboards' figures, in this transaction (dashboard_figures.go)
		if err := refreshInstitutionFacts(tx, inst.ID); err != nil {
			return err
		}
		if err := refreshDistrictFigures(tx, inst.DistrictID); err != nil {
			return err
		}
		if err := refreshInstitutionScores(tx, inst.ID); err != nil {
			return err
		}
		return audit(tx, a, "disclosure.monthly", fmt.Sprintf("institution:%d", inst.ID),
			fmt.Sprintf("%s 第%d版 %s", in.Figures.Period, version, in.Source.Label()))
	}()
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// FigureErrors are the cross-check failures of a submission: the handler shows them
// beside the fields.
type FigureErrors struct{ Errors []models.FieldError }

func (e *FigureErrors) Error() string {
	if len(e.Errors) == 0 {
		return "报送数据有误"
	}
	return e.Errors[0].Err.Message
}

// Unwrap makes the failure an EInvalid for the one place that maps codes to statuses.
func (e *FigureErrors) Unwrap() error { return models.Errorf(models.EInvalid, "%s", e.Error()) }

// AsFigureErrors unwraps the cross-check failures of err, if it is one.
func AsFigureErrors(err error) ([]models.FieldError, bool) {
	var fe *FigureErrors
	if errors.As(err, &fe) {
		return fe.Errors, true
	}
	return nil, false
}

// MonthlyDue is the due day of the institution's report for the period, under its rule set.
func (s *Store) MonthlyDue(ctx context.Context, institutionID int64, p models.Period) (models.Date, models.RuleSetID, error) {
	rs, err := s.InstitutionRuleSet(ctx, institutionID)
	if err != nil {
		return models.Date{}, "", err
	}
	cal, err := s.LoadCalendar(ctx)
	if err != nil {
		return models.Date{}, "", err
	}
	due, err := models.MonthlyReportDue(cal, rs, p)
	return due, rs, err
}

// CheckReport applies the cross-checks to figures not yet submitted (the template's
// confirmation step), against the latest version of the month before.
func (s *Store) CheckReport(ctx context.Context, institutionID int64, f models.MonthlyFigures) ([]models.FieldError, error) {
	prev, err := latestReport(s.db.WithContext(ctx), institutionID, f.Period.Prev())
	if err != nil {
		return nil, err
	}
	var pf *models.MonthlyFigures
	if prev != nil {
		pf = &prev.Figures
	}
	return models.CheckMonthlyFigures(f, pf), nil
}
