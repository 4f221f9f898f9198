package models

import (
	"strings"
	"testing"
	"time"
)

func TestAddMonths(t *testing.T) {
	cases := []struct {
		from string
		n    int
		want string
		why  string
	}{
		{"2026-03-15", 6, "2026-09-15", "corresponding day (民法典 第二百零二条)"},
		{"2026-08-31", 6, "2027-02-28", "no 31 February: month end"},
		{"2027-08-31", 6, "2028-02-29", "leap year month end"},
		{"2026-01-31", 1, "2026-02-28", "one month"},
		{"2026-12-15", 18, "2028-06-15", "across two year ends"},
		{"2026-07-31", 12, "2027-07-31", "twelve months"},
	}
	for _, c := range cases {
		if got := AddMonths(d(t, c.from), c.n); got != d(t, c.want) {
			t.Errorf("%s + %d: %v, want %s (%s)", c.from, c.n, got, c.want, c.why)
		}
	}
}

func TestFilingRemedyDeadlines(t *testing.T) {
	rs := FilingRemedyDeadlines(d(t, "2026-03-15"))
	want := map[FilingRemedyKind]string{
		RemedyCapital:       "2026-09-15", // 001 二(二) 6 months
		RemedyReserve:       "2027-03-15", // 001 二(三) 12 months
		RemedyCompensation:  "2027-03-15", // 001 二(四) 12 months
		RemedyCrossProvince: "2027-09-15", // 001 二(一) 18 months
	}
	if len(rs) != 4 {
		t.Fatalf("4 remedies, got %d", len(rs))
	}
	for _, r := range rs {
		if r.Due != d(t, want[r.Kind]) || !strings.HasPrefix(r.Clause, citeFilingPilot+"二(") {
			t.Errorf("%s: %v %s", r.Kind, r.Due, r.Clause)
		}
		cross := r.Kind == RemedyCrossProvince
		if !r.Binds(ClassSingleProvince) || r.Binds(ClassNational) == cross {
			t.Errorf("%s binds wrong classes: %v", r.Kind, r.Classes)
		}
	}
}

func TestFilingConditionsStatus(t *testing.T) {
	facts := FilingFacts{Class: ClassSingleProvince, PaidInCapital: 40_000_000 * OneYuan, CompensationRatio: 3 * Percent}
	figs := func(p Period, reserve Money) MonthlyFigures {
		return MonthlyFigures{Period: p, Balance: 2_000_000 * OneYuan, RiskReserveBalance: reserve}
	}
	notice := d(t, "2026-03-15")
	state := func(s FilingMonthStatus, prefix string) ConditionState {
		for _, c := range s.Conditions {
			if strings.HasPrefix(c.Name, prefix) {
				return c.State
			}
		}
		t.Fatalf("no condition %s", prefix)
		return ""
	}
	cases := []struct {
		period                         Period
		reserve                        Money
		cross                          Money
		capital, res, comp, crossState ConditionState
		why                            string
	}{
		// Capital 40,000,000 < 50,000,000 (001 二(二)): in grace to 2026-09-15.
		{Period{2026, 8}, 10_000 * OneYuan, 5_000 * OneYuan, ConditionInGrace, ConditionInGrace, ConditionMet, ConditionInGrace, "August: every period runs"},
		{Period{2026, 9}, 10_000 * OneYuan, 5_000 * OneYuan, ConditionLate, ConditionInGrace, ConditionMet, ConditionInGrace, "09-30 is after the capital's 09-15"},
		// Reserve 1% of 2,000,000 = 20,000 (001 二(三)), due 2027-03-15.
		{Period{2027, 2}, 10_000 * OneYuan, 5_000 * OneYuan, ConditionLate, ConditionInGrace, ConditionMet, ConditionInGrace, "February 2027: reserve period runs"},
		{Period{2027, 3}, 10_000 * OneYuan, 0, ConditionLate, ConditionLate, ConditionMet, ConditionMet, "03-31 past 03-15; cross-province cleared"},
		{Period{2027, 3}, 20_000 * OneYuan, -1, ConditionLate, ConditionMet, ConditionMet, ConditionUnknown, "reserve topped up at the month end; cross-province not reported"},
		{Period{2027, 9}, 20_000 * OneYuan, 1, ConditionLate, ConditionMet, ConditionMet, ConditionLate, "18 months ended 2027-09-15"},
	}
	for _, c := range cases {
		s, err := FilingConditionsStatus(FilingStatusInput{Facts: facts, Figures: figs(c.period, c.reserve), CrossProvinceBalance: c.cross, Notice: notice})
		if err != nil {
			t.Fatal(err)
		}
		if got := [4]ConditionState{state(s, "实缴货币资本"), state(s, "一般风险准备金"), state(s, "出借人风险补偿金"), state(s, "跨省级区域")}; got != [4]ConditionState{c.capital, c.res, c.comp, c.crossState} {
			t.Errorf("%s: %v", c.why, got)
		}
		if s.AllMet() {
			t.Errorf("%s: capital short, not all met", c.why)
		}
	}
	// Without a notice date a failing condition has no period.
	s, _ := FilingConditionsStatus(FilingStatusInput{Facts: facts, Figures: figs(Period{2026, 8}, 0), CrossProvinceBalance: 0})
	if state(s, "实缴货币资本") != ConditionFailed || !strings.Contains(s.Conditions[0].String(), "不符合") {
		t.Errorf("no notice: %v", s.Conditions[0])
	}
	// A national platform has no cross-province condition, and can meet everything.
	nat := FilingFacts{Class: ClassNational, PaidInCapital: 500_000_000 * OneYuan, CompensationRatio: 6 * Percent}
	s, err := FilingConditionsStatus(FilingStatusInput{Facts: nat, Figures: figs(Period{2026, 8}, 60_000*OneYuan), Notice: notice, CrossProvinceBalance: -1})
	if err != nil || !s.AllMet() || len(s.Conditions) != 3 {
		t.Errorf("national all met: %v %+v", err, s)
	}
	if _, err := FilingConditionsStatus(FilingStatusInput{}); ErrorCode(err) != EInvalid {
		t.Errorf("no class: %v", err)
	}
}

