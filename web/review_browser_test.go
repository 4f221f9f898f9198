package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"portal/models"
	"portal/web/browsertest"
	"portal/web/webtest"
)

// reviewer is a browser session that signs in and out as the demo users.
type reviewer struct {
	*browsertest.Browser
	t *testing.T
}

func newReviewer(t *testing.T, env *webtest.Env) *reviewer {
	return &reviewer{Browser: browsertest.New(t, env.Server.URL), t: t}
}

// submit clicks a button or link and waits until the next page has loaded: the old
// document is marked, and the wait ends when a document without the mark is complete.
func (r *reviewer) submit(css string) {
	r.t.Helper()
	r.Do(chromedp.Evaluate[chromedp.Void](`window.__stale = true; undefined`))
	r.Do(chromedp.Click(chromedp.CSS(css)))
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(40 * time.Millisecond) {
		fresh, err := chromedp.Run(r.Context(), chromedp.Evaluate[bool](`window.__stale !== true && document.readyState === "complete"`))
		if err == nil && fresh {
			return
		}
	}
	r.t.Fatalf("no new page after clicking %s", css)
}

// write types into a text area (browsertest.Fill clears inputs, which fails on an
// empty text area).
func (r *reviewer) write(name, value string) {
	r.t.Helper()
	sel := chromedp.CSS("#f-" + name)
	r.Do(chromedp.WaitVisible(sel), chromedp.Evaluate[chromedp.Void](`document.getElementById("f-`+name+`").value = ""; undefined`),
		chromedp.SendKeys(sel, value))
}

func (r *reviewer) login(user string) {
	r.t.Helper()
	r.Open("/login")
	r.Fill("username", user)
	r.Fill("password", webtest.DemoPassword)
	r.submit("button[type=submit]")
	r.ExpectText("[data-testid=current-user]", "（")
}

func (r *reviewer) logout() {
	r.t.Helper()
	r.submit(".who button[type=submit]")
}

// as signs out whoever is signed in and signs in as user.
func (r *reviewer) as(user string) {
	r.t.Helper()
	r.Open("/")
	if r.Path() == "/" || strings.HasPrefix(r.Path(), "/login") { // the public home: nobody is signed in
		r.login(user)
		return
	}
	r.logout()
	r.login(user)
}

// openFromQueue opens the application from the role's queue by its institution's name.
func (r *reviewer) openFromQueue(queue, institution, shot string) {
	r.t.Helper()
	r.Open(queue)
	r.ExpectText("[data-testid=queue]", institution)
	if shot != "" {
		r.Screenshot(shot)
	}
	r.Do(chromedp.Evaluate[chromedp.Void](`window.__stale = true; undefined`))
	r.Do(chromedp.Click(`//table[@data-testid="queue"]//a[contains(., "` + institution + `")]`))
	r.Do(chromedp.WaitVisible(chromedp.CSS(`[data-testid=app-head]`)))
}

// openFromInbox follows the newest message, as a platform user reaches its application.
func (r *reviewer) openFromInbox(wantTitle string) {
	r.t.Helper()
	r.ExpectText("[data-testid=unread-count]", "")
	r.submit("[data-testid=inbox-link]")
	r.ExpectText("[data-testid=inbox]", wantTitle)
	r.Screenshot("inbox")
	r.submit("[data-testid=inbox-item] .inbox-title")
	r.Do(chromedp.WaitVisible(chromedp.CSS(`[data-testid=app-head]`)))
}

func (r *reviewer) state(want string) {
	r.t.Helper()
	r.ExpectText("[data-testid=state]", want)
}

// claimAndCheck claims the application and records the on-site check.
func (r *reviewer) claimAndCheck() {
	r.t.Helper()
	r.submit("[data-testid=do-claim]")
	r.ExpectText("[data-testid=assignee]", "审核员")
	r.submit("[data-testid=onsite-link]")
	r.Click("#f-method-0")
	r.Click("#f-method-1")
	r.Click("#f-method-4")
	r.write("participants", "区金融工作部门张某、李某；某会计师事务所王某")
	r.write("findings", "资金存管到位；抽查借贷合同 30 份，未见自融、资金池；信息披露完整")
	r.submit("[data-testid=do-save-onsite]")
	r.ExpectText("[data-testid=onsite-check]", "核查账务系统", "抽查借贷合同")
}

