package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"portal/models"
	"portal/models/store"
	"portal/web/browsertest"
	"portal/web/webtest"
)

// breachingMonth is October 2026 for a single-province platform whose M90+ is 8% of its
// balance: above the default 5% threshold. Reserve and compensation meet 001 二(三)(四).
func breachingMonth() models.MonthlyFigures {
	return models.MonthlyFigures{Period: models.Period{Year: 2026, Month: 10},
		CumulativeAmount: 800_000_000 * models.OneYuan, CumulativeCount: 20000,
		Balance: 100_000_000 * models.OneYuan, BalanceCount: 1000,
		CumulativeLenders: 5000, CumulativeBorrowers: 3000, CurrentLenders: 800, CurrentBorrowers: 600,
		Top10Share: 8 * models.Percent, LargestBorrowerShare: 1 * models.Percent,
		OverdueAmount: 10_000_000 * models.OneYuan, OverdueCount: 120, Overdue90Amount: 8_000_000 * models.OneYuan, Overdue90Count: 90,
		CompensationAmount: 1_000_000 * models.OneYuan, CompensationCount: 10, FeeSchedule: "服务费 1%",
		RiskReserveBalance: 3_000_000 * models.OneYuan, CompensationBalance: 6_000_000 * models.OneYuan}
}

// TestBrowserWarningOpenedAndClosed: a month above the M90+ threshold opens a task when
// the early-warning job runs; the district officer sees it with its deadline, is refused
// an empty finding without losing the evidence choice, closes it with a finding and
// evidence; the city sees it closed and is told. Running the job again opens nothing new.
func TestBrowserWarningOpenedAndClosed(t *testing.T) {
	env := webtest.New(t)
	ctx := context.Background()
	p1 := actAs(t, env, "platform1")
	if _, err := env.Store.SubmitMonthlyReport(ctx, p1, store.ReportInput{InstitutionID: *p1.User.InstitutionID,
		Figures: breachingMonth(), Source: models.SourceForm}); err != nil {
		t.Fatal(err)
	}
	if err := env.Web.RunJobs(ctx); err != nil {
		t.Fatal(err)
	}
	d1 := actAs(t, env, "district1")
	tasks, total, err := env.Store.ListWarningTasks(ctx, d1.User, store.WarningFilter{Status: "open"}, models.Page{Number: 1, Size: 20})
	if err != nil || total != 1 || tasks[0].Rule != models.WarnM90Rate {
		t.Fatalf("tasks after the job: %d %+v %v", total, tasks, err)
	}
	if err := env.Web.RunJobs(ctx); err != nil {
		t.Fatal(err)
	}
	if _, again, _ := env.Store.ListWarningTasks(ctx, d1.User, store.WarningFilter{}, models.Page{Number: 1, Size: 20}); again != 1 {
		t.Fatalf("a second run made %d tasks", again)
	}
	// district2 (海珠区) does not see 天河区's task
	d2 := actAs(t, env, "district2")
	if _, n, _ := env.Store.ListWarningTasks(ctx, d2.User, store.WarningFilter{}, models.Page{Number: 1, Size: 20}); n != 0 {
		t.Fatalf("another district sees %d tasks", n)
	}

	b := browsertest.New(t, env.Server.URL)
	browserLogin(b, "district1")
	b.Open("/warnings")
	b.ExpectText("[data-testid=warnings]", "90天以上逾期率", "8.00%", "处置期限")
	b.Click("[data-testid=warnings] tbody a")
	b.ExpectText("[data-testid=warning-rule]", "90天以上逾期率")
	// no finding: refused, in Chinese
	upload(b, "#f-evidence", samplePDF(t, "现场核查记录.pdf"))
	b.Click("[data-testid=warning-close]")
	b.ExpectText("[data-testid=error-finding]", "请填写核查处置意见")
	b.Screenshot("refused")
	setValue(b, "#f-finding", "已约谈机构负责人，逾期项目系两家借款企业停产所致，已督促其制定清收方案并按月报告。")
	upload(b, "#f-evidence", samplePDF(t, "现场核查记录.pdf"))
	b.Click("[data-testid=warning-close]")
	b.ExpectText("[data-testid=warning-closed]", "已处置")
	b.ExpectText("[data-testid=warning-finding]", "已约谈机构负责人")
	b.ExpectText("main", "现场核查记录.pdf")
	b.Screenshot("closed")
	browserLogout(b)

	// the city sees it closed, and was told
	browserLogin(b, "city1")
	b.Open("/warnings?status=closed")
	b.ExpectText("[data-testid=warnings]", "已处置", "天河")
	b.Open("/inbox")
	b.ExpectText("main", "预警已处置")
	browserLogout(b)

	// a closed task cannot be closed again
	c := env.Client(t)
	c.Login("district1", webtest.DemoPassword)
	resp, _ := c.Submit("/warnings/"+itoa(tasks[0].ID)+"/close", url.Values{"finding": {"再次处置"}})
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("closing twice: %d", resp.StatusCode)
	}
}

// TestWarningSettingsKeepTypedValues: a bad threshold re-renders the form with the
// message and every value typed; a good one changes what the next run uses.
func TestWarningSettingsKeepTypedValues(t *testing.T) {
	env := webtest.New(t)
	c := env.Client(t)
	c.Login("city1", webtest.DemoPassword)
	resp, body := c.Submit("/warnings/settings", url.Values{"t_m90_rate": {"百分之五"}, "t_largest_share": {"12"}, "service_days": {"7"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad threshold: %d", resp.StatusCode)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if msg := doc.Find("[data-testid=error-t_m90_rate]").Text(); msg == "" {
		t.Fatal("no message for the bad threshold")
	}
	if v, _ := doc.Find("#f-t_largest_share").Attr("value"); v != "12" {
		t.Fatalf("typed largest share lost: %q", v)
	}
	if v, _ := doc.Find("#f-service_days").Attr("value"); v != "7" {
		t.Fatalf("typed service days lost: %q", v)
	}
	resp, _ = c.Submit("/warnings/settings", url.Values{"t_m90_rate": {"9"}, "service_days": {"7"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving: %d", resp.StatusCode)
	}
	// 8% is now below 广州市's 9%: the breaching month opens nothing
	ctx := context.Background()
	p1 := actAs(t, env, "platform1")
	if _, err := env.Store.SubmitMonthlyReport(ctx, p1, store.ReportInput{InstitutionID: *p1.User.InstitutionID,
		Figures: breachingMonth(), Source: models.SourceForm}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Store.RunEarlyWarning(ctx, env.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	d1 := actAs(t, env, "district1") // platform1's district; the demo's filed platform5 may warn on its own
	if _, n, err := env.Store.ListWarningTasks(ctx, d1.User, store.WarningFilter{Rule: models.WarnM90Rate}, models.Page{Number: 1, Size: 20}); err != nil || n != 0 {
		t.Fatalf("%d M90+ tasks (%v) under a 9%% threshold", n, err)
	}
	ws, err := env.Store.WarningSettingsFor(ctx, *actAs(t, env, "district1").User.DivisionID)
	if err != nil || ws.Effective.Of(models.WarnM90Rate) != 900 || ws.ServiceDays != 7 {
		t.Fatalf("district inherits %+v, %v", ws, err)
	}
	if _, page := c.Get("/warnings/settings"); !strings.Contains(page, "9.00%") {
		t.Fatal("settings page does not show the threshold in force")
	}
}
