package web_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"portal/models/store"
	"portal/models/store/pgcluster"
	"portal/web"
	"portal/web/webtest"
)

// faultEnv is a server on a PostgreSQL cluster of its own, which the test may kill
// without touching the cluster the other tests share.
type faultEnv struct {
	*webtest.Env
	Cluster   *pgcluster.Cluster
	died      chan struct{} // the supervisor saw the server die
	release   chan struct{} // the test lets the supervisor restart it
	restarted chan struct{}
}

// newFaultEnv starts a supervised cluster, migrates and seeds the demo data, and serves
// the real server assembly on it. The supervisor restarts a dead server only once the
// test calls allowRestart, so what the portal does while the database is down is seen
// for certain.
func newFaultEnv(t testing.TB) *faultEnv {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	root, err := os.MkdirTemp("", "portal-fault-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	_ = os.Chmod(root, 0o755)
	port, err := pgcluster.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	cl, err := pgcluster.Start(ctx, pgcluster.Options{
		DataDir:  filepath.Join(root, "data"),
		Port:     port,
		CacheDir: filepath.Join(os.TempDir(), fmt.Sprintf("portal-initdb-cache-%d", os.Geteuid()), "scram"),
		Fast:     true, SyncCommit: true, // a killed server must keep every acknowledged commit
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cl.Stop() })
	fe := &faultEnv{Cluster: cl, died: make(chan struct{}, 8), release: make(chan struct{}, 8), restarted: make(chan struct{}, 8)}
	cl.Supervise(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), pgcluster.Hooks{
		Died:      func() { fe.died <- struct{}{}; <-fe.release },
		Restarted: func() { fe.restarted <- struct{}{} },
	})
	admin, err := sql.Open("pgx", cl.DSN("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("CREATE DATABASE portal"); err != nil {
		t.Fatal(err)
	}
	admin.Close()
	st, err := store.Open(ctx, cl.DSN("portal"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	db, _ := st.SQLDB()
	if err := store.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := st.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	clock := &webtest.Clock{}
	clock.Set(webtest.Start)
	cfg := web.Config{Env: "demo", SessionKey: []byte("0123456789abcdef0123456789abcdef"), VarDir: root}
	srv := web.New(cfg, st, clock.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ts := httptest.NewServer(srv.Echo)
	t.Cleanup(ts.Close)
	fe.Env = &webtest.Env{Server: ts, Web: srv, Store: st, Clock: clock}
	return fe
}

// waitFor waits on ch; the bound only stops a broken test from hanging.
func waitFor(t testing.TB, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-timeAfterMinutes(2):
		t.Fatalf("%s did not happen", what)
	}
}

// killDatabase kills the postmaster and all its backends with SIGKILL, and waits until
// the supervisor has seen it.
func (fe *faultEnv) killDatabase(t testing.TB) {
	t.Helper()
	if err := fe.Cluster.Kill(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, fe.died, "the supervisor noticing the dead database")
}

// allowRestart lets the supervisor restart the server and waits until it has.
func (fe *faultEnv) allowRestart(t testing.TB) {
	t.Helper()
	fe.release <- struct{}{}
	waitFor(t, fe.restarted, "the database restart")
}

func parseHTML(t testing.TB, body string) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func timeAfterMinutes(n int) <-chan time.Time { return time.After(time.Duration(n) * time.Minute) }
