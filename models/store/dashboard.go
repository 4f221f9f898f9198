package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"portal/models"
)

// AcceptanceDashboard is the acceptance workflow of a jurisdiction in figures (issue 12
// §1): what an officer asks first each morning, "how many, where, and what is late".
type AcceptanceDashboard struct {
	// ByArea counts applications per state in each sub-area: the cities of a province,
	// the districts of a city, the district itself.
	AreaLevel string // "市" or "区(县)"
	ByArea    []AreaStateCount
	Funnel    []FunnelCount
	Overdue   []StageOverdue
	StageDays []StageDays
	Notices   NoticeCounts
	Ending    []EndingNotice // notices whose last day falls this week
	Complaint ComplaintCounts
	Classes   []ClassCount // 合规类 / 整改类 / 取缔类 of the institutions
	Exits     []ClassCount // exit classification of the applications that did not pass
	WindDown  []MonthCount // 逐步清退 recorded per month, last 12 months
	// Warnings are the early-warning tasks not yet closed, and those past their due date.
	Warnings WarningCounts
}

// WarningCounts are the open early-warning tasks.
type WarningCounts struct {
	Open    int64
	Overdue int64
}

// AreaStateCount is how many applications of one area are in one state.
type AreaStateCount struct {
	Area  string
	State models.State
	N     int64
}

// FunnelCount is how many applications reached a funnel stage.
type FunnelCount struct {
	Label string
	N     int64
}

// StageOverdue counts the open clocks of one kind and how many have run out.
type StageOverdue struct {
	Label   string
	Open    int64
	Overdue int64
}

// StageDays is the average time completed stays in a state took.
type StageDays struct {
	State models.State
	Stays int64
	Days  float64
}

// NoticeCounts are the public notices running.
type NoticeCounts struct {
	Running    int64
	EndingWeek int64
}

// EndingNotice is a notice that ends this week.
type EndingNotice struct {
	Institution string
	EndDate     models.Date
}

// ComplaintCounts are the complaints not yet verified, and those still pending after their
// notice ended.
type ComplaintCounts struct {
	Open    int64
	Overdue int64
}

// ClassCount is the number of institutions (or applications) in one class.
type ClassCount struct {
	Class string
	N     int64
}

// MonthCount is a figure for one month ("2026-11").
type MonthCount struct {
	Month string
	N     int64
}

