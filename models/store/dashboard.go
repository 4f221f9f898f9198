package store

import (
	"context"
	"strconv"
	"time"

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

// AcceptanceDashboard reads the figures in the user's jurisdiction: the counts by area
// and state, the funnel, the stays, the classes and the exits from the precomputed
// figures of its districts (dashboard_figures.go), and what depends on today (the open
// clocks, the notices ending this week, complaints and warnings) live from their partial
// sets. It runs the same five statements whatever the data size.
func (s *Store) AcceptanceDashboard(ctx context.Context, u *models.User, today models.Date) (*AcceptanceDashboard, error) {
	db := s.db.WithContext(ctx)
	d := &AcceptanceDashboard{AreaLevel: "区(县)"}

	area := "d.name"
	if u.Role == models.RoleProvince || u.Role == models.RoleAdmin {
		d.AreaLevel, area = "市", "c.name"
	}
	var figs []struct {
		Area   string
		Kind   string
		Period int
		Key    string
		N      int64
		Days   float64
	}
	if err := scopeDistricts(db.Table("dashboard_figures f").
		Select("CASE WHEN f.kind = 'state' THEN "+area+" ELSE '' END AS area, f.kind, f.period, f.key, sum(f.n) AS n, "+
			"COALESCE(round(sum(f.amount) / NULLIF(sum(f.n), 0) / 86400, 1), 0)::float8 AS days").
		Joins("JOIN divisions d ON d.id = f.district_id JOIN divisions c ON c.id = d.parent_id"), u).
		Where("f.kind IN ?", []string{"state", "funnel", "stay", "class", "exit", "wind_down", "notice"}).
		Group("1, 2, 3, 4").Order("1, 2, 4, 3").
		Scan(&figs).Error; err != nil {
		return nil, err
	}
	mon, sun := models.Week(today)
	reached := make([]int64, len(models.AcceptanceFunnel))
	first := models.NewDate(today.Year, today.Month-11, 1)
	byMonth := map[int]int64{}
	for _, f := range figs {
		switch f.Kind {
		case "state":
			d.ByArea = append(d.ByArea, AreaStateCount{Area: f.Area, State: models.State(f.Key), N: f.N})
		case "funnel":
			if pos, err := strconv.Atoi(f.Key); err == nil && pos >= 0 && pos < len(reached) {
				reached[pos] = f.N
			}
		case "stay":
			d.StageDays = append(d.StageDays, StageDays{State: models.State(f.Key), Stays: f.N, Days: f.Days})
		case "class":
			d.Classes = append(d.Classes, ClassCount{Class: f.Key, N: f.N})
		case "exit":
			d.Exits = append(d.Exits, ClassCount{Class: f.Key, N: f.N})
		case "wind_down":
			byMonth[f.Period] = f.N
		case "notice": // the running notices by their last day
			d.Notices.Running += f.N
			if f.Period >= dayKey(mon) && f.Period <= dayKey(sun) {
				d.Notices.EndingWeek += f.N
			}
		}
	}
	for i, st := range models.AcceptanceFunnel {
		d.Funnel = append(d.Funnel, FunnelCount{st.Label, reached[i]})
	}
	d.StageDays = orderStageDays(d.StageDays)
	// 逐步清退 recorded per month over the last twelve months, oldest first.
	for i := 0; i < 12; i++ {
		m := models.NewDate(first.Year, first.Month+time.Month(i), 1)
		d.WindDown = append(d.WindDown, MonthCount{m.String()[:7], byMonth[models.PeriodOf(m).Key()]})
	}

	// Open stage clocks against their service times, and how many have run out.
	// The live parts start from their small sets (open clocks, running notices, pending
	// complaints, open tasks) and check the institution's own province or city column, so
	// the plan never walks the jurisdiction's institutions.
	if err := scopeInstitutionsDirect(db.Table("clocks").
		Select("clocks.label, count(*) AS open, count(*) FILTER (WHERE "+clockOverdue+") AS overdue", today.String()).
		Joins("JOIN applications ON applications.id = clocks.application_id AND applications.clock_id = clocks.id").
		Joins("JOIN institutions ON institutions.id = applications.institution_id"), u).
		Where("clocks.ended_at IS NULL").
		Group("clocks.label").Order("overdue DESC, clocks.label").
		Scan(&d.Overdue).Error; err != nil {
		return nil, err
	}

	if err := scopeInstitutionsDirect(db.Table("notices").
		Select("institutions.name AS institution, notices.end_date").
		Joins("JOIN institutions ON institutions.id = notices.institution_id"), u).
		Where("notices.status = 'active' AND notices.end_date BETWEEN ? AND ?", mon.String(), sun.String()).
		Order("notices.end_date, notices.id").Limit(50).
		Scan(&d.Ending).Error; err != nil {
		return nil, err
	}

	if err := scopeInstitutionsDirect(db.Table("complaints").
		Select("count(*) AS open, count(*) FILTER (WHERE notices.end_date < ?) AS overdue", today.String()).
		Joins("JOIN institutions ON institutions.id = complaints.institution_id").
		Joins("JOIN notices ON notices.id = complaints.notice_id"), u).
		Where("complaints.status = 'pending'").
		Scan(&d.Complaint).Error; err != nil {
		return nil, err
	}

	if err := scopeInstitutionsDirect(db.Table("warning_tasks").
		Select("count(*) AS open, count(*) FILTER (WHERE warning_tasks.due_date < ?) AS overdue", today.String()).
		Joins("JOIN institutions ON institutions.id = warning_tasks.institution_id"), u).
		Where("warning_tasks.status = 'open'").
		Scan(&d.Warnings).Error; err != nil {
		return nil, err
	}

	return d, nil
}

// dayKey is a day as the figures key it: 20261123.
func dayKey(d models.Date) int { return d.Year*10000 + int(d.Month)*100 + d.Day }

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