// platformSubmits opens the application's checklist as its platform and submits it with
// the platform side's submit button.
func (r *reviewer) platformSubmits(id int64) {
	r.t.Helper()
	r.Open(appURL(id, "/checklist"))
	r.ExpectText("[data-testid=submit-box]", "可以提交")
	r.submit("[data-testid=submit-application]")
	r.ExpectText(".flash-success", "申请已提交")
}

func (r *reviewer) decide(_, field, text, button string) {
	r.t.Helper()
	if field != "" {
		r.write(field, text)
	}
	r.submit("[data-testid=" + button + "]")
}

func TestBrowserSmallApplicationToNotice(t *testing.T) {
	env := webtest.New(t)
	// platform1's file is filled through the file form and its materials and
	// self-assessment recorded through the store (the platform side's own browser tests
	// walk those pages); it submits with the real submit button.
	id := readyApplication(t, env, "platform1")
	const inst = "广州天河示例网络借贷信息中介服务有限公司"
	b := newReviewer(t, env)
	b.login("platform1")
	b.platformSubmits(id)

	env.Clock.Advance(time.Hour)
	b.as("district1")
	b.openFromQueue("/district", inst, "queue-district")
	b.state("区级审核")
	b.claimAndCheck()
	b.write("comment-custody_agreement", "协议缺少存管银行盖章页")
	b.submit("[data-testid=return-custody_agreement]")
	b.ExpectText("[data-testid=material-review-custody_agreement]", "已退回", "协议缺少存管银行盖章页")
	b.submit("[data-testid=accept-special_audit]")
	b.ExpectText("[data-testid=material-review-special_audit]", "已通过")
	b.decide("return", "return_opinion", "请按材料审核意见补正银行存管协议", "do-return")
	b.state("补正中")
	b.ExpectText("[data-testid=deadline]", "补正截止：2026-12-07（还剩 10 个工作日）")

	env.Clock.Advance(time.Hour)
	b.as("platform1")
	b.openFromInbox("被退回补正")
	b.ExpectText("[data-testid=timeline]", "请按材料审核意见补正银行存管协议", "银行存管协议：协议缺少存管银行盖章页")
	b.submit("[data-testid=to-checklist]")
	b.ExpectText("[data-testid=blockers]", "银行存管协议", "已被退回")
	mid := materials(t, env)["custody_agreement"].ID
	b.Open(fmt.Sprintf("/applications/%d/materials/%d", id, mid))
	b.Do(chromedp.SetUploadFiles(chromedp.CSS("#f-file-1"), []string{writeFile(t, t.TempDir(), "存管协议-盖章版.pdf", 4096)}))
	b.submit("[data-testid=upload-1]")
	b.ExpectText(".flash-success", "存管协议-盖章版.pdf")
	b.platformSubmits(id)

	env.Clock.Advance(time.Hour)
	b.as("district1")
	b.openFromQueue("/district", inst, "")
	b.ExpectText("[data-testid=round-changes]", "银行存管协议", "存管协议-盖章版.pdf")
	b.Screenshot("round-changes")
	acceptMaterials(t, env, "district1", id)
	b.openFromQueue("/district", inst, "")
	b.decide("pass", "pass_opinion", "经审核及现场核查，该机构整改到位，审核合格。", "do-pass")
	b.state("市级初验")
	b.ExpectText("[data-testid=opinion-docs]", "整改验收申请意见表（PDF）", "区（县）核查确认表（PDF）")

	b.as("city1")
	b.openFromQueue("/city", inst, "queue-city")
	b.decide("disagree", "disagree_reasons", "现场核查未覆盖项目真实性，请补充核查后重新报送", "do-disagree")
	b.state("区级审核")

	b.as("district1")
	b.openFromQueue("/district", inst, "")
	b.ExpectText("[data-testid=city-reasons]", "现场核查未覆盖项目真实性")
	b.decide("pass", "pass_opinion", "已补充核查项目真实性，审核合格。", "do-pass")
	b.state("市级初验")

	b.as("city1")
	b.openFromQueue("/city", inst, "")
	b.decide("pass", "pass_opinion", "同意区级审核结果，初验合格。", "do-pass")
	b.state("专责小组审定")
	b.ExpectText("[data-testid=four-eyes]", "您已办理本件初验，不能审定本件")
	b.submit("[data-testid=do-confirm]")
	b.ExpectText("[data-testid=refusal]", models.FourEyesMessage)
	b.state("专责小组审定")
	b.Screenshot("four-eyes-refused")

	b.as("city2")
	b.openFromQueue("/city", inst, "")
	b.ExpectText("[data-testid=four-eyes]", "本件初验由 广州市初验员 办理", "您不是初验办理人，可以审定")
	b.decide("confirm", "confirm_opinion", "专责小组审定通过。", "do-confirm")
	b.state("公示中")
	b.ExpectText("[data-testid=deadline]", "公示截止：2026-12-06")
	b.ExpectText("[data-testid=timeline]", "提交验收申请", "退回补正", "补正后重新提交", "提出不同意见并退回", "专责小组审定")
	b.Screenshot("timeline")
}

