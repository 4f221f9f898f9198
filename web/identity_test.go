package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"portal/models"
	"portal/models/store"
	"portal/web"
	"portal/web/webtest"
)

// enrol turns two-factor sign-in on for the signed-in client through the enrolment form
// and returns its secret.
func enrol(t *testing.T, env *webtest.Env, c *webtest.Client) string {
	t.Helper()
	_, page := c.Get("/account/totp")
	secret, ok := htmlDoc(t, page).Find(`input[name="secret"]`).Attr("value")
	if !ok || secret == "" {
		t.Fatalf("no secret on the enrolment page:\n%s", textOf(page))
	}
	code, _ := models.TOTPCode(secret, env.Clock.Now())
	resp, body := c.Submit("/account/totp", url.Values{"secret": {secret}, "code": {code}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "双因素认证已启用") {
		t.Fatalf("enrol: %d\n%s", resp.StatusCode, textOf(body))
	}
	return secret
}

// TestSecAdminResetsTOTPAuditedAndNotified: the security administrator resets an
// officer's second factor; the reset is in the audit trail (read by the audit
// administrator), the officer's sessions end and the officer is told in the inbox. The
// system administrator may not reset it (三员分立).
func TestSecAdminResetsTOTPAuditedAndNotified(t *testing.T) {
	env := webtest.New(t)
	officer := signIn(t, env, "city1")
	enrol(t, env, officer)
	u, _ := env.Store.UserByUsername(t.Context(), "city1")
	if !u.TOTPEnabled() {
		t.Fatal("enrolment did not turn TOTP on")
	}
	// new recovery codes replace the old ones
	resp, page := officer.Submit("/account/totp/recovery", nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "原有恢复码全部作废") {
		t.Fatalf("new recovery codes: %d", resp.StatusCode)
	}
	if n := htmlDoc(t, page).Find(`[data-testid="recovery-code"]`).Length(); n != models.RecoveryCodeCount {
		t.Fatalf("%d new codes shown", n)
	}
	path := "/admin/users/" + itoa(u.ID) + "/totp-reset"
	if resp, _ := signIn(t, env, "admin").Submit(path, nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("system administrator resetting TOTP: %d; want 403", resp.StatusCode)
	}
	sec := signIn(t, env, "secadmin")
	_, page = sec.Get("/admin/users/" + itoa(u.ID) + "/security")
	webtest.Contains(t, page, "已启用，剩余恢复码 10 个")
	if resp, _ := sec.Submit(path, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset: %d", resp.StatusCode)
	}
	if u, _ = env.Store.UserByUsername(t.Context(), "city1"); u.TOTPEnabled() || u.TOTPSecret != "" {
		t.Fatal("TOTP still on after the reset")
	}
	if resp, _ := officer.Get("/city"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the officer's session survived the reset: %d", resp.StatusCode)
	}
	officer = signIn(t, env, "city1") // a password alone again
	_, inbox := officer.Get("/inbox")
	webtest.Contains(t, inbox, "您的双因素认证已被安全管理员重置")
	_, audit := signIn(t, env, "auditadmin").Get("/admin/audit?action=" + url.QueryEscape("重置双因素认证"))
	webtest.Contains(t, audit, "city1", "secadmin", "已通知本人")
	_, audit = signIn(t, env, "auditadmin").Get("/admin/audit?action=" + url.QueryEscape("重新生成恢复码"))
	webtest.Contains(t, audit, "city1", "原恢复码作废")
}

// TestPolicySendsStaffToEnrolment: once the security administrator requires a second
// factor for staff, an officer signing in with the password is sent to the enrolment page
// before anything else; a platform user is not.
func TestPolicySendsStaffToEnrolment(t *testing.T) {
	env := webtest.New(t)
	sec := signIn(t, env, "secadmin")
	if resp, body := sec.Submit("/admin/security", url.Values{"max_age_days": {"abc"}, "warn_days": {"7"}}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="abc"`) {
		t.Fatalf("bad policy: %d", resp.StatusCode)
	}
	if resp, _ := sec.Submit("/admin/security", url.Values{"max_age_days": {"90"}, "warn_days": {"7"}, "staff_totp_required": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("policy: %d", resp.StatusCode)
	}
	officer := signIn(t, env, "district1")
	resp, _ := officer.Get("/district")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account/totp" {
		t.Fatalf("officer without TOTP: %d → %s; want /account/totp", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := officer.Submit("/account/totp/disable", nil); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account/totp" {
		t.Fatalf("before enrolment every other page waits: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	enrol(t, env, officer)
	if resp, _ := officer.Get("/district"); resp.StatusCode != http.StatusOK {
		t.Fatalf("after enrolment: %d", resp.StatusCode)
	}
	if resp, _ := officer.Submit("/account/totp/disable", nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("turning a required second factor off: %d; want 403", resp.StatusCode)
	}
	platform := signIn(t, env, "platform1")
	if resp, _ := platform.Get("/platform"); resp.StatusCode != http.StatusOK {
		t.Fatalf("platform user under the staff policy: %d", resp.StatusCode)
	}
	_, audit := signIn(t, env, "auditadmin").Get("/admin/audit?action=" + url.QueryEscape("修改安全策略"))
	webtest.Contains(t, audit, "工作人员须启用双因素认证：是")
}

// TestPasswordReuseAndExpiry: a new password may not repeat the last five; 84 days after
// a change the banner warns, after 90 the password must be changed before anything else
// (issue 14 §1.3).
func TestPasswordReuseAndExpiry(t *testing.T) {
	env := webtest.New(t)
	c := signIn(t, env, "province1")
	pws := []string{webtest.DemoPassword, "First##Pass2026", "Second#Pass2026", "Third##Pass2026", "Fourth#Pass2026", "Fifth##Pass2026"}
	for i := 1; i < len(pws); i++ {
		resp, body := c.Submit("/account/password", url.Values{"current": {pws[i-1]}, "new": {pws[i]}, "confirm": {pws[i]}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("change %d: %d\n%s", i, resp.StatusCode, textOf(body))
		}
	}
	// Fifth is current; First…Fourth are the four before it: all five refused
	for _, old := range pws[1:5] {
		resp, body := c.Submit("/account/password", url.Values{"current": {pws[5]}, "new": {old}, "confirm": {old}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "不能与最近 5 次使用过的密码相同") {
			t.Fatalf("reusing %s: %d", old, resp.StatusCode)
		}
	}
	// the demo password is the sixth latest: allowed again
	if resp, body := c.Submit("/account/password", url.Values{"current": {pws[5]}, "new": {pws[0]}, "confirm": {pws[0]}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the sixth latest password: %d\n%s", resp.StatusCode, textOf(body))
	}

	_, page := c.Get("/province")
	if strings.Contains(page, `data-testid="password-expiry"`) {
		t.Fatal("banner on a fresh password")
	}
	env.Clock.Advance(84 * 24 * time.Hour)
	c = signIn(t, env, "province1")
	_, page = c.Get("/province")
	webtest.Contains(t, page, `data-testid="password-expiry"`, "您的密码将在 6 天后过期")
	env.Clock.Advance(6 * 24 * time.Hour)
	c = signIn(t, env, "province1")
	resp, _ := c.Get("/province")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account/password" {
		t.Fatalf("expired password: %d → %s; want /account/password", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page = c.Get("/account/password")
	webtest.Contains(t, page, "您的密码已超过 90 天有效期")
	if resp, _ := c.Submit("/account/password", url.Values{"current": {pws[0]}, "new": {"Sixth##Pass2026"}, "confirm": {"Sixth##Pass2026"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("changing the expired password: %d", resp.StatusCode)
	}
	if resp, _ := c.Get("/province"); resp.StatusCode != http.StatusOK {
		t.Fatalf("after the change: %d", resp.StatusCode)
	}
}

// TestUserEndsOwnSessionsAndSecAdminEndsAnyones: the account page lists the user's
// sessions with device and address; ending one signs that device out; the security
// administrator ends all of another user's sessions, audited.
func TestUserEndsOwnSessionsAndSecAdminEndsAnyones(t *testing.T) {
	env := webtest.New(t)
	laptop := env.ClientFrom(t, "127.0.0.12")
	laptop.Login("district2", webtest.DemoPassword)
	phone := env.ClientFrom(t, "127.0.0.13")
	phone.Login("district2", webtest.DemoPassword)
	_, page := laptop.Get("/account")
	doc := htmlDoc(t, page)
	rows := doc.Find(`[data-testid="account-sessions"] tbody tr`)
	if rows.Length() != 2 {
		t.Fatalf("%d sessions listed; want 2\n%s", rows.Length(), textOf(page))
	}
	webtest.Contains(t, page, "127.0.0.13", "本设备", "Go 程序")
	action, ok := doc.Find(`[data-testid="account-sessions"] form`).Attr("action")
	if !ok {
		t.Fatal("no end button for the other session")
	}
	if resp, _ := laptop.Submit(action, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("end: %d", resp.StatusCode)
	}
	if resp, _ := phone.Get("/district"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the ended session still served: %d", resp.StatusCode)
	}
	if resp, _ := laptop.Get("/district"); resp.StatusCode != http.StatusOK {
		t.Fatalf("the current session ended too: %d", resp.StatusCode)
	}
	// another user's session reference is not the user's to end
	other := signIn(t, env, "district1")
	u2, _ := env.Store.UserByUsername(t.Context(), "district2")
	ss, _ := env.Store.UserSessions(context.Background(), u2.ID, env.Clock.Now())
	if resp, _ := other.Submit("/account/sessions/"+ss[0].Ref+"/end", nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("ending someone else's session: %d; want 404", resp.StatusCode)
	}
	sec := signIn(t, env, "secadmin")
	if resp, _ := sec.Submit("/admin/users/"+itoa(u2.ID)+"/sessions/end", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("secadmin ends all: %d", resp.StatusCode)
	}
	if resp, _ := laptop.Get("/district"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("session survived the security administrator: %d", resp.StatusCode)
	}
	_, audit := signIn(t, env, "auditadmin").Get("/admin/audit?q=" + url.QueryEscape("会话"))
	webtest.Contains(t, audit, "结束用户全部会话", "结束会话", "district2")
}

// TestAuditAdminReadsAreAudited: the audit administrator's own reading of the trail and
// checking of the chain are in the trail.
func TestAuditAdminReadsAreAudited(t *testing.T) {
	env := webtest.New(t)
	a := signIn(t, env, "auditadmin")
	a.Get("/admin/audit?actor=district1")
	a.Get("/admin/chain")
	var rows []store.AuditRow
	rows, _, err := env.Store.ListAudit(context.Background(), store.AuditFilter{Actor: "auditadmin"}, models.Page{Number: 1, Size: 50})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rows {
		got[r.Action] = r.Detail
	}
	if !strings.Contains(got["查阅操作日志"], "操作人：district1") || !strings.Contains(got["校验决定记录链"], "完整") {
		t.Fatalf("the audit administrator's reads: %v", got)
	}
}

// TestCreateUserRulesLiveInModels: the account form is refused with the rules of
// models.ValidateAccount, field by field, keeping what was typed.
func TestCreateUserRulesLiveInModels(t *testing.T) {
	env := webtest.New(t)
	admin := signIn(t, env, "admin")
	resp, body := admin.Submit("/admin/users", url.Values{"username": {"a b"}, "display_name": {"新用户"}, "role": {"city"}, "password": {"Good#Password2026"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", resp.StatusCode)
	}
	webtest.Contains(t, body, "用户名为 3–32 位字母", "工作人员须选择管辖区划", `value="新用户"`)
	resp, body = admin.Submit("/admin/users", url.Values{"username": {"auditor2"}, "display_name": {"第二审计员"}, "role": {"auditadmin"}, "password": {"Good#Password2026"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create an audit administrator: %d\n%s", resp.StatusCode, textOf(body))
	}
	if u, err := env.Store.UserByUsername(t.Context(), "auditor2"); err != nil || u.Role != models.RoleAuditAdmin || u.DivisionID != nil {
		t.Fatalf("auditor2 = %+v, %v", u, err)
	}
}

// TestProductionRequiresStaffToEnrol: with PORTAL_ENV=production an officer who signs in
// with the password alone is sent to the enrolment page until enrolled, whatever the
// policy says; a platform user is not (issue 14 §1.1).
func TestProductionRequiresStaffToEnrol(t *testing.T) {
	env := webtest.New(t, func(c *web.Config) {
		c.Env = "production"
		if _, err := web.EnsureKeys(c.KeysDir(), true, webtest.Start); err != nil { // production never creates them itself
			t.Fatal(err)
		}
	})
	officer := signIn(t, env, "district2")
	for _, path := range []string{"/district", "/inbox", "/account"} {
		if resp, _ := officer.Get(path); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account/totp" {
			t.Fatalf("%s before enrolment: %d → %s; want /account/totp", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	_, page := officer.Get("/account/totp")
	webtest.Contains(t, page, `data-testid="totp-required"`)
	enrol(t, env, officer)
	if resp, _ := officer.Get("/district"); resp.StatusCode != http.StatusOK {
		t.Fatalf("after enrolment: %d", resp.StatusCode)
	}
	if resp, _ := signIn(t, env, "platform1").Get("/platform"); resp.StatusCode != http.StatusOK {
		t.Fatalf("platform user in production: %d", resp.StatusCode)
	}
}

// TestSecAdminChangesARole: the security administrator moves an officer to another role
// with the scope it takes, checked by the account rules (a city officer needs a city);
// the officer's sessions end and the change is audited. Nobody changes their own role.
func TestSecAdminChangesARole(t *testing.T) {
	env := webtest.New(t)
	officer := signIn(t, env, "district2")
	u, _ := env.Store.UserByUsername(t.Context(), "district2")
	city, _ := env.Store.UserByUsername(t.Context(), "city1")
	sec := signIn(t, env, "secadmin")
	path := "/admin/users/" + itoa(u.ID) + "/role"
	resp, body := sec.Submit(path, url.Values{"role": {"city"}, "division_id": {itoa(*u.DivisionID)}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "的管辖区划须为市") {
		t.Fatalf("city officer on a district: %d", resp.StatusCode)
	}
	if resp, body = sec.Submit(path, url.Values{"role": {"city"}, "division_id": {itoa(*city.DivisionID)}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d\n%s", resp.StatusCode, textOf(body))
	}
	if u, _ = env.Store.UserByUsername(t.Context(), "district2"); u.Role != models.RoleCity || *u.DivisionID != *city.DivisionID {
		t.Fatalf("after the change: %s in %v", u.Role, *u.DivisionID)
	}
	if resp, _ := officer.Get("/district"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the old role's session survived: %d", resp.StatusCode)
	}
	me, _ := env.Store.UserByUsername(t.Context(), "secadmin")
	if resp, body := sec.Submit("/admin/users/"+itoa(me.ID)+"/role", url.Values{"role": {"sysadmin"}}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "不能修改自己的角色") {
		t.Fatalf("own role: %d", resp.StatusCode)
	}
	_, audit := signIn(t, env, "auditadmin").Get("/admin/audit?action=" + url.QueryEscape("修改用户角色"))
	webtest.Contains(t, audit, "district2", "区金融工作部门 → 市整改验收工作小组")
}

// TestTOTPCodeSignsInOnce: a one-time code that signed an account in is refused a second
// time, from another client in the same 30 seconds and later while it is still inside the
// drift window, and the replay is in the audit trail; the next step's code signs in
// (RFC 6238 §5.2).
func TestTOTPCodeSignsInOnce(t *testing.T) {
	env := webtest.New(t)
	u, err := env.Store.UserByUsername(context.Background(), "secadmin")
	if err != nil {
		t.Fatal(err)
	}
	toCodeStep := func(c *webtest.Client) {
		t.Helper()
		resp, _ := c.Submit("/login", url.Values{"username": {"secadmin"}, "password": {webtest.DemoPassword}})
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login/totp") {
			t.Fatalf("password step: %d → %s", resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	code, err := models.TOTPCode(u.TOTPSecret, env.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	first := env.Client(t)
	toCodeStep(first)
	if resp, body := first.Submit("/login/totp", url.Values{"code": {code}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first use of the code: %d\n%s", resp.StatusCode, textOf(body))
	}
	for _, wait := range []time.Duration{0, 30 * time.Second} {
		env.Clock.Advance(wait)
		again := env.Client(t)
		toCodeStep(again)
		resp, body := again.Submit("/login/totp", url.Values{"code": {code}})
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "该动态口令已使用过") {
			t.Fatalf("the same code %v later: %d\n%s", wait, resp.StatusCode, textOf(body))
		}
		if resp, _ := again.Get("/admin/users"); resp.StatusCode == http.StatusOK {
			t.Fatalf("the replayed code signed in %v later", wait)
		}
	}
	next, err := models.TOTPCode(u.TOTPSecret, env.Clock.Now())
	if err != nil || next == code {
		t.Fatalf("next step's code %q (%v) should differ from %q", next, err, code)
	}
	later := env.Client(t)
	toCodeStep(later)
	if resp, body := later.Submit("/login/totp", url.Values{"code": {next}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the next step's code: %d\n%s", resp.StatusCode, textOf(body))
	}
	_, audit := signIn(t, env, "auditadmin").Get("/admin/audit?action=" + url.QueryEscape("动态口令重复使用被拒"))
	if n := htmlDoc(t, audit).Find("tbody tr").Length(); n != 2 {
		t.Errorf("%d replays in the audit trail; want 2\n%s", n, textOf(audit))
	}
}
