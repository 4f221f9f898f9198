package models

import (
	"fmt"
	"time"
)

// The filing conditions of seeds/001 二 over time: recomputed on each month's figures,
// with the periods the notice gives to meet them.

// AddMonths is the last day of a period of n months from d: the period starts the day
// after d and ends on the corresponding day of the n-th month, or that month's last day
// when it has no such day (民法典 第二百零一条、第二百零二条). 2026-08-31 + 6 → 2027-02-28.
func AddMonths(d Date, n int) Date {
	total := int(d.Month) - 1 + n
	y, m := d.Year+total/12, total%12
	if m < 0 {
		y, m = y-1, m+12
	}
	last := NewDate(y, time.Month(m+1)+1, 0).Day
	day := d.Day
	if day > last {
		day = last
	}
	return NewDate(y, time.Month(m+1), day)
}

// FilingRemedyKind names one period of seeds/001 二.
type FilingRemedyKind string

const (
	RemedyCapital       FilingRemedyKind = "capital"        // 注册资本金补足
	RemedyReserve       FilingRemedyKind = "reserve"        // 存量业务一般风险准备金补足
	RemedyCompensation  FilingRemedyKind = "compensation"   // 存量业务出借人风险补偿金补足
	RemedyCrossProvince FilingRemedyKind = "cross_province" // 跨省级区域存量业务清零
)

// FilingRemedy is one deadline counted from the notice date the province sets.
type FilingRemedy struct {
	Kind    FilingRemedyKind
	Name    string
	Months  int
	Due     Date
	Classes []OperatingClass // the classes it binds
	Clause  string
}

// Binds reports whether the remedy applies to class c.
func (r FilingRemedy) Binds(c OperatingClass) bool {
	for _, x := range r.Classes {
		if x == c {
			return true
		}
	}
	return false
}

var bothClasses = []OperatingClass{ClassSingleProvince, ClassNational}

// FilingRemedyDeadlines are the periods of seeds/001 from notice, the date of the notice
// (通知印发之日) as the province applies it: paid-in capital topped up within 6 months
// (二(二)); the existing business's general risk reserve and lender risk compensation
// within 12 months (二(三)(四)); a single-province platform's cross-province existing
// business cleared within 18 months (二(一)). Months count by AddMonths; a last day on a
// holiday is not moved here.
func FilingRemedyDeadlines(notice Date) []FilingRemedy {
	c := func(s string) string { return citeFilingPilot + s }
	return []FilingRemedy{
		{RemedyCapital, "实缴注册资本补足", 6, AddMonths(notice, 6), bothClasses, c("二(二)“于6个月内将注册资本金补足”")},
		{RemedyReserve, "存量业务一般风险准备金补足", 12, AddMonths(notice, 12), bothClasses, c("二(三)“于12个月内将其存量业务一般风险准备金全部补足”")},
		{RemedyCompensation, "存量业务出借人风险补偿金补足", 12, AddMonths(notice, 12), bothClasses, c("二(四)“于12个月内将其存量业务出借人风险补偿金全部补足”")},
		{RemedyCrossProvince, "跨省级区域存量业务整改清零", 18, AddMonths(notice, 18), []OperatingClass{ClassSingleProvince}, c("二(一)“在18个月内…对其跨省级区域存量业务进行逐步整改清零”")},
	}
}

// FilingStatusInput is one month's facts for FilingConditionsStatus.
type FilingStatusInput struct {
	Facts   FilingFacts    // from the institution file; its reserve and balance are replaced by Figures'
	Figures MonthlyFigures // the month's accepted figures
	// CrossProvinceBalance is the single-province platform's outstanding business with
	// lenders or borrowers outside its province; -1 when not reported.
	CrossProvinceBalance Money
	Notice               Date // the notice date the province set; zero when not set
}

// ConditionState is where one condition stands in a month.
type ConditionState string

const (
	ConditionMet     ConditionState = "met"     // 符合
	ConditionInGrace ConditionState = "grace"   // 不符合，仍在补足期限内
	ConditionLate    ConditionState = "late"    // 不符合，补足期限已过
	ConditionFailed  ConditionState = "failed"  // 不符合，无补足期限
	ConditionUnknown ConditionState = "unknown" // 未报送
)

// Label is the Chinese state.
func (s ConditionState) Label() string {
	return map[ConditionState]string{ConditionMet: "符合", ConditionInGrace: "不符合（补足期限内）",
		ConditionLate: "不符合（已超过补足期限）", ConditionFailed: "不符合", ConditionUnknown: "未报送"}[s]
}

// ConditionStatus is one condition in one month.
type ConditionStatus struct {
	Condition
	State  ConditionState
	Remedy *FilingRemedy // the period that applies, if any
}

// FilingMonthStatus is the month's filing conditions.
type FilingMonthStatus struct {
	Period     Period
	Conditions []ConditionStatus
}

// AllMet reports whether every condition is met.
func (s FilingMonthStatus) AllMet() bool {
	for _, c := range s.Conditions {
		if c.State != ConditionMet {
			return false
		}
	}
	return true
}