// The periods as clocks from a notice date, counted by hand: notice 2025-08-31, capital
// +6 months → 2026-02-28 (181 natural days), cross-province +18 → 2027-02-28. On 2026-03-02
// the capital period is 2 days overdue; a met condition's clock reads as met at the month end.
func TestFilingRemedyClocks(t *testing.T) {
	notice := NewDate(2025, 8, 31)
	rs := FilingRemedyDeadlines(notice)
	capital := rs[0].Clock(notice, false, NewDate(2026, 1, 31))
	if capital.Length != 181 || capital.DueDate.String() != "2026-02-28" {
		t.Fatalf("capital clock: %d days to %s", capital.Length, capital.DueDate)
	}
	now := NewDate(2026, 3, 2).Start().Add(10 * time.Hour)
	if v := capital.View(nil, now); !v.Overdue || v.Text != "已逾期 2 天" {
		t.Errorf("capital on 2026-03-02: %+v", v)
	}
	cs := ConditionStatus{Condition: Condition{Name: "跨省级区域存量业务余额"}, State: ConditionInGrace, Remedy: &rs[3]}
	if v := cs.RemedyView(notice, NewDate(2026, 1, 31), now); v == nil || v.Due != "2027-02-28" || v.Overdue {
		t.Errorf("cross-province: %+v", v)
	}
	cs.State = ConditionMet
	if v := cs.RemedyView(notice, NewDate(2026, 1, 31), now); v == nil || v.Status != ClockMet || v.Text != "月末已符合（2026-01-31）" {
		t.Errorf("met: %+v", v)
	}
	if v := cs.RemedyView(Date{}, NewDate(2026, 1, 31), now); v != nil {
		t.Errorf("no notice date, no clock: %+v", v)
	}
	for _, c := range []struct {
		d    Date
		want bool
	}{{NewDate(2026, 3, 2), true}, {NewDate(2026, 3, 3), false}, {Date{}, false}, {NewDate(2018, 12, 31), false}} {
		if err := ValidateFilingNotice(c.d, NewDate(2026, 3, 2)); (err == nil) != c.want {
			t.Errorf("notice %s: %v", c.d, err)
		}
	}
}
