package web_test

import (
	"testing"

	"portal/models"
	"portal/web/browsertest"
	"portal/web/webtest"
)

func TestBrowserLoginEachRole(t *testing.T) {
	env := webtest.New(t)
	b := browsertest.New(t, env.Server.URL)

	b.Open("/login")
	b.Fill("username", "district1")
	b.Fill("password", "not-the-password")
	b.Click("button[type=submit]")
	b.ExpectText("[data-testid=login-error]", "用户名或密码错误")
	b.Screenshot("login-refused")

	homes := []struct {
		user  string
		role  models.Role
		path  string
		shows string
	}{
		{"platform1", models.RolePlatform, "/platform", "广州天河示例网络借贷信息中介服务有限公司"},
		{"district1", models.RoleDistrict, "/district", "待审队列"},
		{"city1", models.RoleCity, "/city", "待办队列"},
		{"province1", models.RoleProvince, "/province", "待办队列"},
		{"admin", models.RoleAdmin, "/admin/users", "用户管理"},
	}
	for _, h := range homes {
		b.Open("/login")
		b.Fill("username", h.user)
		b.Fill("password", webtest.DemoPassword)
		b.Click("button[type=submit]")
		if got := b.Path(); got != h.path {
			t.Fatalf("%s landed on %s; want %s", h.user, got, h.path)
		}
		b.ExpectText("main", h.shows)
		b.ExpectText("[data-testid=current-user]", h.role.Label())
		b.Screenshot("home-" + string(h.role))
		b.Click(".who button[type=submit]") // 退出登录
		if got := b.Path(); got != "/login" {
			t.Fatalf("after logout at %s; want /login", got)
		}
	}
}
