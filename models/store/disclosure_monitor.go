package store

import (
	"context"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"portal/models"
)

// MonitorFilter narrows the officers' disclosure list (issue 11).
type MonitorFilter struct {
	Period     models.Period // the month looked at; zero: the month now due
	Status     models.ReportStatus
	Missing    bool // only institutions missing a period
	OpenEvents bool // only those with an open major event
	Breached   bool // only those with an indicator out of range
	DistrictID int64
	Query      string // name or USCC contains
	Now        time.Time
}

// MonitorRow is one filed institution of the jurisdiction for a month.
type MonitorRow struct {
	InstitutionID  int64
	Name           string
	USCC           string
	DistrictName   string
	OperatingClass models.OperatingClass
	FilingDate     models.Date
	RuleSet        models.RuleSetID
	Period         models.Period
	Due            models.Date
	DuePending     int // the calendar year the due day waits for, 0 when known
	FirstAt        *time.Time
	Latest         *models.MonthlyReport
	Status         models.ReportStatus
	Missing        []models.Period // past due and never reported, since filing
	OpenEvents     int
	Breaches       []models.Indicator
	// Notice is the province's notice date for the periods of seeds/001 二 (zero when not
	// set); Remedies are the month's conditions not met that have such a period.
	Notice   models.Date
	Remedies []models.ConditionStatus
}

type filedInstitution struct {
	ID             int64
	Name           string
	USCC           string `gorm:"column:uscc"`
	DistrictName   string
	OperatingClass string
	FilingDate     models.Date
	Province       string
	City           string
	// the file's facts the periods of seeds/001 二 are checked on, and the province's notice date
	PaidInCapital     models.Money
	RiskReserve       models.Money
	CompensationRatio models.Ratio
	NoticeDate        models.Date
}

// filedInScope lists the filed institutions the user sees (scopeInstitutions), with the
// rule-set settings of their city and province.
func (s *Store) filedInScope(db *gorm.DB, u *models.User, districtID int64, query string) ([]filedInstitution, error) {
	q := scopeInstitutions(db.Table("institutions"), u).
		Select(`institutions.id, institutions.name, institutions.uscc, d.name AS district_name, institutions.operating_class,
			MIN(f.filing_date) AS filing_date, COALESCE(MAX(ps.rule_set), '') AS province, COALESCE(MAX(cs.rule_set), '') AS city,
			institutions.paid_in_capital, institutions.risk_reserve, institutions.compensation_ratio,
			(SELECT n.notice_date FROM filing_notice_dates n WHERE n.division_id = c.parent_id ORDER BY n.id DESC LIMIT 1) AS notice_date`).
		Joins("JOIN filings f ON f.institution_id = institutions.id").
		Joins("JOIN applications a ON a.id = f.application_id AND a.state = ?", models.StateFiled).
		Joins("JOIN divisions d ON d.id = institutions.district_id").
		Joins("JOIN divisions c ON c.id = d.parent_id").
		Joins("LEFT JOIN disclosure_rule_settings cs ON cs.division_id = c.id").
		Joins("LEFT JOIN disclosure_rule_settings ps ON ps.division_id = c.parent_id").
		Group("institutions.id, d.name, c.parent_id").Order("institutions.name, institutions.id")
	if districtID != 0 {
		q = q.Where("institutions.district_id = ?", districtID)
	}
	if t := strings.TrimSpace(query); t != "" {
		like := "%" + escapeLike(t) + "%"
		q = q.Where("(institutions.name ILIKE ? OR institutions.uscc ILIKE ?)", like, like)
	}
	var out []filedInstitution
	return out, q.Scan(&out).Error
}

// remediesDue are the conditions of seeds/001 二 the month's figures do not meet and that
// have a period from the notice date (capital 6 months, reserve and compensation 12,
// cross-province business 18), by FilingConditionsStatus on the file's facts. The
// shareholder conditions have no period and are not listed here.
func remediesDue(in filedInstitution, f models.MonthlyFigures) []models.ConditionStatus {
	facts := models.FilingFacts{Class: models.OperatingClass(in.OperatingClass), PaidInCapital: in.PaidInCapital,
		RiskReserve: in.RiskReserve, CompensationRatio: in.CompensationRatio}
	st, err := models.FilingConditionsStatus(models.FilingStatusInput{Facts: facts, Figures: f, CrossProvinceBalance: -1, Notice: in.NoticeDate})
	if err != nil {
		return nil
	}
	var out []models.ConditionStatus
	for _, c := range st.Conditions {
		if c.Remedy != nil && c.State != models.ConditionMet {
			out = append(out, c)
		}
	}
	return out
}

// maxMissingScan bounds how many months back a missing period is looked for.
const maxMissingScan = 120

// DisclosureMonitor is one page of the officers' list: every filed institution of the
// jurisdiction with its report for the month (status, due day, lateness), the months it
// never reported, its open 48-hour events and its indicators out of range (drules'
// ComputeIndicatorsFor). Filtering and the order (worst first) are done on the whole
// jurisdiction's list, a few hundred rows at most.
func (s *Store) DisclosureMonitor(ctx context.Context, u *models.User, f MonitorFilter, p models.Page) ([]MonitorRow, int64, error) {
	rows, err := s.monitorRows(ctx, u, f)
	if err != nil {
		return nil, 0, err
	}
	p = p.Normalize()
	total := int64(len(rows))
	lo := min(p.Offset(), len(rows))
	hi := min(lo+p.Size, len(rows))
	return rows[lo:hi], total, nil
}

