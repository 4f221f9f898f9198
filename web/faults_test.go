package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"portal/web/webtest"
)

// PostgreSQL killed while the portal serves (issue 8, 3.1): a signed-in user gets the
// Chinese 503 page and keeps the session; the public pages answer from the cache,
// marked stale; once the supervisor has restarted the server, everything works again
// without restarting the portal.
func TestDatabaseKilledUnderServer(t *testing.T) {
	fe := newFaultEnv(t)
	fe.Clock.Set(time.Now()) // the demo notices run around the real date: their complaint form is open
	officer := fe.Client(t)
	officer.Login("district1", webtest.DemoPassword)
	if resp, body := officer.Get("/inbox"); resp.StatusCode != http.StatusOK {
		t.Fatalf("/inbox before: %d\n%s", resp.StatusCode, body)
	}
	visitor := fe.Client(t)
	for _, p := range []string{"/notices", "/notices/1", "/register", "/register.csv"} {
		if resp, _ := visitor.Get(p); resp.StatusCode != http.StatusOK {
			t.Fatalf("%s before: %d", p, resp.StatusCode)
		}
	}
	if doc := parseHTML(t, getBody(t, visitor, "/notices")); doc.Find("[data-testid=stale-note]").Length() != 0 {
		t.Fatal("a fresh page carries the stale note")
	}

	fe.killDatabase(t)

	// Signed in: 503 with the Chinese page, for reads and for forms, never a redirect
	// to the login page and never a cleared session cookie.
	for _, req := range []struct{ method, path string }{{"GET", "/inbox"}, {"GET", "/district"}, {"POST", "/inbox/read"}} {
		var resp *http.Response
		var body string
		if req.method == "GET" {
			resp, body = officer.Get(req.path)
		} else {
			resp, body = officer.Submit(req.path, url.Values{})
		}
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("%s %s with the database down: %d (Location %q); want 503", req.method, req.path, resp.StatusCode, resp.Header.Get("Location"))
		}
		doc := parseHTML(t, body)
		if got := doc.Find("h1").First().Text(); got != "数据库暂时不可用" {
			t.Fatalf("%s %s: heading %q; want 数据库暂时不可用", req.method, req.path, got)
		}
		if !strings.Contains(doc.Find("[data-testid=error-page]").Text(), "登录状态不受影响") {
			t.Fatalf("%s %s: the page does not tell the user the session is kept:\n%s", req.method, req.path, body)
		}
		if resp.Header.Get("Retry-After") == "" {
			t.Fatalf("%s %s: no Retry-After", req.method, req.path)
		}
		for _, ck := range resp.Cookies() {
			if ck.Name == "portal_session" {
				t.Fatalf("%s %s touched the session cookie: %v", req.method, req.path, ck)
			}
		}
	}
	// Public: the pages seen before answer from the cache, saying they may be stale.
	// (The failures above have moved the store's counter, so the cache looks at the
	// database again at once instead of trusting its last look.)
	resp, body := visitor.Get("/notices")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/notices with the database down: %d; want the cached page", resp.StatusCode)
	}
	doc := parseHTML(t, body)
	note := doc.Find("main [data-testid=stale-note]")
	if note.Length() != 1 || !strings.Contains(note.Text(), "数据库暂时不可用") || doc.Find("h1").Length() == 0 {
		t.Fatalf("/notices with the database down lacks the stale note:\n%s", body)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Fatalf("stale page Cache-Control %q; want no-store", cc)
	}
	// A notice page carries the complaint form: served stale to another visitor, it
	// carries that visitor's CSRF token, not the one it was rendered with.
	other := fe.Client(t)
	token := other.CSRF()
	resp, body = other.Get("/notices/1")
	doc = parseHTML(t, body)
	if resp.StatusCode != http.StatusOK || doc.Find("[data-testid=stale-note]").Length() != 1 {
		t.Fatalf("/notices/1 with the database down: %d\n%s", resp.StatusCode, body)
	}
	action, _ := doc.Find("section.complaint form").Attr("action")
	if u, err := url.Parse(action); err != nil || u.Query().Get("_csrf") != token {
		t.Fatalf("stale notice page's complaint form posts to %q; want the visitor's token %q", action, token)
	}
	if resp, csv := visitor.Get("/register.csv"); resp.StatusCode != http.StatusOK || resp.Header.Get("Warning") == "" || csv == "" {
		t.Fatalf("/register.csv with the database down: %d, Warning %q", resp.StatusCode, resp.Header.Get("Warning"))
	}
	// A public page never seen before cannot be served: 503, in Chinese, not 500.
	if resp, body := visitor.Get("/notices?q=" + url.QueryEscape("从未查询过")); resp.StatusCode != http.StatusServiceUnavailable ||
		parseHTML(t, body).Find("h1").First().Text() != "数据库暂时不可用" {
		t.Fatalf("uncached public page with the database down: %d", resp.StatusCode)
	}
	// Signing in cannot work now, and says why.
	if resp, _ := fe.Client(t).Submit("/login", url.Values{"username": {"city1"}, "password": {webtest.DemoPassword}}); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("login with the database down: %d; want 503", resp.StatusCode)
	}

	fe.allowRestart(t)

	// The pool reconnects by itself: the same session works, the public page is fresh.
	resp, body = officer.Get("/inbox")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/inbox after the restart: %d\n%s", resp.StatusCode, body)
	}
	if who := parseHTML(t, body).Find("[data-testid=current-user]").Text(); !strings.Contains(who, "区金融工作部门") {
		t.Fatalf("after the restart the officer is %q; want still signed in", who)
	}
	resp, body = visitor.Get("/notices")
	if resp.StatusCode != http.StatusOK || parseHTML(t, body).Find("[data-testid=stale-note]").Length() != 0 || resp.Header.Get("ETag") == "" {
		t.Fatalf("/notices after the restart: %d, stale note or no ETag", resp.StatusCode)
	}
}

func getBody(t *testing.T, c *webtest.Client, path string) string {
	t.Helper()
	_, body := c.Get(path)
	return body
}
