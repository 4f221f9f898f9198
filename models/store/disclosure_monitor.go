package store

import (
	"context"
	"math"
	"strconv"
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
	// Breached is the SQL's judgement of the reserve floors (models.ReserveFloors), which
	// the filter and the order use; Breaches is the pure rule's, for the page's rows.
	Breached bool
	// Notice is the province's notice date for the periods of seeds/001 二 (zero when not
	// set); Remedies are the month's conditions not met that have such a period.
	Notice   models.Date
	Remedies []models.ConditionStatus
}

// filedInScope lists the filed institutions the user sees, with their effective rule set
// (the reminders' job reads it for every filed institution).
func (s *Store) filedInScope(db *gorm.DB, u *models.User, districtID int64, query string) ([]filedInstitution, error) {
	var out []filedInstitution
	return out, s.filedScopeQuery(db, u, districtID, query).Order("institutions.name, institutions.id").Scan(&out).Error
}

type filedInstitution struct {
	ID             int64
	Name           string
	USCC           string `gorm:"column:uscc"`
	DistrictName   string
	OperatingClass string
	FilingDate     models.Date
	RuleSet        string
	Province       string // the province's and the city's own settings, "" for none
	City           string
	// the file's facts the periods of seeds/001 二 are checked on, and the province's notice date
	PaidInCapital     models.Money
	RiskReserve       models.Money
	CompensationRatio models.Ratio
	NoticeDate        models.Date
}

// filedScopeQuery selects the filed institutions (filedSince) of the user's jurisdiction
// with their district's name and effective rule set (a city's setting, else its
// province's, else national: models.EffectiveRuleSet, SPEC §5; a setting is always a
// known set, 00100's CHECK).
func (s *Store) filedScopeQuery(db *gorm.DB, u *models.User, districtID int64, query string) *gorm.DB {
	q := scopeInstitutionsDirect(db.Table("institutions"), u).
		Select(`institutions.id, institutions.name, institutions.uscc, d.name AS district_name, institutions.operating_class,
			fs.filing_date, COALESCE(cs.rule_set, ps.rule_set, ?) AS rule_set,
			COALESCE(ps.rule_set, '') AS province, COALESCE(cs.rule_set, '') AS city,
			institutions.paid_in_capital, institutions.risk_reserve, institutions.compensation_ratio,
			(SELECT n.notice_date FROM filing_notice_dates n WHERE n.division_id = institutions.province_id
			  ORDER BY n.id DESC LIMIT 1) AS notice_date`, string(models.RuleSetNational)).
		Joins("JOIN (?) fs ON fs.institution_id = institutions.id", filedSince(db.Session(&gorm.Session{NewDB: true}))).
		Joins("JOIN divisions d ON d.id = institutions.district_id").
		Joins("LEFT JOIN disclosure_rule_settings cs ON cs.division_id = institutions.city_id").
		Joins("LEFT JOIN disclosure_rule_settings ps ON ps.division_id = institutions.province_id")
	if districtID != 0 {
		q = q.Where("institutions.district_id = ?", districtID)
	}
	if t := strings.TrimSpace(query); t != "" {
		like := "%" + escapeLike(t) + "%"
		q = q.Where("(institutions.name ILIKE ? OR institutions.uscc::text ILIKE ?)", like, like)
	}
	return q
}

