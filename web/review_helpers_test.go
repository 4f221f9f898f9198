package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"portal/models"
	"portal/models/store"
	"portal/web/webtest"
)

// submitViaStore opens the user's application, completes it through the store (the
// platform side's readyViaStore: file, materials, self-assessment) and submits it with
// the platform side's submission, which checks readiness and freezes the materials.
func submitViaStore(t *testing.T, env *webtest.Env, username string) int64 {
	t.Helper()
	ctx := context.Background()
	u, err := env.Store.UserByUsername(ctx, username)
	if err != nil {
		t.Fatal(err)
	}
	appID := readyApplication(t, env, username)
	a := store.Actor{User: u, Now: env.Clock.Now()}
	if _, err := env.Store.SubmitApplication(ctx, a, appID, 0); err != nil {
		t.Fatalf("submitting %s's application: %v", username, err)
	}
	return appID
}

// readyApplication opens the user's application and makes it ready to submit: the
// institution file (platform1's demo file is empty: it is filled through the file form),
// every required material and the self-assessment.
func readyApplication(t *testing.T, env *webtest.Env, username string) int64 {
	t.Helper()
	ctx := context.Background()
	u, err := env.Store.UserByUsername(ctx, username)
	if err != nil {
		t.Fatal(err)
	}
	if f, err := env.Store.InstitutionFile(ctx, u, *u.InstitutionID); err != nil {
		t.Fatal(err)
	} else if f.LegalRepresentative == "" {
		c := signIn(t, env, username)
		if resp, body := c.Submit("/platform/file", filledFile()); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("filling %s's file: %d\n%s", username, resp.StatusCode, textOf(body))
		}
	}
	app, err := env.Store.CreateApplication(ctx, store.Actor{User: u, Now: env.Clock.Now()}, *u.InstitutionID, models.ApplicationTypeP2P)
	if err != nil {
		t.Fatal(err)
	}
	readyViaStore(t, env, u, app.ID)
	return app.ID
}

func appURL(id int64, rest string) string {
	return "/applications/" + strconv.FormatInt(id, 10) + rest
}

var versionField = regexp.MustCompile(`name="version" value="(\d+)"`)

// pageVersion is the version the application page's forms carry.
func pageVersion(t *testing.T, c *webtest.Client, id int64) string {
	t.Helper()
	resp, body := c.Get(appURL(id, ""))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", appURL(id, ""), resp.StatusCode)
	}
	m := versionField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no decision form on %s", appURL(id, ""))
	}
	return m[1]
}

// postDecision posts a decision form of the application page with the page's version.
func postDecision(t *testing.T, c *webtest.Client, id int64, action string, form url.Values, want int) string {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("version") == "" {
		form.Set("version", pageVersion(t, c, id))
	}
	resp, body := c.Submit(appURL(id, action), form)
	if resp.StatusCode != want {
		t.Fatalf("POST %s: %d; want %d\n%s", action, resp.StatusCode, want, textOf(body))
	}
	return body
}

// onsiteCheck claims the application for the officer and records the check.
func onsiteCheck(t *testing.T, env *webtest.Env, c *webtest.Client, id int64) {
	t.Helper()
	postDecision(t, c, id, "/district/claim", url.Values{"version": {"0"}}, http.StatusSeeOther)
	form := url.Values{"check_date": {models.DateOf(env.Clock.Now()).String()}, "methods": {"核查账务系统", "资金流水"},
		"participants": {"区金融工作部门 2 人"}, "findings": {"资金存管到位"}}
	if resp, body := c.Submit(appURL(id, "/onsite"), form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("on-site check: %d\n%s", resp.StatusCode, textOf(body))
	}
}

var tags = regexp.MustCompile(`<[^>]+>`)

// textOf strips tags, for readable failure messages.
func textOf(body string) string {
	s := strings.Join(strings.Fields(tags.ReplaceAllString(body, " ")), " ")
	if len(s) > 1500 {
		s = s[:1500]
	}
	return s
}

// statementCounter counts the store's SQL statements between resets.
type statementCounter struct {
	mu sync.Mutex
	n  int
}

func countStatements(t *testing.T, env *webtest.Env) *statementCounter {
	sc := &statementCounter{}
	if err := env.Store.OnStatement("test:count", func(string) { sc.mu.Lock(); sc.n++; sc.mu.Unlock() }); err != nil {
		t.Fatal(err)
	}
	return sc
}

func (sc *statementCounter) during(f func()) int {
	sc.mu.Lock()
	sc.n = 0
	sc.mu.Unlock()
	f()
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.n
}

func signIn(t *testing.T, env *webtest.Env, user string) *webtest.Client {
	c := env.Client(t)
	c.Login(user, webtest.DemoPassword)
	return c
}

// resubmit sends the corrected application back with the platform side's submit form.
func resubmit(t *testing.T, c *webtest.Client, id int64) {
	t.Helper()
	path := "/platform/applications/" + strconv.FormatInt(id, 10) + "/submit"
	if resp, body := c.Submit(path, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("resubmit: %d\n%s", resp.StatusCode, textOf(body))
	}
}

// uploadMaterial uploads a new version of a material through the platform side's upload
// form, as the platform does when correcting.
func uploadMaterial(t *testing.T, env *webtest.Env, c *webtest.Client, id int64, code, filename string) {
	t.Helper()
	m := materials(t, env)[code]
	path := fmt.Sprintf("/platform/applications/%d/materials/%d/files?slot=1", id, m.ID)
	resp, body := postFile(t, env, c, path, filename, bytes.NewReader(pdfBody(2048, filename)))
	if resp == nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload %s: %v\n%s", filename, resp, textOf(body))
	}
}
