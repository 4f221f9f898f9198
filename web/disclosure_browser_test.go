package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"portal/models"
	"portal/web/browsertest"
	"portal/web/webtest"
)

// TestBrowserDisclosure walks disclosure supervision through the real pages: the filed
// platform submits a month by the form, one by the XLSX template (downloaded, filled in,
// uploaded, confirmed) and one through the API with a token it created on its page; it
// files a 48-hour event; a city officer sees the lateness and the score and exports the
// list, whose XLSX holds the rows.
func TestBrowserDisclosure(t *testing.T) {
	env := webtest.New(t)
	b := browsertest.New(t, env.Server.URL)
	b.Do(chromedp.EmulateViewport(1366, 900))
	browserLogin(b, "platform5")

	// 1. the form: a mistake is shown beside its field with everything kept, then corrected
	b.Open("/platform/disclosure/monthly/new?period=2025-06")
	form := monthlyForm("2025-06")
	for k, v := range form {
		if k == "fee_schedule" {
			typeText(b, "#f-fee_schedule", v[0])
			continue
		}
		if v[0] != "" { // 如有 items left empty
			setValue(b, "#f-"+k, v[0])
		}
	}
	setValue(b, "#f-overdue90_amount", "9000000") // above all overdue: refused
	b.Click("[data-testid=monthly-submit]")
	b.ExpectText("[data-testid=error-overdue90_amount]", "逾期")
	if got := inputValue(t, b, "#f-cumulative_amount"); got != "900,000,000.00" {
		t.Fatalf("the typed amount was not kept: %q", got)
	}
	setValue(b, "#f-overdue90_amount", "2000000")
	for _, w := range []int64{1366, 390} {
		b.Do(chromedp.EmulateViewport(w, 900))
		b.Screenshot("platform-form-" + map[int64]string{1366: "1366", 390: "390"}[w])
	}
	b.Do(chromedp.EmulateViewport(1366, 900))
	b.Click("[data-testid=monthly-submit]")
	b.ExpectText(".flash", "已报送 2025-06 月度数据（第 1 版，网页填报）", "逾期报送")

	// 2. the template: downloaded, filled in with excelize, uploaded, confirmed
	c := login(t, env, "platform5")
	resp, err := c.HTTP.Get(env.Server.URL + "/platform/disclosure/monthly/template.xlsx?period=2025-07")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("template: %v %v", err, resp.Status)
	}
	x, err := excelize.OpenReader(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := x.GetCellValue(models.TemplateSheet, "B2"); v != "2025-07" {
		t.Fatalf("template period %q", v)
	}
	rows, _ := x.GetRows(models.TemplateSheet)
	july := monthlyForm("2025-07")
	july.Set("cumulative_amount", "950000000")
	july.Set("cumulative_count", "12600")
	for i, r := range rows {
		if len(r) >= 5 && july.Get(r[4]) != "" && r[4] != "period" {
			cell, _ := excelize.CoordinatesToCellName(2, i+1)
			_ = x.SetCellStr(models.TemplateSheet, cell, july.Get(r[4]))
		}
	}
	path := filepath.Join(t.TempDir(), "七月报送.xlsx")
	if err := x.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	b.Open("/platform/disclosure")
	upload(b, "#f-template", path)
	b.Click("[data-testid=template-upload] button[type=submit]")
	b.ExpectText("[data-testid=from-upload]", "七月报送.xlsx")
	if got := inputValue(t, b, "#f-cumulative_count"); got != "12600" {
		t.Fatalf("the template's count reads %q", got)
	}
	b.Click("[data-testid=monthly-submit]")
	b.ExpectText(".flash", "已报送 2025-07 月度数据（第 1 版，模板上传）")

	// 3. the API, with a token created on the platform's page
	b.Open("/platform/disclosure/tokens")
	b.Fill("name", "业务系统月度报送")
	b.Click("[data-testid=token-create]")
	token := b.Text("[data-testid=new-token]")
	aug := map[string]any{}
	for k, v := range monthlyForm("2025-08") {
		if k != "period" {
			aug[k] = v[0]
		}
	}
	aug["cumulative_amount"], aug["cumulative_count"] = "990000000", 13000
	body, _ := json.Marshal(map[string]any{"period": "2025-08", "figures": aug})
	req, _ := http.NewRequest(http.MethodPost, env.Server.URL+"/api/v1/platform/monthly-reports", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Platform-Token", token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusCreated {
		got, _ := io.ReadAll(resp.Body)
		t.Fatalf("API: %v %v %s", err, resp.Status, got)
	}
	resp.Body.Close()
	b.Open("/platform/disclosure")
	b.ExpectText("[data-testid=reports]", "2025-08", "接口报送", "2025-07", "模板上传", "2025-06", "网页填报")

	// 4. a 48-hour event
	b.Open("/platform/disclosure/events")
	setValue(b, "#f-category", "business_halt")
	b.Fill("title", "主要业务暂停")
	setValue(b, "#f-occurred_at", "2026-11-22T08:30")
	typeText(b, "#f-cause", "存管银行系统升级")
	typeText(b, "#f-state", "出借与还款暂停")
	typeText(b, "#f-impact", "还款顺延一至两日")
	typeText(b, "#f-measures", "已公告并逐一通知出借人")
	b.Click("[data-testid=event-submit]")
	b.ExpectText(".flash", "主要业务暂停", "2026-11-24 08:30")
	b.ExpectText("[data-testid=events]", "主要业务暂停", "按时披露", "未结")
	browserLogout(b)

	// 5. the city officer: the lateness, the open event, the score; the export
	browserLogin(b, "city1")
	b.Open("/disclosure?period=2025-06&q=海珠示范")
	b.ExpectText("[data-testid=monitor]", "广州海珠示范互联网金融信息服务有限公司", "逾期报送", "第 1 版")
	for _, w := range []int64{1366, 390} {
		b.Do(chromedp.EmulateViewport(w, 900))
		b.Screenshot("officer-list-" + map[int64]string{1366: "1366", 390: "390"}[w])
	}
	b.Do(chromedp.EmulateViewport(1366, 900))
	b.Open("/disclosure?period=2025-06&events=1")
	b.ExpectText("[data-testid=monitor]", "广州海珠示范互联网金融信息服务有限公司")
	b.Click("[data-testid=monitor-row] a[href$='/score']")
	b.ExpectText("[data-testid=score-total]", "分")
	b.ExpectText("[data-testid=score-categories]", "主体信息", "业务信息")

	city := login(t, env, "city1")
	resp, err = city.HTTP.Get(env.Server.URL + "/disclosure.xlsx?period=2025-06&status=late")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("export: %v %v", err, resp.Status)
	}
	xb, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	ex, err := excelize.OpenReader(bytes.NewReader(xb))
	if err != nil {
		t.Fatal(err)
	}
	xrows, _ := ex.GetRows("信息披露监测")
	if len(xrows) != 2 || xrows[0][0] != "机构名称" || xrows[1][0] != "广州海珠示范互联网金融信息服务有限公司" ||
		xrows[1][4] != "2025-06" || xrows[1][5] != "2025-07-07" || xrows[1][6] != "逾期报送" {
		t.Fatalf("export rows: %q", xrows)
	}
	_ = os.Remove(path)
	if !strings.Contains(b.Path(), "/score") {
		t.Fatalf("at %s", b.Path())
	}
}
