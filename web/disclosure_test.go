package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
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
	webtest.Contains(t, body, "适用规则", "全国信息披露指引", "2026-10 月度数据")
	bad := monthlyForm("2025-06")
	bad.Set("top10_share", "120")
	bad.Set("cumulative_count", "十二")
	resp, body := c.Submit("/platform/disclosure/monthly", bad)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad figures: %d", resp.StatusCode)
	}
	webtest.Contains(t, body, "不能超过 100%", "累计借贷笔数应为不小于 0 的整数", `value="十二"`, "借款人服务费：借款本金的 1%")
	// a contradiction (M90+ above all overdue) is refused beside the field, through drules' cross-checks
	contra := monthlyForm("2025-06")
	contra.Set("overdue90_amount", "6000000")
	resp, body = c.Submit("/platform/disclosure/monthly", contra)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="error-overdue90_amount"`) {
		t.Fatalf("contradiction: %d", resp.StatusCode)
	}
	webtest.Contains(t, body, `value="6000000"`)
	resp, _ = c.Submit("/platform/disclosure/monthly", monthlyForm("2025-06"))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("good figures: %d", resp.StatusCode)
	}
	inst := *demoUser(t, env, "platform5").InstitutionID
	f, ok, err := env.Store.DeclaredFigures(t.Context(), inst, models.Period{Year: 2025, Month: 6})
	if err != nil || !ok || f.Top10Share != 850 || f.CumulativeAmount != 900_000_000*models.OneYuan {
		t.Fatalf("declared: %v %v %+v", ok, err, f)
	}
	corr := monthlyForm("2025-06")
	corr.Set("overdue_count", "41")
	corr.Set("note", "更正逾期笔数")
	if resp, _ := c.Submit("/platform/disclosure/monthly", corr); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("correction: %d", resp.StatusCode)
	}
	_, body = c.Get("/platform/disclosure/monthly/2025-06")
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
	_, body := city.Get("/disclosure?period=2025-06")
	// 2025-06 precedes the filing: not due
	webtest.Contains(t, body, "广州海珠示范互联网金融信息服务有限公司", "备案前，无需报送")
	p5 := login(t, env, "platform5")
	if resp, _ := p5.Submit("/platform/disclosure/monthly", monthlyForm("2025-06")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", resp.StatusCode)
	}
	_, body = city.Get("/disclosure?period=2025-06&status=late")
	webtest.Contains(t, body, "广州海珠示范互联网金融信息服务有限公司", "逾期报送", "第 1 版")
	if _, body = city.Get("/disclosure?period=2025-06&status=on_time"); strings.Contains(body, "广州海珠示范") {
		t.Fatal("a late report is listed as on time")
	}
	// district1 (天河区) does not see 海珠区
	d1 := login(t, env, "district1")
	_, body = d1.Get("/disclosure?period=2025-06")
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

// The public register links a filed institution to its disclosure page: figures and
// events, no personal data; an institution not filed is not found.
func TestPublicDisclosurePage(t *testing.T) {
	env := webtest.New(t)
	c := env.Client(t)
	_, body := c.Get("/register")
	m := regexp.MustCompile(`href="(/register/\d+/disclosure)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the register does not link to a disclosure page")
	}
	resp, body := c.Get(m[1])
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("public page: %d", resp.StatusCode)
	}
	// the demo's filed platform: reports and the open event of the seed, never its staff's name
	webtest.Contains(t, body, "广州海珠示范互联网金融信息服务有限公司", "累计借贷金额", "公司涉及出借人集体诉讼")
	if strings.Contains(body, "海珠示范经办人") {
		t.Fatal("the public page names the platform's staff")
	}
	if resp, _ := c.Get("/register/1/disclosure"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("an institution not filed: %d", resp.StatusCode)
	}
}

// A yearly document goes through the one upload intake: without a year it is refused
// with the kind kept; with one it is listed with its due day.
func TestDisclosureAnnualDocument(t *testing.T) {
	env := webtest.New(t)
	c := login(t, env, "platform5")
	post := func(year string) (*http.Response, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("year", year)
		_ = mw.WriteField("kind", "audit")
		part, _ := mw.CreateFormFile("file", "2025年度审计报告.pdf")
		_, _ = part.Write(pdfBody(4096, "audit"))
		_ = mw.Close()
		req, _ := http.NewRequest(http.MethodPost, env.Server.URL+"/platform/disclosure/annual?_csrf="+url.QueryEscape(c.CSRF()), &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, err := c.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	resp, body := post("")
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "请填写报送年度") {
		t.Fatalf("no year: %d", resp.StatusCode)
	}
	webtest.Contains(t, body, `<option value="audit" selected>`)
	if resp, _ := post("2026"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d", resp.StatusCode)
	}
	_, body = c.Get("/platform/disclosure/annual")
	webtest.Contains(t, body, "2025年度审计报告.pdf", "截止：2026-04-30（逾期上传）")
}

// The officer's indicator page of a reported month shows drules' indicators and the filing
// conditions recomputed at that month end.
func TestDisclosureIndicatorsPage(t *testing.T) {
	env := webtest.New(t)
	p5 := login(t, env, "platform5")
	if resp, _ := p5.Submit("/platform/disclosure/monthly", monthlyForm("2025-06")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", resp.StatusCode)
	}
	inst := *demoUser(t, env, "platform5").InstitutionID
	d3 := login(t, env, "district3")
	resp, body := d3.Get("/institutions/" + strconv.FormatInt(inst, 10) + "/disclosure/2025-06")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("indicators: %d", resp.StatusCode)
	}
	// the demo file has no operating class: the conditions say what they need rather than guess
	webtest.Contains(t, body, "90天以上逾期率", "一般风险准备金", "备案条件（按月末数据重新计算", "请选择经营类别")
	if resp, _ := login(t, env, "district1").Get("/institutions/" + strconv.FormatInt(inst, 10) + "/disclosure/2025-06"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("another district: %d", resp.StatusCode)
	}
}
