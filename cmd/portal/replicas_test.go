package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivertest"

	"portal/models"
	"portal/models/store"
	"portal/models/store/storetest"
	"portal/web/jobs"
	"portal/web/webtest"
)

// serveReplica is the child process: `portal serve` as configured by the environment.
func serveReplica() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if err := serve(ctx, log); err != nil {
		fmt.Fprintln(os.Stderr, "replica:", err)
		return 1
	}
	return 0
}

// replica is one server process of the test.
type replica struct {
	env *webtest.Env // only Server.URL is used: the clients of webtest talk to the process
	cmd *exec.Cmd
}

// startReplica runs this test binary as `portal serve` on dsn and waits for /readyz.
func startReplica(t *testing.T, dsn, key string) *replica {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "PORTAL_TEST_REPLICA=1", "DATABASE_URL="+dsn, "PORT="+strconv.Itoa(port),
		"PORTAL_ENV=demo", "PORTAL_VAR_DIR="+t.TempDir(), "PORTAL_SESSION_KEY="+key, "PORTAL_MAILPIT_BIN=", "PORTAL_SMTP_HOST=")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := &replica{cmd: cmd, env: &webtest.Env{Server: &httptest.Server{URL: "http://127.0.0.1:" + strconv.Itoa(port)}}}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, err := http.Get(r.env.Server.URL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return r
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the replica never became ready")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestTwoServerProcesses runs two `portal serve` processes on one database and shows
// across them: a session made on one is valid on the other; a logout on one revokes it
// on both; the public cache of each sees a new notice; each periodic job runs once.
// (The calendar year across replicas: web's TestTwoReplicasShare…, which can hold a
// clock; these processes run on the wall clock.)
func TestTwoServerProcesses(t *testing.T) {
	dsn := storetest.DSN(t, storetest.Demo)
	key := hex.EncodeToString([]byte("replica-test-session-key-32bytes!"))
	a := startReplica(t, dsn, key)
	b := startReplica(t, dsn, key)
	if resp, err := http.Get(a.env.Server.URL + "/livez"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/livez: %v %v", resp, err)
	}

	ca := a.env.Client(t)
	ca.Login("district1", webtest.DemoPassword)
	cb := b.env.Client(t)
	u, _ := url.Parse(b.env.Server.URL)
	cb.HTTP.Jar.SetCookies(u, ca.Cookies())
	if resp, _ := cb.Get("/district"); resp.StatusCode != http.StatusOK {
		t.Fatalf("A's session on B: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := ca.Submit("/logout", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout on A: %d", resp.StatusCode)
	}
	for name, c := range map[string]*webtest.Client{"A": ca, "B": cb} {
		if resp, _ := c.Get("/district"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("after logout on A, %s answers %d %s; want the login page", name, resp.StatusCode, resp.Header.Get("Location"))
		}
	}

	// A notice started by a third writer (this test's own store) shows on both.
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	pa, pb := a.env.Client(t), b.env.Client(t)
	pa.Get("/notices")
	pb.Get("/notices")
	noticeID := startNotice(t, st, "platform1")
	for name, c := range map[string]*webtest.Client{"A": pa, "B": pb} {
		_, body := c.Get("/notices")
		doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
		if doc.Find("a[href='/notices/"+strconv.FormatInt(noticeID, 10)+"']").Length() == 0 {
			t.Errorf("replica %s's /notices does not list notice %d", name, noticeID)
		}
	}

	// Both processes run River; each scheduled job is enqueued once by the leader.
	db, _ := st.SQLDB()
	deadline := time.Now().Add(time.Minute)
	for _, kind := range []string{"close_windows", "end_notices", "purge_sessions", "sweep_files"} {
		for {
			var n int
			if err := db.QueryRow("SELECT count(*) FROM river_job WHERE kind = $1 AND state = 'completed'", kind).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no %s job completed", kind)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	driver := riverdatabasesql.New(db)
	opts := &rivertest.RequireInsertedOpts{State: "completed"}
	rivertest.RequireInserted(context.Background(), t, driver, jobs.CloseWindowsArgs{}, opts)
	rivertest.RequireInserted(context.Background(), t, driver, jobs.EndNoticesArgs{}, opts)
	rivertest.RequireInserted(context.Background(), t, driver, jobs.PurgeSessionsArgs{}, opts)
	rivertest.RequireInserted(context.Background(), t, driver, jobs.SweepFilesArgs{}, opts)
}

// startNotice takes a fresh application of platform to public notice through the store.
func startNotice(t *testing.T, st *store.Store, platform string) int64 {
	t.Helper()
	ctx := context.Background()
	as := func(name string) store.Actor {
		u, err := st.UserByUsername(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return store.Actor{User: u, Now: time.Now()}
	}
	p := as(platform)
	app, err := st.CreateApplication(ctx, p, *p.User.InstitutionID, models.ApplicationTypeP2P)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range [][2]string{{platform, "submit"}, {"district1", "pass"}, {"city1", "pass"}, {"city2", "confirm"}} {
		if _, err = st.ApplyEvent(ctx, as(s[0]), app.ID, models.Event(s[1]), store.DecisionInput{Opinion: "同意"}, nil); err != nil {
			t.Fatalf("%s %s: %v", s[0], s[1], err)
		}
	}
	rows, _, err := st.ListNotices(ctx, store.NoticeFilter{Status: "current"}, models.Page{Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.ApplicationID == app.ID {
			return r.ID
		}
	}
	t.Fatal("no notice started")
	return 0
}
