package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"portal/models"
	"portal/models/store"
	"portal/web/webtest"
)

// The checklist shows the hard lines the institution file decides before submission,
// and the submission is refused with the rule cited, although every self-assessment
// answer is 符合.
func TestFileHardLineShownOnChecklistAndBlocksSubmission(t *testing.T) {
	env := webtest.New(t)
	ctx := context.Background()
	u := demoUser(t, env, "platform2")
	appID := readyApplication(t, env, "platform2")
	c := login(t, env, "platform2")
	checklist := appURL(appID, "/checklist")

	_, body := c.Get(checklist)
	d := doc(t, body)
	if n := d.Find("[data-testid=file-hard-lines] [data-testid=file-check-hit]").Length(); n != 0 {
		t.Fatalf("a compliant file shows %d hard lines hit", n)
	}
	if n := d.Find("[data-testid=file-hard-lines] [data-testid=file-check]").Length(); n != 5 {
		t.Fatalf("checklist shows %d file checks; want 5", n)
	}

	f, err := env.Store.InstitutionFile(ctx, u, *u.InstitutionID)
	if err != nil {
		t.Fatal(err)
	}
	f.P2PStartedOn = models.NewDate(2017, 3, 1)
	if _, err := env.Store.SaveInstitutionFile(ctx, store.Actor{User: u, Now: env.Clock.Now()}, *u.InstitutionID, *f); err != nil {
		t.Fatal(err)
	}
	_, body = c.Get(checklist)
	d = doc(t, body)
	hit := d.Find("[data-testid=file-check]").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return s.Find("[data-testid=file-check-hit]").Length() == 1
	})
	if hit.Length() != 1 || !strings.Contains(squash(hit.Text()), "开始从事网贷业务日期为 2017-03-01") || !strings.Contains(hit.Text(), "五(一)") {
		t.Fatalf("hard line on the checklist: %q", squash(hit.Text()))
	}
	if _, disabled := d.Find("[data-testid=submit-application]").Attr("disabled"); !disabled {
		t.Fatal("the submit button is enabled with a hard line hit")
	}

	resp, body := c.Submit("/platform/applications/"+itoa(appID)+"/submit", url.Values{"version": {"0"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("submission past a hard line: %d; want 422", resp.StatusCode)
	}
	blockers := squash(doc(t, body).Find("[data-testid=blockers]").Text())
	for _, w := range []string{"机构档案载明开始从事网贷业务日期为 2017-03-01", "《网贷机构整改验收方案》五(一)", "原则上不予备案登记"} {
		if !strings.Contains(blockers, w) {
			t.Errorf("blockers lack %q: %s", w, blockers)
		}
	}
	// the self-assessment page says so too, though every item is answered 符合
	_, body = c.Get(appURL(appID, "/self-assessment"))
	if got := squash(doc(t, body).Find("[data-testid=violations]").Text()); !strings.Contains(got, "开始从事网贷业务日期为 2017-03-01") {
		t.Errorf("self-assessment page's hard lines: %q", got)
	}
	if app, _ := env.Store.Application(ctx, u, appID); app.State != models.StateDraft {
		t.Fatalf("refused application is %s", app.State)
	}
}

// The demo's later steps show on the platforms' homes: platform7 sees its scope-change
// deadline and the way to record it, platform8 that it waits for filing, platform6 its
// application waiting for the province's sign-off.
func TestDemoPlatformHomesAtTheLaterSteps(t *testing.T) {
	env := webtest.New(t)
	p7 := demoUser(t, env, "platform7")
	ac, err := env.Store.PlatformAfterCertificate(context.Background(), p7)
	if err != nil || ac == nil {
		t.Fatalf("platform7 has no certificate: %v", err)
	}
	_, body := login(t, env, "platform7").Get("/platform")
	d := doc(t, body)
	if got := squash(d.Find("[data-testid=outcome-scope]").Text()); !strings.Contains(got, "经营范围变更截止："+ac.ScopeDeadline.String()) {
		t.Fatalf("platform7's scope deadline: %q", got)
	}
	if href, _ := d.Find("[data-testid=outcome-scope-link]").Attr("href"); href != "/platform/scope" {
		t.Fatalf("scope link %q", href)
	}
	if got := squash(d.Find("[data-testid=outcome-certificate]").Text()); !strings.Contains(got, ac.Serial) {
		t.Fatalf("certificate on the home: %q", got)
	}

	_, body = login(t, env, "platform8").Get("/platform")
	if got := squash(doc(t, body).Find("[data-testid=outcome-next]").Text()); !strings.Contains(got, "等待省金融办办理备案登记") {
		t.Fatalf("platform8's next step: %q", got)
	}
	_, body = login(t, env, "platform6").Get("/platform")
	if got := squash(doc(t, body).Find("[data-testid=platform-application] [data-testid=state]").Text()); got != models.StateSignoff.Label() {
		t.Fatalf("platform6's state: %q", got)
	}
}
