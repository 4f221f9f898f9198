package web_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"portal/web/webtest"
)

var beijing = time.FixedZone("CST", 8*3600)

// A 25-working-day correction period set on 2026-12-10 needs 2027's calendar: the return
// is recorded and shown as 待定, the admin is told on the home page, adds 2027 at
// /admin/calendar, and the period is computed at once.
func TestBrowserDecemberCorrectionComputedWhenTheAdminAdds2027(t *testing.T) {
	env := webtest.New(t)
	env.Clock.Set(time.Date(2026, 12, 10, 9, 0, 0, 0, beijing))
	id := readyApplication(t, env, "platform1")
	const inst = "广州天河示例网络借贷信息中介服务有限公司"
	b := newReviewer(t, env)
	b.login("platform1")
	b.platformSubmits(id)

	b.as("district1")
	b.openFromQueue("/district", inst, "")
	b.claimAndCheck()
	b.Fill("return_days", "25")
	b.decide("return", "return_opinion", "请补充近三年年度审计报告", "do-return")
	b.state("补正中")
	b.ExpectText("[data-testid=app-head] [data-testid=deadline]", "补正截止：待定：须待 2027 年法定节假日安排公布")
	b.ExpectText("[data-testid=clock][data-rule=correction]", "25 个工作日", "待定：须待 2027 年法定节假日安排公布")
	b.Open("/district")
	b.ExpectText("[data-testid=queue]", inst, "补正截止：待定：须待 2027 年法定节假日安排公布")
	b.Screenshot("december-pending-queue")

	b.as("admin")
	b.Open("/admin/users")
	b.ExpectText("[data-testid=pending-calendar]", "有 1 个期限须待 2027 年法定节假日安排公布", "添加 2027 年日历")
	b.submit("[data-testid=pending-calendar] a")
	b.ExpectText("[data-testid=pending-calendar]", "2027")
	b.Fill("source", "国办发明电〔2026〕X号")
	b.write("lines", "2027-01-01 放假 元旦")
	b.Screenshot("december-add-2027")
	b.submit("[data-testid=do-add-year]")
	b.ExpectText(".flash-success", "2027 年日历已录入", "已计算待定期限 1 个")

	b.as("district1")
	b.openFromQueue("/district", inst, "")
	// 12-11 … 12-31: 15 working days; 2027-01-01 off; 01-04 … 01-15: 10 more
	b.ExpectText("[data-testid=app-head] [data-testid=deadline]", "补正截止：2027-01-15（还剩 25 个工作日）")
	b.Do(chromedp.Click(chromedp.CSS("[data-testid=clock-log] summary")))
	b.ExpectText("[data-testid=clock-log]", "重新计算：待定：须待 2027 年法定节假日安排公布 → 2027-01-15")
	b.Screenshot("december-computed")
}

// While the platform corrects, the district's review clock stands still; the
// resubmission resumes it, with the paused time shown and the due date moved.
func TestBrowserReviewClockPausedDuringCorrection(t *testing.T) {
	env := webtest.New(t) // 2026-11-23 (Mon) 09:00
	id := readyApplication(t, env, "platform1")
	const inst = "广州天河示例网络借贷信息中介服务有限公司"
	b := newReviewer(t, env)
	b.login("platform1")
	b.platformSubmits(id)

	env.Clock.Advance(time.Hour)
	b.as("district1")
	b.openFromQueue("/district", inst, "")
	// 20 working days (the default service time) from 11-24: 12-21
	b.ExpectText("[data-testid=app-head] [data-testid=deadline]", "区级审核期限：2026-12-21（还剩 20 个工作日）")
	b.claimAndCheck()
	b.decide("return", "return_opinion", "请补充近三年年度审计报告", "do-return")
	b.state("补正中")
	b.ExpectText("[data-testid=clock][data-rule=district_review]", "已暂停，恢复后剩余 20 个工作日")
	b.ExpectText("[data-testid=clock][data-rule=correction]", "还剩 10 个工作日")

	env.Clock.Advance(5 * 24 * time.Hour) // 2026-11-28 (Sat) 10:00
	b.as("platform1")
	b.platformSubmits(id)

	b.as("district1")
	b.openFromQueue("/district", inst, "")
	b.state("区级审核")
	// 11-24 … 11-28 did not count: 20 working days from 11-30 end on 12-25
	b.ExpectText("[data-testid=app-head] [data-testid=deadline]", "区级审核期限：2026-12-25（还剩 20 个工作日）")
	b.ExpectText("[data-testid=app-head] [data-testid=deadline-paused]", "累计暂停 5 天（等待机构补正）")
	b.ExpectText("[data-testid=clock][data-rule=district_review] [data-testid=clock-paused]", "累计暂停 5 天（等待机构补正）")
	b.ExpectText("[data-testid=clock][data-rule=correction]", "已补正并重新提交（2026-11-28）")
	b.Do(chromedp.Click(chromedp.CSS("[data-testid=clock-log] summary")))
	b.ExpectText("[data-testid=clock-log]", "区级审核：暂停计算", "区级审核：恢复计算，截止 2026-12-25")
	b.Screenshot("review-clock-resumed")
	b.Open("/district")
	b.ExpectText("[data-testid=queue]", "区级审核期限：2026-12-25（还剩 20 个工作日）")
}

// The city officer sets a stage's service time and the campaign end on the settings
// page beside the window; the queue shows the end date.
func TestBrowserCityServiceTimes(t *testing.T) {
	env := webtest.New(t)
	b := newReviewer(t, env)
	b.login("city1")
	b.Open("/city")
	b.ExpectText("[data-testid=campaign-end]", "2027-06-30（还剩 219 天）")
	b.submit("[data-testid=campaign-end] a")
	b.ExpectText("[data-testid=service-time-note]", "未规定办理时限", "由本市设定")
	b.Fill("days_city_review", "12")
	b.Fill("campaign_end", "2027-05-31")
	b.submit("[data-testid=deadlines-form] button[type=submit]")
	b.ExpectText(".flash-success", "办理时限已保存")
	b.ExpectText("[data-testid=campaign-left]", "还剩 189 天")
	b.Screenshot("city-service-times")
	b.Open("/city")
	b.ExpectText("[data-testid=campaign-end]", "2027-05-31（还剩 189 天）")
}
