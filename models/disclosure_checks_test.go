package models

import (
	"strings"
	"testing"
)

// baseFigures are a consistent month, built by hand.
func baseFigures(t testing.TB) MonthlyFigures {
	return MonthlyFigures{
		Period:           Period{2026, 9},
		CumulativeAmount: yuanOf(t, "10000000"), CumulativeCount: 500,
		Balance: yuanOf(t, "2000000"), BalanceCount: 120,
		CumulativeLenders: 800, CumulativeBorrowers: 300, CurrentLenders: 400, CurrentBorrowers: 100,
		Top10Share: 3500, LargestBorrowerShare: 600,
		RelatedBalance: yuanOf(t, "100000"), RelatedCount: 3,
		OverdueAmount: yuanOf(t, "150000"), OverdueCount: 10,
		Overdue90Amount: yuanOf(t, "50000"), Overdue90Count: 4,
		CompensationAmount: yuanOf(t, "20000"), CompensationCount: 2,
		FeeSchedule:        "服务费：借款金额的 1%",
		RiskReserveBalance: yuanOf(t, "20000"), CompensationBalance: yuanOf(t, "60000"),
	}
}

func TestCheckMonthlyFiguresConsistent(t *testing.T) {
	cur := baseFigures(t)
	prev := baseFigures(t)
	prev.Period = Period{2026, 8}
	prev.CumulativeAmount, prev.Balance = yuanOf(t, "9800000"), yuanOf(t, "1900000")
	if errs := CheckMonthlyFigures(cur, &prev); len(errs) != 0 {
		t.Fatalf("consistent figures refused:\n%s", FieldErrorsText(errs))
	}
	// Bounds met exactly: 1/100 = 1.00% largest with rounding, top ten 10 × 6.00% + 0.10%.
	edge := baseFigures(t)
	edge.LargestBorrowerShare, edge.Top10Share = 99, 999
	edge2 := baseFigures(t)
	edge2.Top10Share = 6010
	for _, f := range []MonthlyFigures{edge, edge2} {
		if errs := CheckMonthlyFigures(f, nil); len(errs) != 0 {
			t.Errorf("figures on the bounds refused:\n%s", FieldErrorsText(errs))
		}
	}
	if errs := CheckMonthlyFigures(MonthlyFigures{Period: Period{2026, 1}}, nil); len(errs) != 0 {
		t.Fatalf("an empty platform's zeros refused:\n%s", FieldErrorsText(errs))
	}
}

