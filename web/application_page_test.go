package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"portal/models"
	"portal/models/store"
	"portal/web/webtest"
)

// requestStatements serves one GET as the client, in this goroutine, and returns the
// SQL text of every statement the request sent (the store's pgx tracer records them),
// but for the caches' timed version checks.
func requestStatements(t *testing.T, env *webtest.Env, c *webtest.Client, path string) ([]string, string) {
	t.Helper()
	ctx, log := store.WithStatementLog(context.Background())
	req := httptest.NewRequest(http.MethodGet, path, nil).WithContext(ctx)
	req.RemoteAddr = "127.0.0.1:40000"
	for _, ck := range c.Cookies() {
		req.AddCookie(ck)
	}
	rec := httptest.NewRecorder()
	env.Web.Echo.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, rec.Code, textOf(rec.Body.String()))
	}
	var out []string
	for _, q := range log.Statements() {
		// the calendar's and the public cache's version checks run on a wall-clock timer,
		// whichever request comes first, not per page
		if strings.Contains(q, "calendar_version") || strings.Contains(q, "public_version") {
			continue
		}
		out = append(out, q)
	}
	return out, rec.Body.String()
}

// growApplication adds n valid decisions (hash-chained as the store chains them) and n
// material file versions to the application.
func growApplication(t *testing.T, env *webtest.Env, appID int64, n int) {
	t.Helper()
	db, _ := env.Store.SQLDB()
	var prev string
	if err := db.QueryRow("SELECT hash FROM decisions ORDER BY id DESC LIMIT 1").Scan(&prev); err != nil {
		t.Fatal(err)
	}
	at := env.Clock.Now().Add(-time.Hour)
	for i := 0; i < n; i++ {
		d := models.Decision{ApplicationID: appID, At: at.Add(time.Duration(i) * time.Second), ActorName: "district1", Role: "district",
			Event: models.EventReturn, FromState: models.StateDistrictReview, ToState: models.StateDistrictReview,
			Opinion: fmt.Sprintf("第 %d 条意见", i), PrevHash: prev}
		if err := db.QueryRow("SELECT nextval('decisions_id_seq')").Scan(&d.ID); err != nil {
			t.Fatal(err)
		}
		d.Hash = models.DecisionHash(d)
		prev = d.Hash
		if _, err := db.Exec(`INSERT INTO decisions (id, application_id, at, actor_name, role, event, from_state, to_state, opinion, prev_hash, hash)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`, d.ID, d.ApplicationID, d.At, d.ActorName, d.Role, string(d.Event),
			string(d.FromState), string(d.ToState), d.Opinion, d.PrevHash, d.Hash); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(`INSERT INTO material_files (application_id, material_id, slot, version, sha256, size, kind, filename, uploader_name, uploaded_at, frozen_at)
		SELECT f.application_id, f.material_id, f.slot, f.version + g, f.sha256, f.size, f.kind, f.filename, f.uploader_name, f.uploaded_at, f.frozen_at
		FROM (SELECT DISTINCT ON (application_id) * FROM material_files WHERE application_id = $1 ORDER BY application_id, version DESC) f,
		     generate_series(1, $2) g`, appID, n); err != nil {
		t.Fatal(err)
	}
}

// noRepeats fails the test for every statement text sent more than once.
func noRepeats(t *testing.T, what string, stmts []string) {
	t.Helper()
	seen := map[string]int{}
	for _, q := range stmts {
		seen[q]++
	}
	for q, n := range seen {
		if n > 1 {
			t.Errorf("%s: sent %d times: %s", what, n, q)
		}
	}
	if t.Failed() {
		t.Logf("all %d statements:\n%s", len(stmts), strings.Join(stmts, "\n"))
	}
}

// TestApplicationPageLoadsNothingTwice: one request for the application page sends no
// statement twice, and as many statements for an application with 2 decisions and
// material versions as for one with 40, for every officer who sees it.
func TestApplicationPageLoadsNothingTwice(t *testing.T) {
	env := webtest.New(t)
	small := submitViaStore(t, env, "platform1")
	growApplication(t, env, small, 1) // 2 decisions
	large := submitViaStore(t, env, "platform3")
	growApplication(t, env, large, 39) // 40 decisions, 39 more material versions
	db, _ := env.Store.SQLDB()
	var nSmall, nLarge int
	_ = db.QueryRow("SELECT count(*) FILTER (WHERE application_id = $1), count(*) FILTER (WHERE application_id = $2) FROM decisions", small, large).Scan(&nSmall, &nLarge)
	if nSmall != 2 || nLarge != 40 {
		t.Fatalf("decisions: %d and %d; want 2 and 40", nSmall, nLarge)
	}
	for _, user := range []string{"district1", "city1", "province1"} {
		c := signIn(t, env, user)
		c.Get(appURL(small, "")) // the session's first use
		a, _ := requestStatements(t, env, c, appURL(small, ""))
		b, body := requestStatements(t, env, c, appURL(large, ""))
		noRepeats(t, user+" small", a)
		noRepeats(t, user+" large", b)
		if len(a) != len(b) {
			t.Errorf("%s: %d statements for 2 decisions, %d for 40:\n%s\n----\n%s", user, len(a), len(b), strings.Join(a, "\n"), strings.Join(b, "\n"))
		}
		if got := strings.Count(body, `data-testid="timeline-item"`); got != 40 {
			t.Errorf("%s: the timeline shows %d of 40 decisions", user, got)
		}
		t.Logf("%s: %d statements", user, len(a))
	}
}

// TestApplicationPageOnTheFailurePathLoadsNothingTwice: a failed application with an
// objection and its evidence, seen by the district, the city and the platform: the
// failure notice, the objection, the working papers and the evidence, none read twice.
func TestApplicationPageOnTheFailurePathLoadsNothingTwice(t *testing.T) {
	env := webtest.New(t)
	id := failedApplication(t, env)
	p2 := signIn(t, env, "platform2")
	object(t, env, p2, id, "存管银行已于上月通过测评，附测评结果", map[string][]byte{"测评结果.pdf": pdfBytes}, http.StatusSeeOther)
	for user, path := range map[string]string{"district2": appURL(id, ""), "city1": appURL(id, ""), "platform2": appURL(id, "")} {
		c := signIn(t, env, user)
		if user != "platform2" {
			c.Get(path)
		}
		stmts, body := requestStatements(t, env, c, path)
		noRepeats(t, user, stmts)
		webtest.Contains(t, body, "测评结果.pdf")
		t.Logf("%s: %d statements", user, len(stmts))
	}
}

// TestApplicationPageResubmittedLoadsTheChecklistOnce: the district reviewing a
// resubmission sees what changed since the last round from the one checklist load.
func TestApplicationPageResubmittedLoadsTheChecklistOnce(t *testing.T) {
	env := webtest.New(t)
	id := submitViaStore(t, env, "platform1")
	d1 := signIn(t, env, "district1")
	postDecision(t, d1, id, "/district/claim", url.Values{"version": {"0"}}, http.StatusSeeOther)
	postDecision(t, d1, id, "/district/return", url.Values{"return_opinion": {"请补正"}, "return_days": {"10"}}, http.StatusSeeOther)
	env.Clock.Advance(10 * time.Minute)
	resubmit(t, signIn(t, env, "platform1"), id)
	stmts, body := requestStatements(t, env, d1, appURL(id, ""))
	noRepeats(t, "resubmitted", stmts)
	webtest.Contains(t, body, `data-testid="round-changes"`)
	checklistLoads := 0
	for _, q := range stmts {
		if strings.Contains(q, `FROM "material_files"`) {
			checklistLoads++
		}
	}
	if checklistLoads != 1 {
		t.Errorf("the material files were read %d times; want once", checklistLoads)
	}
}

// TestApplicationTimelinePagesByKeyset: 120 decisions show 50 at a time, newest page
// first, older pages by the decision-id cursor; a hostile cursor is ignored.
func TestApplicationTimelinePagesByKeyset(t *testing.T) {
	env := webtest.New(t)
	id := submitViaStore(t, env, "platform1")
	growApplication(t, env, id, 119)
	c := signIn(t, env, "district1")
	seen := map[string]bool{}
	path, pages := appURL(id, ""), 0
	for path != "" {
		resp, body := c.Get(path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		pages++
		for _, m := range recordID.FindAllStringSubmatch(body, -1) {
			if seen[m[1]] {
				t.Fatalf("record %s on two pages", m[1])
			}
			seen[m[1]] = true
		}
		path = ""
		if m := olderLink.FindStringSubmatch(body); m != nil {
			path = strings.ReplaceAll(m[1], "&amp;", "&")
		}
	}
	if pages != 3 || len(seen) != 120 {
		t.Fatalf("%d pages with %d records; want 3 pages with 120", pages, len(seen))
	}
	for _, bad := range []string{"abc", "-5", "99999999999999999999", "0", "1%00"} {
		if resp, _ := c.Get(appURL(id, "?before="+bad)); resp.StatusCode >= 500 {
			t.Errorf("before=%s: %d", bad, resp.StatusCode)
		}
	}
}

var (
	recordID  = regexp.MustCompile(`记录 #(\d+)`)
	olderLink = regexp.MustCompile(`href="([^"]+)" rel="next" data-testid="cursor-older"`)
)
