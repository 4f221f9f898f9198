package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"portal/web/webtest"
)

func TestAdminCreatesUserWithFieldErrorsKeptInput(t *testing.T) {
	env := webtest.New(t)
	admin := env.Client(t)
	admin.Login("admin", webtest.DemoPassword)
	resp, body := admin.Submit("/admin/users", url.Values{
		"username": {"tianhe2"}, "display_name": {"天河区新审核员"}, "role": {"district"}, "password": {"weak"},
	})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d; want 422", resp.StatusCode)
	}
	webtest.Contains(t, body, `value="tianhe2"`, `value="天河区新审核员"`, "工作人员须选择管辖区划", "密码至少需要 12 个字符")

	d1, _ := env.Store.UserByUsername(t.Context(), "district1")
	resp, body = admin.Submit("/admin/users", url.Values{
		"username": {"tianhe2"}, "display_name": {"天河区新审核员"}, "role": {"district"},
		"division_id": {itoa(*d1.DivisionID)}, "password": {"Tianhe#Officer2026"},
	})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", resp.StatusCode, body)
	}
	_, list := admin.Get("/admin/users?q=tianhe2")
	webtest.Contains(t, list, "tianhe2", "待改密")
	auditor := env.Client(t)
	auditor.Login("auditadmin", webtest.DemoPassword)
	_, audit := auditor.Get("/admin/audit?q=" + url.QueryEscape("创建用户"))
	webtest.Contains(t, audit, "tianhe2")

	user := env.Client(t)
	if loc := user.Login("tianhe2", "Tianhe#Officer2026").Header.Get("Location"); loc != "/account/password" {
		t.Fatalf("new user landed on %q; want the password form", loc)
	}
	resp, body = admin.Submit("/admin/users", url.Values{
		"username": {"tianhe2"}, "display_name": {"重名"}, "role": {"sysadmin"}, "password": {"Tianhe#Officer2026"},
	})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "已被使用") {
		t.Fatalf("duplicate username: %d", resp.StatusCode)
	}
}
