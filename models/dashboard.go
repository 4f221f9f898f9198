package models

import "time"

// FunnelStage is one step of the acceptance funnel: an application has reached it once it
// has entered any of its states. The steps follow the path of seeds/004 plan 1 四 and
// plan 6 四–五: submission, district review, preliminary (or joint) acceptance, public
// notice, certificate, filing.
type FunnelStage struct {
	Label  string
	States []State
}

// AcceptanceFunnel lists the funnel's steps, from submission to filing. A large platform
// skips the city's preliminary acceptance and its joint acceptance passes straight into
// the public notice, so "验收合格" counts either route.
var AcceptanceFunnel = []FunnelStage{
	{"已提交申请", []State{StateDistrictReview}},
	{"区级审核通过", []State{StateCityReview, StateJointReview}},
	{"初验或联合验收合格", []State{StateCityConfirm, StatePublicNotice}},
	{"公示", []State{StatePublicNotice}},
	{"已发合格证明", []State{StateCertified}},
	{"已备案", []State{StateFiled}},
}

// Week is the Monday-to-Sunday week of day: "this week" on a dashboard.
func Week(day Date) (monday, sunday Date) {
	wd := int(day.Weekday()+6) % 7 // Monday 0 … Sunday 6
	monday = day.AddDays(-wd)
	return monday, monday.AddDays(6)
}

// DaysBetween is the length of an interval in natural days, for averages of time spent.
func DaysBetween(from, to time.Time) float64 {
	if to.Before(from) {
		return 0
	}
	return to.Sub(from).Hours() / 24
}

// M90Bands are the bands of the M90+ rate (M90+ ÷ balance, SPEC §5) a dashboard counts
// institutions in; the upper bound of each is exclusive.
var M90Bands = []struct {
	Label string
	Below Ratio // 0: no upper bound
}{
	{"低于 1%", 1 * Percent}, {"1%–3%", 3 * Percent}, {"3%–5%", 5 * Percent}, {"5%–10%", 10 * Percent}, {"10% 及以上", 0},
}

// M90Band is the band of a month's M90+ rate; false when the balance is nil.
func M90Band(f MonthlyFigures) (int, bool) {
	r, ok := RatioOver(f.Overdue90Amount, f.Balance)
	if !ok {
		return 0, false
	}
	for i, b := range M90Bands {
		if b.Below == 0 || r < b.Below {
			return i, true
		}
	}
	return len(M90Bands) - 1, true
}