// FilingConditionsStatus recomputes the conditions of seeds/001 二 at the month end of
// in.Figures with EvaluateFilingConditions (the reserve against that month end's balance,
// "于每自然月末动态调整", 二(三)), and tells for each failing one whether its period
// from the notice still runs at that month end. A single-province platform's
// cross-province business is a further condition, to be nil by 18 months.
func FilingConditionsStatus(in FilingStatusInput) (FilingMonthStatus, error) {
	f := in.Facts
	f.RiskReserve, f.OutstandingBalance = in.Figures.RiskReserveBalance, in.Figures.Balance
	cs, err := EvaluateFilingConditions(f)
	if err != nil {
		return FilingMonthStatus{}, err
	}
	asOf := in.Figures.Period.MonthEnd()
	var remedies []FilingRemedy
	if !in.Notice.IsZero() {
		remedies = FilingRemedyDeadlines(in.Notice)
	}
	remedy := func(k FilingRemedyKind) *FilingRemedy {
		for i := range remedies {
			if remedies[i].Kind == k && remedies[i].Binds(f.Class) {
				return &remedies[i]
			}
		}
		return nil
	}
	byRule := map[string]FilingRemedyKind{citeFilingPilot + "二(二)": RemedyCapital, citeFilingPilot + "二(三)": RemedyReserve,
		citeFilingPilot + "二(四)": RemedyCompensation}
	state := func(pass bool, r *FilingRemedy) ConditionState {
		switch {
		case pass:
			return ConditionMet
		case r == nil:
			return ConditionFailed
		case asOf.After(r.Due):
			return ConditionLate
		}
		return ConditionInGrace
	}
	out := FilingMonthStatus{Period: in.Figures.Period}
	for _, c := range cs {
		var r *FilingRemedy
		if k, ok := byRule[c.Rule]; ok {
			r = remedy(k)
		}
		out.Conditions = append(out.Conditions, ConditionStatus{Condition: c, State: state(c.Pass, r), Remedy: r})
	}
	if f.Class == ClassSingleProvince {
		r := remedy(RemedyCrossProvince)
		c := Condition{Name: "跨省级区域存量业务余额", Threshold: "= 0 元（单一省级区域经营）", Rule: citeFilingPilot + "二(一)"}
		st := ConditionUnknown
		if in.CrossProvinceBalance >= 0 {
			c.Figure, c.Pass = yuan(in.CrossProvinceBalance), in.CrossProvinceBalance == 0
			st = state(c.Pass, r)
		} else {
			c.Figure = "未报送"
		}
		out.Conditions = append(out.Conditions, ConditionStatus{Condition: c, State: st, Remedy: r})
	}
	return out, nil
}

// String is one line for pages and logs.
func (c ConditionStatus) String() string {
	s := fmt.Sprintf("%s %s，要求 %s：%s（%s）", c.Name, c.Figure, c.Threshold, c.State.Label(), c.Rule)
	if c.Remedy != nil && c.State != ConditionMet {
		s += fmt.Sprintf("；%s期限 %s", c.Remedy.Name, c.Remedy.Due)
	}
	return s
}

// RuleFilingRemedy is the clock rule of a period of seeds/001 二 ("filing_remedy:capital" …).
func RuleFilingRemedy(k FilingRemedyKind) ClockRule { return ClockRule("filing_remedy:" + string(k)) }

// Clock is the period as a statutory clock from the notice date the province set: natural
// days from the day after the notice to r.Due (AddMonths, seeds/001 二), so it reads on a
// page as every other deadline does (还剩 N 天 / 已逾期 N 天). When the condition is met
// at the month end asOf, the clock is ended there as met.
func (r FilingRemedy) Clock(notice Date, met bool, asOf Date) *Clock {
	due := r.Due
	c := &Clock{Rule: RuleFilingRemedy(r.Kind), Label: r.Name + "期限", Citation: r.Clause, DayType: ClockNaturalDays,
		Length: due.Sub(notice), StartedAt: notice.Start(), DueDate: &due}
	if met {
		c.End(asOf.Start(), ClockMet, "月末数据符合条件")
	}
	return c
}

// RemedyView is the condition's period as a deadline chip at now, or nil without a period.
func (c ConditionStatus) RemedyView(notice Date, asOf Date, now time.Time) *ClockView {
	if c.Remedy == nil || notice.IsZero() {
		return nil
	}
	v := c.Remedy.Clock(notice, c.State == ConditionMet, asOf).View(nil, now)
	if v.Status == ClockMet {
		v.Text = "月末已符合（" + asOf.String() + "）"
	}
	return &v
}

// ValidateFilingNotice checks the notice date a province sets for the periods of seeds/001
// 二: a real date, not after today (the notice has been issued), and not before the pilot
// plan itself could apply (2019).
func ValidateFilingNotice(notice, today Date) error {
	switch {
	case notice.IsZero():
		return Errorf(EInvalid, "请填写通知印发日期")
	case notice.After(today):
		return Errorf(EInvalid, "通知印发日期 %s 晚于今天，请填写已印发通知的日期", notice)
	case notice.Year < 2019:
		return Errorf(EInvalid, "通知印发日期 %s 早于有条件备案试点（2019 年），请核对", notice)
	}
	return nil
}
