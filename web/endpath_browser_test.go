package web_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"portal/models"
	"portal/web/browsertest"
	"portal/web/webtest"
)

// demoFiled is platform5's institution, certified, scope changed and filed by the seed.
const demoFiled = "广州海珠示范互联网金融信息服务有限公司"

// registerRow finds the institution's row in the register as the store lists it.
func registerRow(t *testing.T, env *webtest.Env, st models.RegisterStatus, name string) *models.RegisterEntry {
	t.Helper()
	rows, err := env.Store.RegisterAllFiltered(context.Background(), "", st)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		if rows[i].Name == name {
			return &rows[i]
		}
	}
	return nil
}

// The province revokes platform5's certificate through the UI: the register and its
// exports no longer list the filing by default, the 已撤销 filter shows it marked with
// date and reason, the filing queue drops it, and the platform's home says so.
func TestBrowserRevokedCertificateLeavesTheRegister(t *testing.T) {
	env := webtest.New(t)
	b := browsertest.New(t, env.Server.URL)
	filed := registerRow(t, env, models.RegisterValid, demoFiled)
	if filed == nil {
		t.Fatal("the demo filing is not on the register")
	}
	b.Open("/register")
	b.ExpectText("[data-testid=register]", demoFiled, filed.FilingNumber)

	const reason = "验收材料经查实存在虚假记载"
	browserLogin(b, "province1")
	b.Open("/certificates?q=" + "海珠示范")
	b.Click("[data-testid=certificates] a[href^='/certificates/']")
	b.Fill("reason", reason)
	b.Screenshot("revoke-form")
	b.Click("[data-testid=revoke-submit]")
	b.ExpectText(".flash-success", "已撤销")
	b.Open("/province/filing")
	if strings.Contains(b.Text("main"), demoFiled) {
		t.Fatal("the filing queue still lists the revoked filing by default")
	}
	b.Open("/province/filing?state=certificate_revoked")
	b.ExpectText("[data-testid=filing-queue]", demoFiled, "合格证明已撤销", filed.FilingNumber)
	browserLogout(b)

	today := models.DateOf(env.Clock.Now()).String()
	b.Open("/register")
	if strings.Contains(b.Text("main"), demoFiled) {
		t.Fatal("the default register still lists the revoked filing")
	}
	b.Screenshot("register-default")
	setValue(b, "[data-testid=register-status]", "revoked")
	b.Click("form.filters button[type=submit]")
	b.ExpectText("[data-testid=register]", demoFiled, filed.FilingNumber)
	b.ExpectText("[data-testid=register-revoked]", "已撤销", today, reason)
	b.Screenshot("register-revoked")

	// The exports follow the same filter.
	c := env.Client(t)
	if _, csv := c.Get("/register.csv"); strings.Contains(csv, demoFiled) {
		t.Fatal("the default CSV export lists the revoked filing")
	}
	if _, csv := c.Get("/register.csv?status=revoked"); !strings.Contains(csv, demoFiled+",") || !strings.Contains(csv, "已撤销,"+today+","+reason) {
		t.Fatalf("the revoked CSV export:\n%s", csv)
	}
	for q, want := range map[string]bool{"": false, "?status=revoked": true} {
		resp, body := c.Get("/register.xlsx" + q)
		f, err := excelize.OpenReader(strings.NewReader(body))
		if resp.StatusCode != http.StatusOK || err != nil {
			t.Fatalf("XLSX%s: %d %v", q, resp.StatusCode, err)
		}
		rows, _ := f.GetRows("备案名录")
		found := false
		for _, r := range rows[1:] {
			if r[0] == demoFiled {
				found = true
				if len(r) < 10 || r[7] != "已撤销" || r[8] != today || r[9] != reason {
					t.Fatalf("XLSX row %v", r)
				}
			}
		}
		if found != want {
			t.Fatalf("XLSX%s lists the revoked filing: %v; want %v", q, found, want)
		}
	}

	browserLogin(b, "platform5")
	b.Open("/platform")
	b.ExpectText("[data-testid=platform-outcome]", "合格证明已撤销")
	b.ExpectText("[data-testid=outcome-revoked]", today, reason)
	b.Screenshot("platform-home-revoked")
}