func TestBrowserLargeApplicationJointReview(t *testing.T) {
	env := webtest.New(t)
	id := readyApplication(t, env, "platform3") // see TestBrowserSmallApplicationToNotice
	const inst = "广州天河大型示例网络借贷信息中介服务股份有限公司"
	b := newReviewer(t, env)
	b.login("platform3")
	b.platformSubmits(id)

	b.as("district1")
	b.openFromQueue("/district", inst, "")
	b.ExpectText("[data-testid=app-head]", "省市联合验收（待收余额 9 亿元及以上）")
	b.claimAndCheck()
	acceptMaterials(t, env, "district1", id)
	b.openFromQueue("/district", inst, "")
	b.decide("pass", "pass_opinion", "经审核及现场核查，审核合格，报送省市联合验收。", "do-pass")
	b.state("省市联合验收")

	b.as("city1")
	b.Open("/city")
	listed, err := chromedp.Run(b.Context(), chromedp.Evaluate[bool](
		`!!document.querySelector("[data-testid=queue]") && document.querySelector("[data-testid=queue]").textContent.includes("`+inst+`")`))
	if err != nil || listed {
		t.Fatalf("the city's queue lists a joint review (%v)", err)
	}
	b.as("province1")
	b.openFromQueue("/province", inst, "queue-province")
	b.decide("pass", "pass_opinion", "省市联合验收合格。", "do-pass")
	b.state("公示中")
	b.ExpectText("[data-testid=timeline]", "省市联合验收")
	b.Screenshot("joint-review-notice")
}

func TestBrowserFailureObjectionUpheld(t *testing.T) {
	env := webtest.New(t)
	env.Clock.Set(time.Date(2026, 9, 30, 10, 0, 0, 0, time.FixedZone("CST", 8*3600)))
	id := readyApplication(t, env, "platform2") // see TestBrowserSmallApplicationToNotice
	const inst = "广州越秀示例互联网金融信息服务有限公司"
	b := newReviewer(t, env)
	b.login("platform2")
	b.platformSubmits(id)

	b.as("district2")
	b.openFromQueue("/district", inst, "")
	b.claimAndCheck()
	b.decide("fail", "fail_problems", "银行存管合作银行未通过存管业务测评\n仍有通过关联方为自身融资的存量业务", "do-fail")
	b.state("验收不合格")
	b.ExpectText("[data-testid=failure-notice]", "请立即停止新发生网贷业务", "异议截止：2026-10-13（还剩 5 个工作日）")

	// two working days later (10-08, 10-09, after National Day) the platform objects
	env.Clock.Set(time.Date(2026, 10, 9, 15, 0, 0, 0, time.FixedZone("CST", 8*3600)))
	b.as("platform2")
	b.openFromInbox("整改验收不合格")
	b.ExpectText("[data-testid=failure-notice]", "仍有通过关联方为自身融资的存量业务", "异议截止：2026-10-13（还剩 3 个工作日）") // 10-10 (make-up Saturday), 10-12, 10-13
	b.submit("[data-testid=objection-link]")
	evidence := writeFile(t, t.TempDir(), "存管银行测评通过证明.pdf", 2048)
	b.write("reasons", "本机构已于 2026 年 9 月更换存管银行，新存管银行已通过测评；关联方融资业务已于 8 月清偿完毕。")
	b.Do(chromedp.SetUploadFiles(chromedp.CSS("#f-evidence"), []string{evidence}))
	b.Screenshot("objection-form")
	b.submit("[data-testid=do-object]")
	b.state("异议复核")
	b.Screenshot("objection-filed")
	b.ExpectText("[data-testid=objection]", "存管银行测评通过证明.pdf")
	b.ExpectText("[data-testid=objection] a", "存管银行测评通过证明.pdf") // kept in the file store, downloadable

	b.as("city1")
	b.openFromQueue("/city", inst, "")
	b.decide("uphold", "uphold_opinion", "经核实，新存管银行已通过测评，关联方融资已清偿，问题不存在。", "do-uphold")
	b.state("专责小组审定")
	b.ExpectText("[data-testid=timeline]", "异议成立", "经核实，新存管银行已通过测评")

	b.as("city2")
	b.openFromQueue("/city", inst, "")
	b.decide("confirm", "", "", "do-confirm")
	b.state("公示中")
	b.Screenshot("objection-upheld-notice")
}

