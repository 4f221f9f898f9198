package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/xuri/excelize/v2"

	"portal/models"
	"portal/web/webtest"
)

// The province sets the notice date of seeds/001 二; a bad date or a change without its
// reason is refused beside the field with what was typed kept; each setting is recorded.
// The periods then run as clocks from the date: the indicator page and the officers' list
// show each unmet condition's due day and whether it is overdue. The due days and the days
// left are counted by hand (today is 2026-11-23, webtest.Start):
//   - notice 2025-08-31: capital +6 months → 2026-02-28 (no 31 February), reserve and
//     compensation +12 → 2026-08-31, cross-province +18 → 2027-02-28;
//   - notice 2025-12-31: capital → 2026-06-30, overdue on 2026-11-23 by 31+31+30+31+23 = 146
//     days; reserve and compensation → 2026-12-31, 7+31 = 38 days left; cross-province →
//     2027-06-30, 7+31+31+28+31+30+31+30 = 219 days left.
func TestFilingNoticeDateAndRemedyClocks(t *testing.T) {
	env := webtest.New(t)
	prov := login(t, env, "province1")
	_, body := prov.Get("/disclosure/filing-notice")
	if got := parseHTML(t, body).Find(`[data-testid="current-notice"]`).Text(); got != "未设定" {
		t.Fatalf("before any setting: %q", got)
	}
	for _, c := range []struct{ date, want string }{
		{"2026-02-30", "格式不正确"},
		{"2026-12-01", "晚于今天"},
		{"", "请填写通知印发日期"},
	} {
		resp, body := prov.Submit("/disclosure/filing-notice", url.Values{"notice_date": {c.date}, "reason": {"理由文字"}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%q: %d", c.date, resp.StatusCode)
		}
		doc := parseHTML(t, body)
		if msg := doc.Find(`[data-testid="error-notice_date"]`).Text(); !strings.Contains(msg, c.want) {
			t.Errorf("%q: error %q, want %q", c.date, msg, c.want)
		}
		if v, _ := doc.Find(`input[name="reason"]`).Attr("value"); v != "理由文字" {
			t.Errorf("%q: reason not kept: %q", c.date, v)
		}
	}
	if resp, _ := prov.Submit("/disclosure/filing-notice", url.Values{"notice_date": {"2025-08-31"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first setting: %d", resp.StatusCode)
	}
	_, body = prov.Get("/disclosure/filing-notice")
	doc := parseHTML(t, body)
	var dues []string
	doc.Find(`[data-testid="notice-periods"] tbody tr`).Each(func(_ int, s *goquery.Selection) {
		dues = append(dues, strings.TrimSpace(s.Find("td").Eq(2).Text()))
	})
	if strings.Join(dues, " ") != "2026-02-28 2026-08-31 2026-08-31 2027-02-28" {
		t.Fatalf("periods from 2025-08-31: %v", dues)
	}
	// a change needs its reason; the typed date is kept
	resp, body := prov.Submit("/disclosure/filing-notice", url.Values{"notice_date": {"2025-12-31"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("change without reason: %d", resp.StatusCode)
	}
	doc = parseHTML(t, body)
	if msg := doc.Find(`[data-testid="error-reason"]`).Text(); !strings.Contains(msg, "须填写变更原因") {
		t.Errorf("reason error: %q", msg)
	}
	if v, _ := doc.Find(`input[name="notice_date"]`).Attr("value"); v != "2025-12-31" {
		t.Errorf("date not kept: %q", v)
	}
	if resp, _ := prov.Submit("/disclosure/filing-notice", url.Values{"notice_date": {"2025-12-31"}, "reason": {"按省政府正式印发文号更正"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d", resp.StatusCode)
	}
	_, body = prov.Get("/disclosure/filing-notice")
	doc = parseHTML(t, body)
	if got := doc.Find(`[data-testid="current-notice"]`).Text(); got != "2025-12-31" {
		t.Fatalf("current: %q", got)
	}
	if n := doc.Find(`[data-testid="notice-history"] tbody tr`).Length(); n != 2 {
		t.Fatalf("history rows: %d", n)
	}
	if !strings.Contains(doc.Find(`[data-testid="notice-history"] tbody tr`).First().Text(), "按省政府正式印发文号更正") {
		t.Error("the change's reason is not in the record")
	}
	db, _ := env.Store.SQLDB()
	var audited int
	if err := db.QueryRow("SELECT COUNT(*) FROM audit_log WHERE action = 'filing.notice_date'").Scan(&audited); err != nil || audited != 2 {
		t.Fatalf("audit entries: %d %v", audited, err)
	}
	// platform5 (海珠区, 广东省) was told of both settings, the latest with its periods
	ns, _, err := env.Store.Notifications(t.Context(), demoUser(t, env, "platform5").ID, models.Page{Number: 1, Size: 50})
	if err != nil {
		t.Fatal(err)
	}
	var told []string
	for _, n := range ns {
		if n.Kind == "filing_notice" {
			told = append(told, n.Title+" "+n.Body)
		}
	}
	if len(told) != 2 || !strings.Contains(told[0], "2025-12-31") || !strings.Contains(told[0], "至 2026-06-30") {
		t.Errorf("platform notified: %v", told)
	}
	// a city officer may not set it
	if resp, _ := login(t, env, "city1").Submit("/disclosure/filing-notice", url.Values{"notice_date": {"2025-01-01"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("city: %d", resp.StatusCode)
	}

	// platform5's file: a single-province platform short of capital and compensation rate;
	// its 2025-06 figures hold a reserve of 1,000,000 against a balance of 300,000,000 (< 1%)
	inst := *demoUser(t, env, "platform5").InstitutionID
	if _, err := db.Exec(`UPDATE institutions SET operating_class = $1, paid_in_capital = $2, risk_reserve = 0, compensation_ratio = $3 WHERE id = $4`,
		string(models.ClassSingleProvince), int64(1_000_000*models.OneYuan), int64(models.Percent), inst); err != nil {
		t.Fatal(err)
	}
	f := monthlyForm("2025-06")
	f.Set("risk_reserve_balance", "1000000")
	if resp, _ := login(t, env, "platform5").Submit("/platform/disclosure/monthly", f); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", resp.StatusCode)
	}
	resp, body = login(t, env, "district3").Get("/institutions/" + strconv.FormatInt(inst, 10) + "/disclosure/2025-06")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("indicators: %d", resp.StatusCode)
	}
	doc = parseHTML(t, body)
	if !strings.Contains(doc.Find(`[data-testid="filing-notice"]`).Text(), "2025-12-31") {
		t.Errorf("notice line: %q", doc.Find(`[data-testid="filing-notice"]`).Text())
	}
	chips := map[string]string{}
	doc.Find(`[data-testid="filing-conditions"] tbody tr`).Each(func(_ int, s *goquery.Selection) {
		chips[strings.TrimSpace(s.Find("td").First().Text())] = strings.TrimSpace(s.Find(`[data-testid="deadline"]`).Text())
	})
	for cond, want := range map[string][]string{
		"实缴货币资本":       {"2026-06-30", "已逾期 146 天"},
		"一般风险准备金":      {"2026-12-31", "还剩 38 天"},
		"出借人风险补偿金计提比例": {"2026-12-31", "还剩 38 天"},
		"跨省级区域存量业务余额":  {"2027-06-30"},
	} {
		for _, w := range want {
			if !strings.Contains(chips[cond], w) {
				t.Errorf("%s: chip %q lacks %q", cond, chips[cond], w)
			}
		}
	}
	// the officers' list: each unmet condition with its due day, the capital one overdue
	_, body = login(t, env, "city1").Get("/disclosure?period=2025-06")
	doc = parseHTML(t, body)
	var row *goquery.Selection
	doc.Find(`[data-testid="monitor-row"]`).Each(func(_ int, s *goquery.Selection) {
		if strings.Contains(s.Text(), "广州海珠示范互联网金融信息服务有限公司") {
			row = s
		}
	})
	if row == nil {
		t.Fatal("platform5 not listed")
	}
	rem := row.Find(`[data-testid="remedy"]`)
	if rem.Length() != 4 {
		t.Fatalf("remedies listed: %d (%s)", rem.Length(), rem.Text())
	}
	// the export carries the same periods in its last column
	resp, err = login(t, env, "city1").HTTP.Get(env.Server.URL + "/disclosure.xlsx?period=2025-06")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("export: %v", err)
	}
	x, err := excelize.OpenReader(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	xrows, _ := x.GetRows("信息披露监测")
	var cell string
	for _, r := range xrows {
		if len(r) > 0 && r[0] == "广州海珠示范互联网金融信息服务有限公司" {
			cell = r[len(r)-1]
		}
	}
	if xrows[0][len(xrows[0])-1] != "备案条件补足期限" || !strings.Contains(cell, "实缴注册资本补足期限：2026-06-30（已逾期 146 天）") ||
		!strings.Contains(cell, "2027-06-30（还剩 219 天）") {
		t.Errorf("export: header %q, cell %q", xrows[0][len(xrows[0])-1], cell)
	}
	overdue := row.Find(`[data-testid="remedies"] .deadline-overdue`)
	if overdue.Length() != 1 || !strings.Contains(overdue.Text(), "2026-06-30") {
		h, _ := row.Find(`[data-testid="remedies"]`).Html()
		t.Errorf("overdue chips: %d %q %s", overdue.Length(), overdue.Text(), h)
	}
}
