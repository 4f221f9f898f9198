package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"portal/web/webtest"
)

func TestEachRoleLandsOnItsHome(t *testing.T) {
	env := webtest.New(t)
	homes := map[string]string{"platform1": "/platform", "district1": "/district", "city1": "/city", "province1": "/province", "admin": "/admin/users",
		"secadmin": "/admin/users", "auditadmin": "/admin/audit"}
	for user, home := range homes {
		c := env.Client(t)
		resp := c.Login(user, webtest.DemoPassword)
		if loc := resp.Header.Get("Location"); loc != home {
			t.Fatalf("%s landed on %q; want %q", user, loc, home)
		}
		if resp, _ := c.Get(home); resp.StatusCode != http.StatusOK {
			t.Fatalf("%s home: %d", user, resp.StatusCode)
		}
	}
}

func TestWrongPasswordIsRefusedWithoutSayingWhy(t *testing.T) {
	env := webtest.New(t)
	c := env.Client(t)
	resp, body := c.Submit("/login", url.Values{"username": {"district1"}, "password": {"wrong-password"}})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("status %d", resp.StatusCode)
	}
	webtest.Contains(t, body, "用户名或密码错误", `value="district1"`)
	_, unknown := c.Submit("/login", url.Values{"username": {"nobody"}, "password": {"wrong-password"}})
	webtest.Contains(t, unknown, "用户名或密码错误")
}

func TestLockoutUnderTwentyParallelGuesses(t *testing.T) {
	env := webtest.New(t)
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := env.Client(t)
			c.Submit("/login", url.Values{"username": {"city1"}, "password": {"guess-guess-guess"}})
		}()
	}
	wg.Wait()
	c := env.Client(t)
	resp, body := c.Submit("/login", url.Values{"username": {"city1"}, "password": {webtest.DemoPassword}})
	if resp.StatusCode == http.StatusSeeOther || !strings.Contains(body, "登录失败次数过多") {
		t.Fatalf("right password after 20 wrong guesses: status %d; want the lock message", resp.StatusCode)
	}
	// An unknown name gets the very same message after five failures.
	for i := 0; i < 5; i++ {
		_, body = c.Submit("/login", url.Values{"username": {"ghost"}, "password": {"guess-guess-guess"}})
	}
	webtest.Contains(t, body, "登录失败次数过多")
	env.Clock.Advance(31 * time.Minute)
	c.Login("city1", webtest.DemoPassword)
}