// AcceptanceDashboard reads the figures in the user's jurisdiction. It runs the same
// eleven statements whatever the data size; each aggregates in PostgreSQL.
func (s *Store) AcceptanceDashboard(ctx context.Context, u *models.User, today models.Date) (*AcceptanceDashboard, error) {
	db := s.db.WithContext(ctx)
	scopedApps := func() *gorm.DB {
		return scopeInstitutions(db.Table("applications").Select("applications.id").
			Joins("JOIN institutions ON institutions.id = applications.institution_id"), u)
	}
	d := &AcceptanceDashboard{AreaLevel: "区(县)"}

	area := "d.name"
	areaJoin := ""
	if u.Role == models.RoleProvince || u.Role == models.RoleAdmin {
		d.AreaLevel, area, areaJoin = "市", "c.name", "JOIN divisions c ON c.id = d.parent_id"
	}
	if err := scopeInstitutions(db.Table("applications").
		Select(area+" AS area, applications.state, count(*) AS n").
		Joins("JOIN institutions ON institutions.id = applications.institution_id").
		Joins("JOIN divisions d ON d.id = institutions.district_id "+areaJoin), u).
		Where("applications.state <> ?", models.StateDraft).
		Group(area + ", applications.state").Order(area + ", applications.state").
		Scan(&d.ByArea).Error; err != nil {
		return nil, err
	}

	// The funnel: one filtered count per stage over the decisions' target states.
	var reached []int64
	sel := ""
	args := []any{}
	for i, st := range models.AcceptanceFunnel {
		if i > 0 {
			sel += ", "
		}
		sel += "count(DISTINCT application_id) FILTER (WHERE to_state IN ?)"
		args = append(args, st.States)
	}
	row := db.Raw("SELECT "+sel+" FROM decisions WHERE application_id IN (?)", append(args, scopedApps())...).Row()
	reached = make([]int64, len(models.AcceptanceFunnel))
	ptrs := make([]any, len(reached))
	for i := range reached {
		ptrs[i] = &reached[i]
	}
	if err := row.Scan(ptrs...); err != nil {
		return nil, err
	}
	for i, st := range models.AcceptanceFunnel {
		d.Funnel = append(d.Funnel, FunnelCount{st.Label, reached[i]})
	}

	// Open stage clocks against their service times, and how many have run out.
	if err := scopeInstitutions(db.Table("applications").
		Select("clocks.label, count(*) AS open, count(*) FILTER (WHERE "+clockOverdue+") AS overdue", today.String()).
		Joins("JOIN institutions ON institutions.id = applications.institution_id").
		Joins("JOIN clocks ON clocks.id = applications.clock_id"), u).
		Where("clocks.ended_at IS NULL").
		Group("clocks.label").Order("overdue DESC, clocks.label").
		Scan(&d.Overdue).Error; err != nil {
		return nil, err
	}

	// Completed stays per state: each decision starts a stay that the next one ends.
	if err := db.Raw(`WITH stays AS (
		SELECT to_state, at, lead(at) OVER (PARTITION BY application_id ORDER BY id) AS next_at
		FROM decisions WHERE application_id IN (?))
		SELECT to_state AS state, count(*) AS stays,
			round((avg(extract(epoch FROM next_at - at)) / 86400)::numeric, 1)::float8 AS days
		FROM stays WHERE next_at IS NOT NULL GROUP BY to_state`, scopedApps()).
		Scan(&d.StageDays).Error; err != nil {
		return nil, err
	}
	d.StageDays = orderStageDays(d.StageDays)

	mon, sun := models.Week(today)
	if err := scopeInstitutions(db.Table("notices").
		Select("count(*) FILTER (WHERE notices.status = 'active') AS running, "+
			"count(*) FILTER (WHERE notices.status = 'active' AND notices.end_date BETWEEN ? AND ?) AS ending_week", mon.String(), sun.String()).
		Joins("JOIN institutions ON institutions.id = notices.institution_id"), u).
		Scan(&d.Notices).Error; err != nil {
		return nil, err
	}
	if err := scopeInstitutions(db.Table("notices").
		Select("institutions.name AS institution, notices.end_date").
		Joins("JOIN institutions ON institutions.id = notices.institution_id"), u).
		Where("notices.status = 'active' AND notices.end_date BETWEEN ? AND ?", mon.String(), sun.String()).
		Order("notices.end_date, notices.id").Limit(50).
		Scan(&d.Ending).Error; err != nil {
		return nil, err
	}

	if err := scopeInstitutions(db.Table("complaints").
		Select("count(*) AS open, count(*) FILTER (WHERE notices.end_date < ?) AS overdue", today.String()).
		Joins("JOIN institutions ON institutions.id = complaints.institution_id").
		Joins("JOIN notices ON notices.id = complaints.notice_id"), u).
		Where("complaints.status = 'pending'").
		Scan(&d.Complaint).Error; err != nil {
		return nil, err
	}

	if err := scopeInstitutions(db.Table("institutions").
		Select("institutions.classification AS class, count(*) AS n"), u).
		Group("institutions.classification").
		Scan(&d.Classes).Error; err != nil {
		return nil, err
	}
	if err := scopeInstitutions(db.Table("applications").
		Select("applications.exit_class AS class, count(*) AS n").
		Joins("JOIN institutions ON institutions.id = applications.institution_id"), u).
		Where("applications.exit_class <> ''").
		Group("applications.exit_class").
		Scan(&d.Exits).Error; err != nil {
		return nil, err
	}

	if err := scopeInstitutions(db.Table("warning_tasks").
		Select("count(*) AS open, count(*) FILTER (WHERE warning_tasks.due_date < ?) AS overdue", today.String()).
		Joins("JOIN institutions ON institutions.id = warning_tasks.institution_id"), u).
		Where("warning_tasks.status = 'open'").
		Scan(&d.Warnings).Error; err != nil {
		return nil, err
	}

	// 逐步清退 recorded per month over the last twelve months, oldest first.
	first := models.NewDate(today.Year, today.Month-11, 1)
	var months []MonthCount
	if err := db.Raw(`SELECT to_char(recorded_at, 'YYYY-MM') AS month, count(*) AS n FROM exit_records
		WHERE exit_class = ? AND recorded_at >= ? AND application_id IN (?)
		GROUP BY 1`, models.ExitWindDown, first.String(), scopedApps()).Scan(&months).Error; err != nil {
		return nil, err
	}
	byMonth := map[string]int64{}
	for _, m := range months {
		byMonth[m.Month] = m.N
	}
	for i := 0; i < 12; i++ {
		m := models.NewDate(first.Year, first.Month+time.Month(i), 1).String()[:7]
		d.WindDown = append(d.WindDown, MonthCount{m, byMonth[m]})
	}
	return d, nil
}

// orderStageDays puts the stays in the workflow's order of states.
func orderStageDays(in []StageDays) []StageDays {
	out := make([]StageDays, 0, len(in))
	for _, st := range models.AllStates {
		for _, s := range in {
			if s.State == st {
				out = append(out, s)
			}
		}
	}
	return out
}
