package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"portal/models"
	"portal/web/webtest"
)

// monthlyForm is a consistent month of figures, as typed.
func monthlyForm(period string) url.Values {
	return url.Values{
		"period": {period}, "cumulative_amount": {"900,000,000.00"}, "cumulative_count": {"12000"},
		"balance": {"300000000"}, "balance_count": {"4000"}, "cumulative_lenders": {"9000"}, "cumulative_borrowers": {"3000"},
		"current_lenders": {"2000"}, "current_borrowers": {"800"}, "top10_share": {"8.5"}, "largest_borrower_share": {"1.2"},
		"related_balance": {""}, "related_count": {""}, "overdue_amount": {"5000000"}, "overdue_count": {"40"},
		"overdue90_amount": {"2000000"}, "overdue90_count": {"15"}, "compensation_amount": {"0"}, "compensation_count": {"0"},
		"fee_schedule": {"借款人服务费：借款本金的 1%"}, "risk_reserve_balance": {"3000000"}, "compensation_balance": {"0"},
	}
}

// The filed platform submits a month by form: a bad item is refused beside its field
// with everything typed kept; a good one is recorded and a second submission is version 2.
func TestDisclosureMonthlyForm(t *testing.T) {
	env := webtest.New(t)
	c := login(t, env, "platform5")
	_, body := c.Get("/platform/disclosure")
	webtest.Contains(t, body, "适用规则", "全国信息披露指引", "2026-10 月度数据", "报送截止")
	bad := monthlyForm("2026-10")
	bad.Set("top10_share", "120")
	bad.Set("cumulative_count", "十二")
	resp, body := c.Submit("/platform/disclosure/monthly", bad)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad figures: %d", resp.StatusCode)
	}
	webtest.Contains(t, body, "不能超过 100%", "累计借贷笔数应为不小于 0 的整数", `value="十二"`, "借款人服务费：借款本金的 1%")
	// a contradiction (M90+ above all overdue) is refused beside the field, through drules' cross-checks
	contra := monthlyForm("2026-10")
	contra.Set("overdue90_amount", "6000000")
	resp, body = c.Submit("/platform/disclosure/monthly", contra)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="error-overdue90_amount"`) {
		t.Fatalf("contradiction: %d", resp.StatusCode)
	}
	webtest.Contains(t, body, `value="6000000"`)
	resp, _ = c.Submit("/platform/disclosure/monthly", monthlyForm("2026-10"))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("good figures: %d", resp.StatusCode)
	}
	inst := *demoUser(t, env, "platform5").InstitutionID
	f, ok, err := env.Store.DeclaredFigures(t.Context(), inst, models.Period{Year: 2026, Month: 10})
	if err != nil || !ok || f.Top10Share != 850 || f.CumulativeAmount != 900_000_000*models.OneYuan {
		t.Fatalf("declared: %v %v %+v", ok, err, f)
	}
	corr := monthlyForm("2026-10")
	corr.Set("overdue_count", "41")
	corr.Set("note", "更正逾期笔数")
	if resp, _ := c.Submit("/platform/disclosure/monthly", corr); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("correction: %d", resp.StatusCode)
	}
	_, body = c.Get("/platform/disclosure/monthly/2026-10")
	webtest.Contains(t, body, "共 2 个版本", "更正逾期笔数", ">40 笔<", ">41 笔<")
	// a platform not filed is told so
	c1 := login(t, env, "platform1")
	resp, _ = c1.Get("/platform/disclosure/monthly/new")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/platform/disclosure" {
		t.Fatalf("unfiled platform: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = c1.Get("/platform/disclosure")
	webtest.Contains(t, body, "尚未完成备案登记")
}

// The officers' list shows the filed platform's month with its status and the months it
// never reported; the export holds the same rows.
func TestDisclosureMonitorList(t *testing.T) {
	env := webtest.New(t)
	city := login(t, env, "city1")
	_, body := city.Get("/disclosure?period=2026-10")
	// the clock stands at 2026-11-23: the 5th working day of November (2026-11-06) has passed
	webtest.Contains(t, body, "广州海珠示范互联网金融信息服务有限公司", "逾期未报", "报送截止：2026-11-06（已逾期 17 天）",
		`data-testid="missing">2026-10<`)
	p5 := login(t, env, "platform5")
	if resp, _ := p5.Submit("/platform/disclosure/monthly", monthlyForm("2026-10")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", resp.StatusCode)
	}
	_, body = city.Get("/disclosure?period=2026-10&status=late")
	webtest.Contains(t, body, "广州海珠示范互联网金融信息服务有限公司", "逾期报送", "第 1 版")
	if _, body = city.Get("/disclosure?period=2026-10&status=on_time"); strings.Contains(body, "广州海珠示范") {
		t.Fatal("a late report is listed as on time")
	}
	// district1 (天河区) does not see 海珠区
	d1 := login(t, env, "district1")
	_, body = d1.Get("/disclosure?period=2026-10")
	if strings.Contains(body, "广州海珠示范") {
		t.Fatal("district1 sees another district's institution")
	}
}

// A 48-hour event: incomplete, it is refused with what was typed kept; complete, it is
// recorded with its due time, and the district officer sees it open.
func TestDisclosureMajorEvent(t *testing.T) {
	env := webtest.New(t)
	c := login(t, env, "platform5")
	form := url.Values{"kind": {"major"}, "category": {"company_litigation"}, "title": {"涉及重大诉讼"},
		"occurred_at": {"2026-11-22T10:00"}, "cause": {"出借人集体诉讼"}, "state": {""}, "impact": {"可能影响兑付"}, "measures": {"已聘请律师应诉"}}
	resp, body := c.Submit("/platform/disclosure/events", form)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="error-state"`) {
		t.Fatalf("incomplete event: %d", resp.StatusCode)
	}
	webtest.Contains(t, body, "出借人集体诉讼", "已聘请律师应诉")
	form.Set("state", "法院已立案")
	if resp, _ := c.Submit("/platform/disclosure/events", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("event: %d", resp.StatusCode)
	}
	_, body = c.Get("/platform/disclosure/events")
	// occurred 2026-11-22 10:00, filed 2026-11-23 09:00: within the 48 hours, due 11-24 10:00
	webtest.Contains(t, body, "涉及重大诉讼", "披露期限：2026-11-24 10:00（按时披露）", "未结")
	d3 := login(t, env, "district3")
	_, body = d3.Get("/disclosure/events?open=1")
	webtest.Contains(t, body, "广州海珠示范互联网金融信息服务有限公司", "涉及重大诉讼", "法院已立案")
	_, body = d3.Get("/inbox")
	webtest.Contains(t, body, "披露重大事项")
}
