package models

import (
	"slices"
	"testing"
)

func breachRules(bs []WarningBreach) []WarningRule {
	var out []WarningRule
	for _, b := range bs {
		out = append(out, b.Rule)
	}
	return out
}

// healthyMonth is a single-province platform's month that breaches nothing: M90+ 2% of
// the balance, largest borrower 1%, reserve 1.5% (≥ 1%), compensation 4% (≥ 3%),
// balance falling.
func healthyMonth() (cur, prev MonthlyFigures) {
	prev = MonthlyFigures{Period: Period{2026, 9}, CumulativeAmount: 500_000_000 * OneYuan, Balance: 110_000_000 * OneYuan}
	cur = MonthlyFigures{Period: Period{2026, 10}, CumulativeAmount: 520_000_000 * OneYuan, Balance: 100_000_000 * OneYuan,
		BalanceCount: 1000, OverdueAmount: 5_000_000 * OneYuan, OverdueCount: 80, Overdue90Amount: 2_000_000 * OneYuan, Overdue90Count: 30,
		Top10Share: 8 * Percent, LargestBorrowerShare: 1 * Percent,
		RiskReserveBalance: 1_500_000 * OneYuan, CompensationBalance: 4_000_000 * OneYuan}
	return cur, prev
}

func factsOf(cur, prev MonthlyFigures, caps int) WarningFacts {
	return WarningFacts{Declared: cur, Indicators: ComputeIndicators(ClassSingleProvince, cur, &prev, caps)}
}

func TestEvaluateWarnings(t *testing.T) {
	cur, prev := healthyMonth()
	if got := EvaluateWarnings(nil, factsOf(cur, prev, 0)); len(got) != 0 {
		t.Fatalf("healthy month breached %v", got)
	}
	cases := []struct {
		name string
		th   WarningThresholds
		edit func(c, p *MonthlyFigures, f *WarningFacts)
		caps int
		want []WarningRule
	}{
		// 5% default: 5,000,001 of 100,000,000 is 5.00% rounded down, not above; 6% is.
		{"m90 rate at the threshold is not above it", nil, func(c, p *MonthlyFigures, f *WarningFacts) { c.Overdue90Amount = 5_000_000 * OneYuan }, 0, nil},
		{"m90 rate above the default 5%", nil, func(c, p *MonthlyFigures, f *WarningFacts) { c.Overdue90Amount = 6_000_000 * OneYuan }, 0, []WarningRule{WarnM90Rate}},
		{"a jurisdiction's lower threshold", WarningThresholds{WarnM90Rate: 1 * int64(Percent)}, nil, 0, []WarningRule{WarnM90Rate}},
		{"largest borrower above 10%", nil, func(c, p *MonthlyFigures, f *WarningFacts) {
			c.LargestBorrowerShare = 11 * Percent
			c.Top10Share = 20 * Percent
		}, 0, []WarningRule{WarnLargestShare}},
		{"one borrower above the cap (000 十)", nil, nil, 1, []WarningRule{WarnCapViolation}},
		{"related-party lending", nil, func(c, p *MonthlyFigures, f *WarningFacts) { c.RelatedBalance, c.RelatedCount = 100*OneYuan, 1 }, 0, []WarningRule{WarnRelatedParty}},
		{"balance rising under rectification (plan 6 三(二)6)", nil, func(c, p *MonthlyFigures, f *WarningFacts) { p.Balance = 90_000_000 * OneYuan }, 0, []WarningRule{WarnBalanceRise}},
		// reserve 1% of 100,000,000 元 is 1,000,000 元: 999,999 元 is short (001 二(三))
		{"reserve below 1%", nil, func(c, p *MonthlyFigures, f *WarningFacts) { c.RiskReserveBalance = 999_999 * OneYuan }, 0, []WarningRule{WarnReserve}},
		{"compensation below 3%", nil, func(c, p *MonthlyFigures, f *WarningFacts) { c.CompensationBalance = 2_999_999 * OneYuan }, 0, []WarningRule{WarnCompensation}},
		{"a late report", nil, func(c, p *MonthlyFigures, f *WarningFacts) { f.LatePeriods = []Period{{2026, 10}} }, 0, []WarningRule{WarnLateReport}},
		{"two late reports tolerated by a threshold of 2", WarningThresholds{WarnLateReport: 2}, func(c, p *MonthlyFigures, f *WarningFacts) { f.LatePeriods = []Period{{2026, 9}, {2026, 10}} }, 0, nil},
		{"an open major event", nil, func(c, p *MonthlyFigures, f *WarningFacts) { f.OpenEvents = 1 }, 0, []WarningRule{WarnOpenEvent}},
		{"computed balance differs", nil, func(c, p *MonthlyFigures, f *WarningFacts) {
			comp := *c
			comp.Balance -= 1
			f.Computed = &comp
		}, 0, []WarningRule{WarnDeclaredComputed}},
		{"computed balance within a 1 元 tolerance", WarningThresholds{WarnDeclaredComputed: int64(OneYuan)}, func(c, p *MonthlyFigures, f *WarningFacts) {
			comp := *c
			comp.Balance -= 1
			f.Computed = &comp
		}, 0, nil},
		{"bank reserve account differs", nil, func(c, p *MonthlyFigures, f *WarningFacts) {
			f.Bank = &BankStatement{RiskReserve: c.RiskReserveBalance - 100*OneYuan, CompensationBalance: c.CompensationBalance}
		}, 0, []WarningRule{WarnDeclaredBank}},
		{"bank within tolerance", WarningThresholds{WarnDeclaredBank: 100 * int64(OneYuan)}, func(c, p *MonthlyFigures, f *WarningFacts) {
			f.Bank = &BankStatement{RiskReserve: c.RiskReserveBalance - 100*OneYuan, CompensationBalance: c.CompensationBalance}
		}, 0, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cur, prev := healthyMonth()
			f := WarningFacts{}
			if c.edit != nil {
				c.edit(&cur, &prev, &f)
			}
			facts := factsOf(cur, prev, c.caps)
			facts.LatePeriods, facts.OpenEvents, facts.Computed, facts.Bank = f.LatePeriods, f.OpenEvents, f.Computed, f.Bank
			got := breachRules(EvaluateWarnings(c.th, facts))
			if !slices.Equal(got, c.want) {
				t.Fatalf("breaches %v; want %v", got, c.want)
			}
		})
	}
}

