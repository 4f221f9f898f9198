package web_test

import (
	"archive/zip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"portal/models"
	"portal/web/browsertest"
	"portal/web/webtest"
)

// waitUntil polls a JavaScript predicate across page loads.
func waitUntil(t *testing.T, b *browsertest.Browser, js string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		ok, err := chromedp.Run(b.Context(), chromedp.Evaluate[bool](js))
		if err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.Screenshot("timeout")
	t.Fatalf("timed out waiting for %s", js)
}

func flashSays(text string) string {
	return fmt.Sprintf(`(function(){var f=document.querySelector('.flash-success');return !!f && f.textContent.indexOf(%q) >= 0;})()`, text)
}

// check ticks a radio button by script: the sticky save bar may cover it on screen.
func check(b *browsertest.Browser, id string) {
	b.Do(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.getElementById(%q).click()`, id)))
}

// choose sets a select's or a textarea's value.
func choose(b *browsertest.Browser, id, value string) {
	b.Do(chromedp.SetValue(chromedp.CSS("#"+id), value))
}

// writeFile makes a test document; docx builds a real Office zip.
func writeFile(t *testing.T, dir, name string, size int) string {
	t.Helper()
	path := filepath.Join(dir, name)
	switch filepath.Ext(name) {
	case ".docx":
		f, _ := os.Create(path)
		zw := zip.NewWriter(f)
		for _, n := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml"} {
			w, _ := zw.Create(n)
			w.Write([]byte("<xml>" + name + "</xml>"))
		}
		zw.Close()
		f.Close()
	case ".png":
		os.WriteFile(path, append([]byte("\x89PNG\r\n\x1a\n"), []byte(name)...), 0o600)
	default:
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString("%PDF-1.7\n% " + name + "\n")
		chunk := []byte(strings.Repeat(name+" 0123456789abcdef ", 4096))
		for written := 0; written < size; written += len(chunk) {
			f.Write(chunk)
		}
		f.WriteString("\n%%EOF\n")
		f.Close()
	}
	return path
}

func TestBrowserPlatformSubmitsApplication(t *testing.T) {
	env := webtest.New(t)
	b := browsertest.New(t, env.Server.URL)
	browserLogin(b, "platform1")

	// The file: a bad code is refused beside its field, everything typed stays.
	b.Open("/platform/file/edit")
	fields := map[string]string{
		"uscc": "91440106MA59A1B2CO", "registered_capital": "100,000,000.00", "paid_in_capital": "60,000,000",
		"registered_address": "广州市天河区珠江新城示例路 1 号", "business_addresses": "广州市天河区珠江新城示例路 1 号 18 楼",
		"founded_on": "2014-05-20", "legal_representative": "张三", "contact_phone": "020-87654321",
		"complaint_phone": "400-820-8820", "business_scope": "网络借贷信息中介服务；互联网信息服务",
		"actual_controller": "张三", "custody_bank": "广州示例银行股份有限公司", "p2p_started_on": "2015-01-10",
		"outstanding_balance": "350,000,000.00", "risk_reserve": "3,600,000", "compensation_ratio": "3.5",
	}
	for name, v := range fields {
		if name == "business_scope" {
			choose(b, "f-business_scope", v) // a textarea: set its value
			continue
		}
		b.Fill(name, v)
	}
	choose(b, "f-business_status", "open")
	choose(b, "f-rectification_from_start", "yes")
	choose(b, "f-operating_class", "single_province")
	b.Click("[data-testid=add-shareholders]")
	b.ExpectText(".flash-info", "已增加一行股东")
	b.Fill("shareholders-0-name", "张三")
	choose(b, "f-shareholders-0-kind", "natural")
	b.Fill("shareholders-0-share", "70")
	b.Click("[data-testid=add-shareholders]")
	b.Fill("shareholders-1-name", "广州示例控股有限公司")
	choose(b, "f-shareholders-1-kind", "legal")
	b.Fill("shareholders-1-share", "30")
	for name, v := range map[string]string{"years_operating": "8", "profitable_years": "3", "net_assets": "400,000,000",
		"total_assets": "1,000,000,000", "equity_investments": "120,000,000"} {
		b.Fill("shareholders-1-"+name, v)
	}
	choose(b, "f-shareholders-1-domestic_non_financial", "yes")
	b.Click("[data-testid=add-people]")
	b.Fill("people-0-name", "张三")
	choose(b, "f-people-0-role", "director")
	b.Fill("people-0-title", "董事长")
	b.Click("[data-testid=save-file]")
	b.ExpectText("[data-testid=error-f-uscc]", "第 18 位「O」", "不使用字母 I、O、Z、S、V")
	if v, _ := chromedp.Run(b.Context(), chromedp.Value(chromedp.CSS("#f-shareholders-1-name"))); v != "广州示例控股有限公司" {
		t.Fatalf("typed shareholder lost: %q", v)
	}
	b.Screenshot("file-form-errors")
	b.Fill("uscc", "91440106MA59A1B2CE")
	b.Click("[data-testid=save-file]")
	b.ExpectText(".flash-success", "档案已保存")
	b.ExpectText("[data-testid=view-paid_in_capital]", "60,000,000.00 元")
	b.ExpectText("[data-testid=conditions]", "实缴货币资本", "符合")
	b.Screenshot("file")
	b.Open("/platform/file/history")
	b.ExpectText("[data-testid=history-entry]", "天河示例经办人（platform1）", "实缴注册资本", "60,000,000.00 元", "股东「广州示例控股有限公司」（新增）")
	b.Screenshot("file-history")

	// The application: every material, one of them large, through the real upload form.
	b.Open("/platform/applications")
	b.Click("[data-testid=create-application]")
	b.ExpectText(".flash-success", "申请已创建")
	id := strings.TrimSuffix(strings.TrimPrefix(b.Path(), "/applications/"), "/checklist")
	appID, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		t.Fatalf("application page at %s", b.Path())
	}
	b.Screenshot("checklist-empty")
	dir := t.TempDir()
	names := map[string]string{"contract_sample": "电子合同样本.docx", "custody_agreement": "银行存管协议.png"}
	_, ms, _ := env.Store.ApplicationType(context.Background(), models.ApplicationTypeP2P)
	for _, m := range ms {
		b.Open(fmt.Sprintf("/applications/%s/materials/%d", id, m.ID))
		for slot := 1; slot <= m.FilesNeeded; slot++ {
			name := names[m.Code]
			if name == "" {
				name = fmt.Sprintf("%s-%d.pdf", m.Name, slot)
			}
			size := 64 << 10
			if m.Code == "legal_opinion" {
				size = 40 << 20 // the large one: streamed with a progress bar
			}
			path := writeFile(t, dir, name, size)
			b.Do(chromedp.SetUploadFiles(chromedp.CSS(fmt.Sprintf("#f-file-%d", slot)), []string{path}))
			b.Click(fmt.Sprintf("[data-testid=upload-%d]", slot))
			waitUntil(t, b, flashSays(name), 2*time.Minute)
		}
		if m.Code == "annual_audit" {
			b.Screenshot("material-yearly")
		}
	}
	b.Open(fmt.Sprintf("/applications/%s/checklist", id))
	b.ExpectText("[data-testid=blockers]", "自评尚未完成")
	if txt := b.Text("[data-testid=blockers]"); strings.Contains(txt, "材料") {
		t.Fatalf("materials still block: %s", txt)
	}

	// The self-assessment: every item, one with evidence.
	b.Open(fmt.Sprintf("/applications/%s/self-assessment", id))
	for _, it := range models.SelfAssessmentItems {
		check(b, fmt.Sprintf("f-answer_%d-yes", it.No))
		choose(b, fmt.Sprintf("f-explanation_%d", it.No), fmt.Sprintf("第 %d 项已逐项核查，符合要求。", it.No))
	}
	evidence := writeFile(t, dir, "禁止性行为自查底稿.pdf", 32<<10)
	b.Do(chromedp.SetUploadFiles(chromedp.CSS("#f-evidence_3"), []string{evidence}))
	b.Click("[data-testid=save-self-assessment]")
	waitUntil(t, b, flashSays("自评已保存"), time.Minute)
	b.ExpectText("[data-testid=sa-item-3]", "禁止性行为自查底稿.pdf")
	b.Screenshot("self-assessment")

	b.Open(fmt.Sprintf("/applications/%s/checklist", id))
	b.ExpectText("[data-testid=submit-box]", "可以提交")
	b.ExpectText("[data-testid=sa-summary]", "已作答 10 / 10 项")
	b.Screenshot("checklist-ready")
	b.Click("[data-testid=submit-application]")
	b.ExpectText(".flash-success", "申请已提交至区金融工作部门")
	b.ExpectText(".app-state", "区级审核")
	b.Screenshot("submitted")

	v, err := env.Store.Checklist(context.Background(), demoUser(t, env, "platform1"), appID)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range v.Items {
		if it.Material.Code == "legal_opinion" && it.Slots[0].Current().Size < 40<<20 {
			t.Fatalf("the large file arrived with %d bytes", it.Slots[0].Current().Size)
		}
	}

	// The district officer sees it in the district's list.
	b.Click(".who button[type=submit]")
	browserLogin(b, "district1")
	b.ExpectText("[data-testid=submitted-applications]", "广州天河示例网络借贷信息中介服务有限公司", "区级审核", "网贷机构整改验收申请")
	b.Screenshot("district-home")
	b.Open(fmt.Sprintf("/applications/%s/checklist", id))
	b.ExpectText("[data-testid=checklist]", "律师事务所法律意见书", "已上传")

	// The city officer sees the window on the city's home and may change it.
	b.Click(".who button[type=submit]")
	browserLogin(b, "city1")
	b.ExpectText("[data-testid=window]", "本市整改验收申请受理期：2026-01-01 至 2027-12-31")
	b.ExpectText("[data-testid=submitted-applications]", "广州天河示例网络借贷信息中介服务有限公司")
	b.Open("/city/window")
	b.ExpectText("[data-testid=window-form]", "广州市", "受理中")
	b.Screenshot("city-window")
}

func TestBrowserHardLineBlocksSubmission(t *testing.T) {
	env := webtest.New(t)
	b := browsertest.New(t, env.Server.URL)
	c := login(t, env, "platform3") // a complete demo file
	id := createApplication(t, c)
	appID, _ := strconv.ParseInt(id, 10, 64)
	readyViaStore(t, env, demoUser(t, env, "platform3"), appID)

	browserLogin(b, "platform3")
	b.Open(fmt.Sprintf("/applications/%s/checklist", id))
	b.ExpectText("[data-testid=submit-box]", "可以提交")

	// Hard line 6 is decided by the custody bank list (issue 12 §3): the administrator
	// records platform3's bank as not evaluated, and answering 符合 does not lift it.
	ctx := context.Background()
	banks, err := env.Store.CustodyBanks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, bk := range banks {
		if bk.Name == "广州示例银行股份有限公司" {
			bk.Evaluated, bk.EvaluatedOn = false, nil
			if _, err := env.Store.SaveCustodyBank(ctx, actAs(t, env, "admin"), bk.ID, bk); err != nil {
				t.Fatal(err)
			}
		}
	}
	b.Open(fmt.Sprintf("/applications/%s/self-assessment", id))
	check(b, "f-answer_6-yes")
	choose(b, "f-explanation_6", "本机构已与存管银行签订存管协议。")
	b.Click("[data-testid=save-self-assessment]")
	b.ExpectText(".flash-success", "自评已保存")
	b.ExpectText("[data-testid=violations]", "触及验收底线", "第 6 项", "按存管银行名录判定为不符合", "不予验收通过", "《网贷机构整改验收方案》五(五)")
	b.ExpectText("[data-testid=sa-decided-6]", "广州示例银行股份有限公司", "未通过网贷资金存管业务测评")
	b.Screenshot("self-assessment-hard-line")

	b.Open(fmt.Sprintf("/applications/%s/checklist", id))
	b.ExpectText("[data-testid=blockers]", "第 6 项「资金存管银行已通过", "按存管银行名录判定为不符合", "不能以自评作答消除", "《网贷机构整改验收方案》五(五)")
	if disabled, err := chromedp.Run(b.Context(), chromedp.Evaluate[bool](`document.querySelector('[data-testid=submit-application]').disabled`)); err != nil || !disabled {
		t.Fatalf("the submit button is enabled despite the hard line (%v)", err)
	}
	// Even with the button forced on, the server refuses and cites the rule.
	b.Do(chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid=submit-application]').disabled = false`))
	b.Click("[data-testid=submit-application]")
	b.ExpectText("[data-testid=blockers]", "第 6 项", "不予验收通过")
	b.Screenshot("hard-line-blocks")
	app, err := env.Store.Application(ctx, demoUser(t, env, "platform3"), appID)
	if err != nil || app.State != models.StateDraft {
		t.Fatalf("application %v, %v; want it still a draft", app, err)
	}
}
