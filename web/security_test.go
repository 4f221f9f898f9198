package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"portal/web/webtest"
)

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func TestCSRFMissingOrWrongTokenIsRefused(t *testing.T) {
	env := webtest.New(t)
	c := env.Client(t)
	c.Login("admin", webtest.DemoPassword)
	for name, form := range map[string]url.Values{
		"missing": {"q": {"x"}},
		"wrong":   {"_csrf": {strings.Repeat("A", 43)}},
	} {
		resp, body := c.PostForm("/logout", form)
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("%s token: status %d; want 403", name, resp.StatusCode)
		}
		webtest.Contains(t, body, "安全校验失败", "请求编号")
	}
	// the session survived the forged logouts
	if resp, _ := c.Get("/admin/users"); resp.StatusCode != http.StatusOK {
		t.Fatalf("session lost to a forged request: %d", resp.StatusCode)
	}
	anon := env.Client(t)
	if resp, _ := anon.PostForm("/login", url.Values{"username": {"admin"}, "password": {webtest.DemoPassword}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("login without token: %d; want 403", resp.StatusCode)
	}
}

func TestSecurityHeaders(t *testing.T) {
	env := webtest.New(t)
	c := env.Client(t)
	resp, _ := c.Get("/login")
	h := resp.Header
	for name, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "same-origin",
		"X-Frame-Options":        "DENY",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s = %q; want %q", name, got, want)
		}
	}
	csp := h.Get("Content-Security-Policy")
	for _, part := range []string{"default-src 'self'", "frame-ancestors 'none'", "script-src 'self'"} {
		if !strings.Contains(csp, part) {
			t.Errorf("CSP %q lacks %q", csp, part)
		}
	}
	if h.Get("X-Request-Id") == "" {
		t.Error("no request id")
	}
	for _, ck := range resp.Cookies() {
		if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
			t.Errorf("cookie %s: HttpOnly=%v SameSite=%v", ck.Name, ck.HttpOnly, ck.SameSite)
		}
	}
	c.Login("district1", webtest.DemoPassword)
	resp, _ = c.Get("/district")
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("authenticated page Cache-Control = %q; want no-store", resp.Header.Get("Cache-Control"))
	}
}

func TestCookiesAreSecureBehindTLS(t *testing.T) {
	env := webtest.New(t)
	c := env.Client(t)
	token := c.CSRF()
	req, _ := http.NewRequest(http.MethodPost, env.Server.URL+"/login", strings.NewReader(url.Values{
		"_csrf": {token}, "username": {"district1"}, "password": {webtest.DemoPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-Proto", "https")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	found := false
	for _, ck := range resp.Cookies() {
		if ck.Name == "portal_session" {
			found = true
			if !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
				t.Fatalf("session cookie behind TLS: Secure=%v HttpOnly=%v SameSite=%v", ck.Secure, ck.HttpOnly, ck.SameSite)
			}
		}
	}
	if !found {
		t.Fatal("no session cookie set at login")
	}
}

func TestErrorPagesAreChineseWithRequestID(t *testing.T) {
	env := webtest.New(t)
	c := env.Client(t)
	resp, body := c.Get("/no/such/page")
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("status %d", resp.StatusCode)
	}
	webtest.Contains(t, body, "页面不存在", resp.Header.Get("X-Request-Id"))
	c.Login("district2", webtest.DemoPassword)
	resp, body = c.Get("/institutions/1") // district1's institution
	if resp.StatusCode != http.StatusNotFound || strings.Contains(body, "广州天河示例") {
		t.Fatalf("outside jurisdiction: %d; want 404 without the name", resp.StatusCode)
	}
	resp, body = c.Get("/admin/users")
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("district on admin page: %d; want 403", resp.StatusCode)
	}
	webtest.Contains(t, body, "无权访问")
	if strings.Contains(body, "goroutine") || strings.Contains(body, ".go:") {
		t.Fatal("error page shows internals")
	}
}

func TestHealthz(t *testing.T) {
	env := webtest.New(t)
	c := env.Client(t)
	if resp, _ := c.Get("/healthz"); resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz with database: %d", resp.StatusCode)
	}
	if err := env.Store.Close(); err != nil {
		t.Fatal(err)
	}
	if resp, _ := c.Get("/healthz"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("healthz without database: %d; want 503", resp.StatusCode)
	}
}