// monitorSQL judges every filed institution of the jurisdiction from its one row of
// disclosure_standing (00101), never from its reports: the month's status
// (models.MonthlyReportStatus), the count of months missing since filing
// (models.MissingPeriods, bounded by models.MaxMissingScan), the open events and the
// reserve floors (models.ReserveFloors, ComputeIndicatorsFor's only breaches of a filed
// institution without a loan book). The due days come in as parameters, computed by the
// pure rule for each rule set (rules); TestMonitorSQLEqualsPureRules holds the two
// together. The order is monitorRank's.
var monitorSQL = `WITH rules (rule_set, due_end, overdue, pend, pmax) AS (?),
	floors (class, reserve, compensation) AS (?),
	base AS (?),
	calc AS (
		SELECT b.*, COALESCE(st.open_events, 0) AS open_events, COALESCE(st.periods, '{}') AS periods,
			array_position(st.periods, ?) AS ix, st.firsts, st.balances, st.reserves, st.compensations,
			r.due_end, r.overdue, r.pend, r.pmax, fl.reserve AS reserve_floor, fl.compensation AS compensation_floor,
			(date_part('year', b.filing_date)::int * 12 + date_part('month', b.filing_date)::int - 1) AS fidx
		  FROM base b JOIN rules r ON r.rule_set = b.rule_set
		  LEFT JOIN disclosure_standing st ON st.institution_id = b.id
		  LEFT JOIN floors fl ON fl.class = b.operating_class),
	bounds AS MATERIALIZED (
		SELECT c.*, h.hidx, (c.fidx / 12) * 100 + c.fidx % 12 + 1 AS lo_key, (h.hidx / 12) * 100 + h.hidx % 12 + 1 AS hi_key
		  FROM calc c, LATERAL (SELECT LEAST(c.pmax, c.fidx + ` + maxMissingText + ` - 1) AS hidx) h),
	judged AS MATERIALIZED (
		SELECT b.*,
			CASE WHEN b.ix IS NULL AND b.pend THEN 'pending'
			     WHEN b.ix IS NULL AND ? < b.fidx THEN 'not_required'
			     WHEN b.ix IS NOT NULL AND (b.pend OR b.firsts[b.ix] >= b.due_end) THEN 'late'
			     WHEN b.ix IS NOT NULL THEN 'on_time'
			     WHEN b.overdue THEN 'overdue'
			     ELSE 'pending' END AS status,
			CASE WHEN b.hidx < b.fidx THEN 0
			     ELSE b.hidx - b.fidx + 1 - (SELECT count(*) FROM unnest(b.periods) p WHERE p BETWEEN b.lo_key AND b.hi_key) END AS missing_n,
			(b.ix IS NOT NULL AND b.reserve_floor IS NOT NULL AND
			 (b.reserves[b.ix] < ceil(b.balances[b.ix]::numeric * b.reserve_floor / ` + hundredText + `) OR
			  b.compensations[b.ix] < ceil(b.balances[b.ix]::numeric * b.compensation_floor / ` + hundredText + `))) AS breached
		  FROM bounds b),
	ranked AS (
		SELECT j.*, CASE WHEN j.status = 'overdue' THEN 0 WHEN j.status = 'late' THEN 1 WHEN j.missing_n > 0 THEN 2
			WHEN j.open_events > 0 THEN 3 WHEN j.breached THEN 4 ELSE 5 END AS rank
		  FROM judged j)
	SELECT id, name, uscc, district_name, operating_class, filing_date, rule_set, status, missing_n, open_events, breached,
	       CASE WHEN ix IS NULL THEN NULL ELSE firsts[ix] END AS first_at, array_to_string(periods, ',') AS periods,
	       paid_in_capital, risk_reserve, compensation_ratio, notice_date,
	       count(*) OVER () AS total
	  FROM ranked
	 WHERE (?::text = '' OR status = ?::text) AND (NOT ?::boolean OR missing_n > 0) AND (NOT ?::boolean OR open_events > 0)
	   AND (NOT ?::boolean OR breached)
	 ORDER BY rank, name, id
	 LIMIT ? OFFSET ?`

var (
	maxMissingText = strconv.Itoa(models.MaxMissingScan)
	hundredText    = strconv.Itoa(int(models.Hundred))
)

type monitorSQLRow struct {
	ID             int64
	Name           string
	USCC           string `gorm:"column:uscc"`
	DistrictName   string
	OperatingClass string
	FilingDate     models.Date
	RuleSet        string
	Status         string
	MissingN       int
	OpenEvents     int
	Breached       bool
	FirstAt        *time.Time
	Periods        string
	Total          int64
	// for the periods of seeds/001 二 (remediesDue)
	PaidInCapital     models.Money
	RiskReserve       models.Money
	CompensationRatio models.Ratio
	NoticeDate        models.Date
}

// monitorDue is one rule set's due day of the month looked at, and the last month past
// due on the day (models.LastPastDuePeriod).
type monitorDue struct {
	due     models.Date
	pending int
	pmax    int // models.PeriodIndex; -1 when none
}

func (s *Store) monitorDues(ctx context.Context, period models.Period, today models.Date) (*models.Calendar, map[models.RuleSetID]monitorDue, error) {
	cal, err := s.LoadCalendar(ctx)
	if err != nil {
		return nil, nil, err
	}
	out := map[models.RuleSetID]monitorDue{}
	for _, rs := range []models.RuleSetID{models.RuleSetNational, models.RuleSetShanghai} {
		var d monitorDue
		due, err := models.MonthlyReportDue(cal, rs, period)
		if y, pending := models.MissingCalendarYear(err); pending {
			d.pending = y
		} else if err != nil {
			return nil, nil, err
		}
		d.due, d.pmax = due, -1
		if p, ok := models.LastPastDuePeriod(cal, rs, today); ok {
			d.pmax = models.PeriodIndex(p)
		}
		out[rs] = d
	}
	return cal, out, nil
}

