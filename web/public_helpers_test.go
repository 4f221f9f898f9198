package web_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"portal/models"
	"portal/models/store"
	"portal/web/browsertest"
	"portal/web/webtest"
)

// actAs is a store actor for a demo user at the test clock's time.
func actAs(t testing.TB, env *webtest.Env, username string) store.Actor {
	t.Helper()
	u, err := env.Store.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return store.Actor{User: u, Now: env.Clock.Now()}
}

// decide applies workflow events through the store, as the review chain's pages would.
func decide(t testing.TB, env *webtest.Env, appID int64, steps ...[2]string) *models.Application {
	t.Helper()
	var app *models.Application
	var err error
	for _, s := range steps {
		app, err = env.Store.ApplyEvent(context.Background(), actAs(t, env, s[0]), appID, models.Event(s[1]), store.DecisionInput{Opinion: "同意"}, nil)
		if err != nil {
			t.Fatalf("%s %s: %v", s[0], s[1], err)
		}
	}
	return app
}

// platform1InNotice creates platform1's application and takes it to public notice
// through the store: the review chain's pages are another part's.
func platform1InNotice(t testing.TB, env *webtest.Env) *models.Application {
	t.Helper()
	p := actAs(t, env, "platform1")
	app, err := env.Store.CreateApplication(context.Background(), p, *p.User.InstitutionID, models.ApplicationTypeP2P)
	if err != nil {
		t.Fatal(err)
	}
	return decide(t, env, app.ID, [2]string{"platform1", "submit"}, [2]string{"district1", "pass"},
		[2]string{"city1", "pass"}, [2]string{"city2", "confirm"})
}

// activeNotice is the application's running notice.
func activeNotice(t testing.TB, env *webtest.Env, appID int64) store.NoticeRow {
	t.Helper()
	rows, _, err := env.Store.ListNotices(context.Background(), store.NoticeFilter{Status: "current"}, models.Page{Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.ApplicationID == appID {
			return r
		}
	}
	t.Fatalf("application %d has no running notice", appID)
	return store.NoticeRow{}
}

// endNotice moves the clock past the notice's last day and runs the scheduled jobs.
func endNotice(t testing.TB, env *webtest.Env, n store.NoticeRow) {
	t.Helper()
	env.Clock.Set(n.EndDate.AddDays(1).Start().Add(9 * time.Hour))
	if err := env.Web.RunJobs(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// samplePDF writes a small PDF to upload.
func samplePDF(t testing.TB, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	body := "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func browserLogin(b *browsertest.Browser, username string) {
	b.Open("/login")
	b.Fill("username", username)
	b.Fill("password", webtest.DemoPassword)
	b.Click("button[type=submit]")
}

// browserLoginWithCode signs in like browserLogin and, for an account with two-factor
// sign-in, answers the second step with the code of its secret at the server's clock.
func browserLoginWithCode(t testing.TB, b *browsertest.Browser, env *webtest.Env, username string) {
	t.Helper()
	browserLogin(b, username)
	totpStep(t, b, env, username)
}

// totpStep answers the one-time code step, when the sign-in is at it.
func totpStep(t testing.TB, b *browsertest.Browser, env *webtest.Env, username string) {
	t.Helper()
	if b.Path() != "/login/totp" {
		return
	}
	b.Fill("code", env.TOTPCode(t, username))
	b.Click("button[type=submit]")
}

func browserLogout(b *browsertest.Browser) { b.Click(".who button[type=submit]") }

func setValue(b *browsertest.Browser, css, value string) {
	b.Do(chromedp.WaitVisible(chromedp.CSS(css)), chromedp.SetValue(chromedp.CSS(css), value))
}

func upload(b *browsertest.Browser, css string, files ...string) {
	b.Do(chromedp.SetUploadFiles(chromedp.CSS(css), files))
}

func inputValue(t testing.TB, b *browsertest.Browser, css string) string {
	t.Helper()
	v, err := chromedp.Run(b.Context(), chromedp.Value(chromedp.CSS(css)))
	if err != nil {
		t.Fatalf("value of %s: %v", css, err)
	}
	return v
}

// typeText types into an empty field (a textarea cannot be cleared before it has text).
func typeText(b *browsertest.Browser, css, text string) {
	b.Do(chromedp.WaitVisible(chromedp.CSS(css)), chromedp.SendKeys(chromedp.CSS(css), text))
}
