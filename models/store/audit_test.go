package store_test

import (
	"context"
	"fmt"
	"strings"
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
	rows, n, err := listAudit(t, st, f)
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
	before, _, _ := listAudit(t, st, store.AuditFilter{Actor: "district1"})
	if _, err := st.Act(ctx, store.Actor{User: d1, Now: t0}, app.ID, models.EventPass, "合格", submitted.Version-1); models.ErrorCode(err) != models.EConflict {
		t.Fatalf("stale pass: %v; want a conflict", err)
	}
	after, _, _ := listAudit(t, st, store.AuditFilter{Actor: "district1"})
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
	_, on23, _ := listAudit(t, st, store.AuditFilter{Action: "测试操作", From: day("2026-11-23"), To: day("2026-11-23")})
	_, on22, _ := listAudit(t, st, store.AuditFilter{Action: "测试操作", From: day("2026-11-22"), To: day("2026-11-22")})
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
		_, n, err := listAudit(t, st, f)
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

// listAudit is the newest page of the filtered trail with the filter's exact count.
func listAudit(t *testing.T, st *store.Store, f store.AuditFilter) ([]store.AuditRow, int64, error) {
	t.Helper()
	ctx := context.Background()
	p, err := st.AuditPageAt(ctx, f, store.AuditCursor{}, 0)
	if err != nil {
		return nil, 0, err
	}
	n, err := st.CountAudit(ctx, f, 0)
	return p.Rows, n, err
}

// TestAuditPagesByKeyset: 130 rows walk back 50, 50, 30 by the id cursor, every row
// once, and forward again from the oldest page; each page is one statement with no
// OFFSET, and the export reads the trail in batches.
func TestAuditPagesByKeyset(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	db, _ := st.SQLDB()
	mustExec(t, db, `INSERT INTO audit_log (at, actor_name, action, target, detail, ip)
		SELECT now() - g * interval '1 minute', 'pager', '翻页测试', '对象 ' || g, '', '' FROM generate_series(1, 130) g`)
	f := store.AuditFilter{Action: "翻页测试"}
	seen := map[int64]bool{}
	var sizes []int
	at := store.AuditCursor{}
	var pages []*store.AuditPage
	for {
		lctx, log := store.WithStatementLog(ctx)
		p, err := st.AuditPageAt(lctx, f, at, 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range log.Statements() {
			if strings.Contains(q, "OFFSET") {
				t.Errorf("a page with OFFSET: %s", q)
			}
		}
		if n := len(log.Statements()); n != 1 {
			t.Errorf("a page sent %d statements", n)
		}
		for i, r := range p.Rows {
			if seen[r.ID] {
				t.Fatalf("row %d on two pages", r.ID)
			}
			seen[r.ID] = true
			if i > 0 && r.ID >= p.Rows[i-1].ID {
				t.Fatalf("not newest first: %d after %d", r.ID, p.Rows[i-1].ID)
			}
		}
		sizes = append(sizes, len(p.Rows))
		pages = append(pages, p)
		if p.Older == 0 {
			break
		}
		at = store.AuditCursor{Before: p.Older}
	}
	if fmt.Sprint(sizes) != "[50 50 30]" || len(seen) != 130 {
		t.Fatalf("pages of %v, %d rows", sizes, len(seen))
	}
	// forward from the oldest page: the same pages again, the newest one last
	back := pages[len(pages)-1]
	for i := len(pages) - 2; i >= 0; i-- {
		if back.Newer == 0 {
			t.Fatalf("page %d has no newer link", i+1)
		}
		p, err := st.AuditPageAt(ctx, f, store.AuditCursor{After: back.Newer}, 50)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Rows) != len(pages[i].Rows) || p.Rows[0].ID != pages[i].Rows[0].ID {
			t.Fatalf("forward page %d: %d rows from %d; want %d from %d", i, len(p.Rows), p.Rows[0].ID, len(pages[i].Rows), pages[i].Rows[0].ID)
		}
		back = p
	}
	if back.Newer != 0 {
		t.Errorf("the newest page has a newer link")
	}
	if n, _ := st.CountAudit(ctx, f, 100); n != 101 {
		t.Errorf("capped count = %d; want 101", n)
	}

	// the export: 2,600 rows in keyset batches of 1,000
	mustExec(t, db, `INSERT INTO audit_log (at, actor_name, action, target, detail, ip)
		SELECT now(), 'pager', '导出测试', '对象 ' || g, '', '' FROM generate_series(1, 2600) g`)
	ectx, log := store.WithStatementLog(ctx)
	n := 0
	if err := st.EachAudit(ectx, store.AuditFilter{Action: "导出测试"}, func(store.AuditRow) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 2600 || len(log.Statements()) != 3 {
		t.Fatalf("EachAudit: %d rows in %d statements; want 2600 in 3", n, len(log.Statements()))
	}
}
