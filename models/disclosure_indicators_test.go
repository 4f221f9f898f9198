package models

import (
	"strings"
	"testing"
)

func TestComputeIndicators(t *testing.T) {
	cur := baseFigures(t) // balance 2,000,000, cumulative 10,000,000, M90+ 50,000, related 100,000
	prev := baseFigures(t)
	prev.Period = Period{2026, 8}
	prev.Balance = yuanOf(t, "1900000")
	is := ComputeIndicators(ClassSingleProvince, cur, &prev, 0)
	get := func(is Indicators, k string) Indicator {
		i, ok := is.Get(k)
		if !ok {
			t.Fatalf("no indicator %s", k)
		}
		return i
	}
	// By hand: 50,000 / 2,000,000 = 2.50%; 50,000 / 10,000,000 = 0.50%; 100,000 / 2,000,000 = 5.00%.
	for k, want := range map[string]int64{IndM90Amount: 5_000_000, IndM90Rate: 250, IndM90CumulativeRate: 50,
		IndRelatedShare: 500, IndTop10Share: 3500, IndLargestShare: 600, IndBalanceChange: 10_000_000} {
		if i := get(is, k); !i.Known || i.Value != want {
			t.Errorf("%s = %d (%v), want %d", k, i.Value, i.Known, want)
		}
	}
	if i := get(is, IndM90Rate); !strings.Contains(i.Clause, "第九条(四)") || i.Text != "2.50%" {
		t.Errorf("M90+ rate clause/text: %+v", i)
	}
	// Rising balance before filing: hard line (001 二(一); plan 6 三(二)6).
	if i := get(is, IndBalanceChange); !i.Breached || !strings.Contains(i.Clause, "三(二)6") || !strings.Contains(i.Text, "增加 100,000.00 元") {
		t.Errorf("balance rise: %+v", i)
	}
	if i := get(ComputeIndicatorsFor(IndicatorInput{Class: ClassSingleProvince, Cur: cur, Prev: &prev, Filed: true}), IndBalanceChange); i.Breached {
		t.Errorf("a filed platform may grow: %+v", i)
	}
	down := prev
	down.Balance = yuanOf(t, "2100000")
	if i := get(ComputeIndicators(ClassSingleProvince, cur, &down, 0), IndBalanceChange); i.Breached || i.Value != -10_000_000 {
		t.Errorf("falling balance: %+v", i)
	}
	if i := get(ComputeIndicators(ClassSingleProvince, cur, nil, 0), IndBalanceChange); i.Known || i.Breached {
		t.Errorf("no previous month: %+v", i)
	}

	// Reserve 1% / 3% of 2,000,000 = 20,000 / 60,000 (001 二(三)); compensation 3% / 6% =
	// 60,000 / 120,000 (001 二(四)). baseFigures hold 20,000 and 60,000.
	if get(is, IndReserve).Breached || get(is, IndCompensation).Breached {
		t.Errorf("single-province reserve/compensation sufficient: %+v %+v", get(is, IndReserve), get(is, IndCompensation))
	}
	nat := ComputeIndicators(ClassNational, cur, &prev, 0)
	if r := get(nat, IndReserve); !r.Breached || !strings.Contains(r.Threshold, "60,000.00 元") || !strings.Contains(r.Clause, "二(三)") {
		t.Errorf("national reserve 3%%: %+v", r)
	}
	if c := get(nat, IndCompensation); !c.Breached || !strings.Contains(c.Threshold, "120,000.00 元") {
		t.Errorf("national compensation 6%%: %+v", c)
	}
	short := cur
	short.RiskReserveBalance = yuanOf(t, "19999.99")
	if !get(ComputeIndicators(ClassSingleProvince, short, nil, 0), IndReserve).Breached {
		t.Errorf("reserve one 分 short not breached")
	}
	if i := get(ComputeIndicators("", cur, nil, 0), IndReserve); i.Known || i.Breached {
		t.Errorf("unknown class: %+v", i)
	}

	// Cap violations (000 十, plan 1 五(三)).
	if i := get(is, IndCapViolations); i.Breached || !i.Known {
		t.Errorf("no violation: %+v", i)
	}
	if i := get(ComputeIndicators(ClassSingleProvince, cur, nil, 2), IndCapViolations); !i.Breached || i.Text != "2 户" {
		t.Errorf("2 violations: %+v", i)
	}
	if i := get(ComputeIndicators(ClassSingleProvince, cur, nil, -1), IndCapViolations); i.Known || i.Breached {
		t.Errorf("unknown: %+v", i)
	}
	if n := len(ComputeIndicators(ClassNational, cur, &prev, 3).Breaches()); n != 4 {
		t.Errorf("national: balance rise, reserve, compensation, caps breached; got %d", n)
	}

	empty := MonthlyFigures{Period: Period{2026, 9}}
	if i := get(ComputeIndicators(ClassSingleProvince, empty, nil, 0), IndM90Rate); i.Known || !strings.Contains(i.Text, "借贷余额为 0") {
		t.Errorf("rate over nil balance: %+v", i)
	}
}

func TestCompareFigures(t *testing.T) {
	declared := baseFigures(t)
	computed := baseFigures(t)
	if diffs := CompareFigures(declared, computed); len(diffs) != 0 {
		t.Fatalf("equal figures differ: %+v", diffs)
	}
	computed.Top10Share = 3501 // within 0.01 pp
	computed.LargestBorrowerShare = 602
	computed.Balance += 1 // one 分
	computed.Overdue90Count = 5
	diffs := CompareFigures(declared, computed)
	got := map[string]FigureDiff{}
	for _, d := range diffs {
		got[d.Field] = d
	}
	if len(diffs) != 3 {
		t.Errorf("want balance, largest share, M90+ count; got %+v", diffs)
	}
	if d := got["balance"]; d.Difference != -1 || d.Label != "借贷余额" || !strings.Contains(d.Text, "差额 -0.01 元") {
		t.Errorf("balance: %+v", d)
	}
	if d := got["largest_borrower_share"]; d.Difference != -2 || !strings.Contains(d.Text, "报送 6.00%，按借款明细计算 6.02%") {
		t.Errorf("share: %+v", d)
	}
	if d := got["overdue90_count"]; d.Declared != 4 || d.Computed != 5 {
		t.Errorf("count: %+v", d)
	}
	if _, ok := got["top10_share"]; ok {
		t.Errorf("0.01 pp is within the tolerance")
	}
	computed.CumulativeLenders = 0
	if diffs := CompareFiguresOn(declared, computed, LoanBookFieldKeys); len(diffs) != 3 {
		t.Errorf("lenders are not in a loan book: %+v", diffs)
	}
}
