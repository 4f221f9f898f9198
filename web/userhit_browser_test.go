package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"portal/models"
	"portal/models/store"
	"portal/web/webtest"
)

// A visitor comes in at /, finds 举报查询, types the reference number and reaches the
// complaint's status page; a typo is refused with what was typed kept.
func TestBrowserPublicHomeToComplaintStatus(t *testing.T) {
	env := webtest.New(t)
	app := platform1InNotice(t, env)
	n := activeNotice(t, env, app.ID)
	comp, err := env.Store.FileComplaint(context.Background(), store.Actor{IP: "192.0.2.7", Now: env.Clock.Now()}, n.ID,
		models.ComplaintInput{Type: "borrower", Name: "赵六", Contact: "13912345678", Content: "平台收取了合同以外的服务费三千元。"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := newReviewer(t, env)
	b.Open("/")
	b.ExpectText("[data-testid=public-home]", "公示公告", "备案名录", "证明核验", "举报查询")
	b.ExpectText("main", "办事指南", "登录工作平台")
	first, err := chromedp.Run(b.Context(), chromedp.Evaluate[bool](`document.querySelector("a, button, input") === document.querySelector("a.skip-link")`))
	if err != nil || !first {
		t.Fatalf("the skip link is not the first focusable element (%v)", err)
	}
	b.Screenshot("public-home")

	b.Do(chromedp.SendKeys(chromedp.CSS("#home-ref"), "JB-123"))
	b.submit("[data-testid=do-lookup]")
	b.ExpectText("[data-testid=lookup-error]", "受理编号格式应为")
	if got := inputValue(t, b.Browser, "#f-ref"); got != "JB-123" {
		t.Fatalf("typed reference lost: %q", got)
	}
	b.Screenshot("lookup-refused")
	b.Do(chromedp.Evaluate[chromedp.Void](`document.getElementById("f-ref").value = ""; undefined`))
	b.Do(chromedp.SendKeys(chromedp.CSS("#f-ref"), strings.ToLower(comp.Ref)))
	b.submit("[data-testid=do-lookup]")
	if p := b.Path(); p != "/complaints/"+comp.Ref {
		t.Fatalf("look-up landed on %s", p)
	}
	b.ExpectText("[data-testid=complaint-ref]", comp.Ref)
	b.ExpectText("[data-testid=complaint-state]", "核查中")
	b.ExpectText("[data-testid=complaint-status]", "赵*", "139****5678")
	b.Screenshot("complaint-status")

	b.Open("/")
	b.submit("[data-testid=home-guide]")
	b.ExpectText("[data-testid=guide-steps]", "机构自评并申请验收", "区金融工作部门审核", "市级初验", "公示", "省级审定并出具合格证明", "备案登记", "四(二)5(1)")
	b.Screenshot("guide")
}

// A second district officer takes over a case the first holds: the takeover is in the
// history and both are told; the first officer's pass, typed before they knew, is
// refused with a clear message and the opinion is given back.
func TestBrowserTakeoverRecordedAndNotified(t *testing.T) {
	env := webtest.New(t)
	id := readyApplication(t, env, "platform1")
	const inst = "广州天河示例网络借贷信息中介服务有限公司"
	secondTianheOfficer(t, env)
	b := newReviewer(t, env)
	b.login("platform1")
	b.platformSubmits(id)

	b.as("district1")
	b.openFromQueue("/district", inst, "")
	b.claimAndCheck()
	acceptMaterials(t, env, "district1", id)
	b.openFromQueue("/district", inst, "")
	const opinion = "经审核及现场核查，该机构资金存管到位、信息披露完整，审核合格。"
	b.write("pass_opinion", opinion)

	// meanwhile the second officer claims the case
	d2 := signIn(t, env, "district1b")
	postDecision(t, d2, id, "/district/claim", url.Values{"version": {"0"}}, http.StatusSeeOther)

	b.submit("[data-testid=do-pass]")
	b.ExpectText("[data-testid=refusal]", "改由 天河区第二审核员 经办", "您的操作未生效")
	if got := inputValue(t, b.Browser, "#unsent-pass_opinion"); got != opinion {
		t.Fatalf("the typed opinion was not given back: %q", got)
	}
	b.ExpectText("[data-testid=assignee]", "天河区第二审核员")
	b.ExpectText("[data-testid=timeline]", "认领经办", "天河区第二审核员 接手本件（原经办人：", "原经办人已收到通知")
	b.Screenshot("takeover-refused")

	b.submit("[data-testid=inbox-link]")
	b.ExpectText("[data-testid=inbox]", "经办人变更", "已改由 天河区第二审核员 经办", "查看申请")
	b.Screenshot("takeover-inbox-first")
	b.submit("[data-testid=inbox-open]")
	if p := b.Path(); p != appURL(id, "") {
		t.Fatalf("the message leads to %s", p)
	}

	b.as("district1b")
	b.submit("[data-testid=inbox-link]")
	b.ExpectText("[data-testid=inbox]", "分配经办", "您已成为 "+inst+" 整改验收申请的区级经办人")
	b.Screenshot("takeover-inbox-second")
}
