package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"portal/web/webtest"
)

func parse(t *testing.T, body string) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func text(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }

// clockCell is the status text of the application page's clock of rule.
func clockCell(t *testing.T, body, rule string) (status, txt, due, paused string) {
	t.Helper()
	row := parse(t, body).Find(`[data-testid="clock"][data-rule="` + rule + `"]`).Last()
	if row.Length() == 0 {
		t.Fatalf("no %s clock on the page:\n%s", rule, textOf(body))
	}
	st, _ := row.Attr("data-status")
	return st, text(row.Find(`[data-testid="clock-text"]`)), text(row.Find(`[data-testid="clock-due"]`)), text(row.Find(`[data-testid="clock-paused"]`))
}

// A correction period set on 2026-12-24 reaches 2027 before its calendar is entered: the
// return is recorded, the period reads 待定, the admin is told, and adding 2027 computes it.
func TestDecemberCorrectionIsPendingUntilTheYearIsAdded(t *testing.T) {
	env := webtest.New(t)
	env.Clock.Set(time.Date(2026, 12, 24, 10, 0, 0, 0, time.FixedZone("CST", 8*3600)))
	id := submitViaStore(t, env, "platform1")
	d1 := signIn(t, env, "district1")
	onsiteCheck(t, env, d1, id)
	form := url.Values{"return_opinion": {"请补充审计报告"}, "return_days": {"10"}}
	postDecision(t, d1, id, "/district/return", form, http.StatusSeeOther)

	_, body := d1.Get(appURL(id, ""))
	head := text(parse(t, body).Find(`[data-testid="app-head"] [data-testid="deadline"]`))
	if head != "补正截止：待定：须待 2027 年法定节假日安排公布" {
		t.Fatalf("deadline chip %q", head)
	}
	if st, txt, _, _ := clockCell(t, body, "correction"); st != "pending" || txt != "待定：须待 2027 年法定节假日安排公布" {
		t.Fatalf("correction clock %s %q", st, txt)
	}
	_, body = d1.Get("/district")
	row := parse(t, body).Find(`[data-testid="queue-row"]`).FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.Contains(s.Text(), "广州天河示例")
	})
	if got := text(row.Find(`[data-testid="deadline"]`)); got != "补正截止：待定：须待 2027 年法定节假日安排公布" {
		t.Fatalf("queue deadline %q", got)
	}
	p1 := signIn(t, env, "platform1")
	_, body = p1.Get("/platform")
	if got := text(parse(t, body).Find(`[data-testid="deadline"]`)); !strings.Contains(got, "待定：须待 2027 年法定节假日安排公布") {
		t.Fatalf("platform home deadline %q", got)
	}

	admin := signIn(t, env, "admin")
	for _, path := range []string{"/admin/users", "/admin/calendar"} {
		_, body = admin.Get(path)
		notice := text(parse(t, body).Find(`[data-testid="pending-calendar"]`))
		if !strings.Contains(notice, "有 1 个期限须待 2027 年法定节假日安排公布") || !strings.Contains(notice, "添加 2027 年日历") {
			t.Fatalf("%s notice %q", path, notice)
		}
	}
	if v, _ := parse(t, body).Find("#f-year").Attr("value"); v != "2027" {
		t.Fatalf("the add form proposes %q", v)
	}
	resp, body := admin.Submit("/admin/calendar", url.Values{"year": {"2027"}, "source": {"国办发明电〔2026〕X号"},
		"lines": {"2027-01-01 放假 元旦\n2027-01-05 上班 错误的调休"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "本来就是工作日") {
		t.Fatalf("a make-up day on a Tuesday: %d\n%s", resp.StatusCode, textOf(body))
	}
	if got := parse(t, body).Find("#f-lines").Text(); !strings.Contains(got, "2027-01-05 上班 错误的调休") {
		t.Fatalf("the typed lines are lost: %q", got)
	}
	resp, _ = admin.Submit("/admin/calendar", url.Values{"year": {"2027"}, "source": {"国办发明电〔2026〕X号"},
		"lines": {"2027-01-01 放假 元旦"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("adding 2027: %d", resp.StatusCode)
	}
	_, body = admin.Get("/admin/calendar?year=2027")
	doc := parse(t, body)
	if doc.Find(`[data-testid="pending-calendar"]`).Length() != 0 {
		t.Fatal("the notice stays after 2027 was added")
	}
	if !strings.Contains(text(doc.Find(".flash")), "已计算待定期限 1 个") {
		t.Fatalf("flash %q", text(doc.Find(".flash")))
	}

	_, body = d1.Get(appURL(id, ""))
	// 12-25, 12-28 … 12-31, (01-01), 01-04 … 01-08 → 10th working day 2027-01-08
	head = text(parse(t, body).Find(`[data-testid="app-head"] [data-testid="deadline"]`))
	if head != "补正截止：2027-01-08（还剩 10 个工作日）" {
		t.Fatalf("deadline chip after 2027 %q", head)
	}
	log := text(parse(t, body).Find(`[data-testid="clock-log"]`))
	if !strings.Contains(log, "机构补正：重新计算：待定：须待 2027 年法定节假日安排公布 → 2027-01-08") {
		t.Fatalf("clock record %q", log)
	}
}

// A failure's objection window ends with its stage: after 最终不合格 nothing says
// "还剩 5 个工作日".
func TestFinalFailureEndsTheObjectionClock(t *testing.T) {
	env := webtest.New(t)
	id := submitViaStore(t, env, "platform2")
	d2 := signIn(t, env, "district2")
	onsiteCheck(t, env, d2, id)
	postDecision(t, d2, id, "/district/fail", url.Values{"fail_problems": {"资金未存管"}}, http.StatusSeeOther)
	_, body := d2.Get(appURL(id, ""))
	failure := text(parse(t, body).Find(`[data-testid="failure-notice"] [data-testid="deadline"]`))
	// notified 2026-11-23 (Mon): 11-24 … 11-30
	if failure != "异议截止：2026-11-30（还剩 5 个工作日）" {
		t.Fatalf("objection deadline %q", failure)
	}
	p2 := signIn(t, env, "platform2")
	object(t, env, p2, id, "已更换存管银行", map[string][]byte{"存管协议.pdf": pdfBytes}, http.StatusSeeOther)
	city := signIn(t, env, "city1")
	postDecision(t, city, id, "/objection-review/reject", url.Values{"reject_opinion": {"经核实问题仍存在"}}, http.StatusSeeOther)
	env.Clock.Advance(48 * time.Hour)
	d2 = signIn(t, env, "district2") // the session ended while the clock moved
	_, body = d2.Get(appURL(id, ""))
	doc := parse(t, body)
	if strings.Contains(text(doc.Find(`[data-testid="failure-notice"], [data-testid="clocks"], [data-testid="app-head"]`)), "还剩") {
		t.Fatalf("a final failure still counts down: %q", text(doc.Find(`[data-testid="failure-notice"]`)))
	}
	if doc.Find(`[data-testid="app-head"] [data-testid="deadline"]`).Length() != 0 {
		t.Fatal("a final failure shows a running deadline")
	}
	if st, txt, _, _ := clockCell(t, body, "objection_window"); st != "met" || !strings.HasPrefix(txt, "已在期限内提出异议（2026-11-23）") {
		t.Fatalf("objection window %s %q", st, txt)
	}
	if st, _, _, _ := clockCell(t, body, "objection_review"); st != "met" {
		t.Fatalf("objection review clock %s", st)
	}
}

// The city sets the service times; bad input keeps what was typed.
func TestCityServiceTimesPage(t *testing.T) {
	env := webtest.New(t)
	city := signIn(t, env, "city1")
	_, body := city.Get("/city/deadlines")
	doc := parse(t, body)
	if !strings.Contains(text(doc.Find(`[data-testid="service-time-note"]`)), "未规定办理时限") {
		t.Fatalf("note %q", text(doc.Find(`[data-testid="service-time-note"]`)))
	}
	action, _ := doc.Find(`[data-testid="deadlines-form"] form`).Attr("action")
	form := url.Values{"campaign_end": {"2027-06-31"}}
	doc.Find(`[data-testid="stage-time"] input`).Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		v, _ := s.Attr("value")
		form.Set(name, v)
	})
	form.Set("days_city_review", "0")
	resp, body := city.Submit(action, form)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad settings: %d", resp.StatusCode)
	}
	doc = parse(t, body)
	if v, _ := doc.Find("#f-campaign_end").Attr("value"); v != "2027-06-31" {
		t.Fatalf("typed date lost: %q", v)
	}
	if got := text(doc.Find(`[data-testid="error-days_city_review"]`)); !strings.Contains(got, "1 至 120 个工作日") {
		t.Fatalf("error %q", got)
	}
	form.Set("campaign_end", "2027-06-30")
	form.Set("days_city_review", "12")
	if resp, body := city.Submit(action, form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving: %d\n%s", resp.StatusCode, textOf(body))
	}
	_, body = city.Get("/city/deadlines")
	if v, _ := parse(t, body).Find("#f-days_city_review").Attr("value"); v != "12" {
		t.Fatalf("saved value %q", v)
	}
	d1 := signIn(t, env, "district1")
	_, body = d1.Get("/district")
	if got := text(parse(t, body).Find(`[data-testid="campaign-end"]`)); !strings.Contains(got, "2027-06-30（还剩 219 天）") {
		t.Fatalf("campaign end on the district queue %q", got)
	}
	// the city's new time sets the clock of a stage entered now
	id := submitViaStore(t, env, "platform1")
	onsiteCheck(t, env, d1, id)
	acceptMaterials(t, env, "district1", id)
	postDecision(t, d1, id, "/district/pass", url.Values{"pass_opinion": {"经审核，整改验收合格。"}}, http.StatusSeeOther)
	_, body = city.Get(appURL(id, ""))
	if st, txt, due, _ := clockCell(t, body, "city_review"); st != "running" || due != "2026-12-09" || txt != "还剩 12 个工作日" {
		t.Fatalf("city review clock %s %q %q", st, txt, due)
	}
	resp, _ = d1.Get("/city/deadlines")
	if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
		t.Fatalf("a district officer opens the city settings: %d", resp.StatusCode)
	}
}