// DisclosureMonitor is one page of the officers' list: the filed institutions of the
// jurisdiction with their report for the month (status, due day, lateness), the months
// they never reported, their open 48-hour events and their indicators out of range,
// worst first. Two statements whatever the jurisdiction's size: the judged page with its
// total (monitorSQL, one summary row per institution), and the page's reports of the
// month and the month before.
func (s *Store) DisclosureMonitor(ctx context.Context, u *models.User, f MonitorFilter, p models.Page) ([]MonitorRow, int64, error) {
	p = p.Normalize()
	return s.monitorPage(ctx, u, f, p.Size, p.Offset())
}

// monitorRows is every row of the list (the dashboard's counts).
func (s *Store) monitorRows(ctx context.Context, u *models.User, f MonitorFilter) ([]MonitorRow, error) {
	rows, _, err := s.monitorPage(ctx, u, f, 1<<30, 0)
	return rows, err
}

// monitorRun is one judged query of the list with what its rows need to be completed.
type monitorRun struct {
	q      *gorm.DB
	cal    *models.Calendar
	dues   map[models.RuleSetID]monitorDue
	period models.Period
	today  models.Date
}

func (s *Store) monitorQuery(ctx context.Context, u *models.User, f MonitorFilter, limit, offset int) (*monitorRun, error) {
	db := s.db.WithContext(ctx)
	today := models.DateOf(f.Now)
	period := f.Period
	if !period.Valid() {
		period = models.PeriodOf(today).Prev()
	}
	cal, dues, err := s.monitorDues(ctx, period, today)
	if err != nil {
		return nil, err
	}
	// the stored judgement (00102) when it is the one asked for: a page read from an index,
	// whatever the jurisdiction's size; else judged here and now
	stamp, err := s.judgedStamp(db)
	if err != nil {
		return nil, err
	}
	if stamp.usable(today, period) {
		return &monitorRun{q: s.judgedQuery(db, u, f, period, limit, offset), cal: cal, dues: dues, period: period, today: today}, nil
	}
	var rules []string
	var args []any
	for _, rs := range []models.RuleSetID{models.RuleSetNational, models.RuleSetShanghai} {
		d := dues[rs]
		rules = append(rules, "(?::text, ?::timestamptz, ?::boolean, ?::boolean, ?::int)")
		args = append(args, string(rs), d.due.AddDays(1).Start(), d.pending == 0 && today.After(d.due), d.pending != 0, d.pmax)
	}
	var floors []string
	var fargs []any
	for _, c := range []models.OperatingClass{models.ClassSingleProvince, models.ClassNational} {
		r, comp, _ := models.ReserveFloors(c)
		floors = append(floors, "(?::text, ?::bigint, ?::bigint)")
		fargs = append(fargs, string(c), int64(r), int64(comp))
	}
	q := db.Raw(monitorSQL,
		gorm.Expr("VALUES "+strings.Join(rules, ", "), args...),
		gorm.Expr("VALUES "+strings.Join(floors, ", "), fargs...),
		s.filedScopeQuery(db.Session(&gorm.Session{NewDB: true}), u, f.DistrictID, f.Query),
		period.Key(), models.PeriodIndex(period), string(f.Status), string(f.Status), f.Missing, f.OpenEvents, f.Breached, limit, offset)
	return &monitorRun{q: q, cal: cal, dues: dues, period: period, today: today}, nil
}

