package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"portal/models"
	"portal/web/webtest"
)

// TestLongFieldsAreRefusedKeepingWhatWasTyped: an over-long name or document number is
// refused with a Chinese message at 422, the form keeps the text, and nothing is stored
// (issue 8 §2.6). /admin/calendar?year=-1 answers the page, not a 500.
func TestLongFieldsAreRefusedKeepingWhatWasTyped(t *testing.T) {
	env := webtest.New(t)
	admin := env.Client(t)
	admin.Login("admin", webtest.DemoPassword)
	long := incompressible(models.MaxDisplayNameLength + 1)
	for _, tc := range []struct {
		path, field, msg string
		form           url.Values
	}{
		{"/admin/users", "display_name", "姓名不超过", url.Values{"username": {"longname"}, "display_name": {long}, "role": {"admin"},
			"password": {"Long#Name#2026x"}}},
		{"/admin/calendar", "source", "文号不超过", url.Values{"year": {"2031"}, "source": {incompressible(models.MaxSourceLength + 1)},
			"lines": {"2031-01-01 休 元旦"}}},
	} {
		resp, body := admin.Submit(tc.path, tc.form)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%s with a long %s: %d; want 422", tc.path, tc.field, resp.StatusCode)
		}
		doc := htmlDoc(t, body)
		if v, _ := doc.Find(`[name="` + tc.field + `"]`).Attr("value"); v != tc.form.Get(tc.field) {
			t.Errorf("%s: the typed %s was lost", tc.path, tc.field)
		}
		if !strings.Contains(doc.Text(), tc.msg) {
			t.Errorf("%s: no message %q", tc.path, tc.msg)
		}
	}
	if stored := longestStored(t, env, models.MaxDisplayNameLength+1); len(stored) > 0 {
		for _, s := range stored {
			if strings.HasPrefix(s, "users.display_name") || strings.HasPrefix(s, "calendar") && strings.Contains(s, ".source") {
				t.Errorf("stored: %s", s)
			}
		}
	}
	for _, y := range []string{"-1", "0", "99999999999999999999", "abc", "2026"} {
		if resp, _ := admin.Get("/admin/calendar?year=" + y); resp.StatusCode != http.StatusOK {
			t.Errorf("/admin/calendar?year=%s: %d", y, resp.StatusCode)
		}
	}
	// A 1 MB username at sign-in is refused with a message, not a 500, and is not stored.
	anon := env.Client(t)
	resp, body := anon.Submit("/login", url.Values{"username": {strings.Repeat("x", 1<<20)}, "password": {"whatever"}})
	if resp.StatusCode >= 500 {
		t.Fatalf("1 MB username: %d", resp.StatusCode)
	}
	resp, body = anon.Submit("/login", url.Values{"username": {incompressible(20_000)[:9999]}, "password": {"whatever"}})
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(htmlDoc(t, body).Find(`[data-testid="login-error"]`).Text(), "用户名不超过") {
		t.Fatalf("10 KB username: %d", resp.StatusCode)
	}
	db, _ := env.Store.SQLDB()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM login_throttle WHERE length(username) > $1", models.MaxUsernameLen).Scan(&n); err != nil || n != 0 {
		t.Fatalf("long usernames in the throttle: %d (%v)", n, err)
	}
	if err := db.QueryRow("SELECT count(*) FROM audit_log WHERE length(target) > $1", models.MaxUsernameLen).Scan(&n); err != nil || n != 0 {
		t.Fatalf("long usernames in the audit log: %d (%v)", n, err)
	}
}
