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

type auditLine struct{ at, actor, action, object string }

func auditLines(t *testing.T, c *webtest.Client, query url.Values) []auditLine {
	t.Helper()
	resp, body := c.Get("/admin/audit?" + query.Encode())
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/admin/audit?%s: %d\n%s", query.Encode(), resp.StatusCode, textOf(body))
	}
	var out []auditLine
	parseHTML(t, body).Find("[data-testid=audit-row]").Each(func(_ int, s *goquery.Selection) {
		out = append(out, auditLine{cellText(s.Find("[data-testid=audit-at]")), cellText(s.Find("[data-testid=audit-actor]")),
			cellText(s.Find("[data-testid=audit-action]")), cellText(s.Find("[data-testid=audit-object]"))})
	})
	return out
}

func findLine(lines []auditLine, action, actor string) *auditLine {
	for i, l := range lines {
		if l.action == action && strings.Contains(l.actor, actor) {
			return &lines[i]
		}
	}
	return nil
}

// TestAuditTrailListsDecisionsAndSignInsInBeijingTime: a platform's submission, a
// district officer's pass and the officer's sign-in appear under their actors, at the
// Beijing time they happened (the pass at 07:30 on 11-24 in Beijing is still 11-23 in
// UTC), and the filters by actor, object and day select them.
func TestAuditTrailListsDecisionsAndSignInsInBeijingTime(t *testing.T) {
	env := webtest.New(t)
	id := submitViaStore(t, env, "platform1") // at webtest.Start, 2026-11-23 09:00 Beijing time
	cst := time.FixedZone("CST", 8*3600)
	env.Clock.Set(time.Date(2026, 11, 24, 7, 30, 0, 0, cst))
	d1 := signIn(t, env, "district1")
	onsiteCheck(t, env, d1, id)
	acceptMaterials(t, env, "district1", id)
	postDecision(t, d1, id, "/district/pass", url.Values{"pass_opinion": {"材料齐全，现场核查无问题"}}, http.StatusSeeOther)
	if resp, _ := env.Client(t).Submit("/login", url.Values{"username": {"city1"}, "password": {"wrong-password"}}); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", resp.StatusCode)
	}
	admin := signIn(t, env, "auditadmin")

	lines := auditLines(t, admin, url.Values{"from": {"2026-11-23"}, "to": {"2026-11-24"}})
	submit := findLine(lines, "提交验收申请", "platform1")
	pass := findLine(lines, "审核通过", "district1")
	login := findLine(lines, "登录成功", "district1")
	failed := findLine(lines, "登录失败", "city1")
	for name, l := range map[string]*auditLine{"submit": submit, "pass": pass, "login": login, "failed login": failed} {
		if l == nil {
			t.Fatalf("no %s line in %+v", name, lines)
		}
	}
	if submit.at != "2026-11-23 09:00:00" || pass.at != "2026-11-24 07:30:00" || login.at != "2026-11-24 07:30:00" {
		t.Errorf("times not in Beijing time: submit %q, pass %q, login %q", submit.at, pass.at, login.at)
	}
	if !strings.Contains(submit.object, "广州天河示例网络借贷信息中介服务有限公司") || !strings.Contains(pass.object, "广州天河示例") {
		t.Errorf("decision objects do not name the institution: %q, %q", submit.object, pass.object)
	}
	if strings.Contains(login.actor, "系统") || strings.Contains(failed.actor, "系统") {
		t.Errorf("sign-ins attributed to the system: %q, %q", login.actor, failed.actor)
	}

	// by actor: only district1's lines
	for _, l := range auditLines(t, admin, url.Values{"actor": {"district1"}}) {
		if !strings.Contains(l.actor, "district1") {
			t.Errorf("actor filter let through %+v", l)
		}
	}
	// by Beijing day: 11-24 holds the pass and not the submission
	day := auditLines(t, admin, url.Values{"from": {"2026-11-24"}, "to": {"2026-11-24"}, "object": {"广州天河示例网络借贷信息中介服务有限公司"}})
	if findLine(day, "审核通过", "district1") == nil || findLine(day, "提交验收申请", "platform1") != nil {
		t.Errorf("day + object filter: %+v", day)
	}

	// a bad date is explained and kept, not a server error
	resp, body := admin.Get("/admin/audit?from=2026-13-40&actor=district1")
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad date: %d", resp.StatusCode)
	}
	doc := parseHTML(t, body)
	if v, _ := doc.Find("input[name=from]").Attr("value"); v != "2026-13-40" {
		t.Errorf("typed date lost: %q", v)
	}
	if msg := cellText(doc.Find("[data-testid=error-from]")); !strings.Contains(msg, "格式不正确") {
		t.Errorf("bad date message %q", msg)
	}
}

// TestAuditExportHasTheFilteredRows: the XLSX export opens and holds exactly the
// lines the filters select.
func TestAuditExportHasTheFilteredRows(t *testing.T) {
	env := webtest.New(t)
	id := submitViaStore(t, env, "platform1")
	d1 := signIn(t, env, "district1")
	onsiteCheck(t, env, d1, id)
	acceptMaterials(t, env, "district1", id)
	postDecision(t, d1, id, "/district/pass", url.Values{"pass_opinion": {"合格"}}, http.StatusSeeOther)
	admin := signIn(t, env, "auditadmin")

	q := url.Values{"actor": {"district1"}, "from": {"2026-11-23"}, "to": {"2026-11-23"}}
	page := auditLines(t, admin, q)
	rows := readXLSX(t, admin, "/admin/audit.xlsx?"+q.Encode())
	actor, action, at := column(t, rows[0], "操作人"), column(t, rows[0], "操作"), column(t, rows[0], "时间（北京时间）")
	if len(rows)-1 != len(page) || len(page) < 3 {
		t.Fatalf("export has %d rows, the page %d", len(rows)-1, len(page))
	}
	seen := map[string]bool{}
	for _, r := range rows[1:] {
		if !strings.Contains(r[actor], "district1") || !strings.HasPrefix(r[at], "2026-11-23 ") {
			t.Errorf("row outside the filter: %v", r)
		}
		seen[r[action]] = true
	}
	for _, want := range []string{"登录成功", "审核通过", "登记现场核查"} {
		if !seen[want] {
			t.Errorf("export lacks %s: %v", want, rows)
		}
	}
}
