package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"portal/models"
	"portal/models/store"
	"portal/web/webtest"
)

// Under the Shanghai set the platform's submission calendar times each quarter against the
// first version of the quarter-end month's report (seeds/002 §9(三)–(五), 30 natural days
// after the quarter): March's figures sent on 2026-04-20 are late for the month (the 10th,
// §9(一)) and on time for the first quarter (2026-04-30); June's never came, so on
// 2026-11-23 the second quarter (2026-07-30) reads 逾期未报.
func TestPlatformCalendarQuarterly(t *testing.T) {
	env := webtest.New(t)
	ctx := t.Context()
	p5 := demoUser(t, env, "platform5")
	if err := env.Store.SetRuleSetting(ctx, store.Actor{User: demoUser(t, env, "province1"), Now: env.Clock.Now()}, models.RuleSetShanghai); err != nil {
		t.Fatal(err)
	}
	db, _ := env.Store.SQLDB()
	if _, err := db.Exec("UPDATE filings SET filing_date = '2025-06-01' WHERE institution_id = $1", *p5.InstitutionID); err != nil {
		t.Fatal(err)
	}
	f := models.MonthlyFigures{Period: models.Period{Year: 2026, Month: 3}, CumulativeAmount: 900_000_000 * models.OneYuan, CumulativeCount: 12000,
		Balance: 300_000_000 * models.OneYuan, BalanceCount: 4000, CumulativeLenders: 9000, CumulativeBorrowers: 3000, CurrentLenders: 2000,
		CurrentBorrowers: 800, Top10Share: 850, LargestBorrowerShare: 120, OverdueAmount: 5_000_000 * models.OneYuan, OverdueCount: 40,
		Overdue90Amount: 2_000_000 * models.OneYuan, Overdue90Count: 15, FeeSchedule: "借款人服务费：借款本金的 1%", RiskReserveBalance: 3_000_000 * models.OneYuan}
	sent := time.Date(2026, 4, 20, 10, 0, 0, 0, models.ChinaTime)
	if _, err := env.Store.SubmitMonthlyReport(ctx, store.Actor{User: p5, Now: sent}, store.ReportInput{InstitutionID: *p5.InstitutionID,
		Figures: f, Source: models.SourceForm}); err != nil {
		t.Fatal(err)
	}
	_, body := login(t, env, "platform5").Get("/platform/dashboard")
	rows := map[string]string{}
	parseHTML(t, body).Find(`[data-testid="calendar"] tbody tr`).Each(func(_ int, s *goquery.Selection) {
		tds := s.Find("td")
		rows[strings.TrimSpace(tds.Eq(1).Text())] = strings.TrimSpace(tds.Eq(2).Text()) + " | " + strings.TrimSpace(tds.Eq(3).Text())
	})
	for covers, want := range map[string][]string{
		"2026年第1季度": {"2026-04-30", "按时报送", "随 2026-03 月度数据报送"},
		"2026-03":   {"2026-04-10", "逾期报送"},
		"2026年第2季度": {"2026-07-30", "逾期未报"},
	} {
		for _, w := range want {
			if !strings.Contains(rows[covers], w) {
				t.Errorf("%s: %q lacks %q", covers, rows[covers], w)
			}
		}
	}
}
