package store_test

import (
	"context"
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