func TestWarningRulesCiteOrAreLocal(t *testing.T) {
	seen := map[WarningRule]bool{}
	for _, r := range WarningRules {
		if r.Clause == "" || r.Name == "" || seen[r.Rule] {
			t.Errorf("rule %+v", r)
		}
		seen[r.Rule] = true
		if r.Unit == UnitNone && r.Local {
			t.Errorf("%s: a rule fixed by the seeds has no local threshold", r.Rule)
		}
	}
	if len(seen) != 11 {
		t.Fatalf("%d rules; the issue lists 11", len(seen))
	}
}

func TestParseThreshold(t *testing.T) {
	m90, _ := WarningRuleOf(WarnM90Rate)
	if v, err := m90.ParseThreshold("2.5%"); err != nil || v != 250 {
		t.Fatalf("2.5%% = %d, %v", v, err)
	}
	late, _ := WarningRuleOf(WarnLateReport)
	for _, bad := range []string{"-1", "x", "1.5"} {
		if _, err := late.ParseThreshold(bad); ErrorCode(err) != EInvalid {
			t.Errorf("%q accepted", bad)
		}
	}
	bank, _ := WarningRuleOf(WarnDeclaredBank)
	if v, err := bank.ParseThreshold("100.50"); err != nil || v != 10050 {
		t.Fatalf("100.50 元 = %d, %v", v, err)
	}
	rise, _ := WarningRuleOf(WarnBalanceRise)
	if _, err := rise.ParseThreshold("1"); ErrorCode(err) != EInvalid {
		t.Fatal("a fixed rule took a threshold")
	}
	merged := MergeThresholds(WarningThresholds{WarnM90Rate: 300, WarnLateReport: 1}, WarningThresholds{WarnM90Rate: 200})
	if merged.Of(WarnM90Rate) != 200 || merged.Of(WarnLateReport) != 1 || merged.Of(WarnOpenEvent) != 0 {
		t.Fatalf("merged %v", merged)
	}
}
