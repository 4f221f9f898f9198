package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"portal/models"
	"portal/models/store"
	"portal/models/store/storetest"
)

var t0 = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

func TestSeedDemoIsIdempotent(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	before, n, err := st.ListUsers(ctx, store.UserFilter{}, models.Page{Size: 100})
	want := int64(len(store.AllDemoAccounts()))
	if err != nil || n != want {
		t.Fatalf("demo users = %d, %v; want %d", n, err, want)
	}
	if err := st.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	after, n2, _ := st.ListUsers(ctx, store.UserFilter{}, models.Page{Size: 100})
	if n2 != n || after[0].PasswordHash != before[0].PasswordHash {
		t.Fatalf("second seed changed users: %d → %d", n, n2)
	}
}

func TestParallelWrongPasswordsLockExactlyAtFive(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	var wg sync.WaitGroup
	results := make([]error, 20)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i] = st.RecordLogin(ctx, store.Actor{Now: t0}, "platform1", false)
		}(i)
	}
	wg.Wait()
	var wrong, locked int
	for _, err := range results {
		switch models.ErrorCode(err) {
		case models.EUnauthorized:
			wrong++
		case models.ELocked:
			locked++
		default:
			t.Fatalf("unexpected result %v", err)
		}
	}
	// four plain failures, the fifth locks, the other fifteen meet the lock
	if wrong != 4 || locked != 16 {
		t.Fatalf("wrong=%d locked=%d; want 4 and 16", wrong, locked)
	}
	if err := st.RecordLogin(ctx, store.Actor{Now: t0.Add(29 * time.Minute)}, "platform1", true); models.ErrorCode(err) != models.ELocked {
		t.Fatalf("right password during lock: %v; want locked", err)
	}
	if err := st.RecordLogin(ctx, store.Actor{Now: t0.Add(31 * time.Minute)}, "platform1", true); err != nil {
		t.Fatalf("right password after lock: %v", err)
	}
}

func TestUnknownUsernameLocksTheSameWay(t *testing.T) {
	st := storetest.New(t, storetest.Empty)
	var err error
	for i := 0; i < 5; i++ {
		err = st.RecordLogin(context.Background(), store.Actor{Now: t0}, "nobody", false)
	}
	if models.ErrorCode(err) != models.ELocked {
		t.Fatalf("fifth failure for an unknown name: %v; want locked", err)
	}
}

func TestDisableEndsSessions(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	u, _ := st.UserByUsername(ctx, "district1")
	adm, _ := st.UserByUsername(ctx, "admin")
	if err := st.SaveSession(ctx, store.SessionRecord{ID: "s1", UserID: &u.ID, Data: []byte("x"), CreatedAt: t0, LastSeenAt: t0}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetDisabled(ctx, store.Actor{User: adm, Now: t0}, u.ID, true); err != nil {
		t.Fatal(err)
	}
	rec, err := st.LoadSession(ctx, "s1", t0)
	if err != nil || rec != nil {
		t.Fatalf("session after disable = %v, %v; want gone", rec, err)
	}
	entries, _, _ := listAudit(t, st, store.AuditFilter{Query: "停用"})
	if len(entries) != 1 || entries[0].ActorName != "admin" || entries[0].Target != "district1" {
		t.Fatalf("audit = %+v", entries)
	}
}

func TestSessionIdleAndTotalLifetime(t *testing.T) {
	st := storetest.New(t, storetest.Empty)
	ctx := context.Background()
	save := func(id string, created, seen time.Time) {
		if err := st.SaveSession(ctx, store.SessionRecord{ID: id, Data: []byte{}, CreatedAt: created, LastSeenAt: seen}); err != nil {
			t.Fatal(err)
		}
	}
	save("idle", t0, t0)
	save("old", t0.Add(-12*time.Hour), t0.Add(29*time.Minute))
	if r, _ := st.LoadSession(ctx, "idle", t0.Add(29*time.Minute)); r == nil {
		t.Fatal("session ended before 30 minutes idle")
	}
	if r, _ := st.LoadSession(ctx, "idle", t0.Add(31*time.Minute)); r != nil {
		t.Fatal("session alive after 31 minutes idle")
	}
	if r, _ := st.LoadSession(ctx, "old", t0.Add(30*time.Minute)); r != nil {
		t.Fatal("session alive after more than 12 hours in all")
	}
}

func TestInstitutionOutsideJurisdictionIsNotFound(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	d1, _ := st.UserByUsername(ctx, "district1")
	d2, _ := st.UserByUsername(ctx, "district2")
	p2, _ := st.UserByUsername(ctx, "platform2")
	city, _ := st.UserByUsername(ctx, "city1")
	rows, n, err := st.ListInstitutions(ctx, d1, store.InstitutionFilter{}, models.Page{})
	if err != nil || n != 2 {
		t.Fatalf("district1 sees %d institutions (%v); want 2", n, err)
	}
	if _, err := st.Institution(ctx, d2, rows[0].ID); models.ErrorCode(err) != models.ENotFound {
		t.Fatalf("district2 reading district1's institution: %v; want not found", err)
	}
	if _, err := st.Institution(ctx, p2, rows[0].ID); models.ErrorCode(err) != models.ENotFound {
		t.Fatalf("platform2 reading another institution: %v; want not found", err)
	}
	if _, n, _ := st.ListInstitutions(ctx, city, store.InstitutionFilter{}, models.Page{}); n != 8 { // 3 + the public side's two + the end of the path's three in 海珠区
		t.Fatalf("city1 sees %d; want 8", n)
	}
}