var docNumber = regexp.MustCompile(`^\p{Han}+金验告〔\d{4}〕\d+号$`)

// platform5 (filed) and platform2 (finally failed, exit classified) see their outcome and
// what follows on their home; platform5 cannot open a new acceptance application.
func TestBrowserFinalOutcomesOnPlatformHomes(t *testing.T) {
	env := webtest.New(t)
	b := browsertest.New(t, env.Server.URL)
	ctx := context.Background()
	filed := registerRow(t, env, models.RegisterValid, demoFiled)

	browserLogin(b, "platform5")
	b.Open("/platform")
	b.ExpectText("[data-testid=platform-outcome]", "已备案")
	b.ExpectText("[data-testid=outcome-filing]", filed.FilingNumber, filed.FilingDate.String())
	serial := b.Text("[data-testid=outcome-serial]")
	if !models.ValidSerial(strings.TrimSpace(serial)) {
		t.Fatalf("certificate serial on the home: %q", serial)
	}
	b.ExpectText("[data-testid=outcome-next]", "纳入日常监管")
	b.ExpectText("[data-testid=no-new-application]", "已完成备案登记", "不能再发起新的整改验收申请")
	if strings.Contains(b.Text("main"), "尚无进行中的整改验收申请") {
		t.Fatal("the filed platform is told it has no application")
	}
	b.Screenshot("platform5-home")
	b.Click("[data-testid=outcome-serial]")
	b.ExpectText("[data-testid=certificate-serial]", strings.TrimSpace(serial))

	b.Open("/platform/applications")
	b.ExpectText("[data-testid=type-closed]", "网贷", "已完成备案登记")
	setValue(b, "#f-type_code", models.ApplicationTypeP2P)
	b.Click("[data-testid=create-application]")
	b.ExpectText("main", "已完成备案登记", "不能再发起新的整改验收申请")
	b.Screenshot("platform5-new-refused")
	p5 := demoUser(t, env, "platform5")
	if apps, _ := env.Store.InstitutionApplications(ctx, p5, *p5.InstitutionID); len(apps) != 1 {
		t.Fatalf("platform5 has %d applications after the refusal; want 1", len(apps))
	}
	browserLogout(b)

	// platform2 fails, objects, the city rejects the objection, the district classifies the exit.
	id := failedApplication(t, env)
	p2 := signIn(t, env, "platform2")
	object(t, env, p2, id, "存管银行已提交测评申请", map[string][]byte{"说明.pdf": pdfBytes}, http.StatusSeeOther)
	if _, err := env.Store.ResolveObjection(ctx, actAs(t, env, "city1"), id, models.EventReject, "经核实，存管银行尚未通过测评，异议不成立", 0); err != nil {
		t.Fatal(err)
	}
	if err := env.Store.RecordExit(ctx, actAs(t, env, "district2"), id, models.ExitWindDown, models.ClassRectify, "按清退计划每月报送进度"); err != nil {
		t.Fatal(err)
	}
	browserLogin(b, "platform2")
	b.Open("/platform")
	b.ExpectText("[data-testid=platform-outcome]", "最终不合格")
	b.ExpectText("[data-testid=outcome-failed]", "存管银行未通过测评", "自融")
	b.ExpectText("[data-testid=outcome-exit]", "逐步清退")
	b.ExpectText("[data-testid=outcome-exit-meaning]", "应逐步清退业务，退出市场", "六(二)1")
	b.ExpectText("[data-testid=outcome-duties]", "停止新发生网贷业务")
	b.ExpectText("[data-testid=no-new-application]", "最终不合格", "不能再发起新的整改验收申请")
	b.Screenshot("platform2-home")

	// The 不合格告知书 downloads from the home as a sealed PDF with its 文号.
	resp, doc := p2.Get(appURL(id, "/failure-notice.pdf"))
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(doc, "%PDF-") {
		t.Fatalf("failure notice PDF: %d", resp.StatusCode)
	}
	text := pdfText(t, doc, "failure-notice.pdf")
	flat := strings.Join(strings.Fields(text), "")
	for _, want := range []string{"整改验收不合格告知书", "广州越秀示例互联网金融信息服务有限公司：", "1.存管银行未通过测评", "2.自融",
		"停止新发生网贷业务", "2026年10月13日（含当日）前", "广州市越秀区金融工作部门", "2026年9月30日"} {
		if !strings.Contains(flat, want) {
			t.Errorf("failure notice lacks %q\n%s", want, text)
		}
	}
	number := ""
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); strings.Contains(l, "金验告") {
			number = l
		}
	}
	if !docNumber.MatchString(number) || !strings.HasPrefix(number, "越秀") {
		t.Errorf("document number %q", number)
	}
	if resp, _ := signIn(t, env, "district1").Get(appURL(id, "/failure-notice.pdf")); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another district downloads the failure notice: %d", resp.StatusCode)
	}
	if resp, _ := signIn(t, env, "platform1").Get(appURL(id, "/failure-notice.pdf")); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another platform downloads the failure notice: %d", resp.StatusCode)
	}
}

