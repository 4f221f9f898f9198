package jobs_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivertest"

	"portal/models"
	"portal/models/store"
	"portal/models/store/storetest"
	"portal/web/jobs"
	"portal/web/mail"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

var now = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func deps(st *store.Store, sweeps *atomic.Int32) jobs.Deps {
	return jobs.Deps{Store: st, Mail: mail.Log{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}, Clock: func() time.Time { return now },
		Sweep:   func(context.Context, time.Time) error { sweeps.Add(1); return nil },
		Extract: func(context.Context, time.Time) error { sweeps.Add(100); return nil }}
}

// TestTwoClientsRunEachScheduledJobOnce: two River clients (two replicas) on one
// database start with every scheduled job due at once; River's leader election and the
// per-period uniqueness make exactly one job of each kind, and each completes.
func TestTwoClientsRunEachScheduledJobOnce(t *testing.T) {
	st := storetest.New(t, storetest.Empty)
	db, _ := st.SQLDB()
	var sweeps atomic.Int32
	ctx := context.Background()
	var clients []*river.Client[*sql.Tx]
	var scheduled []jobs.Scheduled
	for i := 0; i < 2; i++ {
		c, s, err := jobs.NewClient(db, deps(st, &sweeps))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Start(ctx); err != nil {
			t.Fatal(err)
		}
		clients, scheduled = append(clients, c), s
	}
	driver := riverdatabasesql.New(db)
	deadline := time.Now().Add(time.Minute)
	for _, s := range scheduled {
		for {
			var n int
			if err := db.QueryRow("SELECT count(*) FROM river_job WHERE kind = $1 AND state = 'completed'", s.Args.Kind()).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n > 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	for _, c := range clients {
		if err := c.Stop(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// RequireInserted fails when there is not exactly one job of the kind.
	for _, args := range []river.JobArgs{jobs.CloseWindowsArgs{}, jobs.EndNoticesArgs{}, jobs.PurgeSessionsArgs{}, jobs.SweepFilesArgs{}, jobs.OpenDataExtractArgs{}} {
		switch a := args.(type) {
		case jobs.CloseWindowsArgs:
			rivertest.RequireInserted(ctx, t, driver, a, &rivertest.RequireInsertedOpts{State: "completed"})
		case jobs.EndNoticesArgs:
			rivertest.RequireInserted(ctx, t, driver, a, &rivertest.RequireInsertedOpts{State: "completed"})
		case jobs.PurgeSessionsArgs:
			rivertest.RequireInserted(ctx, t, driver, a, &rivertest.RequireInsertedOpts{State: "completed"})
		case jobs.SweepFilesArgs:
			rivertest.RequireInserted(ctx, t, driver, a, &rivertest.RequireInsertedOpts{State: "completed"})
		case jobs.OpenDataExtractArgs:
			rivertest.RequireInserted(ctx, t, driver, a, &rivertest.RequireInsertedOpts{State: "completed"})
		}
	}
	if n := sweeps.Load(); n != 101 {
		t.Fatalf("the sweep and the extract ran %d and %d times; want once each", n%100, n/100)
	}
}

// TestPurgeSessionsWorker works the job with River's test worker on the real database:
// an expired session goes, a live one stays.
func TestPurgeSessionsWorker(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	db, _ := st.SQLDB()
	ctx := context.Background()
	for id, seen := range map[string]time.Time{"old": now.Add(-models.SessionIdleTimeout - time.Minute), "live": now.Add(-time.Minute)} {
		if err := st.SaveSession(ctx, store.SessionRecord{ID: id, Data: []byte("{}"), CreatedAt: seen, LastSeenAt: seen}); err != nil {
			t.Fatal(err)
		}
	}
	var sweeps atomic.Int32
	w := rivertest.NewWorker(t, riverdatabasesql.New(db), &river.Config{}, jobs.PurgeSessionsWorker(deps(st, &sweeps)))
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	res, err := w.Work(ctx, t, tx, jobs.PurgeSessionsArgs{}, nil)
	if err != nil || res.EventKind != river.EventKindJobCompleted {
		t.Fatalf("work: %+v %v", res, err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if r, _ := st.LoadSession(ctx, "old", now); r != nil {
		t.Error("the expired session is still there")
	}
	if r, _ := st.LoadSession(ctx, "live", now); r == nil {
		t.Error("the live session was purged")
	}
}
