package store

import (
	"context"
	"time"

	"portal/models"
)

// DisclosureDashboard is the disclosure side of a jurisdiction's overview (issue 12 §1):
// the month now due, as the officers' disclosure list sees it, and twelve months of
// trend.
type DisclosureDashboard struct {
	Period     models.Period
	Filed      int
	ByStatus   map[models.ReportStatus]int
	Missing    int // institutions with a month past due and never reported
	OpenEvents int // open 48-hour events
	// Shortfalls counts the institutions whose month breaches each indicator (reserve,
	// compensation, balance rise … drules' ComputeIndicatorsFor), by indicator name.
	Shortfalls []ClassCount
	// M90Rates buckets the institutions' M90+ rate of the month (models.M90Bands).
	M90Rates []int
	Trend    []DisclosureMonth
}

// DisclosureMonth is one month of the trend: how many filed institutions were due, how
// many reported and how many in time, and the total balance they declared.
type DisclosureMonth struct {
	Period   string
	Expected int64
	Reported int64
	OnTime   int64
	Balance  models.Money
}

// DisclosureDashboard reads the figures: the officers' list for the month (monitorRows)
// and two aggregates for the trend, whatever the number of institutions.
func (s *Store) DisclosureDashboard(ctx context.Context, u *models.User, now time.Time) (*DisclosureDashboard, error) {
	today := models.DateOf(now)
	d := &DisclosureDashboard{Period: models.PeriodOf(today).Prev(), ByStatus: map[models.ReportStatus]int{},
		M90Rates: make([]int, len(models.M90Bands))}
	rows, err := s.monitorRows(ctx, u, MonitorFilter{Now: now})
	if err != nil {
		return nil, err
	}
	d.Filed = len(rows)
	short := map[string]int{}
	var order []string
	for _, r := range rows {
		d.ByStatus[r.Status]++
		if len(r.Missing) > 0 {
			d.Missing++
		}
		d.OpenEvents += r.OpenEvents
		for _, b := range r.Breaches {
			if short[b.Name] == 0 {
				order = append(order, b.Name)
			}
			short[b.Name]++
		}
		if r.Latest != nil {
			if band, ok := models.M90Band(r.Latest.Figures); ok {
				d.M90Rates[band]++
			}
		}
	}
	for _, name := range order {
		d.Shortfalls = append(d.Shortfalls, ClassCount{Class: name, N: int64(short[name])})
	}

	first := models.PeriodOf(today)
	for i := 0; i < 12; i++ {
		first = first.Prev()
	}
	filed := scopeInstitutions(s.db.WithContext(ctx).Table("institutions").
		Select("institutions.id, MIN(f.filing_date) AS filed_on").
		Joins("JOIN filings f ON f.institution_id = institutions.id").
		Joins("JOIN applications a ON a.id = f.application_id AND a.state = ?", models.StateFiled), u).
		Group("institutions.id")
	var trend []struct {
		Period   int
		Expected int64
		Reported int64
		OnTime   int64
		Balance  int64
	}
	// Per month: the institutions filed by its end, those with a report, those whose
	// first version came by its due time, and the balance of the latest versions.
	err = s.db.WithContext(ctx).Raw(`WITH filed AS (?),
		months AS (SELECT (extract(year FROM m) * 100 + extract(month FROM m))::int AS period,
			(m + interval '1 month' - interval '1 day')::date AS month_end
			FROM generate_series(?::date, ?::date, interval '1 month') AS m),
		firsts AS (SELECT r.institution_id, r.period, MIN(r.submitted_at) AS first_at, MIN(r.due_at) AS due_at
			FROM disclosure_reports r JOIN filed ON filed.id = r.institution_id
			WHERE r.period >= ? GROUP BY r.institution_id, r.period),
		latest AS (SELECT DISTINCT ON (r.institution_id, r.period) r.institution_id, r.period, r.balance
			FROM disclosure_reports r JOIN filed ON filed.id = r.institution_id
			WHERE r.period >= ? ORDER BY r.institution_id, r.period, r.version DESC)
		SELECT months.period,
			(SELECT count(*) FROM filed WHERE filed.filed_on <= months.month_end) AS expected,
			(SELECT count(*) FROM firsts WHERE firsts.period = months.period) AS reported,
			(SELECT count(*) FROM firsts WHERE firsts.period = months.period AND firsts.first_at <= firsts.due_at) AS on_time,
			COALESCE((SELECT sum(latest.balance) FROM latest WHERE latest.period = months.period), 0) AS balance
		FROM months ORDER BY months.period`,
		filed, models.NewDate(first.Year, time.Month(first.Month), 1).String(), d.Period.MonthEnd().String(),
		first.Key(), first.Key()).Scan(&trend).Error
	if err != nil {
		return nil, err
	}
	for _, m := range trend {
		d.Trend = append(d.Trend, DisclosureMonth{Period: periodOfKey(m.Period).String(), Expected: m.Expected,
			Reported: m.Reported, OnTime: m.OnTime, Balance: models.Money(m.Balance)})
	}
	return d, nil
}

// ReportFirsts is when each period's report of the institution was first submitted,
// keyed by period (202610): the on-time test of its submission calendar.
func (s *Store) ReportFirsts(ctx context.Context, institutionID int64) (map[int]time.Time, error) {
	var rows []struct {
		Period int
		First  time.Time
	}
	err := s.db.WithContext(ctx).Raw(`SELECT period, MIN(submitted_at) AS first FROM disclosure_reports
		WHERE institution_id = ? GROUP BY period`, institutionID).Scan(&rows).Error
	out := map[int]time.Time{}
	for _, r := range rows {
		out[r.Period] = r.First
	}
	return out, err
}
