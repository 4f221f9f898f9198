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

// queueFixture adds institutions of 天河区 (and one of 越秀区) with submitted
// applications, then puts each into a state with a deadline directly, to test the
// query rather than the steps.
type queued struct {
	name    string
	county  string // division code
	balance models.Money
	state   models.State
	due     string // yyyy-mm-dd or ""
	since   int    // days before now the state began
}

func seedQueue(t *testing.T, st *store.Store, rows []queued) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	db, _ := st.SQLDB()
	p1, _ := st.UserByUsername(ctx, "platform1")
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	ids := map[string]int64{}
	for i, r := range rows {
		uscc := models.MakeUSCC(fmt.Sprintf("9144010%010d", i))
		var instID int64
		err := db.QueryRow(`INSERT INTO institutions (name, uscc, district_id, outstanding_balance)
			VALUES ($1, $2, (SELECT id FROM divisions WHERE code = $3), $4) RETURNING id`, r.name, uscc, r.county, int64(r.balance)).Scan(&instID)
		if err != nil {
			t.Fatal(err)
		}
		owner := *p1 // the institution's own platform user: a decision reaches only its own
		owner.InstitutionID = &instID
		app, err := st.CreateApplication(ctx, store.Actor{User: &owner, Now: now}, instID, models.ApplicationTypeP2P)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ApplyEvent(ctx, store.Actor{User: &owner, Now: now}, app.ID, models.EventSubmit, store.DecisionInput{}, nil); err != nil {
			t.Fatal(err)
		}
		var due any
		if r.due != "" {
			due = r.due
		}
		mustExec(t, db, fmt.Sprintf("UPDATE applications SET state = '%s', due_date = %s, due_kind = '%s', state_since = now() - interval '%d days' WHERE id = %d",
			r.state, sqlDate(due), kindOf(due), r.since, app.ID))
		// the queue reads the current stage's clock
		mustExec(t, db, fmt.Sprintf("UPDATE clocks SET due_date = %s WHERE id = (SELECT clock_id FROM applications WHERE id = %d)",
			sqlDate(due), app.ID))
		ids[r.name] = app.ID
	}
	return ids
}

func sqlDate(d any) string {
	if d == nil {
		return "NULL"
	}
	return "'" + d.(string) + "'"
}

func kindOf(d any) string {
	if d == nil {
		return ""
	}
	return "working"
}

func names(rows []store.QueueRow) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.InstitutionName
	}
	return out
}

func TestQueuesPerRoleInUrgencyOrder(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	const big = 100_000_000_000
	seedQueue(t, st, []queued{
		{"甲 待审久", "440106", 1, models.StateDistrictReview, "", 20},
		{"乙 待审新", "440106", 1, models.StateDistrictReview, "", 1},
		{"丙 补正逾期", "440106", 1, models.StateCorrection, "2026-11-20", 10},
		{"丁 补正未到期", "440106", 1, models.StateCorrection, "2026-12-01", 3},
		{"戊 越秀待审", "440104", 1, models.StateDistrictReview, "", 5},
		{"己 市初验", "440106", 1, models.StateCityReview, "", 2},
		{"庚 待审定", "440104", 1, models.StateCityConfirm, "", 1},
		{"辛 大额联合", "440106", big, models.StateJointReview, "", 4},
		{"壬 大额异议", "440106", big, models.StateObjectionReview, "", 1},
		{"癸 小额异议", "440106", 1, models.StateObjectionReview, "", 1},
		{"子 待省审定", "440104", 1, models.StateSignoff, "", 2},
		{"丑 公示中", "440106", 1, models.StatePublicNotice, "2026-12-01", 1},
	})
	today := models.NewDate(2026, 11, 23)
	queue := func(user string, f store.QueueFilter) []string {
		t.Helper()
		u, _ := st.UserByUsername(ctx, user)
		f.Today = today
		rows, total, err := st.Queue(ctx, u, f, models.Page{Number: 1, Size: 50})
		if err != nil {
			t.Fatal(err)
		}
		if int(total) != len(rows) {
			t.Fatalf("total %d, rows %d", total, len(rows))
		}
		return names(rows)
	}
	expect := func(got []string, want ...string) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("queue %v\nwant  %v", got, want)
		}
	}
	// overdue first, then the nearest deadline, then the longest waiting
	expect(queue("district1", store.QueueFilter{}), "丙 补正逾期", "丁 补正未到期", "甲 待审久", "乙 待审新")
	expect(queue("district2", store.QueueFilter{}), "戊 越秀待审")
	expect(queue("district1", store.QueueFilter{State: models.StateDistrictReview}), "甲 待审久", "乙 待审新")
	expect(queue("district1", store.QueueFilter{Overdue: true}), "丙 补正逾期")
	expect(queue("city1", store.QueueFilter{}), "己 市初验", "庚 待审定", "癸 小额异议")
	// the demo's platform6 waits for sign-off in 海珠区 too
	expect(withoutDemo(queue("province1", store.QueueFilter{})), "辛 大额联合", "子 待省审定", "壬 大额异议")
	var districtID int64
	db, _ := st.SQLDB()
	_ = db.QueryRow("SELECT id FROM divisions WHERE code = '440104'").Scan(&districtID)
	expect(queue("city1", store.QueueFilter{DistrictID: districtID}), "庚 待审定")
	expect(queue("province1", store.QueueFilter{Query: "联合"}), "辛 大额联合")
	expect(queue("platform1", store.QueueFilter{}))
	// search by USCC
	var uscc string
	_ = db.QueryRow("SELECT uscc FROM institutions WHERE name = '甲 待审久'").Scan(&uscc)
	expect(queue("district1", store.QueueFilter{Query: uscc[8:]}), "甲 待审久")
	// a state outside the role's queue gives nothing rather than everything
	expect(queue("district1", store.QueueFilter{State: models.StatePublicNotice}))

	// pagination
	d1, _ := st.UserByUsername(ctx, "district1")
	rows, total, err := st.Queue(ctx, d1, store.QueueFilter{Today: today}, models.Page{Number: 2, Size: 3})
	if err != nil || total != 4 || len(rows) != 1 || rows[0].InstitutionName != "乙 待审新" {
		t.Fatalf("page 2: %v, %d, %v", names(rows), total, err)
	}
}