func TestCheckMonthlyFiguresContradictions(t *testing.T) {
	cases := []struct {
		name   string
		change func(*MonthlyFigures)
		field  string
		words  []string // in the message: both fields and the clause
	}{
		{"share above 100%", func(f *MonthlyFigures) { f.Top10Share = 10001 }, "top10_share",
			[]string{"前十大借款人待还金额占比", "100%", "第八条(五)"}},
		{"largest share above 100%", func(f *MonthlyFigures) { f.LargestBorrowerShare = 10050; f.Top10Share = 10050 }, "largest_borrower_share",
			[]string{"最大单一借款人待还金额占比", "100.50%"}},
		{"current borrowers above cumulative", func(f *MonthlyFigures) { f.CurrentBorrowers = 301; f.BalanceCount = 400; f.CumulativeCount = 600 }, "current_borrowers",
			[]string{"当期借款人数量（301 人）", "累计借款人数量（300 人）", "2.4.4、2.4.6"}},
		{"current lenders above cumulative", func(f *MonthlyFigures) { f.CurrentLenders = 801 }, "current_lenders",
			[]string{"当期出借人数量", "累计出借人数量", "2.4.5、2.4.7"}},
		{"M90+ amount above overdue", func(f *MonthlyFigures) { f.Overdue90Amount = yuanOf(t, "150000.01") }, "overdue90_amount",
			[]string{"逾期90天以上金额（150,000.01 元）", "逾期金额（150,000.00 元）", "2.4.11、2.4.13"}},
		{"M90+ count above overdue", func(f *MonthlyFigures) { f.Overdue90Count = 11 }, "overdue90_count",
			[]string{"逾期90天以上笔数", "逾期笔数", "2.4.12、2.4.14"}},
		{"balance above cumulative amount", func(f *MonthlyFigures) { f.Balance = yuanOf(t, "10000000.01") }, "balance",
			[]string{"借贷余额", "累计借贷金额", "2.4.1、2.4.3"}},
		{"balance count above cumulative count", func(f *MonthlyFigures) { f.BalanceCount = 501 }, "balance_count",
			[]string{"借贷余额笔数", "累计借贷笔数"}},
		{"top-10 share below largest", func(f *MonthlyFigures) { f.LargestBorrowerShare = 3600 }, "largest_borrower_share",
			[]string{"最大单一借款人待还金额占比（36.00%）", "前十大借款人待还金额占比（35.00%）", "2.4.8、2.4.9"}},
		{"related balance above balance", func(f *MonthlyFigures) { f.RelatedBalance = yuanOf(t, "2000000.01") }, "related_balance",
			[]string{"关联关系借款余额", "借贷余额", "2.4.10"}},
		{"negative count", func(f *MonthlyFigures) { f.OverdueCount = -1 }, "overdue_count",
			[]string{"逾期笔数不能为负数", "第八条(七)"}},
		{"negative amount", func(f *MonthlyFigures) { f.CompensationAmount = -100 }, "compensation_amount",
			[]string{"累计代偿金额不能为负数", "-1.00 元"}},
		{"amount without count", func(f *MonthlyFigures) { f.RelatedCount = 0 }, "related_count",
			[]string{"关联关系借款余额为 100,000.00 元", "关联关系借款笔数却为 0"}},
		{"count without amount", func(f *MonthlyFigures) { f.CompensationAmount = 0 }, "compensation_amount",
			[]string{"累计代偿笔数为 2 笔", "累计代偿金额却为 0"}},
		{"balance without current lenders", func(f *MonthlyFigures) { f.CurrentLenders = 0 }, "current_lenders",
			[]string{"借贷余额为 2,000,000.00 元", "当期出借人数量却为 0"}},
		{"more current borrowers than outstanding loans", func(f *MonthlyFigures) { f.CurrentBorrowers = 121 }, "current_borrowers",
			[]string{"当期借款人数量（121 人）", "借贷余额笔数（120 笔）"}},
		{"ten borrowers or fewer: top ten are all", func(f *MonthlyFigures) { f.CurrentBorrowers = 8 }, "top10_share",
			[]string{"当期借款人数量为 8 人", "应为 100%", "35.00%"}},
		{"largest below 1/n of 100 borrowers", func(f *MonthlyFigures) { f.LargestBorrowerShare = 98; f.Top10Share = 980 }, "largest_borrower_share",
			[]string{"当期借款人数量为 100 人", "至少应为 1/100（约 1.00%）", "收到 0.98%", "2.4.6、2.4.9"}},
		{"top ten below 10/n of 100 borrowers", func(f *MonthlyFigures) { f.LargestBorrowerShare = 98; f.Top10Share = 980 }, "top10_share",
			[]string{"至少应为 10/100（约 10.00%）", "收到 9.80%"}},
		{"top ten above ten times the largest", func(f *MonthlyFigures) { f.Top10Share = 6011 }, "top10_share",
			[]string{"前十大借款人待还金额占比（60.11%）超过最大单一借款人待还金额占比（6.00%）的 10 倍"}},
		{"nil balance with a share", func(f *MonthlyFigures) {
			f.Balance, f.BalanceCount, f.RelatedBalance, f.RelatedCount, f.Overdue90Amount, f.Overdue90Count = 0, 0, 0, 0, 0, 0
			f.OverdueCount, f.OverdueAmount, f.CurrentBorrowers = 0, 0, 0
		}, "top10_share", []string{"借贷余额为 0", "前十大借款人待还金额占比不应为 35.00%"}},
	}
	for _, c := range cases {
		f := baseFigures(t)
		c.change(&f)
		errs := CheckMonthlyFigures(f, nil)
		var hit *FieldError
		for i := range errs {
			if errs[i].Field == c.field {
				hit = &errs[i]
				break
			}
		}
		if hit == nil {
			t.Errorf("%s: no error on %s; got\n%s", c.name, c.field, FieldErrorsText(errs))
			continue
		}
		if hit.Err.Code != EInvalid {
			t.Errorf("%s: code %s", c.name, hit.Err.Code)
		}
		for _, w := range c.words {
			if !strings.Contains(hit.Err.Message, w) {
				t.Errorf("%s: message %q lacks %q", c.name, hit.Err.Message, w)
			}
		}
	}
}

