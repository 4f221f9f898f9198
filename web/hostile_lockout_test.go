package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"portal/models"
	"portal/web/webtest"
)

// TestLockoutIsPerClient: five wrong passwords from one client lock the name for that
// client only; the real user from another address still signs in, and every attempt at
// the name waits a delay that grows with its failures from all clients, up to a bound
// (issue 8 §2.5).
func TestLockoutIsPerClient(t *testing.T) {
	env := webtest.New(t)
	attacker := env.ClientFrom(t, "127.0.0.2")
	var delays []string
	for i := 0; i < models.MaxLoginFailures+3; i++ {
		resp, _ := attacker.Submit("/login", url.Values{"username": {"district1"}, "password": {"guess-guess-guess"}})
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i+1, resp.StatusCode)
		}
		delays = append(delays, env.Pauses.Last().String())
	}
	// The attacker has locked themself out, even with the right password.
	resp, body := attacker.Submit("/login", url.Values{"username": {"district1"}, "password": {webtest.DemoPassword}})
	if resp.StatusCode == http.StatusSeeOther || !strings.Contains(body, "登录失败次数过多") {
		t.Fatalf("attacker's client with the right password: %d; want the lock message", resp.StatusCode)
	}
	// The delay grew with the failures and stayed bounded.
	all := env.Pauses.All()
	for i := 1; i < len(all); i++ {
		if all[i] < all[i-1] {
			t.Errorf("delay shrank: %v", delays)
		}
	}
	if all[0] != 0 || all[len(all)-1] <= 0 || all[len(all)-1] > models.MaxLoginDelay {
		t.Errorf("delays %v: want 0 at first, then growing up to at most %v", all, models.MaxLoginDelay)
	}
	// The real user, from their own address, gets in after the (bounded) delay.
	before := len(env.Pauses.All())
	real := env.ClientFrom(t, "127.0.0.3")
	if loc := real.Login("district1", webtest.DemoPassword).Header.Get("Location"); loc != "/district" {
		t.Fatalf("real user landed on %q", loc)
	}
	if d := env.Pauses.All()[before]; d <= 0 || d > models.MaxLoginDelay {
		t.Errorf("real user's attempt waited %v; want the grown delay, at most %v", d, models.MaxLoginDelay)
	}
	// The lock shows on the security administrator's users page; unlocking it is audited,
	// and the attacker's client can sign in again.
	admin := env.Client(t)
	admin.Login("secadmin", webtest.DemoPassword)
	_, page := admin.Get("/admin/users?q=district1")
	row := htmlDoc(t, page).Find(`tr[data-testid="user-district1"]`)
	if row.Find(`[data-testid="locked"]`).Length() != 1 {
		t.Fatal("users page does not show the lock")
	}
	action, ok := row.Find(`form[action$="/unlock"]`).Attr("action")
	if !ok {
		t.Fatal("no unlock button")
	}
	if resp, _ := admin.Submit(action, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("unlock: %d", resp.StatusCode)
	}
	_, page = admin.Get("/admin/users?q=district1")
	if htmlDoc(t, page).Find(`tr[data-testid="user-district1"] [data-testid="locked"]`).Length() != 0 {
		t.Error("lock still shown after unlock")
	}
	auditor := env.Client(t)
	auditor.Login("auditadmin", webtest.DemoPassword)
	_, audit := auditor.Get("/admin/audit?q=" + url.QueryEscape("解除登录锁定"))
	webtest.Contains(t, audit, "解除登录锁定", "district1")
	attacker.Login("district1", webtest.DemoPassword)
	if d := env.Pauses.Last(); d != 0 {
		t.Errorf("after unlock the delay is %v; want 0", d)
	}
	// Only the admin may unlock.
	if resp, _ := real.Submit(action, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("district officer unlocking: %d; want 403", resp.StatusCode)
	}
}

// TestUnknownUserCostsTheSameBcryptWork: a wrong password for a real account and any
// password for an unknown or disabled one are compared against hashes of the same bcrypt
// cost, that of real hashes (issue 8 §2.4).
func TestUnknownUserCostsTheSameBcryptWork(t *testing.T) {
	env := webtest.New(t)
	u, err := env.Store.UserByUsername(t.Context(), "district1")
	if err != nil {
		t.Fatal(err)
	}
	real, err := bcrypt.Cost([]byte(u.PasswordHash))
	if err != nil {
		t.Fatal(err)
	}
	if got := models.PasswordWork(u.PasswordHash); got != real {
		t.Fatalf("known user: work %d; hash cost %d", got, real)
	}
	if got := models.PasswordWork(""); got != real {
		t.Fatalf("unknown user: bcrypt cost %d; a real hash costs %d", got, real)
	}
	saved := models.PasswordCost
	t.Cleanup(func() { models.PasswordCost = saved })
	for _, cost := range []int{bcrypt.MinCost, bcrypt.MinCost + 1} { // the dummy follows the configured cost
		models.PasswordCost = cost
		h, _ := models.HashPassword("Some#Password2026")
		if a, b := models.PasswordWork(h), models.PasswordWork(""); a != cost || b != cost {
			t.Errorf("cost %d: real %d, dummy %d", cost, a, b)
		}
	}
}