// TestBrowserAdminCalendarAndChain adds the 2027 calendar through the admin form and
// checks the decision chain.
func TestBrowserAdminCalendarAndChain(t *testing.T) {
	env := webtest.New(t)
	submitViaStore(t, env, "platform1")
	b := newReviewer(t, env)
	b.login("admin")
	b.Open("/admin/calendar")
	b.Fill("year", "2027")
	b.Fill("source", "国办发明电〔2026〕X号")
	b.write("lines", "2027-01-01 放假 元旦\n2027-02-06~2027-02-13 放假 春节\n2027-02-14 上班 春节调休上班\n2027-02-20 上班 春节调休上班")
	b.submit("[data-testid=do-add-year]")
	b.ExpectText("[data-testid=calendar-years]", "2027 年", "国办发明电〔2026〕X号")
	b.ExpectText("[data-testid=calendar-days]", "2027-02-14 春节调休上班")
	b.Screenshot("calendar")
	b.logout() // the chain is the audit administrator's (三员分立)
	browserLoginWithCode(t, b.Browser, env, "auditadmin")
	b.Open("/admin/chain")
	b.ExpectText("[data-testid=chain-ok]", "哈希链完整")
	b.Screenshot("chain")
}

// TestBrowserQueueUrgencyAndOverdue shows a district queue where a correction is overdue:
// it comes first and stands out, and the overdue filter keeps only it.
func TestBrowserQueueUrgencyAndOverdue(t *testing.T) {
	env := webtest.New(t)
	late := submitViaStore(t, env, "platform1")
	submitViaStore(t, env, "platform3")
	db, _ := env.Store.SQLDB()
	if _, err := db.Exec(`UPDATE applications SET state = 'correction', due_date = '2026-11-20', due_kind = 'working', due_label = '补正截止' WHERE id = $1`, late); err != nil {
		t.Fatal(err)
	}
	// the queue reads the current stage's clock
	if _, err := db.Exec(`UPDATE clocks SET rule = 'correction', label = '补正截止', length = 10, due_date = '2026-11-20'
		WHERE id = (SELECT clock_id FROM applications WHERE id = $1)`, late); err != nil {
		t.Fatal(err)
	}
	b := newReviewer(t, env)
	b.login("district1")
	b.Open("/district")
	b.ExpectText("[data-testid=queue-row]", "广州天河示例网络借贷信息中介服务有限公司", "补正截止：2026-11-20（已逾期 3 天）")
	overdue, err := chromedp.Run(b.Context(), chromedp.Evaluate[bool](`document.querySelector("[data-testid=queue-row]").classList.contains("overdue")`))
	if err != nil || !overdue {
		t.Fatalf("the overdue row does not stand out (%v)", err)
	}
	b.Screenshot("queue-overdue")
	b.Click("input[name=overdue]")
	b.submit(".filters button[type=submit]")
	n, _ := chromedp.Run(b.Context(), chromedp.Evaluate[int](`document.querySelectorAll("[data-testid=queue-row]").length`))
	if n != 1 {
		t.Fatalf("%d rows with the overdue filter; want 1", n)
	}
}
