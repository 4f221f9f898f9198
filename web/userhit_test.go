package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"portal/models"
	"portal/models/store"
	"portal/web/webtest"
)

// doc parses a page for goquery.
func doc(t testing.TB, body string) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

// secondTianheOfficer adds a second district officer of 天河区, able to sign in at once.
func secondTianheOfficer(t testing.TB, env *webtest.Env) *models.User {
	t.Helper()
	d1, err := env.Store.UserByUsername(context.Background(), "district1")
	if err != nil {
		t.Fatal(err)
	}
	hash, err := models.HashPassword(webtest.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	u, err := env.Store.CreateUser(context.Background(), actAs(t, env, "admin"), store.NewUser{Username: "district1b",
		DisplayName: "天河区第二审核员", PasswordHash: hash, Role: models.RoleDistrict, DivisionID: d1.DivisionID})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestPublicHomeGuideAndComplaintLookup(t *testing.T) {
	env := webtest.New(t)
	anon := env.Client(t)
	resp, body := anon.Get("/")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET / anonymous: %d; want the public home", resp.StatusCode)
	}
	home := doc(t, body).Find("main")
	for _, href := range []string{"/notices", "/register", "/verify", "/complaints", "/guide", "/login"} {
		if home.Find(fmt.Sprintf("a[href='%s']", href)).Length() == 0 {
			t.Errorf("the public home has no link to %s", href)
		}
	}
	if f := home.Find("form[action='/complaints'] input[name=ref]"); f.Length() != 1 {
		t.Errorf("the public home has no 举报查询 form")
	}
	// a signed-in user still reaches their home
	d1 := signIn(t, env, "district1")
	if resp, _ := d1.Get("/"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/district" {
		t.Fatalf("GET / as district1: %d → %s", resp.StatusCode, resp.Header.Get("Location"))
	}

	_, body = anon.Get("/guide")
	steps := doc(t, body).Find("[data-testid=guide-steps] > li")
	if steps.Length() < 8 {
		t.Fatalf("guide lists %d steps", steps.Length())
	}
	var titles []string
	steps.Each(func(_ int, s *goquery.Selection) {
		titles = append(titles, s.Find("h2").Text())
		if !strings.Contains(s.Find(".cite").Text(), "《网贷机构整改验收") {
			t.Errorf("guide step %q cites no rule", s.Find("h2").Text())
		}
	})
	if got := strings.Join(titles, "→"); !strings.Contains(got, "区金融工作部门审核→市级初验→专责小组审定→公示") || !strings.HasSuffix(got, "备案登记") {
		t.Errorf("guide order %s", got)
	}

	// the look-up: a typo, an unknown number, a real one
	resp, body = anon.Get("/complaints?ref=" + url.QueryEscape("JB-2026"))
	d := doc(t, body)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(d.Find("[data-testid=lookup-error]").Text(), "格式") ||
		d.Find("#f-ref").AttrOr("value", "") != "JB-2026" {
		t.Fatalf("malformed reference: %d, error %q, kept %q", resp.StatusCode, d.Find("[data-testid=lookup-error]").Text(), d.Find("#f-ref").AttrOr("value", ""))
	}
	resp, body = anon.Get("/complaints?ref=JB-20261201-ABCDEF")
	if d := doc(t, body); resp.StatusCode != http.StatusNotFound || !strings.Contains(d.Find("[data-testid=lookup-error]").Text(), "未找到") {
		t.Fatalf("unknown reference: %d %q", resp.StatusCode, d.Find("[data-testid=lookup-error]").Text())
	}
	app := platform1InNotice(t, env)
	n := activeNotice(t, env, app.ID)
	comp, err := env.Store.FileComplaint(context.Background(), store.Actor{IP: "192.0.2.1", Now: env.Clock.Now()}, n.ID,
		models.ComplaintInput{Type: "lender", Content: "平台仍在以拆分期限方式发售理财产品。"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, _ = anon.Get("/complaints?ref=" + url.QueryEscape(" "+strings.ToLower(comp.Ref)+" "))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/complaints/"+comp.Ref {
		t.Fatalf("look-up of %s: %d → %s", comp.Ref, resp.StatusCode, resp.Header.Get("Location"))
	}
}

// anonymousComplaint posts a complaint with neither name nor contact.
func anonymousComplaint(t *testing.T, env *webtest.Env, c *webtest.Client, noticeID int64) *http.Response {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"type": "public", "name": "", "contact": "", "content": "平台客服承诺保本保息，录音可提供。"} {
		_ = w.WriteField(k, v)
	}
	_ = w.Close()
	resp, err := c.HTTP.Post(fmt.Sprintf("%s/notices/%d/complaints?_csrf=%s", env.Server.URL, noticeID, c.CSRF()), w.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func TestAnonymousComplaintAndPublicReply(t *testing.T) {
	env := webtest.New(t)
	app := platform1InNotice(t, env)
	n := activeNotice(t, env, app.ID)
	anon := env.Client(t)
	_, body := anon.Get(fmt.Sprintf("/notices/%d", n.ID))
	if hint := doc(t, body).Find("[data-testid=anonymous-hint]").Text(); !strings.Contains(hint, "匿名") || !strings.Contains(hint, "不会另行告知") {
		t.Fatalf("the form does not explain anonymous complaints: %q", hint)
	}
	resp := anonymousComplaint(t, env, anon, n.ID)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("anonymous complaint: %d", resp.StatusCode)
	}
	status := resp.Header.Get("Location")
	_, body = anon.Get(status)
	d := doc(t, body)
	if facts := squash(d.Find("[data-testid=complaint-status]").Text()); !strings.Contains(facts, "举报人匿名") || !strings.Contains(facts, "未留联系方式") {
		t.Fatalf("status page of an anonymous complaint: %s", facts)
	}
	if d.Find("[data-testid=anonymous-note]").Length() != 1 {
		t.Fatal("the status page does not say the outcome is not sent")
	}

	// The city verifies: not upheld needs a public reply, which the status page shows.
	c1 := signIn(t, env, "city1")
	rows, _, err := env.Store.ListComplaints(context.Background(), actAs(t, env, "city1").User, store.ComplaintFilter{}, models.Page{Size: 10})
	if err != nil || len(rows) != 1 {
		t.Fatalf("complaints: %v %d", err, len(rows))
	}
	verify := fmt.Sprintf("/city/complaints/%d/verify", rows[0].ID)
	_, page := c1.Get(fmt.Sprintf("/city/complaints/%d", rows[0].ID))
	if name := squash(doc(t, page).Find("[data-testid=complainant-name]").Text()); name != "匿名" {
		t.Errorf("the city sees the complainant as %q", name)
	}
	resp, body = c1.Submit(verify, url.Values{"outcome": {"not_upheld"}, "finding": {"调取客服录音，未见保本保息承诺"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc(t, body).Find("[data-testid=error-public_reason]").Text(), "公开答复") {
		t.Fatalf("not upheld without a reply: %d", resp.StatusCode)
	}
	if got := doc(t, body).Find("#f-finding").Text(); got != "调取客服录音，未见保本保息承诺" {
		t.Fatalf("the finding typed was lost: %q", got)
	}
	const reply = "经调取平台客服录音及宣传材料，未发现保本保息承诺，举报事项不属实。"
	if resp, body := c1.Submit(verify, url.Values{"outcome": {"not_upheld"}, "finding": {"调取客服录音，未见保本保息承诺"}, "public_reason": {reply}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("not upheld with a reply: %d\n%s", resp.StatusCode, textOf(body))
	}
	_, body = anon.Get(status)
	d = doc(t, body)
	if got := d.Find("[data-testid=complaint-state]").Text(); got != "经核查不属实" {
		t.Errorf("state %q", got)
	}
	if got := d.Find("[data-testid=public-reply]").Text(); got != reply {
		t.Errorf("public reply on the status page: %q", got)
	}
}

// A district pass with required materials not accepted is refused with what was typed
// kept; an override needs a reason, and the reason is a row of the history.
func TestDistrictPassNeedsAcceptedMaterialsOrOverride(t *testing.T) {
	env := webtest.New(t)
	id := submitViaStore(t, env, "platform1")
	d1 := signIn(t, env, "district1")
	onsiteCheck(t, env, d1, id)
	_, page := d1.Get(appURL(id, ""))
	if pending := doc(t, page).Find("[data-testid=pending-materials]").Text(); !strings.Contains(pending, "自评报告（待审核）") {
		t.Fatalf("the pass form does not list the pending materials: %q", pending)
	}
	const opinion = "经审核及现场核查，该机构整改到位。"
	body := postDecision(t, d1, id, "/district/pass", url.Values{"pass_opinion": {opinion}}, http.StatusUnprocessableEntity)
	d := doc(t, body)
	if msg := d.Find("[data-testid=error-pass_override_reason]").Text(); !strings.Contains(msg, "必交材料未审核通过") || !strings.Contains(msg, "四(二)2") {
		t.Fatalf("refusal %q", msg)
	}
	if got := d.Find("#f-pass_opinion").Text(); got != opinion {
		t.Fatalf("typed opinion lost: %q", got)
	}
	body = postDecision(t, d1, id, "/district/pass", url.Values{"pass_opinion": {opinion}, "pass_override": {"1"}, "pass_override_reason": {"太短"}}, http.StatusUnprocessableEntity)
	d = doc(t, body)
	if !strings.Contains(d.Find("[data-testid=error-pass_override_reason]").Text(), "不少于") || d.Find("#f-pass_override").AttrOr("checked", "none") == "none" {
		t.Fatalf("short reason: %q, box kept %v", d.Find("[data-testid=error-pass_override_reason]").Text(), d.Find("#f-pass_override").Length())
	}
	const reason = "材料经现场逐项核对与原件一致，系统审核记录待补录"
	postDecision(t, d1, id, "/district/pass", url.Values{"pass_opinion": {opinion}, "pass_override": {"1"}, "pass_override_reason": {reason}}, http.StatusSeeOther)
	hist, err := env.Store.History(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var events []string
	for _, h := range hist {
		events = append(events, string(h.Event))
	}
	if got := strings.Join(events, ","); got != "submit,claim,material_override,pass" {
		t.Fatalf("history %s", got)
	}
	if o := hist[2].Opinion; !strings.Contains(o, reason) || !strings.Contains(o, "自评报告（待审核）") {
		t.Fatalf("override row %q", o)
	}
	_, page = d1.Get(appURL(id, ""))
	tl := squash(doc(t, page).Find("[data-testid=timeline]").Text())
	for _, want := range []string{"认领经办", "材料未全部审核通过仍予合格", reason, "区级审核合格"} {
		if !strings.Contains(tl, want) {
			t.Errorf("the history does not show %q", want)
		}
	}
	if chain, _, err := env.Store.VerifyDecisionChain(context.Background()); err != nil || chain != nil {
		t.Fatalf("chain after case records: %v %v", chain, err)
	}
}

// Assigning a case held by one officer to another is recorded and tells both; the
// officer who lost it is refused with the new holder named and the typed text kept.
func TestReassignmentRecordedNotifiedAndRefusalKeepsText(t *testing.T) {
	env := webtest.New(t)
	id := submitViaStore(t, env, "platform1")
	second := secondTianheOfficer(t, env)
	d1, d2 := signIn(t, env, "district1"), signIn(t, env, "district1b")
	onsiteCheck(t, env, d1, id)
	acceptMaterials(t, env, "district1", id)
	v := pageVersion(t, d1, id)
	postDecision(t, d1, id, "/district/assign", url.Values{"officer_id": {fmt.Sprint(second.ID)}, "version": {"0"}}, http.StatusSeeOther)

	const opinion = "经审核，同意报送市级初验。"
	body := postDecision(t, d1, id, "/district/pass", url.Values{"pass_opinion": {opinion}, "version": {v}}, http.StatusForbidden)
	d := doc(t, body)
	if msg := d.Find("[data-testid=refusal]").Text(); !strings.Contains(msg, "改由 天河区第二审核员 经办") {
		t.Fatalf("refusal %q", msg)
	}
	if got := d.Find("[data-testid=unsent-pass_opinion]").Text(); got != opinion {
		t.Fatalf("typed opinion not given back: %q", got)
	}
	hist, _ := env.Store.History(context.Background(), id)
	last := hist[len(hist)-1]
	if last.Event != models.EventAssign || !strings.Contains(last.Opinion, "改派给 天河区第二审核员") || last.ToState != models.StateDistrictReview {
		t.Fatalf("last history row %s %q", last.Event, last.Opinion)
	}
	for who, c := range map[string]*webtest.Client{"district1": d1, "district1b": d2} {
		_, inbox := c.Get("/inbox")
		item := doc(t, inbox).Find("[data-testid=inbox-item]").First()
		kind := item.Find(".badge").Text()
		if (who == "district1" && kind != "经办人变更") || (who == "district1b" && kind != "分配经办") {
			t.Errorf("%s's newest message is %q: %s", who, kind, squash(item.Text()))
		}
		if item.Find("[data-testid=inbox-open]").Text() != "查看申请 →" || !strings.Contains(item.Find("[data-testid=inbox-body]").Text(), "天河区第二审核员") {
			t.Errorf("%s's message has no reason or link: %s", who, squash(item.Text()))
		}
	}
	// the new holder passes
	postDecision(t, d2, id, "/district/pass", url.Values{"pass_opinion": {opinion}}, http.StatusSeeOther)
}

// No inbox entry shows a raw code; the revocation tells the platform why, with a link.
func TestInboxChineseKindsReasonAndLink(t *testing.T) {
	env := webtest.New(t)
	ctx := context.Background()
	app := platform1InNotice(t, env)
	endNotice(t, env, activeNotice(t, env, app.ID))
	cert, err := env.Store.SignOff(ctx, actAs(t, env, "province1"), app.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	const reason = "经查，该机构存在虚假宣传行为"
	if err := env.Store.RevokeCertificate(ctx, actAs(t, env, "province1"), cert.ID, reason); err != nil {
		t.Fatal(err)
	}
	p1 := signIn(t, env, "platform1")
	_, body := p1.Get("/inbox")
	items := doc(t, body).Find("[data-testid=inbox-item]")
	if items.Length() == 0 {
		t.Fatal("empty inbox")
	}
	items.Each(func(_ int, s *goquery.Selection) {
		kind := s.Find(".badge").Text()
		if kind == "" || strings.ContainsAny(kind, "abcdefghijklmnopqrstuvwxyz_") {
			t.Errorf("kind shown as %q", kind)
		}
		if s.Find("[data-testid=inbox-body]").Text() == "" || s.Find("[data-testid=inbox-open]").Length() != 1 {
			t.Errorf("message without reason or link: %s", squash(s.Text()))
		}
	})
	first := items.First()
	if first.Find(".badge").Text() != "合格证明撤销" || !strings.Contains(first.Find("[data-testid=inbox-body]").Text(), reason) ||
		first.Find("[data-testid=inbox-open]").Text() != "查看合格证明 →" {
		t.Fatalf("revocation message: %s", squash(first.Text()))
	}
	action, _ := first.Find("[data-testid=inbox-open]").Parent().Attr("action")
	resp, _ := p1.Submit(action, nil)
	if loc := resp.Header.Get("Location"); loc != fmt.Sprintf("/certificates/%d", cert.ID) {
		t.Fatalf("the message links to %q", loc)
	}
}

// /notices?page=2 with one page of notices says the page is empty instead of 第 2 / 1 页.
func TestPagePastTheEndSaysSo(t *testing.T) {
	env := webtest.New(t)
	c := env.Client(t)
	_, body := c.Get("/notices?page=2")
	d := doc(t, body)
	summary := d.Find("[data-testid=pager-summary]").Text()
	if strings.Contains(summary, "第 2 / 1 页") || !strings.Contains(summary, "第 2 页没有内容") {
		t.Fatalf("pager %q", summary)
	}
	if !strings.Contains(d.Find(".empty").Text(), "本页没有公示") {
		t.Fatalf("empty page says %q", d.Find(".empty").Text())
	}
	if href := d.Find("[data-testid=pager-last]").AttrOr("href", ""); href != "?page=1" {
		t.Fatalf("link back %q", href)
	}
	_, body = c.Get("/notices?page=1")
	if s := doc(t, body).Find("[data-testid=pager-summary]").Text(); !strings.Contains(s, "第 1 / 1 页") {
		t.Fatalf("first page %q", s)
	}
}

// After an upheld complaint: the notice no longer says 现予公示, the platform's notices
// page names the status once, and the summary names the city's step 市级初验合格.
func TestRevokedNoticeWording(t *testing.T) {
	env := webtest.New(t)
	ctx := context.Background()
	app := platform1InNotice(t, env)
	n := activeNotice(t, env, app.ID)
	c := env.Client(t)
	_, body := c.Get(fmt.Sprintf("/notices/%d", n.ID))
	d := doc(t, body)
	if s := squash(d.Find("[data-testid=notice-summary]").Text()); !strings.Contains(s, "现予公示") {
		t.Fatalf("running notice summary %q", s)
	}
	steps := squash(d.Find("[data-testid=notice-steps]").Text())
	if !strings.Contains(steps, "区级审核合格") || !strings.Contains(steps, "市级初验合格") || strings.Contains(steps, "审核通过") {
		t.Fatalf("steps %q", steps)
	}
	comp, err := env.Store.FileComplaint(ctx, store.Actor{IP: "192.0.2.9", Now: env.Clock.Now()}, n.ID,
		models.ComplaintInput{Type: "lender", Content: "平台仍以拆分期限方式销售理财产品。"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// through the city's form, so the server's public cache learns of the change
	if resp, body := signIn(t, env, "city1").Submit(fmt.Sprintf("/city/complaints/%d/verify", comp.ID), url.Values{"outcome": {"upheld"},
		"finding": {"调取资金流水核实属实"}, "public_reason": {"举报经核查属实，撤销初验合格意见"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("verify: %d\n%s", resp.StatusCode, textOf(body))
	}
	_, body = c.Get(fmt.Sprintf("/notices/%d", n.ID))
	if s := squash(doc(t, body).Find("[data-testid=notice-summary]").Text()); strings.Contains(s, "现予公示") || !strings.Contains(s, "初验合格意见已撤销") {
		t.Fatalf("revoked notice summary %q", s)
	}
	p1 := signIn(t, env, "platform1")
	_, body = p1.Get("/platform/notices")
	badges := doc(t, body).Find("h2 .badge")
	if badges.Length() != 1 || badges.Text() != "已撤销" {
		t.Fatalf("platform notices badge %q", badges.Text())
	}
}

func TestCertificateVerifyURLShownDecoded(t *testing.T) {
	env := webtest.New(t)
	app := platform1InNotice(t, env)
	endNotice(t, env, activeNotice(t, env, app.ID))
	cert, err := env.Store.SignOff(context.Background(), actAs(t, env, "province1"), app.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, body := signIn(t, env, "province1").Get(fmt.Sprintf("/certificates/%d", cert.ID))
	link := doc(t, body).Find("[data-testid=verify-link]")
	if !strings.HasSuffix(link.Text(), "/verify/"+cert.Serial) || strings.Contains(link.Text(), "%") {
		t.Fatalf("verify URL shown as %q", link.Text())
	}
	if href := link.AttrOr("href", ""); !strings.HasSuffix(href, "/verify/"+url.PathEscape(cert.Serial)) {
		t.Fatalf("verify link %q", href)
	}
}

func TestQueueOfficerColumnPerRole(t *testing.T) {
	env := webtest.New(t)
	id := submitViaStore(t, env, "platform1")
	d1 := signIn(t, env, "district1")
	onsiteCheck(t, env, d1, id)
	acceptMaterials(t, env, "district1", id)
	for _, c := range [][2]string{{"district1", "经办人"}, {"city1", "区级经办人"}} {
		user, want := c[0], c[1]
		if user == "city1" {
			postDecision(t, d1, id, "/district/pass", url.Values{"pass_opinion": {"合格"}}, http.StatusSeeOther)
		}
		_, body := signIn(t, env, user).Get("/" + strings.TrimRight(user, "1"))
		d := doc(t, body)
		if got := d.Find("[data-testid=queue] thead th").Eq(5).Text(); got != want {
			t.Errorf("%s's queue: officer column %q; want %q", user, got, want)
		}
	}
}

// Every page's ids are unique; /admin/windows repeats one form per city.
func TestAdminWindowsIDsUniqueAndSkipLink(t *testing.T) {
	env := webtest.New(t)
	_, body := signIn(t, env, "admin").Get("/admin/windows")
	d := doc(t, body)
	if d.Find("[data-testid=window-form]").Length() < 2 {
		t.Fatal("the admin sees fewer than two cities' windows")
	}
	seen := map[string]bool{}
	d.Find("[id]").Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("id")
		if seen[id] {
			t.Errorf("duplicate id %q", id)
		}
		seen[id] = true
	})
	d.Find("label[for]").Each(func(_ int, s *goquery.Selection) {
		if f, _ := s.Attr("for"); !seen[f] {
			t.Errorf("label for %q has no field", f)
		}
	})
	skip := d.Find("body > a.skip-link")
	if skip.AttrOr("href", "") != "#main" || skip.Text() != "跳到主要内容" || d.Find("main#main").Length() != 1 {
		t.Fatal("no skip link to main")
	}
}

// A new account is welcomed to set its own password; a reset one is told of the reset.
func TestForcedPasswordChangeSaysWhy(t *testing.T) {
	env := webtest.New(t)
	admin := signIn(t, env, "admin")
	d1, _ := env.Store.UserByUsername(context.Background(), "district1")
	const initial, temp = "Tianhe#Officer2026", "Reset#Officer2026x"
	if resp, body := admin.Submit("/admin/users", url.Values{"username": {"tianhe9"}, "display_name": {"天河区新审核员"}, "role": {"district"},
		"division_id": {fmt.Sprint(*d1.DivisionID)}, "password": {initial}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", resp.StatusCode, textOf(body))
	}
	reason := func(password string) string {
		u := env.Client(t)
		u.Login("tianhe9", password)
		_, body := u.Get("/account/password")
		return doc(t, body).Find("[data-testid=forced-reason]").Text()
	}
	if r := reason(initial); !strings.Contains(r, "首次登录") || strings.Contains(r, "重置") {
		t.Fatalf("new account told %q", r)
	}
	u, _ := env.Store.UserByUsername(context.Background(), "tianhe9")
	if resp, body := admin.Submit(fmt.Sprintf("/admin/users/%d/reset", u.ID), url.Values{"password": {temp}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset: %d\n%s", resp.StatusCode, textOf(body))
	}
	if r := reason(temp); !strings.Contains(r, "管理员已重置您的密码") {
		t.Fatalf("reset account told %q", r)
	}
}
