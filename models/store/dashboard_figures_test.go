package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"portal/models"
	"portal/models/store"
	"portal/models/store/storetest"
)

// figureKey is one row of the dashboards' figures.
type figureKey struct {
	District int64
	Kind     string
	Period   int
	Key      string
}

type figureVal struct{ N, Amount int64 }

func scanFigures(t *testing.T, db *sql.DB, q string) map[figureKey]figureVal {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	defer rows.Close()
	out := map[figureKey]figureVal{}
	for rows.Next() {
		var k figureKey
		var v figureVal
		if err := rows.Scan(&k.District, &k.Kind, &k.Period, &k.Key, &v.N, &v.Amount); err != nil {
			t.Fatal(err)
		}
		out[k] = v
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// recomputedFigures works the figures out from the base tables with this test's own SQL:
// applications per state; running notices per last day; filed institutions per month of filing; per month the filed
// institutions that reported, the balance of their latest versions, those whose first
// version came by its due time, and their M90+ band (below 1%, 3%, 5%, 10%, above).
func recomputedFigures(t *testing.T, db *sql.DB) map[figureKey]figureVal {
	return scanFigures(t, db, `WITH fi AS (SELECT f.institution_id, min(f.filing_date) AS filed_on FROM filings f
			JOIN applications a ON a.id = f.application_id WHERE a.state = 'filed' GROUP BY 1),
		latest AS (SELECT r.* FROM disclosure_reports r JOIN fi ON fi.institution_id = r.institution_id
			WHERE r.version = (SELECT max(r2.version) FROM disclosure_reports r2
				WHERE r2.institution_id = r.institution_id AND r2.period = r.period))
		SELECT i.district_id, 'state', 0, a.state, count(*), 0 FROM applications a JOIN institutions i ON i.id = a.institution_id
			WHERE a.state <> 'draft' GROUP BY 1, 4
		UNION ALL
		SELECT i.district_id, 'notice', extract(year FROM n.end_date)::int * 10000 + extract(month FROM n.end_date)::int * 100
				+ extract(day FROM n.end_date)::int, '', count(*), 0
			FROM notices n JOIN institutions i ON i.id = n.institution_id WHERE n.status = 'active' GROUP BY 1, 3
		UNION ALL
		SELECT i.district_id, 'events', 0, '', count(*), 0 FROM disclosure_events e JOIN fi ON fi.institution_id = e.institution_id
			JOIN institutions i ON i.id = e.institution_id WHERE e.kind = 'major' AND e.closed_at IS NULL GROUP BY 1
		UNION ALL
		SELECT i.district_id, 'filed', to_char(fi.filed_on, 'YYYYMM')::int, '', count(*), 0
			FROM fi JOIN institutions i ON i.id = fi.institution_id GROUP BY 1, 3
		UNION ALL
		SELECT i.district_id, 'reported', l.period, '', count(*), sum(l.balance)
			FROM latest l JOIN institutions i ON i.id = l.institution_id GROUP BY 1, 3
		UNION ALL
		SELECT i.district_id, 'on_time', r.period, '', count(*), 0
			FROM disclosure_reports r JOIN fi ON fi.institution_id = r.institution_id JOIN institutions i ON i.id = r.institution_id
			WHERE r.version = 1 AND r.submitted_at <= r.due_at GROUP BY 1, 3
		UNION ALL
		SELECT district_id, 'm90', period, band, count(*), 0 FROM (
			SELECT i.district_id, l.period, CASE
				WHEN l.overdue90_amount * 100 < l.balance * 1 THEN '0'
				WHEN l.overdue90_amount * 100 < l.balance * 3 THEN '1'
				WHEN l.overdue90_amount * 100 < l.balance * 5 THEN '2'
				WHEN l.overdue90_amount * 100 < l.balance * 10 THEN '3'
				ELSE '4' END AS band
			FROM latest l JOIN institutions i ON i.id = l.institution_id WHERE l.balance > 0) b GROUP BY 1, 3, 4`)
}

func storedFigures(t *testing.T, db *sql.DB) map[figureKey]figureVal {
	return scanFigures(t, db, `SELECT district_id, kind, period, key, n, amount::bigint FROM dashboard_figures
		WHERE kind IN ('state', 'notice', 'events', 'filed', 'reported', 'on_time', 'm90')`)
}

func diffFigures(want, got map[figureKey]figureVal) string {
	var out []string
	for k, w := range want {
		if g, ok := got[k]; !ok || g != w {
			out = append(out, fmt.Sprintf("%+v: want %+v, stored %+v", k, w, got[k]))
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			out = append(out, fmt.Sprintf("%+v: stored %+v, want none", k, g))
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// TestDashboardFiguresStayExact: the precomputed figures equal a recomputation from the
// base tables after the seed, and after report versions, a correction, a late month, a
// report of an institution not filed, and decisions.
func TestDashboardFiguresStayExact(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	db, err := st.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	check := func(when string) map[figureKey]figureVal {
		t.Helper()
		want, got := recomputedFigures(t, db), storedFigures(t, db)
		if d := diffFigures(want, got); d != "" {
			t.Fatalf("%s: the figures differ from the base tables:\n%s", when, d)
		}
		return want
	}
	check("after the seed")

	var filed int64
	if err := db.QueryRow(`SELECT f.institution_id FROM filings f JOIN applications a ON a.id = f.application_id
		WHERE a.state = 'filed' ORDER BY f.id LIMIT 1`).Scan(&filed); err != nil {
		t.Fatalf("no filed institution in the demo data: %v", err)
	}
	sys := func(at time.Time) store.Actor { return store.Actor{Now: at} }
	submit := func(at time.Time, f models.MonthlyFigures, inst int64) {
		t.Helper()
		if _, err := st.SubmitMonthlyReport(ctx, sys(at), store.ReportInput{InstitutionID: inst, Figures: f, Source: models.SourceForm}); err != nil {
			t.Fatalf("%s: %v", f.Period, err)
		}
	}
	aug, sep, oct := models.Period{Year: 2026, Month: 8}, models.Period{Year: 2026, Month: 9}, models.Period{Year: 2026, Month: 10}
	// August on time, then corrected late; September late; October twice, the second
	// version moving its M90+ band up.
	submit(time.Date(2026, 9, 3, 2, 0, 0, 0, time.UTC), sampleFigures(aug), filed)
	fixed := sampleFigures(aug)
	fixed.Balance = 280_000_000 * models.OneYuan
	fixed.CumulativeAmount -= 20_000_000 * models.OneYuan
	submit(time.Date(2026, 10, 20, 2, 0, 0, 0, time.UTC), fixed, filed)
	submit(time.Date(2026, 10, 28, 2, 0, 0, 0, time.UTC), sampleFigures(sep), filed)
	submit(t0, sampleFigures(oct), filed)
	worse := sampleFigures(oct)
	worse.Overdue90Amount = 20_000_000 * models.OneYuan // 6.7% of the balance
	worse.OverdueAmount = 25_000_000 * models.OneYuan
	submit(t0.Add(time.Hour), worse, filed)
	want := check("after the reports")
	var district int64
	if err := db.QueryRow("SELECT district_id FROM institutions WHERE id = $1", filed).Scan(&district); err != nil {
		t.Fatal(err)
	}
	if v := want[figureKey{district, "reported", 202610, ""}]; v.N < 1 || v.Amount < int64(300_000_000*models.OneYuan) {
		t.Fatalf("October reported: %+v", v)
	}
	if v := want[figureKey{district, "on_time", 202608, ""}]; v.N < 1 {
		t.Fatalf("August on time: %+v", v)
	}
	if v := want[figureKey{district, "m90", 202610, "3"}]; v.N < 1 {
		t.Fatalf("October's band: %+v", v)
	}

	// platform1 is not filed: its report counts nowhere; its application moves the states
	p1 := user(t, st, "platform1")
	if filedToo, err := st.IsFiled(ctx, *p1.InstitutionID); err != nil || filedToo {
		t.Fatalf("platform1 filed %v, %v", filedToo, err)
	}
	submit(t0, sampleFigures(oct), *p1.InstitutionID)
	check("after a report of an institution not filed")
	app := readyApplication(t, st, p1)
	if _, err := st.ApplyEvent(ctx, store.Actor{User: p1, Now: t0}, app.ID, models.EventSubmit, store.DecisionInput{}, nil); err != nil {
		t.Fatal(err)
	}
	check("after the submission")
	d1 := user(t, st, "district1")
	if _, err := st.ApplyEvent(ctx, store.Actor{User: d1, Now: t0.Add(time.Hour)}, app.ID, models.EventReturn,
		store.DecisionInput{Opinion: "请补正材料", CorrectionDays: 5}, nil); err != nil {
		t.Fatal(err)
	}
	check("after a return")

	// the dashboard of the month now due tells what the officers' list tells, row by row
	for _, who := range []string{"province1", "city1", "district1"} {
		u := user(t, st, who)
		now := t0.Add(2 * time.Hour)
		d, err := st.DisclosureDashboard(ctx, u, now)
		if err != nil {
			t.Fatal(err)
		}
		rows, total, err := st.DisclosureMonitor(ctx, u, store.MonitorFilter{Now: now}, models.Page{Number: 1, Size: 1000})
		if err != nil {
			t.Fatal(err)
		}
		status := map[models.ReportStatus]int{}
		missing, events := 0, 0
		short := map[string]int64{}
		for _, r := range rows {
			status[r.Status]++
			if len(r.Missing) > 0 {
				missing++
			}
			events += r.OpenEvents
			for _, b := range r.Breaches {
				short[b.Name]++
			}
		}
		gotShort := map[string]int64{}
		for _, c := range d.Shortfalls {
			gotShort[c.Class] = c.N
		}
		if d.Filed != int(total) || fmt.Sprint(d.ByStatus) != fmt.Sprint(status) || d.Missing != missing ||
			d.OpenEvents != events || fmt.Sprint(gotShort) != fmt.Sprint(short) {
			t.Fatalf("%s: dashboard filed %d, statuses %v, missing %d, events %d, shortfalls %v; the list: %d, %v, %d, %d, %v",
				who, d.Filed, d.ByStatus, d.Missing, d.OpenEvents, gotShort, total, status, missing, events, short)
		}
	}

	// a bulk refresh gives the same figures
	before := storedFigures(t, db)
	if err := st.RefreshDashboardFigures(ctx); err != nil {
		t.Fatal(err)
	}
	if d := diffFigures(before, storedFigures(t, db)); d != "" {
		t.Fatalf("the bulk refresh differs from the writers' refreshes:\n%s", d)
	}
}