func (s *Store) monitorPage(ctx context.Context, u *models.User, f MonitorFilter, limit, offset int) ([]MonitorRow, int64, error) {
	run, err := s.monitorQuery(ctx, u, f, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	var rows []monitorSQLRow
	if err := run.q.Scan(&rows).Error; err != nil {
		return nil, 0, err
	}
	var total int64
	if len(rows) > 0 {
		total = rows[0].Total
	}
	out, err := s.monitorComplete(ctx, run, rows)
	return out, total, err
}

// monitorExportBatch is how many rows of the export are completed at a time.
const monitorExportBatch = 500

// EachMonitorRow calls fn for every row of the list with the filter, in its order: one
// judged statement whose rows are scanned as they arrive (streamRows), completed with
// their reports a batch at a time, so the export holds one batch.
func (s *Store) EachMonitorRow(ctx context.Context, u *models.User, f MonitorFilter, fn func(MonitorRow) error) error {
	run, err := s.monitorQuery(ctx, u, f, math.MaxInt32, 0)
	if err != nil {
		return err
	}
	var batch []monitorSQLRow
	flush := func() error {
		rows, err := s.monitorComplete(ctx, run, batch)
		batch = batch[:0]
		for _, r := range rows {
			if err == nil {
				err = fn(r)
			}
		}
		return err
	}
	err = streamRows(run.q, func(r monitorSQLRow) error {
		batch = append(batch, r)
		if len(batch) == monitorExportBatch {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// monitorComplete adds to the judged rows their missing months (models.MissingPeriods
// over the summary's months), the latest version of the month and the pure rule's
// breaches (the month before too): one statement for the rows.
func (s *Store) monitorComplete(ctx context.Context, run *monitorRun, rows []monitorSQLRow) ([]MonitorRow, error) {
	period, today := run.period, run.today
	ids := make([]int64, 0, len(rows)+1)
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	var latest []reportRow
	if err := s.db.WithContext(ctx).Raw(`SELECT DISTINCT ON (institution_id, period) * FROM disclosure_reports
		WHERE institution_id IN ? AND period IN ? ORDER BY institution_id, period, version DESC`,
		append(ids, 0), []int{period.Key(), period.Prev().Key()}).Scan(&latest).Error; err != nil {
		return nil, err
	}
	versions := map[[2]int64]models.MonthlyReport{}
	for _, r := range latest {
		versions[[2]int64{r.InstitutionID, int64(r.Period)}] = r.model()
	}
	out := make([]MonitorRow, len(rows))
	for i, r := range rows {
		rs := models.RuleSetID(r.RuleSet)
		d := run.dues[rs]
		row := MonitorRow{InstitutionID: r.ID, Name: r.Name, USCC: r.USCC, DistrictName: r.DistrictName,
			OperatingClass: models.OperatingClass(r.OperatingClass), FilingDate: r.FilingDate, RuleSet: rs, Period: period,
			Due: d.due, DuePending: d.pending, FirstAt: r.FirstAt, Status: models.ReportStatus(r.Status), OpenEvents: r.OpenEvents,
			Breached: r.Breached}
		if row.DuePending != 0 {
			row.Due = models.Date{}
		}
		if r.MissingN > 0 {
			reported := map[int]bool{}
			for _, k := range strings.Split(r.Periods, ",") {
				if n, err := strconv.Atoi(k); err == nil {
					reported[n] = true
				}
			}
			row.Missing = models.MissingPeriods(run.cal, rs, r.FilingDate, func(p models.Period) bool { return reported[p.Key()] }, today)
		}
		if v, ok := versions[[2]int64{r.ID, int64(period.Key())}]; ok {
			row.Latest = &v
			var prev *models.MonthlyFigures
			if pv, ok := versions[[2]int64{r.ID, int64(period.Prev().Key())}]; ok {
				prev = &pv.Figures
			}
			is := models.ComputeIndicatorsFor(models.IndicatorInput{Class: row.OperatingClass, Cur: v.Figures, Prev: prev,
				CapViolations: -1, Filed: true})
			row.Breaches = is.Breaches()
			row.Remedies = remediesDue(r, v.Figures)
		}
		row.Notice = r.NoticeDate
		out[i] = row
	}
	return out, nil
}

// remediesDue are the conditions of seeds/001 二 the month's figures do not meet and that
// have a period from the notice date (capital 6 months, reserve and compensation 12,
// cross-province business 18), by FilingConditionsStatus on the file's facts. The
// shareholder conditions have no period and are not listed here.
func remediesDue(r monitorSQLRow, f models.MonthlyFigures) []models.ConditionStatus {
	facts := models.FilingFacts{Class: models.OperatingClass(r.OperatingClass), PaidInCapital: r.PaidInCapital,
		RiskReserve: r.RiskReserve, CompensationRatio: r.CompensationRatio}
	st, err := models.FilingConditionsStatus(models.FilingStatusInput{Facts: facts, Figures: f, CrossProvinceBalance: -1, Notice: r.NoticeDate})
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

// monitorRank puts what needs the officer first: overdue, then late, missing months,
// open events, breaches; then the rest (monitorSQL's rank).
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
