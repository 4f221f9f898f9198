package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"portal/models"
	"portal/web/webtest"
)

// formField is what a re-rendered form shows for one field: the value kept (an input's
// value, a textarea's text) and the message beside it.
func formField(doc *goquery.Document, name string) (value, msg string) {
	el := doc.Find(`[name="` + name + `"]`).First()
	if goquery.NodeName(el) == "textarea" {
		value = el.Text()
	} else {
		value, _ = el.Attr("value")
	}
	return value, strings.TrimSpace(doc.Find(`[data-testid="error-` + name + `"]`).Text())
}

// wantRefused checks a 422 re-render: the field error in Chinese beside field, and each
// of kept shown again as typed.
func wantRefused(t *testing.T, what string, status int, body, field, msg string, kept map[string]string) {
	t.Helper()
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("%s: %d; want 422\n%s", what, status, textOf(body))
	}
	doc := htmlDoc(t, body)
	if _, got := formField(doc, field); !strings.Contains(got, msg) {
		t.Errorf("%s: error beside %s = %q; want %q", what, field, got, msg)
	}
	for name, want := range kept {
		if got, _ := formField(doc, name); got != want {
			t.Errorf("%s: %s shown as %q; the typed %q was lost", what, name, got, want)
		}
	}
}

func TestReviewFormsKeepWhatWasTypedBesideTheError(t *testing.T) {
	env := webtest.New(t)
	id := submitViaStore(t, env, "platform1")
	d1 := signIn(t, env, "district1")
	onsiteCheck(t, env, d1, id)

	opinion := "请补充近三年年度审计报告<及附注>"
	body := postDecision(t, d1, id, "/district/return", url.Values{"return_opinion": {opinion}, "return_days": {"三十"}}, http.StatusUnprocessableEntity)
	wantRefused(t, "return with a period in words", http.StatusUnprocessableEntity, body, "return_days",
		"补正期限须为 1 至 "+strconv.Itoa(models.MaxCorrectionDays)+" 个工作日", map[string]string{"return_opinion": opinion, "return_days": "三十"})

	body = postDecision(t, d1, id, "/district/return", url.Values{"return_opinion": {"  "}, "return_days": {"5"}}, http.StatusUnprocessableEntity)
	wantRefused(t, "return without an opinion", http.StatusUnprocessableEntity, body, "return_opinion",
		"退回补正须写明需要补正的问题和材料", map[string]string{"return_days": "5"})

	body = postDecision(t, d1, id, "/district/return", url.Values{"return_opinion": {opinion}, "return_days": {"31"}}, http.StatusUnprocessableEntity)
	wantRefused(t, "return past the longest period", http.StatusUnprocessableEntity, body, "return_days",
		"补正期限须为", map[string]string{"return_opinion": opinion, "return_days": "31"})

	remarks := "另：董事会决议未盖章"
	body = postDecision(t, d1, id, "/district/fail", url.Values{"fail_problems": {"\n  \n"}, "fail_remarks": {remarks}}, http.StatusUnprocessableEntity)
	wantRefused(t, "fail without problems", http.StatusUnprocessableEntity, body, "fail_problems",
		"验收不合格须逐条列明存在的问题", map[string]string{"fail_remarks": remarks})

	// a version that is not a number skips nothing: the refusal still keeps the text
	body = postDecision(t, d1, id, "/district/return", url.Values{"return_opinion": {opinion}, "return_days": {"0"}, "version": {"abc"}}, http.StatusUnprocessableEntity)
	wantRefused(t, "return with a nonsense version", http.StatusUnprocessableEntity, body, "return_days", "补正期限须为",
		map[string]string{"return_opinion": opinion})
}

func TestObjectionFormsKeepWhatWasTypedBesideTheError(t *testing.T) {
	env := webtest.New(t)
	id := failedApplication(t, env)
	env.Clock.Set(time.Date(2026, 10, 9, 10, 0, 0, 0, time.FixedZone("CST", 8*3600)))
	p2 := signIn(t, env, "platform2")
	reasons := "已更换存管银行，测评报告见附件"
	body := object(t, env, p2, id, reasons, nil, http.StatusUnprocessableEntity)
	wantRefused(t, "objection without evidence", http.StatusUnprocessableEntity, body, "evidence", "证明材料",
		map[string]string{"reasons": reasons})

	object(t, env, p2, id, reasons, map[string][]byte{"测评报告.pdf": pdfBytes}, http.StatusSeeOther)
	c1 := signIn(t, env, "city1")
	body = postDecision(t, c1, id, "/objection-review/reject", url.Values{"reject_opinion": {" \n "}}, http.StatusUnprocessableEntity)
	wantRefused(t, "rejecting an objection without reasons", http.StatusUnprocessableEntity, body, "reject_opinion",
		"须写明异议核实情况及不予采纳的理由", nil)
	body = postDecision(t, c1, id, "/objection-review/uphold", url.Values{"uphold_opinion": {""}}, http.StatusUnprocessableEntity)
	wantRefused(t, "upholding an objection without a finding", http.StatusUnprocessableEntity, body, "uphold_opinion",
		"须写明异议核实情况", nil)
}

