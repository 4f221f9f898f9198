package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivertest"

	"portal/models/store"
	"portal/models/store/storetest"
	"portal/web/jobs"
	"portal/web/webtest"
)

// twoReplicas assembles two servers on one database, each with its own store, pool and
// caches, as two replicas behind a load balancer are. (cmd/portal's TestTwoServerProcesses
// does the same with two processes.)
func twoReplicas(t *testing.T) (a, b *webtest.Env) {
	t.Helper()
	dsn := storetest.DSN(t, storetest.Demo)
	clock := &webtest.Clock{}
	clock.Set(webtest.Start)
	for _, env := range []**webtest.Env{&a, &b} {
		st, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		*env = webtest.NewOn(t, st, clock)
	}
	return a, b
}

// onOther is a client of b carrying the cookies c holds for a (one browser, two replicas).
func onOther(t *testing.T, c *webtest.Client, b *webtest.Env) *webtest.Client {
	t.Helper()
	o := b.Client(t)
	u, _ := url.Parse(b.Server.URL)
	o.HTTP.Jar.SetCookies(u, c.Cookies())
	return o
}

func TestTwoReplicasShareSessionsLogoutCalendarAndPublicCache(t *testing.T) {
	a, b := twoReplicas(t)

	// A session made on A is valid on B; a logout on B revokes it on A too.
	ca := signIn(t, a, "district1")
	cb := onOther(t, ca, b)
	if resp, _ := cb.Get("/district"); resp.StatusCode != http.StatusOK {
		t.Fatalf("A's session on B: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := cb.Submit("/logout", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout on B: %d", resp.StatusCode)
	}
	for name, c := range map[string]*webtest.Client{"A": ca, "B": cb} {
		resp, _ := c.Get("/district")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") == "" || resp.Header.Get("Location")[:6] != "/login" {
			t.Errorf("after logout on B, %s answers %d %s; want the login page", name, resp.StatusCode, resp.Header.Get("Location"))
		}
	}

	// The public cache of each sees a notice started through the other's store.
	ab, bb := a.Client(t), b.Client(t)
	_, before := bb.Get("/notices")
	ab.Get("/notices")
	app := platform1InNotice(t, a)
	n := activeNotice(t, a, app.ID)
	for name, c := range map[string]*webtest.Client{"A": ab, "B": bb} {
		_, body := c.Get("/notices")
		if parse(t, body).Find("a[href='/notices/"+strconv.FormatInt(n.ID, 10)+"']").Length() == 0 {
			t.Errorf("replica %s's /notices does not list the new notice %d", name, n.ID)
		}
	}
	if parse(t, before).Find("a[href='/notices/"+strconv.FormatInt(n.ID, 10)+"']").Length() != 0 {
		t.Fatal("the notice was listed before it started")
	}

	// A calendar year added on A is used by B: B had read the calendar (2024–2026), so a
	// correction period reaching 2027 reads 待定 there (models/clock.go); after A adds
	// 2027, B counts the working days left with the new year.
	a.Clock.Set(time.Date(2026, 12, 24, 10, 0, 0, 0, webtest.Start.Location()))
	id := submitViaStore(t, b, "platform2")
	d1 := signIn(t, b, "district2")
	onsiteCheck(t, b, d1, id)
	form := url.Values{"return_opinion": {"请补充审计报告"}, "return_days": {"10"}}
	postDecision(t, d1, id, "/district/return", form, http.StatusSeeOther)
	_, body := d1.Get(appURL(id, ""))
	if head := text(parse(t, body).Find(`[data-testid="app-head"] [data-testid="deadline"]`)); head != "补正截止：待定：须待 2027 年法定节假日安排公布" {
		t.Fatalf("B's deadline before 2027: %q", head)
	}
	admin := signIn(t, a, "admin")
	if resp, _ := admin.Submit("/admin/calendar", url.Values{"year": {"2027"}, "source": {"国办发明电〔2026〕X号"},
		"lines": {"2027-01-01 放假 元旦"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("adding 2027 on A: %d", resp.StatusCode)
	}
	// B compares the calendar version at most every store.CalendarCheckEvery (250 ms):
	// once that has passed, its next read must have the new year. How soon it actually
	// did is logged, not asserted.
	added := time.Now()
	for {
		asked := time.Since(added) // B's last comparison was before added
		cal, err := b.Store.LoadCalendar(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if cal.Covers(2027) {
			t.Logf("B used the year added on A after %v", time.Since(added))
			break
		}
		if asked > store.CalendarCheckEvery {
			t.Fatalf("B still lacks 2027 %v after it was added; the check interval is %v", time.Since(added), store.CalendarCheckEvery)
		}
		time.Sleep(5 * time.Millisecond)
	}
	_, body = d1.Get(appURL(id, ""))
	if head := text(parse(t, body).Find(`[data-testid="app-head"] [data-testid="deadline"]`)); head != "补正截止：2027-01-08（还剩 10 个工作日）" {
		t.Fatalf("B's deadline after 2027 was added on A: %q", head)
	}
}

// TestTwoReplicasRunAPeriodicJobOnce: both replicas start River; each scheduled job is
// enqueued once (the leader's), whichever replica works it.
func TestTwoReplicasRunAPeriodicJobOnce(t *testing.T) {
	a, b := twoReplicas(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, env := range []*webtest.Env{a, b} {
		if err := env.Web.StartJobs(ctx); err != nil {
			t.Fatal(err)
		}
	}
	db, _ := a.Store.SQLDB()
	deadline := time.Now().Add(time.Minute)
	for {
		var n int
		if err := db.QueryRow("SELECT count(*) FROM river_job WHERE kind = 'purge_sessions' AND state = 'completed'").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, env := range []*webtest.Env{a, b} {
		if err := env.Web.StopJobs(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	rivertest.RequireInserted(context.Background(), t, riverdatabasesql.New(db), jobs.PurgeSessionsArgs{},
		&rivertest.RequireInsertedOpts{State: "completed"})
}
