package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"portal/web/webtest"
)

var newerLink = regexp.MustCompile(`href="([^"]+)" rel="prev" data-testid="cursor-newer"`)

// TestAuditPageWalksByCursor: 120 filtered rows show 50, 50, 20 through the older
// links, each row once, the filter kept in the links; the newer link leads back; the
// count says how many rows match; hostile cursors give the newest page, never a 5xx.
func TestAuditPageWalksByCursor(t *testing.T) {
	env := webtest.New(t)
	db, _ := env.Store.SQLDB()
	if _, err := db.Exec(`INSERT INTO audit_log (at, actor_name, action, target, detail, ip)
		SELECT now() - g * interval '1 minute', 'pager', '翻页测试', '对象 ' || g, '', '' FROM generate_series(1, 120) g`); err != nil {
		t.Fatal(err)
	}
	admin := signIn(t, env, "auditadmin")
	path := "/admin/audit?action=" + "%E7%BF%BB%E9%A1%B5%E6%B5%8B%E8%AF%95" // 翻页测试
	seen := map[string]bool{}
	var sizes []int
	var bodies []string
	for p := path; p != ""; {
		resp, body := admin.Get(p)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", p, resp.StatusCode)
		}
		bodies = append(bodies, body)
		n := 0
		for _, m := range regexp.MustCompile(`data-testid="audit-object">对象 (\d+)<`).FindAllStringSubmatch(body, -1) {
			if seen[m[1]] {
				t.Fatalf("row 对象 %s on two pages", m[1])
			}
			seen[m[1]] = true
			n++
		}
		sizes = append(sizes, n)
		webtest.Contains(t, body, "共 120 条，每页 50 条")
		p = ""
		if m := olderLink.FindStringSubmatch(body); m != nil {
			p = strings.ReplaceAll(m[1], "&amp;", "&")
			if !strings.Contains(p, "action=") {
				t.Fatalf("the older link drops the filter: %s", p)
			}
		}
	}
	if len(sizes) != 3 || sizes[0] != 50 || sizes[1] != 50 || sizes[2] != 20 || len(seen) != 120 {
		t.Fatalf("pages of %v rows, %d distinct; want 50, 50, 20 and 120", sizes, len(seen))
	}
	if newerLink.MatchString(bodies[0]) {
		t.Error("the newest page links to a newer one")
	}
	m := newerLink.FindStringSubmatch(bodies[2])
	if m == nil {
		t.Fatal("the oldest page has no newer link")
	}
	_, back := admin.Get(strings.ReplaceAll(m[1], "&amp;", "&"))
	if got := regexp.MustCompile(`data-testid="audit-object">对象 (\d+)<`).FindAllStringSubmatch(back, -1); len(got) != 50 ||
		!strings.Contains(bodies[1], `data-testid="audit-object">对象 `+got[0][1]+`<`) {
		t.Errorf("the newer link from the oldest page does not lead back to the middle page")
	}
	for _, bad := range []string{"before=abc", "after=-3", "before=99999999999999999999", "before=1&after=2", "page=999999999"} {
		if resp, _ := admin.Get("/admin/audit?" + bad); resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", bad, resp.StatusCode)
		}
	}
	for _, bad := range []string{"full=abc", "full=1%00", "full=" + strings.Repeat("1", 100)} {
		if resp, _ := admin.Get("/admin/chain?" + bad); resp.StatusCode >= 500 {
			t.Errorf("chain %s: %d", bad, resp.StatusCode)
		}
	}
}