func TestOnsiteFormKeepsWhatWasTypedBesideTheError(t *testing.T) {
	env := webtest.New(t)
	id := submitViaStore(t, env, "platform1")
	d1 := signIn(t, env, "district1")
	postDecision(t, d1, id, "/district/claim", url.Values{"version": {"0"}}, http.StatusSeeOther)
	form := url.Values{"check_date": {"2026-02-30"}, "methods": {"核查账务系统", "资金流水"},
		"participants": {"区金融工作部门 2 人"}, "third_parties": {"某会计师事务所"}, "findings": {"资金存管到位"}}
	resp, body := d1.Submit(appURL(id, "/onsite"), form)
	wantRefused(t, "on-site check on a date that does not exist", resp.StatusCode, body, "check_date", "格式不正确",
		map[string]string{"check_date": "2026-02-30", "participants": "区金融工作部门 2 人", "third_parties": "某会计师事务所", "findings": "资金存管到位"})
	checked := map[string]bool{}
	htmlDoc(t, body).Find(`input[name="methods"][checked]`).Each(func(_ int, s *goquery.Selection) {
		v, _ := s.Attr("value")
		checked[v] = true
	})
	if len(checked) != 2 || !checked["核查账务系统"] || !checked["资金流水"] {
		t.Errorf("methods checked again: %v; want the two ticked", checked)
	}
}

func TestCalendarFormsKeepWhatWasTypedBesideTheError(t *testing.T) {
	env := webtest.New(t)
	admin := signIn(t, env, "admin")
	source, lines := "国办发明电〔2030〕7号", "2031-01-01 放假 元旦"
	resp, body := admin.Submit("/admin/calendar", url.Values{"year": {"二〇三一"}, "source": {source}, "lines": {lines}})
	wantRefused(t, "a year in words", resp.StatusCode, body, "year", "请填写 2000–2100 之间的四位数年份",
		map[string]string{"year": "二〇三一", "source": source, "lines": lines})

	resp, body = admin.Submit("/admin/calendar", url.Values{"year": {"2031"}, "source": {""}, "lines": {lines}})
	wantRefused(t, "a year without its source", resp.StatusCode, body, "source", "请填写发布文件的文号",
		map[string]string{"year": "2031", "lines": lines})

	// a correction bounds the source as an entry does
	long := strings.Repeat("文", models.MaxSourceLength+1)
	fix := "2026-10-09 上班 国庆节调休上班"
	resp, body = admin.Submit("/admin/calendar/2026", url.Values{"fix_source": {long}, "fix_lines": {fix}})
	wantRefused(t, "a correction with a long source", resp.StatusCode, body, "fix_source", "文号不超过",
		map[string]string{"fix_source": long, "fix_lines": fix})
	resp, body = admin.Submit("/admin/calendar/2026", url.Values{"fix_source": {" "}, "fix_lines": {fix}})
	wantRefused(t, "a correction without its source", resp.StatusCode, body, "fix_source", "请填写发布文件的文号",
		map[string]string{"fix_lines": fix})
}

func TestWindowAndServiceTimeFormsKeepWhatWasTyped(t *testing.T) {
	env := webtest.New(t)
	c1 := signIn(t, env, "city1")
	_, page := c1.Get("/city/window")
	action, ok := htmlDoc(t, page).Find(`form[action^="/city/window/"]`).Attr("action")
	if !ok {
		t.Fatalf("no window form\n%s", textOf(page))
	}
	resp, body := c1.Submit(action, url.Values{"start_date": {"2026-13-01"}, "end_date": {"2026-12-31"}})
	wantRefused(t, "a window starting in month 13", resp.StatusCode, body, "start_date", "格式不正确",
		map[string]string{"start_date": "2026-13-01", "end_date": "2026-12-31"})
	resp, body = c1.Submit(action, url.Values{"start_date": {"2026-12-01"}})
	wantRefused(t, "a window without its end", resp.StatusCode, body, "end_date", "请填写受理截止日期",
		map[string]string{"start_date": "2026-12-01"})
}
