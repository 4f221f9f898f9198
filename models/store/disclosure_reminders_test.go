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

// A filed platform is reminded once before its monthly due day and told once when it has
// passed, its district too; running the job again writes nothing. The officers' list then
// names the month as missing.
func TestDisclosureRemindersOnceEach(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	p5 := user(t, st, "platform5")
	d3 := user(t, st, "district3")
	db, _ := st.SQLDB()
	var filed time.Time
	if err := db.QueryRow("SELECT filing_date FROM filings WHERE institution_id = $1", *p5.InstitutionID).Scan(&filed); err != nil {
		t.Fatal(err)
	}
	// the first month since filing the demo seed left unreported
	first := models.PeriodOf(models.DateOf(filed))
	for {
		r, err := st.LatestReport(ctx, *p5.InstitutionID, first)
		if err != nil {
			t.Fatal(err)
		}
		if r == nil {
			break
		}
		first = first.Next()
	}
	cal, err := st.LoadCalendar(ctx)
	if err != nil {
		t.Fatal(err)
	}
	due, err := models.MonthlyReportDue(cal, models.RuleSetNational, first)
	if err != nil {
		t.Fatal(err)
	}
	count := func(u *models.User) int64 {
		_, n, err := st.Notifications(ctx, u.ID, models.Page{Number: 1, Size: 100})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	p0, d0 := count(p5), count(d3)
	before := due.AddDays(-2).Start().Add(10 * time.Hour)
	n, err := st.SendDisclosureReminders(ctx, before)
	if err != nil || n != 1 || count(p5) != p0+1 || count(d3) != d0 {
		t.Fatalf("reminder: %d %v; platform +%d, district +%d", n, err, count(p5)-p0, count(d3)-d0)
	}
	if n, err := st.SendDisclosureReminders(ctx, before.Add(time.Hour)); err != nil || n != 0 {
		t.Fatalf("second run wrote %d (%v)", n, err)
	}
	after := due.AddDays(1).Start().Add(10 * time.Hour)
	if n, err := st.SendDisclosureReminders(ctx, after); err != nil || n != 2 || count(d3) != d0+1 {
		t.Fatalf("missed: %d %v", n, err)
	}
	if n, _ := st.SendDisclosureReminders(ctx, after); n != 0 {
		t.Fatalf("missed twice: %d", n)
	}
	rows, _, err := st.DisclosureMonitor(ctx, user(t, st, "city1"), store.MonitorFilter{Period: first, Missing: true, Now: after}, models.Page{Number: 1, Size: 20})
	if err != nil || len(rows) != 1 || rows[0].Status != models.ReportOverdue || len(rows[0].Missing) != 1 || rows[0].Missing[0] != first {
		t.Fatalf("monitor: %v %+v", err, rows)
	}
}

// Under the Shanghai set the quarter-end month's report is the quarterly report: a platform
// that has not sent its March figures is reminded of the quarter before its due day and
// told, with its district, once it has passed; one whose June figures came late for the
// month but within the quarter's 30 days hears nothing of the quarter. Due days by hand:
// 2027-03-31 + 30 natural days = 2027-04-30; 2027-06-30 + 30 = 2027-07-30 (monthly: the
// 10th, seeds/002 §9(一)).
func TestQuarterlyDisclosureReminders(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	p5 := user(t, st, "platform5")
	d3 := user(t, st, "district3")
	if err := st.SetRuleSetting(ctx, store.Actor{User: user(t, st, "province1"), Now: t0}, models.RuleSetShanghai); err != nil {
		t.Fatal(err)
	}
	quarterly := func(u *models.User) []string {
		ns, _, err := st.Notifications(ctx, u.ID, models.Page{Number: 1, Size: 100})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, n := range ns {
			if strings.Contains(n.Title, "季度") {
				out = append(out, n.Title+" "+n.Body)
			}
		}
		return out
	}
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, models.ChinaTime) }
	run := func(now time.Time) {
		if _, err := st.SendDisclosureReminders(ctx, now); err != nil {
			t.Fatal(err)
		}
	}
	// 2027-04-26: more than 3 days before 04-30, nothing of the quarter yet
	run(at(2027, 4, 26))
	if q := quarterly(p5); len(q) != 0 {
		t.Fatalf("early: %v", q)
	}
	run(at(2027, 4, 27))
	q := quarterly(p5)
	if len(q) != 1 || !strings.Contains(q[0], "即将到期：2027年第1季度") || !strings.Contains(q[0], "2027-04-30") {
		t.Fatalf("reminder: %v", q)
	}
	run(at(2027, 4, 30)) // the due day itself: not yet missed
	if q := quarterly(p5); len(q) != 1 {
		t.Fatalf("on the due day: %v", q)
	}
	run(at(2027, 5, 1))
	run(at(2027, 5, 1).Add(time.Hour))
	if q := quarterly(p5); len(q) != 2 || !strings.Contains(q[0]+q[1], "已逾期未报送：2027年第1季度") {
		t.Fatalf("missed: %v", q)
	}
	if q := quarterly(d3); len(q) != 1 || !strings.Contains(q[0], "已逾期未报送：2027年第1季度") {
		t.Fatalf("district: %v", q)
	}
	// June's figures on 07-20: late for the month (07-10), on time for the quarter (07-30)
	sent := at(2027, 7, 20)
	if _, err := st.SubmitMonthlyReport(ctx, store.Actor{User: p5, Now: sent}, store.ReportInput{InstitutionID: *p5.InstitutionID,
		Figures: sampleFigures(models.Period{Year: 2027, Month: 6}), Source: models.SourceForm}); err != nil {
		t.Fatal(err)
	}
	run(at(2027, 7, 28))
	run(at(2027, 7, 31))
	if q := quarterly(p5); len(q) != 2 {
		t.Fatalf("the second quarter was reported: %v", q)
	}
	due, err := models.QuarterlyReportDue(models.RuleSetShanghai, models.Period{Year: 2027, Month: 6})
	if err != nil || due != models.NewDate(2027, 7, 30) {
		t.Fatalf("quarterly due %s %v", due, err)
	}
	filed := models.NewDate(2026, 1, 1)
	if s := models.QuarterlyReportStatus(models.Period{Year: 2027, Month: 6}, filed, &sent, due, models.DateOf(at(2027, 8, 1))); s != models.ReportOnTime {
		t.Errorf("quarter status %s", s)
	}
	mdue, err := models.MonthlyReportDue(nil, models.RuleSetShanghai, models.Period{Year: 2027, Month: 6})
	if err != nil || models.MonthlyReportStatus(models.Period{Year: 2027, Month: 6}, filed, &sent, mdue, models.DateOf(at(2027, 8, 1))) != models.ReportLate {
		t.Errorf("monthly status for 07-20: due %s %v", mdue, err)
	}
}
