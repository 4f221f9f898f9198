package models

import (
	"strings"
	"testing"
)

func TestEffectiveRuleSet(t *testing.T) {
	cases := []struct {
		province, city, want RuleSetID
		why                  string
	}{
		{"", "", RuleSetNational, "national by default (SPEC §5)"},
		{RuleSetShanghai, "", RuleSetShanghai, "a province adopting Shanghai binds its cities"},
		{RuleSetShanghai, RuleSetNational, RuleSetNational, "a city's own choice overrides its province (003 §16, §23)"},
		{RuleSetNational, RuleSetShanghai, RuleSetShanghai, "a city may adopt Shanghai under a national province"},
		{"bogus", "", RuleSetNational, "unknown id counts as not set"},
		{RuleSetShanghai, "bogus", RuleSetShanghai, "unknown city id falls back to the province"},
	}
	for _, c := range cases {
		if got := EffectiveRuleSet(c.province, c.city); got != c.want {
			t.Errorf("%s: got %s", c.why, got)
		}
	}
}

func TestDisclosureRuleSets(t *testing.T) {
	n, s := DisclosureRules(RuleSetNational), DisclosureRules(RuleSetShanghai)
	n.Event.Length = 1
	if DisclosureRules(RuleSetNational).Event.Length != 48 {
		t.Errorf("DisclosureRules returned the table's rule itself")
	}
	n = DisclosureRules(RuleSetNational)
	if DisclosureRules("bogus").ID != RuleSetNational {
		t.Errorf("unknown id must get the national set")
	}
	// 003 §8 5 working days; 002 §9 the 10th; 003 §7 10 wd; 002 §13 15 / 5 wd; 003 §10 48 h.
	if n.Monthly.DayType != ClockWorkingDays || n.Monthly.Length != 5 || !strings.HasSuffix(n.Monthly.Clause, "第八条") {
		t.Errorf("national monthly: %+v", n.Monthly)
	}
	if s.Monthly.DayOfMonth != 10 || !strings.Contains(s.Monthly.Clause, "第九条(一)(二)") {
		t.Errorf("Shanghai monthly: %+v", s.Monthly)
	}
	if n.Change.Length != 10 || s.Change.Length != 15 || s.ChangeMajor == nil || s.ChangeMajor.Length != 5 || n.ChangeMajor != nil {
		t.Errorf("change rules: %+v %+v %+v", n.Change, s.Change, s.ChangeMajor)
	}
	if n.Event == nil || n.Event.Length != 48 || n.Event.DayType != ClockHours || s.Event != nil {
		t.Errorf("event rules: %+v %+v", n.Event, s.Event)
	}
	if n.Overdue90Inclusive || !s.Overdue90Inclusive || n.DeductCompensated || !s.DeductCompensated {
		t.Errorf("overdue 90 readings: national %+v Shanghai %+v", n, s)
	}
	for _, rs := range []DisclosureRuleSet{n, s} {
		for _, r := range []*DeadlineRule{&rs.Monthly, rs.Quarterly, rs.AnnualBasic, &rs.AnnualAudit, &rs.Change, rs.ChangeMajor, rs.Event} {
			if r != nil && (r.Clause == "" || r.Name == "" || r.Text == "") {
				t.Errorf("%s: rule without clause or name: %+v", rs.ID, r)
			}
		}
		if rs.Overdue90Clause == "" {
			t.Errorf("%s: overdue clause", rs.ID)
		}
	}
}

func TestMonthlyFigureFields(t *testing.T) {
	// Every numeric item of 003 §8 and the two 001 balances, each with a distinct key.
	if len(MonthlyFigureFields) != 20 {
		t.Fatalf("want 18 items of 003 §8(一)–(九) + 2 balances, got %d", len(MonthlyFigureFields))
	}
	var f MonthlyFigures
	keys := map[string]bool{}
	for i, ff := range MonthlyFigureFields {
		if keys[ff.Key] || ff.Label == "" || ff.Clause == "" {
			t.Errorf("field %d: %+v", i, ff)
		}
		keys[ff.Key] = true
		ff.Set(&f, int64(i+1))
	}
	// Each setter writes its own struct field: spot-check by hand.
	if f.CumulativeAmount != 1 || f.BalanceCount != 4 || f.CurrentBorrowers != 8 || f.Top10Share != 9 ||
		f.Overdue90Count != 16 || f.CompensationBalance != 20 {
		t.Errorf("setters: %+v", f)
	}
	b, _ := MonthlyFigureFieldOf("balance")
	l, _ := MonthlyFigureFieldOf("current_lenders")
	s, _ := MonthlyFigureFieldOf("top10_share")
	if b.Format(123456) != "1,234.56 元" || l.Format(7) != "7 人" || s.Format(1250) != "12.50%" {
		t.Errorf("formats: %s %s %s", b.Format(123456), l.Format(7), s.Format(1250))
	}
}