// The admin corrects an entered year; a bad correction keeps what was typed, a good one
// recomputes the clocks it moves and says how many.
func TestAdminCorrectsAYear(t *testing.T) {
	env := webtest.New(t)
	id := submitViaStore(t, env, "platform1") // district review due 2026-12-21
	admin := signIn(t, env, "admin")
	_, body := admin.Get("/admin/calendar?year=2026")
	doc := parse(t, body)
	lines := doc.Find("#f-fix-lines").Text()
	if !strings.Contains(lines, "2026-02-15~2026-02-23 放假 春节") || !strings.Contains(lines, "2026-02-14 上班 春节调休上班") {
		t.Fatalf("the correction form does not start from the entered year:\n%s", lines)
	}
	source, _ := doc.Find("#f-fix_source").Attr("value")
	bad := lines + "2026-12-08 上班 周二调休\n"
	resp, body := admin.Submit("/admin/calendar/2026", url.Values{"fix_source": {source}, "fix_lines": {bad}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad correction: %d", resp.StatusCode)
	}
	doc = parse(t, body)
	if !strings.Contains(text(doc.Find(`[data-testid="error-fix_lines"]`)), "本来就是工作日") || doc.Find("#f-fix-lines").Text() != bad {
		t.Fatalf("refusal %q; lines kept: %v", text(doc.Find(`[data-testid="error-fix_lines"]`)), doc.Find("#f-fix-lines").Text() == bad)
	}
	good := lines + "2026-12-07 放假 测试更正\n"
	resp, _ = admin.Submit("/admin/calendar/2026", url.Values{"fix_source": {source + "（更正）"}, "fix_lines": {good}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("correction: %d", resp.StatusCode)
	}
	_, body = admin.Get("/admin/calendar?year=2026")
	if got := text(parse(t, body).Find(".flash")); !strings.Contains(got, "2026 年日历已更正") {
		t.Fatalf("flash %q", got)
	}
	d1 := signIn(t, env, "district1")
	_, body = d1.Get(appURL(id, ""))
	if _, _, due, _ := clockCell(t, body, "district_review"); due != "2026-12-22" {
		t.Fatalf("district review due %q after 12-07 became a holiday", due)
	}
	if log := text(parse(t, body).Find(`[data-testid="clock-log"]`)); !strings.Contains(log, "系统管理员 · 区级审核：重新计算：2026-12-21 → 2026-12-22") || !strings.Contains(log, "更正 2026 年日历") {
		t.Fatalf("record %q", log)
	}
}