func (s *Store) monitorRows(ctx context.Context, u *models.User, f MonitorFilter) ([]MonitorRow, error) {
	db := s.db.WithContext(ctx)
	today := models.DateOf(f.Now)
	period := f.Period
	if !period.Valid() {
		period = models.PeriodOf(today).Prev()
	}
	insts, err := s.filedInScope(db, u, f.DistrictID, f.Query)
	if err != nil || len(insts) == 0 {
		return nil, err
	}
	cal, err := s.LoadCalendar(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(insts))
	for i, in := range insts {
		ids[i] = in.ID
	}
	// every institution's reported periods with the first submission of each
	var firsts []struct {
		InstitutionID int64
		Period        int
		First         time.Time
	}
	if err := db.Raw(`SELECT institution_id, period, MIN(submitted_at) AS first FROM disclosure_reports
		WHERE institution_id IN ? GROUP BY institution_id, period`, ids).Scan(&firsts).Error; err != nil {
		return nil, err
	}
	reported := map[int64]map[int]time.Time{}
	for _, r := range firsts {
		if reported[r.InstitutionID] == nil {
			reported[r.InstitutionID] = map[int]time.Time{}
		}
		reported[r.InstitutionID][r.Period] = r.First
	}
	// the latest version of the month and of the month before
	var latest []reportRow
	if err := db.Raw(`SELECT DISTINCT ON (institution_id, period) * FROM disclosure_reports
		WHERE institution_id IN ? AND period IN ? ORDER BY institution_id, period, version DESC`,
		ids, []int{period.Key(), period.Prev().Key()}).Scan(&latest).Error; err != nil {
		return nil, err
	}
	versions := map[[2]int64]models.MonthlyReport{}
	for _, r := range latest {
		versions[[2]int64{r.InstitutionID, int64(r.Period)}] = r.model()
	}
	var open []struct {
		InstitutionID int64
		N             int
	}
	if err := db.Raw(`SELECT institution_id, COUNT(*) AS n FROM disclosure_events
		WHERE institution_id IN ? AND kind = 'major' AND closed_at IS NULL GROUP BY institution_id`, ids).Scan(&open).Error; err != nil {
		return nil, err
	}
	openBy := map[int64]int{}
	for _, o := range open {
		openBy[o.InstitutionID] = o.N
	}
	var out []MonitorRow
	for _, in := range insts {
		rs := models.EffectiveRuleSet(models.RuleSetID(in.Province), models.RuleSetID(in.City))
		row := MonitorRow{InstitutionID: in.ID, Name: in.Name, USCC: in.USCC, DistrictName: in.DistrictName,
			OperatingClass: models.OperatingClass(in.OperatingClass), FilingDate: in.FilingDate, RuleSet: rs, Period: period,
			OpenEvents: openBy[in.ID]}
		due, err := models.MonthlyReportDue(cal, rs, period)
		if y, pending := models.MissingCalendarYear(err); pending {
			row.DuePending = y
		} else if err != nil {
			return nil, err
		}
		row.Due = due
		if t, ok := reported[in.ID][period.Key()]; ok {
			row.FirstAt = &t
		}
		switch {
		case row.DuePending != 0 && row.FirstAt == nil:
			row.Status = models.ReportPending
		default:
			row.Status = models.MonthlyReportStatus(period, in.FilingDate, row.FirstAt, due, today)
		}
		if v, ok := versions[[2]int64{in.ID, int64(period.Key())}]; ok {
			row.Latest = &v
			var prev *models.MonthlyFigures
			if pv, ok := versions[[2]int64{in.ID, int64(period.Prev().Key())}]; ok {
				prev = &pv.Figures
			}
			is := models.ComputeIndicatorsFor(models.IndicatorInput{Class: row.OperatingClass, Cur: v.Figures, Prev: prev,
				CapViolations: -1, Filed: true})
			row.Breaches = is.Breaches()
			row.Remedies = remediesDue(in, v.Figures)
		}
		row.Notice = in.NoticeDate
		// the months since filing whose due day has passed and that were never reported
		mp := models.PeriodOf(in.FilingDate)
		for n := 0; n < maxMissingScan && mp.Key() < models.PeriodOf(today).Key(); n, mp = n+1, mp.Next() {
			if _, ok := reported[in.ID][mp.Key()]; ok {
				continue
			}
			d, err := models.MonthlyReportDue(cal, rs, mp)
			if err != nil || !today.After(d) {
				continue
			}
			row.Missing = append(row.Missing, mp)
		}
		if f.Status != "" && row.Status != f.Status || f.Missing && len(row.Missing) == 0 ||
			f.OpenEvents && row.OpenEvents == 0 || f.Breached && len(row.Breaches) == 0 {
			continue
		}
		out = append(out, row)
	}
	sort.SliceStable(out, func(i, j int) bool { return monitorRank(out[i]) < monitorRank(out[j]) })
	return out, nil
}

// monitorRank puts what needs the officer first: overdue, then late, missing months,
// open events, breaches; then the rest.
func monitorRank(r MonitorRow) int {
	switch {
	case r.Status == models.ReportOverdue:
		return 0
	case r.Status == models.ReportLate:
		return 1
	case len(r.Missing) > 0:
		return 2
	case r.OpenEvents > 0:
		return 3
	case len(r.Breaches) > 0:
		return 4
	}
	return 5
}
