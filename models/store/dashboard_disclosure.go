package store

import (
	"context"
	"sort"
	"strconv"
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

// DisclosureDashboard reads the figures from the precomputed rows of the jurisdiction's
// districts (dashboard_figures.go), grouped by the districts' rule sets, since the due day
// of a month, and so what is pending or overdue today, depends on it. One statement,
// whatever the number of institutions; the calendar is cached. The month now due is judged as the officers' list
// judges it (models.MonthlyReportStatus), with on time as the trend always had it: the
// first version in by the end of its due day.
func (s *Store) DisclosureDashboard(ctx context.Context, u *models.User, now time.Time) (*DisclosureDashboard, error) {
	today := models.DateOf(now)
	d := &DisclosureDashboard{Period: models.PeriodOf(today).Prev(), ByStatus: map[models.ReportStatus]int{},
		M90Rates: make([]int, len(models.M90Bands))}
	cal, err := s.LoadCalendar(ctx)
	if err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	first := models.PeriodOf(today)
	for i := 0; i < 12; i++ {
		first = first.Prev()
	}
	var figs []struct {
		Province string
		City     string
		Kind     string
		Period   int
		Key      string
		N        int64
		Amount   int64
	}
	if err := scopeDistricts(db.Table("dashboard_figures f").
		Select("COALESCE(ps.rule_set, '') AS province, COALESCE(cs.rule_set, '') AS city, f.kind, f.period, f.key, "+
			"sum(f.n) AS n, sum(f.amount)::bigint AS amount").
		Joins("JOIN divisions d ON d.id = f.district_id JOIN divisions c ON c.id = d.parent_id").
		Joins("LEFT JOIN disclosure_rule_settings cs ON cs.division_id = c.id").
		Joins("LEFT JOIN disclosure_rule_settings ps ON ps.division_id = c.parent_id"), u).
		Where("f.kind IN ? OR (f.kind IN ? AND f.period >= ?)", []string{"filed", "gap", "events"},
			[]string{"reported", "on_time", "early", "m90", "short"}, first.Key()).
		Group("1, 2, 3, 4, 5").Order("1, 2, 3, 4, 5").
		Scan(&figs).Error; err != nil {
		return nil, err
	}
	type tally struct{ filed, filedBy, reported, onTime, early int64 }
	bySet := map[models.RuleSetID]*tally{}
	var sets []models.RuleSetID
	trend := map[int]*DisclosureMonth{}
	month := func(k int) *DisclosureMonth {
		if trend[k] == nil {
			trend[k] = &DisclosureMonth{Period: periodOfKey(k).String()}
		}
		return trend[k]
	}
	var filedAt []struct {
		period int
		n      int64
	}
	var gaps []struct {
		rs     models.RuleSetID
		period int
		n      int64
	}
	short := map[string]int64{}
	p := d.Period.Key()
	for _, f := range figs {
		rs := models.EffectiveRuleSet(models.RuleSetID(f.Province), models.RuleSetID(f.City))
		t := bySet[rs]
		if t == nil {
			t = &tally{}
			bySet[rs] = t
			sets = append(sets, rs)
		}
		switch f.Kind {
		case "filed":
			t.filed += f.N
			if f.Period <= p {
				t.filedBy += f.N
			}
			filedAt = append(filedAt, struct {
				period int
				n      int64
			}{f.Period, f.N})
		case "events": // open major events of the filed institutions
			d.OpenEvents += int(f.N)
		case "gap":
			gaps = append(gaps, struct {
				rs     models.RuleSetID
				period int
				n      int64
			}{rs, f.Period, f.N})
		case "reported":
			m := month(f.Period)
			m.Reported += f.N
			m.Balance += models.Money(f.Amount)
			if f.Period == p {
				t.reported += f.N
			}
		case "on_time":
			month(f.Period).OnTime += f.N
			if f.Period == p {
				t.onTime += f.N
			}
		case "early":
			if f.Period == p {
				t.early += f.N
			}
		case "m90":
			if band, err := strconv.Atoi(f.Key); err == nil && band >= 0 && band < len(d.M90Rates) && f.Period == p {
				d.M90Rates[band] += int(f.N)
			}
		case "short":
			if f.Period == p {
				short[f.Key] += f.N
			}
		}
	}
	for _, rs := range sets {
		t := bySet[rs]
		d.Filed += int(t.filed)
		d.ByStatus[models.ReportOnTime] += int(t.onTime)
		d.ByStatus[models.ReportLate] += int(t.reported - t.onTime)
		// filed after the month and not reported: not required (MonthlyReportStatus)
		d.ByStatus[models.ReportNotRequired] += int(t.filed - t.filedBy - t.early)
		unreported := int(t.filedBy - (t.reported - t.early))
		due, err := models.MonthlyReportDue(cal, rs, d.Period)
		if _, pending := models.MissingCalendarYear(err); pending {
			d.ByStatus[models.ReportPending] += unreported
			continue
		} else if err != nil {
			return nil, err
		}
		if today.After(due) {
			d.ByStatus[models.ReportOverdue] += unreported
		} else {
			d.ByStatus[models.ReportPending] += unreported
		}
	}
	for st, n := range d.ByStatus {
		if n == 0 {
			delete(d.ByStatus, st)
		}
	}
	// an institution misses a month when the first month since its filing it never
	// reported is past its due day: no later than the last month past due
	// (models.LastPastDuePeriod, the list's definition)
	lastDue := map[models.RuleSetID]int{}
	for _, rs := range sets {
		if last, ok := models.LastPastDuePeriod(cal, rs, today); ok {
			lastDue[rs] = last.Key()
		}
	}
	for _, g := range gaps {
		if last, ok := lastDue[g.rs]; ok && g.period <= last {
			d.Missing += int(g.n)
		}
	}
	for name, n := range short {
		d.Shortfalls = append(d.Shortfalls, ClassCount{Class: name, N: n})
	}
	sort.Slice(d.Shortfalls, func(i, j int) bool {
		if d.Shortfalls[i].N != d.Shortfalls[j].N {
			return d.Shortfalls[i].N > d.Shortfalls[j].N
		}
		return d.Shortfalls[i].Class < d.Shortfalls[j].Class
	})

	// per month: the institutions filed by its end, those with a report, those whose
	// first version came by its due time, and the balance of the latest versions
	for mp := first; mp.Key() <= d.Period.Key(); mp = mp.Next() {
		m := month(mp.Key())
		for _, f := range filedAt {
			if f.period <= mp.Key() {
				m.Expected += f.n
			}
		}
		d.Trend = append(d.Trend, *m)
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