// The notice page shows the formal notice with issuing authority and 文号, and the same
// text as a sealed PDF.
func TestNoticeShowsTheFormalTextAndPDF(t *testing.T) {
	env := webtest.New(t)
	app := platform1InNotice(t, env)
	n := activeNotice(t, env, app.ID)
	c := env.Client(t)
	_, body := c.Get(fmt.Sprintf("/notices/%d", n.ID))
	d := doc(t, body).Find("[data-testid=notice-document]")
	number := strings.TrimSpace(d.Find("[data-testid=notice-doc-number]").Text())
	if !regexp.MustCompile(`^广州金验公〔2026〕\d+号$`).MatchString(number) {
		t.Fatalf("notice number %q", number)
	}
	page := squash(d.Text())
	for _, w := range []string{"广州市金融工作局", "关于广州天河示例网络借贷信息中介服务有限公司整改验收初验结果的公示", "91440106MA59A1B2CE",
		"初步验收合格，现予公示", n.StartDate.CN() + "至" + n.EndDate.CN(), "四(二)5(1)"} {
		if !strings.Contains(page, w) {
			t.Errorf("notice text lacks %q: %s", w, page)
		}
	}
	pdfURL, _ := d.Find("[data-testid=notice-pdf]").Attr("href")
	resp, pdf := c.Get(pdfURL)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(pdf, "%PDF-") {
		t.Fatalf("notice PDF %s: %d", pdfURL, resp.StatusCode)
	}
	flat := strings.Join(strings.Fields(pdfText(t, pdf, "notice.pdf")), "")
	for _, w := range []string{"广州市金融工作局", number, "整改验收初验结果的公示", "现予公示", "特此公示。", n.StartDate.CN()} {
		if !strings.Contains(flat, w) {
			t.Errorf("notice PDF lacks %q\n%s", w, flat)
		}
	}
}

// The checklist shows the hard line the file decides, before submission, and the
// submit button stays disabled.
func TestBrowserFileHardLineOnChecklist(t *testing.T) {
	env := webtest.New(t)
	b := browsertest.New(t, env.Server.URL)
	ctx := context.Background()
	appID := readyApplication(t, env, "platform2")
	u := demoUser(t, env, "platform2")
	f, err := env.Store.InstitutionFile(ctx, u, *u.InstitutionID)
	if err != nil {
		t.Fatal(err)
	}
	f.FoundedOn, f.P2PStartedOn = models.NewDate(2016, 8, 24), models.NewDate(2016, 8, 25)
	if _, err := env.Store.SaveInstitutionFile(ctx, actAs(t, env, "platform2"), *u.InstitutionID, *f); err != nil {
		t.Fatal(err)
	}
	browserLogin(b, "platform2")
	b.Open(appURL(appID, "/checklist"))
	b.ExpectText("[data-testid=file-hard-lines]", "成立日期为 2016-08-24，不晚于 2016-08-24", "开始从事网贷业务日期为 2016-08-25，晚于")
	b.ExpectText("[data-testid=blockers]", "机构档案载明开始从事网贷业务日期为 2016-08-25", "五(一)")
	if strings.Contains(b.Text("[data-testid=blockers]"), "成立日期为") {
		t.Fatal("founding on 2016-08-24 is held against the platform")
	}
	b.Screenshot("checklist-hard-line")
}
