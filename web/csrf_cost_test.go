package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"portal/web/webtest"
)

// TestRefusedPostCostsNoQuery: the CSRF check runs before the session and the user are
// loaded, so a POST without its token is refused with 403 before any SQL statement, and
// the error page still shows the request id. The same POST with its token does reach the
// database (the counter is live).
func TestRefusedPostCostsNoQuery(t *testing.T) {
	env := webtest.New(t)
	c := env.Client(t)
	c.Login("platform1", webtest.DemoPassword)
	sc := countStatements(t, env)

	var resp *http.Response
	var body string
	n := sc.during(func() { resp, body = c.PostForm("/inbox/read", url.Values{}) })
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("POST without a token: %d; want 403", resp.StatusCode)
	}
	if n != 0 {
		t.Errorf("a refused POST ran %d SQL statements; want 0", n)
	}
	doc := parse(t, body)
	if id := doc.Find("main code").First().Text(); id == "" || id != resp.Header.Get("X-Request-Id") {
		t.Errorf("error page request id %q; header %q", id, resp.Header.Get("X-Request-Id"))
	}

	n = sc.during(func() { resp, _ = c.Submit("/inbox/read", url.Values{}) })
	if resp.StatusCode != http.StatusSeeOther || n == 0 {
		t.Errorf("POST with its token: %d after %d statements; want 303 after some", resp.StatusCode, n)
	}
}
