package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"portal/models"
	"portal/models/store"
	"portal/web/browsertest"
	"portal/web/webtest"
)

func TestBrowserNoticeComplaintRevokeCertify(t *testing.T) {
	env := webtest.New(t)
	b := browsertest.New(t, env.Server.URL)
	ctx := context.Background()
	app := platform1InNotice(t, env)
	first := activeNotice(t, env, app.ID)
	const institution = "广州天河示例网络借贷信息中介服务有限公司"

	// A visitor finds the notice without logging in.
	b.Open("/notices?status=current")
	b.ExpectText("[data-testid=notices]", institution, "91440106MA59A1B2CE", "天河区", first.StartDate.String(), first.EndDate.String(), "还剩 13 天")
	b.Screenshot("notices")
	b.Click(fmt.Sprintf("a[href='/notices/%d']", first.ID))
	b.ExpectText("[data-testid=notice-steps]", "提交验收申请", "区金融工作部门", "专责小组审定")

	// A lender complains; a bad contact is refused with the typed text kept.
	setValue(b, "#f-type", "lender")
	b.Fill("name", "王小明")
	b.Fill("contact", "12345")
	typeText(b, "#f-content", "该平台仍以期限拆分方式销售理财产品，本人于十月购买，合同见附件。")
	b.Click("[data-testid=complaint-submit]")
	b.ExpectText("[data-testid=error-contact]", "联系方式应为手机号")
	if got := inputValue(t, b, "#f-name"); got != "王小明" {
		t.Fatalf("typed name lost after the refusal: %q", got)
	}
	b.Screenshot("complaint-form-refused")
	b.Fill("contact", "13812345678")
	upload(b, "#f-files", samplePDF(t, "合同.pdf"))
	b.Screenshot("complaint-form")
	b.Click("[data-testid=complaint-submit]")
	b.ExpectText("main", "举报已受理")
	b.ExpectText("[data-testid=complaint-state]", "核查中")
	b.ExpectText("[data-testid=complaint-status]", "王**", "138****5678", "出借人")
	ref := b.Text("[data-testid=complaint-ref]")
	b.Screenshot("complaint-status")

	// The province sees the complaint masked; city1 sees who complained and upholds it.
	browserLogin(b, "province1")
	b.Open("/province/complaints")
	b.ExpectText("[data-testid=complaints]", ref, "王**", "138****5678")
	if strings.Contains(b.Text("[data-testid=complaints]"), "王小明") {
		t.Fatal("the province sees the complainant's name")
	}
	browserLogout(b)
	browserLogin(b, "city1")
	b.Open("/city/complaints")
	b.Click(fmt.Sprintf("a[href^='/city/complaints/']"))
	b.ExpectText("[data-testid=complainant-name]", "王小明")
	b.ExpectText("[data-testid=complainant-contact]", "13812345678")
	b.ExpectText("[data-testid=complaint-detail]", "合同.pdf")
	b.Click("#f-outcome-upheld")
	typeText(b, "#f-finding", "经调取资金流水，平台仍存在期限拆分产品，举报属实")
	typeText(b, "#f-public_reason", "公示期间收到举报，经核查属实，撤销初验合格意见")
	b.Screenshot("complaint-verify")
	b.Click("[data-testid=verify-submit]")
	b.ExpectText(".flash-success", "公示已撤销")
	browserLogout(b)

	// The notice shows publicly as revoked; the complainant sees the outcome.
	b.Open(fmt.Sprintf("/notices/%d", first.ID))
	b.ExpectText("[data-testid=notice-revoked]", "本公示已撤销", "经核查属实，撤销初验合格意见")
	b.Screenshot("notice-revoked")
	b.Open("/complaints/" + ref)
	b.ExpectText("[data-testid=complaint-state]", "经核查属实")

	// Re-acceptance: the city's initial acceptance and the leadership group's review
	// pages belong to the review chain, so they are driven through the store here.
	admin := actAs(t, env, "admin").User
	if a, _ := env.Store.Application(ctx, admin, app.ID); a.State != models.StateCityReview {
		t.Fatalf("after the upheld complaint the application is %s; want city_review", a.State)
	}
	decide(t, env, app.ID, [2]string{"city1", "pass"}, [2]string{"city2", "confirm"})
	second := activeNotice(t, env, app.ID)
	b.Open("/notices")
	b.ExpectText("[data-testid=notices]", "已撤销", "公示中")
	b.Open(fmt.Sprintf("/notices/%d", second.ID))
	b.ExpectText("[data-testid=notice-status]", "公示中")
	b.ExpectText("[data-testid=notice-steps]", "撤销初验合格意见", "重新验收")
	b.Screenshot("notice-again")

	// The notice ends: the scheduled job passes it to the province's sign-off.
	endNotice(t, env, second)
	browserLogin(b, "province1")
	b.Open("/province/signoff")
	b.ExpectText("[data-testid=signoff-queue]", institution)
	b.Click(fmt.Sprintf("[data-testid=signoff-%d]", app.ID))
	b.ExpectText(".flash-success", "已签发整改验收合格证明")
	serial := b.Text("[data-testid=certificate-serial]")
	if !models.ValidSerial(serial) {
		t.Fatalf("serial %q", serial)
	}
	b.Screenshot("certificate")
	browserLogout(b)

	// The platform downloads the certificate and records the scope change with evidence.
	browserLogin(b, "platform1")
	b.Open("/platform/scope")
	b.ExpectText("[data-testid=scope-deadline]", "还剩 5 个工作日")
	setValue(b, "#f-change_date", models.DateOf(env.Clock.Now()).String())
	upload(b, "#f-evidence", samplePDF(t, "变更后营业执照.pdf"))
	b.Screenshot("scope-change")
	b.Click("[data-testid=scope-submit]")
	b.ExpectText(".flash-success", "已登记经营范围变更")
	b.ExpectText("[data-testid=scope-done]", models.DateOf(env.Clock.Now()).String())
	browserLogout(b)

	// province2 records the filing; the institution appears in the public register.
	browserLogin(b, "province2")
	b.Open("/province/filing?state=scope_changed")
	b.ExpectText("[data-testid=scope-evidence]", "变更后营业执照.pdf")
	b.Fill(fmt.Sprintf("filing_number-%d", app.ID), "粤网贷备〔2026〕0101号")
	setValue(b, fmt.Sprintf("#f-filing_date-%d", app.ID), models.DateOf(env.Clock.Now()).String())
	b.Click(fmt.Sprintf("[data-testid=file-%d]", app.ID))
	b.ExpectText(".flash-success", "已登记备案")
	browserLogout(b)
	files, _ := env.Store.FilesOf(ctx, store.FilesScopeChange, app.ID)
	evidence := fmt.Sprintf("/certificates/%d/evidence/%d", certID(t, env, app.ID), files[0].ID)
	for user, want := range map[string]int{"province2": http.StatusOK, "platform1": http.StatusOK, "district2": http.StatusNotFound} {
		c := env.Client(t)
		c.Login(user, webtest.DemoPassword)
		if resp, body := c.Get(evidence); resp.StatusCode != want || want == http.StatusOK && !strings.HasPrefix(body, "%PDF-") {
			t.Fatalf("%s downloading the scope-change evidence: %d; want %d", user, resp.StatusCode, want)
		}
	}
	b.Open("/register?q=" + url.QueryEscape("天河"))
	b.ExpectText("[data-testid=register]", institution, "91440106MA59A1B2CE", "粤网贷备〔2026〕0101号", models.DateOf(env.Clock.Now()).String())
	b.Screenshot("register")
}

