package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"portal/models"
	"portal/web/browsertest"
	"portal/web/webtest"
)

// TestBrowserOfficerEnrolsTOTPAndSignsInWithIt: a district officer enrols an
// authenticator from the account page (the secret read off the page, the code computed
// here with pquerna/otp at the server's clock), signs in with the password and then the
// code, and then with a recovery code, which works once and is refused the second time
// (issue 14 §1.1, GB/T 22239-2019 §8.1.4.1 d). The enrolment page is saved at 1366 and
// 390 px wide.
func TestBrowserOfficerEnrolsTOTPAndSignsInWithIt(t *testing.T) {
	env := webtest.New(t)
	b := browsertest.New(t, env.Server.URL)
	browserLogin(b, "district1")
	if got := b.Path(); got != "/district" {
		t.Fatalf("district1 landed on %s; want /district (no second factor yet)", got)
	}
	b.Open("/account")
	b.ExpectText("[data-testid=account-totp]", "未启用")
	b.ExpectText("[data-testid=account-sessions]", "本设备")
	b.Click("[data-testid=totp-enrol]")
	if got := b.Path(); got != "/account/totp" {
		t.Fatalf("enrol link led to %s", got)
	}
	for _, w := range []int64{1366, 390} {
		b.Do(chromedp.EmulateViewport(w, 900))
		b.Open("/account/totp")
		b.Screenshot("enrol-" + map[int64]string{1366: "1366", 390: "390"}[w])
		problems, err := chromedp.Run(b.Context(), chromedp.Evaluate[[]string](layoutProblems))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			t.Errorf("enrolment page at %d px: %s", w, p)
		}
	}
	b.Do(chromedp.EmulateViewport(1366, 900))
	qr, err := chromedp.Run(b.Context(), chromedp.Evaluate[string](`document.querySelector("[data-testid=totp-qr]").naturalWidth + "x" + document.querySelector("[data-testid=totp-qr]").src.slice(0, 22)`))
	if err != nil || qr != "240x"+"data:image/png;base64," {
		t.Fatalf("QR image: %q, %v; want a decoded 240 px inline PNG", qr, err)
	}
	grouped := b.Text("[data-testid=totp-secret]")
	secret := strings.ReplaceAll(grouped, " ", "")
	if len(secret) != 32 {
		t.Fatalf("secret on the page %q: want 32 base32 characters", grouped)
	}
	// a wrong first code leaves TOTP off and keeps the same secret on the page
	b.Fill("code", "000000")
	b.Click("button[type=submit].primary")
	b.ExpectText("[data-testid=error-code]", "动态口令不正确")
	if again := strings.ReplaceAll(b.Text("[data-testid=totp-secret]"), " ", ""); again != secret {
		t.Fatalf("secret changed after a wrong code: %s → %s", secret, again)
	}
	if u, _ := env.Store.UserByUsername(context.Background(), "district1"); u.TOTPEnabled() {
		t.Fatal("TOTP is on before a right code was confirmed")
	}
	code, err := totp.GenerateCode(secret, env.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	b.Fill("code", code)
	b.Click("button[type=submit].primary")
	b.ExpectText("[data-testid=totp-enabled]", "双因素认证已启用")
	b.Screenshot("recovery-codes")
	codes, err := chromedp.Run(b.Context(), chromedp.Evaluate[[]string](`[...document.querySelectorAll("[data-testid=recovery-code]")].map(e => e.innerText)`))
	if err != nil || len(codes) != models.RecoveryCodeCount {
		t.Fatalf("recovery codes on the page: %v, %v", codes, err)
	}
	browserLogout(b)

	// password, then the authenticator's code
	env.Clock.Advance(60e9)
	browserLogin(b, "district1")
	if got := b.Path(); !strings.HasPrefix(got, "/login/totp") {
		t.Fatalf("after the password at %s; want the code step", got)
	}
	b.ExpectText("[data-testid=totp-username]", "district1")
	b.Fill("code", "123456")
	b.Click("button[type=submit]")
	b.ExpectText("[data-testid=login-error]", "动态口令或恢复码错误")
	if n, _ := env.Store.LoginFailures(context.Background(), "district1", env.Clock.Now()); n != 1 {
		t.Fatalf("a wrong code counted %d failures; want 1, like a wrong password", n)
	}
	code, _ = totp.GenerateCode(secret, env.Clock.Now())
	b.Fill("code", code)
	b.Click("button[type=submit]")
	if got := b.Path(); got != "/district" {
		t.Fatalf("after the code at %s; want /district", got)
	}
	if n, _ := env.Store.LoginFailures(context.Background(), "district1", env.Clock.Now()); n != 0 {
		t.Fatalf("the right code left %d failures; want 0", n)
	}
	browserLogout(b)

	// a recovery code instead of the code: once
	browserLogin(b, "district1")
	b.Fill("code", codes[3])
	b.Click("button[type=submit]")
	if got := b.Path(); got != "/district" {
		t.Fatalf("recovery code: at %s; want /district", got)
	}
	b.ExpectText("main", "恢复码已作废")
	b.Open("/account")
	b.ExpectText("[data-testid=recovery-left]", "9")
	browserLogout(b)
	browserLogin(b, "district1")
	b.Fill("code", codes[3])
	b.Click("button[type=submit]")
	b.ExpectText("[data-testid=login-error]", "动态口令或恢复码错误")
	if got := b.Path(); !strings.HasPrefix(got, "/login/totp") {
		t.Fatalf("a spent recovery code let the user in: at %s", got)
	}
	// a different recovery code still works
	b.Fill("code", strings.ToUpper(codes[4]))
	b.Click("button[type=submit]")
	if got := b.Path(); got != "/district" {
		t.Fatalf("second recovery code: at %s; want /district", got)
	}
}
