package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"portal/models"
	"portal/models/store"
	"portal/models/store/storetest"
)

var cst = time.FixedZone("CST", 8*3600)

func guangzhou(t *testing.T, st *store.Store) int64 {
	t.Helper()
	cities, err := st.WindowCities(context.Background(), user(t, st, "city1"))
	if err != nil || len(cities) != 1 || cities[0].City.Name != "广州市" {
		t.Fatalf("city1's cities: %+v %v", cities, err)
	}
	return cities[0].City.ID
}

func TestSetWindowAndRefuseOutsideIt(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	city := guangzhou(t, st)
	c1 := store.Actor{User: user(t, st, "city1"), Now: t0}
	if err := st.SetWindow(ctx, c1, city, models.NewDate(2026, 12, 1), models.NewDate(2026, 11, 30)); models.ErrorCode(err) != models.EInvalid {
		t.Fatalf("end before start: %v", err)
	}
	if err := st.SetWindow(ctx, c1, city, models.NewDate(2026, 12, 1), models.NewDate(2026, 12, 31)); err != nil {
		t.Fatal(err)
	}
	// a city officer cannot set another city's window; an admin can
	all, _ := st.WindowCities(ctx, user(t, st, "admin"))
	if len(all) != 2 {
		t.Fatalf("admin's cities: %d", len(all))
	}
	shenzhen := all[1].City.ID
	if err := st.SetWindow(ctx, c1, shenzhen, models.NewDate(2026, 1, 1), models.NewDate(2026, 2, 1)); models.ErrorCode(err) != models.ENotFound {
		t.Fatalf("city1 sets 深圳市: %v", err)
	}
	if err := st.SetWindow(ctx, store.Actor{User: user(t, st, "admin"), Now: t0}, shenzhen, models.NewDate(2026, 1, 1), models.NewDate(2026, 2, 1)); err != nil {
		t.Fatal(err)
	}

	u := user(t, st, "platform1")
	app := readyApplication(t, st, u)
	before := time.Date(2026, 11, 30, 23, 59, 0, 0, cst)
	_, err := st.SubmitApplication(ctx, store.Actor{User: u, Now: before}, app.ID, 0)
	if msg := models.ErrorMessage(err); !strings.Contains(msg, "2026-12-01 至 2026-12-31") || !strings.Contains(msg, "尚未开始受理") {
		t.Fatalf("before the window: %v", err)
	}
	after := time.Date(2027, 1, 1, 0, 1, 0, 0, cst)
	_, err = st.SubmitApplication(ctx, store.Actor{User: u, Now: after}, app.ID, 0)
	if msg := models.ErrorMessage(err); !strings.Contains(msg, "已于 2026-12-31 截止") {
		t.Fatalf("after the window: %v", err)
	}
	lastDay := time.Date(2026, 12, 31, 23, 59, 0, 0, cst)
	if _, err := st.SubmitApplication(ctx, store.Actor{User: u, Now: lastDay}, app.ID, 0); err != nil {
		t.Fatalf("on the last day: %v", err)
	}
}

func TestGaveUpJobIsIdempotent(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	city := guangzhou(t, st)
	if err := st.SetWindow(ctx, store.Actor{User: user(t, st, "city1"), Now: t0}, city, models.NewDate(2026, 3, 10), models.NewDate(2026, 12, 15)); err != nil {
		t.Fatal(err)
	}
	// platform1 submits in time; platform2 has a draft; platform3 never started
	p1 := user(t, st, "platform1")
	app1 := readyApplication(t, st, p1)
	if _, err := st.SubmitApplication(ctx, store.Actor{User: p1, Now: t0}, app1.ID, 0); err != nil {
		t.Fatal(err)
	}
	p2 := user(t, st, "platform2")
	draft, err := st.CreateApplication(ctx, store.Actor{User: p2, Now: t0}, *p2.InstitutionID, models.ApplicationTypeP2P)
	if err != nil {
		t.Fatal(err)
	}
	// nothing happens while the window is open, including its last day
	if n, err := st.AbandonAfterWindows(ctx, time.Date(2026, 12, 15, 23, 0, 0, 0, cst)); err != nil || n != 0 {
		t.Fatalf("inside the window: %d %v", n, err)
	}
	closed := time.Date(2026, 12, 16, 0, 5, 0, 0, cst)
	var wg sync.WaitGroup
	counts := make([]int, 2)
	errs := make([]error, 2)
	for i := range counts { // two runners at once, as two server instances would
		wg.Add(1)
		go func(i int) { defer wg.Done(); counts[i], errs[i] = st.AbandonAfterWindows(ctx, closed) }(i)
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil || counts[0]+counts[1] != 2 {
		t.Fatalf("concurrent runs: %v %v", counts, errs)
	}
	if n, err := st.AbandonAfterWindows(ctx, closed.Add(24*time.Hour)); err != nil || n != 0 {
		t.Fatalf("third run: %d %v", n, err)
	}
	d := user(t, st, "district1")
	rows, _, _ := st.SubmittedApplications(ctx, d, store.AppFilter{State: models.StateAbandoned}, models.Page{})
	if len(rows) != 1 || rows[0].InstitutionID != *user(t, st, "platform3").InstitutionID {
		t.Fatalf("district1's abandoned: %+v", rows)
	}
	got, _ := st.Application(ctx, p2, draft.ID)
	if got.State != models.StateAbandoned {
		t.Fatalf("platform2's draft: %s", got.State)
	}
	hist, _ := st.History(ctx, draft.ID)
	if len(hist) != 1 || hist[0].Event != models.EventAbandon || hist[0].ActorID != nil || !strings.Contains(hist[0].Opinion, "2026-03-10 至 2026-12-15") {
		t.Fatalf("abandon decision: %+v", hist)
	}
	if app, _ := st.Application(ctx, p1, app1.ID); app.State != models.StateDistrictReview {
		t.Fatalf("submitted application touched: %s", app.State)
	}
	if b, n, err := st.VerifyDecisionChain(ctx); b != nil || err != nil || n < 3 {
		t.Fatalf("chain: %v %d %v", b, n, err)
	}
}
