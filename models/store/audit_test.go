package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"portal/models"
	"portal/models/store"
	"portal/models/store/storetest"
)

// TestDecisionAuditCommitsWithTheDecision: a decision writes one audit row pointing at
// its hash-chained decision; a refused decision (stale version) writes none.
func TestDecisionAuditCommitsWithTheDecision(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	p1 := user(t, st, "platform1")
	app := readyApplication(t, st, p1)
	a := store.Actor{User: p1, Now: t0, IP: "192.0.2.7"}
	submitted, err := st.SubmitApplication(ctx, a, app.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	f := store.AuditFilter{Object: fmt.Sprintf("申请 %d", app.ID), Action: models.EventSubmit.Label()}
	rows, n, err := st.ListAudit(ctx, f, models.Page{})
	if err != nil || n != 1 {
		t.Fatalf("submit audit rows = %d, %v", n, err)
	}
	hist, _ := st.History(ctx, app.ID)
	r := rows[0]
	if r.DecisionID == nil || *r.DecisionID != hist[len(hist)-1].ID || r.ApplicationID == nil || *r.ApplicationID != app.ID {
		t.Errorf("audit row does not point at the decision: %+v", r.AuditEntry)
	}
	if r.ActorName != "platform1" || r.ActorRole != models.RolePlatform || r.IP != "192.0.2.7" || r.InstitutionName == "" {
		t.Errorf("audit row = %+v", r)
	}

	d1 := user(t, st, "district1")
	before, _, _ := st.ListAudit(ctx, store.AuditFilter{Actor: "district1"}, models.Page{})
	if _, err := st.Act(ctx, store.Actor{User: d1, Now: t0}, app.ID, models.EventPass, "合格", submitted.Version-1); models.ErrorCode(err) != models.EConflict {
		t.Fatalf("stale pass: %v; want a conflict", err)
	}
	after, _, _ := st.ListAudit(ctx, store.AuditFilter{Actor: "district1"}, models.Page{})
	if len(after) != len(before) {
		t.Errorf("a refused decision left audit rows: %d → %d", len(before), len(after))
	}
}

// TestAuditFilterDaysAreBeijingDays: an action at 23:30 UTC on 11-22 is 07:30 on 11-23
// in Beijing, and the day filter finds it on 11-23.
func TestAuditFilterDaysAreBeijingDays(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	at := t0.Add(14*time.Hour + 30*time.Minute) // 2026-11-22 23:30 UTC
	if err := st.RecordAudit(ctx, store.Actor{User: user(t, st, "admin"), Now: at}, "测试操作", "对象", ""); err != nil {
		t.Fatal(err)
	}
	day := func(s string) models.Date { d, _ := models.ParseDate(s); return d }
	_, on23, _ := st.ListAudit(ctx, store.AuditFilter{Action: "测试操作", From: day("2026-11-23"), To: day("2026-11-23")}, models.Page{})
	_, on22, _ := st.ListAudit(ctx, store.AuditFilter{Action: "测试操作", From: day("2026-11-22"), To: day("2026-11-22")}, models.Page{})
	if on23 != 1 || on22 != 0 {
		t.Errorf("Beijing 11-23 has %d, 11-22 has %d; want 1 and 0", on23, on22)
	}
	var seen int
	if err := st.EachAudit(ctx, store.AuditFilter{Action: "测试操作"}, func(store.AuditRow) error { seen++; return nil }); err != nil || seen != 1 {
		t.Errorf("EachAudit saw %d rows, %v", seen, err)
	}
}

// TestAuditLogIsAppendOnly: the database refuses to change or remove a trail row.
func TestAuditLogIsAppendOnly(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	db, err := st.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("UPDATE audit_log SET action = 'x'"); err == nil {
		t.Error("an audit row was updated")
	}
	if _, err := db.Exec("DELETE FROM audit_log"); err == nil {
		t.Error("audit rows were deleted")
	}
}

// TestAuditFilterByActorAndObject: an actor is found by username or part of a display
// name, a typed sign-in name by part of it; an object by case number or institution name.
func TestAuditFilterByActorAndObject(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	d1 := user(t, st, "district1")
	app := readyApplication(t, st, user(t, st, "platform1"))
	if err := st.RecordAudit(ctx, store.Actor{User: d1, Now: t0}, "测试操作", fmt.Sprintf("申请 %d", app.ID), ""); err != nil {
		t.Fatal(err)
	}
	if err := st.RecordLogin(ctx, store.Actor{Name: "intruder-x", IP: "198.51.100.9", Now: t0}, "intruder-x", false); models.ErrorCode(err) != models.EUnauthorized {
		t.Fatalf("failed login: %v", err)
	}
	count := func(f store.AuditFilter) int64 {
		t.Helper()
		_, n, err := st.ListAudit(ctx, f, models.Page{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	for name, c := range map[string]struct {
		f    store.AuditFilter
		want int64
	}{
		"username":              {store.AuditFilter{Actor: "district1", Action: "测试操作"}, 1},
		"display name part":     {store.AuditFilter{Actor: d1.DisplayName[:len(d1.DisplayName)-3], Action: "测试操作"}, 1},
		"typed sign-in name":    {store.AuditFilter{Actor: "intruder", Action: "登录失败"}, 1},
		"case number":           {store.AuditFilter{Object: fmt.Sprintf("申请 %d", app.ID), Action: "测试操作"}, 1},
		"bare case number":      {store.AuditFilter{Object: fmt.Sprint(app.ID), Action: "测试操作"}, 1},
		"institution name part": {store.AuditFilter{Object: "天河示例网络", Action: "测试操作"}, 1},
		"other institution":     {store.AuditFilter{Object: "越秀示例", Action: "测试操作"}, 0},
		"keyword":               {store.AuditFilter{Query: "intruder"}, 1},
	} {
		if got := count(c.f); got != c.want {
			t.Errorf("%s: %d rows; want %d", name, got, c.want)
		}
	}
}