func TestReplayedCookieAfterLogoutIsRefused(t *testing.T) {
	env := webtest.New(t)
	c := env.Client(t)
	c.Login("district1", webtest.DemoPassword)
	stolen := c.Cookies()
	if resp, _ := c.Submit("/logout", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	replay := env.Client(t)
	u, _ := url.Parse(env.Server.URL)
	replay.HTTP.Jar.SetCookies(u, stolen)
	resp, _ := replay.Get("/district")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Fatalf("replayed cookie: %d %s; want redirect to login", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestLoginIssuesANewSessionID(t *testing.T) {
	env := webtest.New(t)
	c := env.Client(t)
	c.Submit("/login", url.Values{"username": {"x"}, "password": {"y"}}) // anonymous session with a flash-free cookie
	before := sessionCookie(c)
	c.Login("district1", webtest.DemoPassword)
	after := sessionCookie(c)
	if after == "" || after == before {
		t.Fatalf("session cookie not renewed at login")
	}
}

func sessionCookie(c *webtest.Client) string {
	for _, ck := range c.Cookies() {
		if ck.Name == "portal_session" {
			return ck.Value
		}
	}
	return ""
}

func TestDisabledUsersSessionEndsAtOnce(t *testing.T) {
	env := webtest.New(t)
	officer := env.Client(t)
	officer.Login("district1", webtest.DemoPassword)
	admin := env.Client(t)
	admin.Login("admin", webtest.DemoPassword)
	u, err := env.Store.UserByUsername(t.Context(), "district1")
	if err != nil {
		t.Fatal(err)
	}
	resp, _ := admin.Submit("/admin/users/"+itoa(u.ID)+"/disable", nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d", resp.StatusCode)
	}
	if resp, _ := officer.Get("/district"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("disabled officer still served: %d", resp.StatusCode)
	}
	auditor := env.Client(t)
	auditor.Login("auditadmin", webtest.DemoPassword)
	_, body := auditor.Get("/admin/audit")
	webtest.Contains(t, body, "停用用户", "district1")
	resp, body = officer.Submit("/login", url.Values{"username": {"district1"}, "password": {webtest.DemoPassword}})
	if resp.StatusCode == http.StatusSeeOther {
		t.Fatal("disabled user could sign in")
	}
}

func TestIdleTimeoutWithInjectedClock(t *testing.T) {
	env := webtest.New(t)
	c := env.Client(t)
	c.Login("city1", webtest.DemoPassword)
	env.Clock.Advance(29 * time.Minute)
	if resp, _ := c.Get("/city"); resp.StatusCode != http.StatusOK {
		t.Fatalf("after 29 idle minutes: %d; want 200", resp.StatusCode)
	}
	env.Clock.Advance(29 * time.Minute) // activity above restarted the idle timer
	if resp, _ := c.Get("/city"); resp.StatusCode != http.StatusOK {
		t.Fatalf("29 minutes after the last request: %d; want 200", resp.StatusCode)
	}
	env.Clock.Advance(31 * time.Minute)
	resp, _ := c.Get("/city")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Fatalf("after 31 idle minutes: %d; want redirect to login", resp.StatusCode)
	}
}

func TestSessionEndsAfterTwelveHoursEvenWhenActive(t *testing.T) {
	env := webtest.New(t)
	c := env.Client(t)
	c.Login("city1", webtest.DemoPassword)
	for i := 0; i < 25; i++ { // a request every 29 minutes for 12 h 5 min
		env.Clock.Advance(29 * time.Minute)
		c.Get("/city")
	}
	if resp, _ := c.Get("/city"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("after 12 hours: %d; want redirect to login", resp.StatusCode)
	}
}

func TestPasswordResetForcesChange(t *testing.T) {
	env := webtest.New(t)
	admin := env.Client(t)
	admin.Login("admin", webtest.DemoPassword)
	u, _ := env.Store.UserByUsername(t.Context(), "platform2")
	resp, body := admin.Submit("/admin/users/"+itoa(u.ID)+"/reset", url.Values{"password": {"short"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("weak reset password: %d", resp.StatusCode)
	}
	webtest.Contains(t, body, "密码至少需要 12 个字符")
	admin.Submit("/admin/users/"+itoa(u.ID)+"/reset", url.Values{"password": {"Temp#Password2026"}})
	user := env.Client(t)
	if loc := user.Login("platform2", "Temp#Password2026").Header.Get("Location"); loc != "/account/password" {
		t.Fatalf("after reset landed on %q; want the password form", loc)
	}
	if resp, _ := user.Get("/platform"); resp.Header.Get("Location") != "/account/password" {
		t.Fatalf("other pages must wait for the change; got %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body = user.Submit("/account/password", url.Values{"current": {"Temp#Password2026"}, "new": {"New#Password2026x"}, "confirm": {"different"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "两次输入的新密码不一致") {
		t.Fatalf("mismatched confirm: %d", resp.StatusCode)
	}
	user.Submit("/account/password", url.Values{"current": {"Temp#Password2026"}, "new": {"New#Password2026x"}, "confirm": {"New#Password2026x"}})
	if resp, _ := user.Get("/platform"); resp.StatusCode != http.StatusOK {
		t.Fatalf("after the change: %d", resp.StatusCode)
	}
}

func TestExpiredSessionsArePurgedByTheJob(t *testing.T) {
	env := webtest.New(t)
	c := env.Client(t)
	c.Login("city1", webtest.DemoPassword)
	db, _ := env.Store.SQLDB()
	count := func() (n int) {
		if err := db.QueryRow("SELECT count(*) FROM sessions WHERE user_id IS NOT NULL").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if err := env.Web.RunJobs(t.Context()); err != nil || count() != 1 {
		t.Fatalf("live session purged (%v)", err)
	}
	env.Clock.Advance(31 * time.Minute)
	if err := env.Web.RunJobs(t.Context()); err != nil || count() != 0 {
		t.Fatalf("expired session kept (%v)", err)
	}
}