func TestCheckMonthlyFiguresAgainstPrevious(t *testing.T) {
	cur := baseFigures(t)
	prev := baseFigures(t)
	prev.Period = Period{2026, 8}
	prev.CumulativeAmount = yuanOf(t, "10000000.01")
	prev.CumulativeBorrowers = 301
	errs := CheckMonthlyFigures(cur, &prev)
	got := map[string]string{}
	for _, e := range errs {
		got[e.Field] = e.Err.Message
	}
	for field, words := range map[string][]string{
		"cumulative_amount":    {"累计借贷金额（10,000,000.00 元）少于 2026-08 报告的累计借贷金额（10,000,000.01 元）", "只增不减", "第八条(一)"},
		"cumulative_borrowers": {"累计借款人数量（300 人）少于 2026-08", "第八条(三)"},
	} {
		for _, w := range words {
			if !strings.Contains(got[field], w) {
				t.Errorf("%s: %q lacks %q", field, got[field], w)
			}
		}
	}
	if _, ok := got["balance"]; ok {
		t.Errorf("balance growth compared with a fallen cumulative figure: %s", got["balance"])
	}
	grow := baseFigures(t)
	grow.Period = Period{2026, 8}
	grow.CumulativeAmount, grow.Balance = yuanOf(t, "9900000"), yuanOf(t, "1000000")
	errs = CheckMonthlyFigures(cur, &grow)
	if len(errs) != 1 || errs[0].Field != "balance" ||
		!strings.Contains(errs[0].Err.Message, "借贷余额较 2026-08 增加 1,000,000.00 元，超过同期累计借贷金额的增加 100,000.00 元") {
		t.Errorf("balance grew by more than new lending: %s", FieldErrorsText(errs))
	}
	// A later "previous" month is not compared (nothing to say about order here).
	later := baseFigures(t)
	later.Period = Period{2026, 10}
	later.CumulativeAmount = yuanOf(t, "99999999")
	if errs := CheckMonthlyFigures(cur, &later); len(errs) != 0 {
		t.Errorf("later month compared: %s", FieldErrorsText(errs))
	}
	bad := baseFigures(t)
	bad.Period = Period{2026, 13}
	if errs := CheckMonthlyFigures(bad, nil); len(errs) != 1 || errs[0].Field != "period" {
		t.Errorf("invalid period: %s", FieldErrorsText(errs))
	}
}

func FuzzCheckMonthlyFigures(f *testing.F) {
	f.Add(int64(1000), int64(10), int64(500), int64(5), int64(3500), int64(600), int64(20), int64(3), int64(-1))
	f.Add(int64(0), int64(0), int64(0), int64(0), int64(0), int64(0), int64(0), int64(0), int64(0))
	f.Fuzz(func(t *testing.T, cum, cumN, bal, balN, top, big, borrowers, m90N, prevCum int64) {
		cur := MonthlyFigures{Period: Period{2026, 9}, CumulativeAmount: Money(cum), CumulativeCount: cumN, Balance: Money(bal),
			BalanceCount: balN, Top10Share: Ratio(top), LargestBorrowerShare: Ratio(big), CurrentBorrowers: borrowers,
			CumulativeBorrowers: borrowers, Overdue90Count: m90N, OverdueCount: m90N}
		prev := MonthlyFigures{Period: Period{2026, 8}, CumulativeAmount: Money(prevCum)}
		for _, e := range CheckMonthlyFigures(cur, &prev) {
			if _, ok := MonthlyFigureFieldOf(e.Field); !ok && e.Field != "period" {
				t.Fatalf("error on unknown field %q", e.Field)
			}
			if e.Err == nil || e.Err.Message == "" || e.Err.Code != EInvalid {
				t.Fatalf("bad error %+v", e)
			}
		}
	})
}
