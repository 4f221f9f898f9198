package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"portal/models"
	"portal/models/store"
	"portal/models/store/storetest"
)

// clockOf is the application's clock of rule, the latest one.
func clockOf(t *testing.T, st *store.Store, c *chain, rule models.ClockRule) models.Clock {
	t.Helper()
	cs, err := st.Clocks(c.ctx, c.app.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(cs) - 1; i >= 0; i-- {
		if cs[i].Rule == rule {
			return cs[i]
		}
	}
	t.Fatalf("no %s clock among %+v", rule, cs)
	return models.Clock{}
}

func dueOf(c models.Clock) string {
	if c.DueDate == nil {
		return ""
	}
	return c.DueDate.String()
}

// A failure decided on 2026-12-28 needs 2027 for its objection deadline: the decision is
// recorded, the deadline waits for 2027, and adding 2027 computes it in the same step.
func TestDecemberFailureWaitsForTheCalendarYear(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	c := failedOn(t, st, models.NewDate(2026, 12, 28))
	window := clockOf(t, st, c, models.RuleObjectionWindow)
	if window.DueDate != nil || window.PendingYear != 2027 || c.app.DueDate != nil || c.app.ClockID == nil || *c.app.ClockID != window.ID {
		t.Fatalf("window %+v, application due %v", window, c.app.DueDate)
	}
	fn, _ := st.LatestFailureNotice(c.ctx, c.app.ID)
	if !fn.ObjectionDeadline.IsZero() {
		t.Fatalf("objection deadline %s before 2027 is entered", fn.ObjectionDeadline)
	}
	hist, _ := st.History(c.ctx, c.app.ID)
	if op := hist[len(hist)-1].Opinion; !strings.Contains(op, "截止日期待定：须待 2027 年法定节假日安排公布") {
		t.Fatalf("failure notice text:\n%s", op)
	}
	pending, _ := st.PendingCalendarYears(c.ctx)
	if len(pending) != 1 || pending[0].Year != 2027 || pending[0].Clocks != 1 {
		t.Fatalf("pending years %+v", pending)
	}

	days, _ := models.ParseCalendarYear(2027, "2027-01-01 放假 元旦")
	n, err := st.AddCalendarYear(c.ctx, c.as("admin"), 2027, "国办发明电〔2026〕X号", days)
	if err != nil || n != 1 {
		t.Fatalf("adding 2027: %d clocks, %v", n, err)
	}
	// 12-29, 12-30, 12-31, (01-01 off, 01-02/03 weekend), 01-04, 01-05
	window = clockOf(t, st, c, models.RuleObjectionWindow)
	if dueOf(window) != "2027-01-05" || window.PendingYear != 0 {
		t.Fatalf("window after 2027: %+v", window)
	}
	fn, _ = st.LatestFailureNotice(c.ctx, c.app.ID)
	row, _ := st.ApplicationRow(c.ctx, c.user("district2"), c.app.ID)
	if fn.ObjectionDeadline != models.NewDate(2027, 1, 5) || row.DueDate == nil || *row.DueDate != models.NewDate(2027, 1, 5) {
		t.Fatalf("notice deadline %s, application due %v", fn.ObjectionDeadline, row.DueDate)
	}
	log, _ := st.ClockHistory(c.ctx, c.app.ID)
	last := log[len(log)-1]
	if last.Kind != "recompute" || last.OldPending != 2027 || last.NewDue == nil || *last.NewDue != models.NewDate(2027, 1, 5) ||
		!strings.Contains(last.Note, "2027") || last.ActorName != "系统管理员" {
		t.Fatalf("clock record %+v", last)
	}
	if pending, _ := st.PendingCalendarYears(c.ctx); len(pending) != 0 {
		t.Fatalf("still pending %+v", pending)
	}
	// the platform is told its deadline
	msgs, _, _ := st.Notifications(c.ctx, c.user("platform2").ID, models.Page{})
	if len(msgs) == 0 || msgs[0].Kind != models.NotifyDeadline || !strings.Contains(msgs[0].Title, "异议截止已确定：2027-01-05") {
		t.Fatalf("platform's inbox %+v", msgs[0])
	}

	// the objection, then its rejection: every clock ends, the window as met
	c.now = time.Date(2027, 1, 5, 20, 0, 0, 0, cst)
	c.ok(st.Object(c.ctx, c.as("platform2"), c.app.ID, "已整改，见附件", evidence, c.app.Version))
	c.ok(st.ResolveObjection(c.ctx, c.as("city1"), c.app.ID, models.EventReject, "经核实，问题仍存在", c.app.Version))
	c.want(models.StateFailedFinal)
	cs, _ := st.Clocks(c.ctx, c.app.ID)
	for _, ck := range cs {
		if ck.Open() {
			t.Errorf("clock %s still open after 最终不合格", ck.Rule)
		}
	}
	window = clockOf(t, st, c, models.RuleObjectionWindow)
	if window.Status(c.now.Add(240*time.Hour)) != models.ClockMet {
		t.Errorf("objection window %s; want met", window.Status(c.now))
	}
	if row, _ := st.ApplicationRow(c.ctx, c.user("district2"), c.app.ID); row.Clock.ID != 0 || row.DueDate != nil {
		t.Errorf("final application still has a current clock %+v", row.Clock)
	}
}

// An objection while the deadline waits for the calendar is in time.
func TestObjectionWhileItsDeadlineIsPending(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	c := failedOn(t, st, models.NewDate(2026, 12, 28))
	c.now = time.Date(2027, 1, 20, 10, 0, 0, 0, cst)
	c.ok(st.Object(c.ctx, c.as("platform2"), c.app.ID, "已整改，见附件", evidence, c.app.Version))
	c.want(models.StateObjectionReview)
}

// The district review clock stands still while the platform corrects, and resumes on
// the resubmission with the paused days added.
func TestReviewClockPausedDuringCorrection(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	c := newChain(t, st, "platform1") // submitted 2026-11-23 (Mon)
	review := clockOf(t, st, c, models.RuleDistrictReview)
	// 20 working days (the default service time) from 11-24: 2026-12-21
	if dueOf(review) != "2026-12-21" || review.Length != 20 {
		t.Fatalf("district review clock %+v", review)
	}
	if err := st.Claim(c.ctx, c.as("district1"), c.app.ID); err != nil {
		t.Fatal(err)
	}
	c.now = time.Date(2026, 11, 25, 10, 0, 0, 0, cst)
	c.check("district1")
	c.ok(st.ReturnForCorrection(c.ctx, c.as("district1"), c.app.ID, "请补充审计报告", 10, c.app.Version))
	review = clockOf(t, st, c, models.RuleDistrictReview)
	corr := clockOf(t, st, c, models.RuleCorrection)
	// correction: 10 working days from 11-26: 12-09
	if !review.Paused || review.DueDate != nil || dueOf(corr) != "2026-12-09" || *c.app.ClockID != corr.ID || c.app.DueLabel != "补正截止" {
		t.Fatalf("after return: review %+v, correction %+v", review, corr)
	}
	// the district's queue shows the correction deadline and does not count the review as overdue
	c.now = time.Date(2026, 12, 2, 15, 0, 0, 0, cst)
	c.ok(st.Act(c.ctx, c.as("platform1"), c.app.ID, models.EventResubmit, "已补充", c.app.Version))
	review = clockOf(t, st, c, models.RuleDistrictReview)
	corr = clockOf(t, st, c, models.RuleCorrection)
	// 11-24, 11-25 counted; 11-26 … 12-02 paused; 18 more from 12-03: 12-28
	if review.Paused || dueOf(review) != "2026-12-28" || *c.app.ClockID != review.ID {
		t.Fatalf("resumed review clock %+v", review)
	}
	if corr.Open() || corr.Status(c.now) != models.ClockMet {
		t.Fatalf("correction clock %+v", corr)
	}
	if got := review.PausedFor(c.now); got != 7*24*time.Hour+5*time.Hour {
		t.Fatalf("paused for %v", got)
	}
	log, _ := st.ClockHistory(c.ctx, c.app.ID)
	var kinds []string
	for _, e := range log {
		kinds = append(kinds, e.Kind)
	}
	if strings.Join(kinds, ",") != "start,pause,start,resume,end" {
		t.Fatalf("clock record %v", kinds)
	}
}

// A city's service time sets the stage's clock, and the overdue filter catches every
// stage, the city's preliminary review included.
func TestCityServiceTimeAndOverdueQueue(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	c := newChain(t, st, "platform1")
	city := c.user("city1")
	err := st.SetCityClockSettings(c.ctx, c.as("city1"), *city.DivisionID,
		map[models.ClockRule]int{models.RuleCityReview: 3}, models.NewDate(2027, 6, 30))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetCityClockSettings(c.ctx, c.as("city1"), *city.DivisionID+1, nil, models.Date{}); code(err) != models.EForbidden {
		t.Fatalf("another city's settings: %v", err)
	}
	if err := st.SetCityClockSettings(c.ctx, c.as("city1"), *city.DivisionID, map[models.ClockRule]int{models.RuleCityReview: 0}, models.Date{}); code(err) != models.EInvalid {
		t.Fatalf("0 days: %v", err)
	}
	if end, _ := st.CampaignEndFor(c.ctx, c.user("district1")); end != models.NewDate(2027, 6, 30) {
		t.Fatalf("campaign end for the district %s", end)
	}
	if err := st.Claim(c.ctx, c.as("district1"), c.app.ID); err != nil {
		t.Fatal(err)
	}
	c.check("district1")
	c.ok(st.DistrictPass(c.ctx, c.as("district1"), c.app.ID, "经审核，整改验收合格。", true, noMaterialsReason, c.app.Version))
	review := clockOf(t, st, c, models.RuleCityReview)
	// 3 working days from 11-24
	if review.Length != 3 || dueOf(review) != "2026-11-26" {
		t.Fatalf("city review clock %+v", review)
	}
	if dr := clockOf(t, st, c, models.RuleDistrictReview); dr.Open() || dr.Outcome != models.ClockMet {
		t.Fatalf("district review clock %+v", dr)
	}
	overdue := func(day models.Date) int64 {
		_, n, err := st.Queue(c.ctx, city, store.QueueFilter{Overdue: true, Today: day}, models.Page{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := overdue(models.NewDate(2026, 11, 26)); n != 0 {
		t.Fatalf("overdue on the due day: %d", n)
	}
	if n := overdue(models.NewDate(2026, 11, 27)); n != 1 {
		t.Fatalf("overdue the day after: %d", n)
	}
	rows, _, _ := st.Queue(c.ctx, city, store.QueueFilter{Today: models.NewDate(2026, 11, 27)}, models.Page{})
	if len(rows) != 1 || rows[0].Clock.Rule != models.RuleCityReview || rows[0].Clock.Status(time.Date(2026, 11, 27, 9, 0, 0, 0, cst)) != models.ClockOverdue {
		t.Fatalf("queue rows %+v", rows)
	}
}

// Correcting an entered year recomputes the clocks it moves, each change recorded.
func TestCorrectCalendarYearRecomputesClocks(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	c := newChain(t, st, "platform1")
	if err := st.Claim(c.ctx, c.as("district1"), c.app.ID); err != nil {
		t.Fatal(err)
	}
	c.now = time.Date(2026, 12, 1, 10, 0, 0, 0, cst)
	c.check("district1")
	c.ok(st.ReturnForCorrection(c.ctx, c.as("district1"), c.app.ID, "请补充审计报告", 10, c.app.Version))
	// 12-02 … 12-15
	if corr := clockOf(t, st, c, models.RuleCorrection); dueOf(corr) != "2026-12-15" {
		t.Fatalf("correction %+v", corr)
	}
	days, _ := st.CalendarDays(c.ctx, 2026)
	days = append(days, models.CalendarDay{Date: models.NewDate(2026, 12, 7), Kind: models.DayOff, Name: "测试更正"})
	n, err := st.CorrectCalendarYear(c.ctx, c.as("admin"), 2026, "国办发明电〔2025〕7号（更正）", days)
	if err != nil || n < 1 { // the demo data's own clocks move too
		t.Fatalf("correcting 2026: %d, %v", n, err)
	}
	corr := clockOf(t, st, c, models.RuleCorrection)
	row, _ := st.ApplicationRow(c.ctx, c.user("district1"), c.app.ID)
	if dueOf(corr) != "2026-12-16" || row.DueDate == nil || *row.DueDate != models.NewDate(2026, 12, 16) {
		t.Fatalf("after the correction: %+v, application %v", corr, row.DueDate)
	}
	log, _ := st.ClockHistory(c.ctx, c.app.ID)
	last := log[len(log)-1]
	if last.Kind != "recompute" || *last.OldDue != models.NewDate(2026, 12, 15) || *last.NewDue != models.NewDate(2026, 12, 16) {
		t.Fatalf("record %+v", last)
	}
	if _, err := st.CorrectCalendarYear(c.ctx, c.as("admin"), 2031, "x", nil); code(err) != models.ENotFound {
		t.Fatalf("correcting a year never entered: %v", err)
	}
	bad := append(days, models.CalendarDay{Date: models.NewDate(2026, 12, 8), Kind: models.DayWork, Name: "周二调休"})
	if _, err := st.CorrectCalendarYear(c.ctx, c.as("admin"), 2026, "x", bad); code(err) != models.EInvalid {
		t.Fatalf("bad correction: %v", err)
	}
}

// A certificate signed off on 2027-12-27 needs 2028 for its 5-working-day scope-change
// deadline: the sign-off goes through and the deadline waits for 2028.
func TestSignOffInLateDecemberWaitsForNextYear(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	days, _ := models.ParseCalendarYear(2027, "2027-01-01 放假 元旦")
	if _, err := st.AddCalendarYear(ctx, actorOf(t, st, "admin", t0), 2027, "国办发明电〔2026〕X号", days); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2027, 12, 6, 10, 0, 0, 0, cst)
	app := inNotice(t, st, start)
	if _, err := st.EndDueNotices(ctx, time.Date(2027, 12, 27, 9, 0, 0, 0, cst)); err != nil {
		t.Fatal(err)
	}
	var version int
	db, _ := st.SQLDB()
	_ = db.QueryRow("SELECT version FROM applications WHERE id = $1", app.ID).Scan(&version)
	if _, err := st.SignOff(ctx, actorOf(t, st, "province1", time.Date(2027, 12, 27, 10, 0, 0, 0, cst)), app.ID, version); err != nil {
		t.Fatalf("sign-off on 2027-12-27: %v", err)
	}
	cs, _ := st.Clocks(ctx, app.ID)
	scope := cs[len(cs)-1]
	if scope.Rule != models.RuleScopeChange || scope.DueDate != nil || scope.PendingYear != 2028 {
		t.Fatalf("scope-change clock %+v", scope)
	}
	// the notice clock ended as met, the sign-off clock too
	for _, c := range cs[:len(cs)-1] {
		if c.Open() || c.Outcome != models.ClockMet {
			t.Errorf("clock %s: open %v outcome %s", c.Rule, c.Open(), c.Outcome)
		}
	}
	if pending, _ := st.PendingCalendarYears(ctx); len(pending) != 1 || pending[0].Year != 2028 {
		t.Fatalf("pending %+v", pending)
	}
}