var verifyLine = regexp.MustCompile(`https?://\S+/verify/\S+`)

func TestBrowserVerifyCertificate(t *testing.T) {
	env := webtest.New(t)
	b := browsertest.New(t, env.Server.URL)
	ctx := context.Background()
	app := platform1InNotice(t, env)
	endNotice(t, env, activeNotice(t, env, app.ID))
	cert, err := env.Store.SignOff(ctx, actAs(t, env, "province1"), app.ID, 0)
	if err != nil {
		t.Fatal(err)
	}

	// The address printed under the QR code on the PDF is the one the QR encodes.
	c := env.Client(t)
	c.Login("platform1", webtest.DemoPassword)
	resp, pdf := c.Get(fmt.Sprintf("/certificates/%d/pdf", cert.ID))
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(pdf, "%PDF-") {
		t.Fatalf("certificate download: %d", resp.StatusCode)
	}
	text := pdfText(t, pdf, "certificate.pdf")
	for _, want := range []string{"整改验收合格证明", cert.Name, cert.USCC, cert.Serial, cert.Fingerprint} {
		if !strings.Contains(strings.ReplaceAll(text, "\n", ""), want) {
			t.Fatalf("pdftotext lacks %q:\n%s", want, text)
		}
	}
	qrURL := verifyLine.FindString(text)
	if qrURL == "" || !strings.HasPrefix(qrURL, env.Server.URL) {
		t.Fatalf("no verification address on the certificate:\n%s", text)
	}
	b.Open(strings.TrimPrefix(qrURL, env.Server.URL))
	b.ExpectText("[data-testid=verify-status]", "证明有效")
	b.ExpectText("[data-testid=verify-result]", cert.Name, cert.USCC, cert.IssueDate.String(), cert.Fingerprint)
	b.Screenshot("verify-valid")

	// The form finds it too, with a full-width hyphen typed.
	b.Open("/verify")
	b.Fill("serial", strings.ReplaceAll(cert.Serial, "-", "－"))
	b.Screenshot("verify-form")
	b.Click("[data-testid=verify-form] button[type=submit]")
	b.ExpectText("[data-testid=verify-status]", "证明有效")

	// province1 revokes it; the same address now shows it revoked, with date and reason.
	browserLogin(b, "province1")
	b.Open(fmt.Sprintf("/certificates/%d", cert.ID))
	b.Fill("reason", "机构被查实在验收中提供虚假材料")
	b.Click("[data-testid=revoke-submit]")
	b.ExpectText(".flash-success", "已撤销")
	browserLogout(b)
	b.Open(strings.TrimPrefix(qrURL, env.Server.URL))
	b.ExpectText("[data-testid=verify-status]", "该证明已撤销")
	b.ExpectText("[data-testid=verify-result]", models.DateOf(env.Clock.Now()).String(), "机构被查实在验收中提供虚假材料")
	b.Screenshot("verify-revoked")

	// An unknown serial is not found, with a clear message and a 404.
	unknown := "/verify/" + url.PathEscape("粤-2026-999999")
	b.Open(unknown)
	b.ExpectText("[data-testid=verify-not-found]", "未查询到编号为「粤-2026-999999」的整改验收合格证明")
	b.Screenshot("verify-unknown")
	if resp, _ := env.Client(t).Get(unknown); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown serial: %d; want 404", resp.StatusCode)
	}
	// three look-ups of the serial (address, form, after revoking), two of the unknown one
	if n, _ := env.Store.VerificationCount(ctx, cert.Serial); n != 3 {
		t.Fatalf("verifications of %s logged: %d; want 3", cert.Serial, n)
	}
	if n, _ := env.Store.VerificationCount(ctx, "粤-2026-999999"); n != 2 {
		t.Fatalf("verifications of the unknown serial logged: %d; want 2", n)
	}
}

// pdfText runs pdftotext on the PDF and keeps a copy beside the screenshots.
func pdfText(t *testing.T, pdf, name string) string {
	t.Helper()
	dir := os.Getenv("PORTAL_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join("..", "var", "test-screenshots")
	}
	_ = os.MkdirAll(dir, 0o755)
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(pdf), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func certID(t *testing.T, env *webtest.Env, appID int64) int64 {
	t.Helper()
	rows, _, err := env.Store.ListCertificates(context.Background(), actAs(t, env, "admin").User, "", models.Page{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.ApplicationID == appID {
			return r.ID
		}
	}
	t.Fatalf("no certificate for application %d", appID)
	return 0
}