func TestClaimAndAssign(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	c := newChain(t, st, "platform1")
	if err := st.Claim(c.ctx, c.as("district2"), c.app.ID); code(err) != models.ENotFound {
		t.Fatalf("another district claims: %v", err)
	}
	d2 := c.user("district2")
	if err := st.Assign(c.ctx, c.as("district1"), c.app.ID, d2.ID); code(err) != models.ENotFound {
		t.Fatalf("assigned to an officer of another district: %v", err)
	}
	if err := st.Claim(c.ctx, c.as("district1"), c.app.ID); err != nil {
		t.Fatal(err)
	}
	row, _ := st.ApplicationRow(c.ctx, c.user("district1"), c.app.ID)
	if row.AssigneeName != "天河区审核员" {
		t.Fatalf("assignee %q", row.AssigneeName)
	}
	if err := st.Claim(c.ctx, c.as("city1"), c.app.ID); code(err) != models.EForbidden {
		t.Fatalf("a city officer claims: %v", err)
	}
}

func TestAddCalendarYearChecksTheWholeCalendar(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	admin, _ := st.UserByUsername(ctx, "admin")
	a := store.Actor{User: admin, Now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	if _, err := st.AddCalendarYear(ctx, a, 2026, "重复", []models.CalendarDay{{Date: models.NewDate(2026, 12, 31), Kind: models.DayOff, Name: "x"}}); code(err) != models.EConflict {
		t.Fatalf("2026 again: %v", err)
	}
	bad := []models.CalendarDay{{Date: models.NewDate(2027, 1, 5), Kind: models.DayWork, Name: "调休"}} // a Tuesday
	if _, err := st.AddCalendarYear(ctx, a, 2027, "国办发明电", bad); code(err) != models.EInvalid {
		t.Fatalf("make-up day on a weekday: %v", err)
	}
	if _, err := st.AddCalendarYear(ctx, a, 2027, "", nil); code(err) != models.EInvalid {
		t.Fatalf("no source: %v", err)
	}
	good := []models.CalendarDay{{Date: models.NewDate(2027, 1, 1), Kind: models.DayOff, Name: "元旦"}}
	if _, err := st.AddCalendarYear(ctx, a, 2027, "国办发明电〔2026〕X号", good); err != nil {
		t.Fatal(err)
	}
	years, _ := st.CalendarYears(ctx)
	if len(years) != 4 || years[3].Year != 2027 || years[3].OffDays != 1 || years[2].WorkDays != 6 {
		t.Fatalf("years %+v", years)
	}
	cal, err := st.LoadCalendar(ctx)
	if err != nil || !cal.Covers(2027) {
		t.Fatalf("calendar after adding 2027: %v", err)
	}
}

// withoutDemo drops the demo institutions of 海珠区 that wait in the queues.
func withoutDemo(names []string) []string {
	var out []string
	for _, n := range names {
		if !strings.HasPrefix(n, "广州海珠") {
			out = append(out, n)
		}
	}
	return out
}
