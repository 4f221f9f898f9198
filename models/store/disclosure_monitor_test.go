package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"
	"time"

	"portal/models"
	"portal/models/store"
	"portal/models/store/storetest"
)

// monitorCase is one institution the equality test adds: its filing day, class, and the
// months it reports with when (relative to the due day's end) and what reserve.
type monitorCase struct {
	filed models.Date
	class models.OperatingClass
	// report returns, for a month, whether it was reported, the first submission's offset
	// from the end of its due day, and the reserve of the latest version as a share of the
	// floor: 1 exactly the floor, 0 one 分 below.
	report func(p models.Period) (bool, time.Duration, int)
	open   int // open major events
}

// TestMonitorSQLEqualsPureRules: the officers' list, judged in SQL from
// disclosure_standing, gives every filed institution the status, missing months, open
// events and breaches that the pure rules give from the reports themselves
// (models.MonthlyReportStatus, MissingPeriods, ComputeIndicatorsFor), on boundary data
// (a first version one microsecond before and exactly at the end of the due day, a
// reserve one 分 below and exactly at its floor, filing on a month's first and last day,
// a city under the Shanghai rules), for several months and days, with each filter.
func TestMonitorSQLEqualsPureRules(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	db, err := st.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	cal, err := st.LoadCalendar(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// the demo's first city takes the Shanghai rules, so both sets are in the data
	city := user(t, st, "city1")
	if err := st.SetRuleSetting(ctx, store.Actor{User: city, Now: t0}, models.RuleSetShanghai); err != nil {
		t.Fatal(err)
	}
	var districts []int64
	rs, err := db.Query(`SELECT d.id FROM divisions d JOIN divisions c ON c.id = d.parent_id
		WHERE d.level = 'district' AND c.parent_id = (SELECT division_id FROM users WHERE username = 'province1') ORDER BY d.id`)
	if err != nil {
		t.Fatal(err)
	}
	for rs.Next() {
		var id int64
		_ = rs.Scan(&id)
		districts = append(districts, id)
	}
	rs.Close()
	every := func(p models.Period) (bool, time.Duration, int) { return true, -3 * 24 * time.Hour, 2 }
	cases := []monitorCase{
		{models.NewDate(2025, 1, 15), models.ClassSingleProvince, every, 0},
		{models.NewDate(2025, 1, 31), models.ClassNational, func(p models.Period) (bool, time.Duration, int) {
			return p.Key() != 202503 && p.Key() != 202610, -time.Hour, 1
		}, 1},
		{models.NewDate(2025, 6, 1), models.ClassSingleProvince, func(p models.Period) (bool, time.Duration, int) {
			return true, 0, 0 // exactly at the end of the due day: late; reserve one 分 short
		}, 0},
		{models.NewDate(2025, 6, 30), "", func(p models.Period) (bool, time.Duration, int) {
			return true, -time.Microsecond, 0 // in time by a microsecond; no class, so no floor
		}, 2},
		{models.NewDate(2026, 10, 1), models.ClassNational, func(p models.Period) (bool, time.Duration, int) {
			return false, 0, 0
		}, 0},
		{models.NewDate(2026, 11, 1), models.ClassSingleProvince, every, 0},
		{models.NewDate(2025, 2, 10), models.ClassNational, func(p models.Period) (bool, time.Duration, int) {
			return p.Key() != 202606, -time.Hour, 1 // one month missing, 16 after filing
		}, 0},
		{models.NewDate(2024, 3, 10), models.ClassSingleProvince, func(p models.Period) (bool, time.Duration, int) {
			return p.Month%3 != 0, 5 * 24 * time.Hour, 1
		}, 0},
	}
	var inserted []int64
	for i, c := range cases {
		district := districts[i%len(districts)]
		var id int64
		err := db.QueryRow(`INSERT INTO institutions (name, uscc, district_id, outstanding_balance, operating_class, created_at, updated_at)
			VALUES ($1, $2, $3, 0, $4, now(), now()) RETURNING id`,
			fmt.Sprintf("等值测试机构%02d", i), fmt.Sprintf("91440000EQ%08d", i), district, string(c.class)).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		inserted = append(inserted, id)
		var app int64
		if err := db.QueryRow(`INSERT INTO applications (institution_id, type_code, state, version, balance, submitted_at, state_since, created_at, updated_at)
			VALUES ($1, 'p2p_acceptance', 'filed', 1, 0, now(), now(), now(), now()) RETURNING id`, id).Scan(&app); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`INSERT INTO filings (application_id, institution_id, filing_number, filing_date, recorded_by, created_at)
			VALUES ($1, $2, $3, $4, (SELECT id FROM users WHERE username = 'province2'), now())`, app, id, fmt.Sprintf("EQ-%d", id), c.filed.String()); err != nil {
			t.Fatal(err)
		}
		ruleSet, err := st.InstitutionRuleSet(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for p := models.PeriodOf(c.filed); p.Key() <= 202611; p = p.Next() {
			ok, off, reserve := c.report(p)
			if !ok {
				continue
			}
			due, err := models.MonthlyReportDue(cal, ruleSet, p)
			if err != nil {
				t.Fatal(err)
			}
			at := due.AddDays(1).Start().Add(off)
			bal := models.Money(1_000_000_07) * models.OneYuan / 100 // 1,000,000.07 元
			r, comp, _ := models.ReserveFloors(c.class)
			if r == 0 {
				r, comp = models.Percent, 3*models.Percent
			}
			res, cmp := bal.PortionUp(r), bal.PortionUp(comp)
			switch reserve {
			case 0:
				res--
			case 2:
				res, cmp = res*2, cmp*2
			}
			for v := 1; v <= 1+int(p.Month%2); v++ { // odd months corrected once: the latest version counts
				if v == 2 {
					res = bal.PortionUp(r) // the correction meets the floor
				}
				_, err := db.Exec(`INSERT INTO disclosure_reports (institution_id, period, version, rule_set, source, submitted_at, due_at,
					cumulative_amount, cumulative_count, balance, balance_count, cumulative_lenders, cumulative_borrowers, current_lenders,
					current_borrowers, top10_share, largest_borrower_share, related_balance, related_count, overdue_amount, overdue_count,
					overdue90_amount, overdue90_count, compensation_amount, compensation_count, risk_reserve_balance, compensation_balance,
					prev_hash, hash)
					VALUES ($1, $2, $3, $4, 'seed', $5, $6, $7, 10, $7, 5, 10, 5, 3, 2, 1000, 100, 0, 0, 0, 0, 0, 0, 0, 0, $8, $9, '', $10)`,
					id, p.Key(), v, string(ruleSet), at.Add(time.Duration(v-1)*time.Hour), due.AddDays(1).Start(), int64(bal),
					int64(res), int64(cmp), fmt.Sprintf("eq-%d-%d-%d", id, p.Key(), v))
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		for k := range c.open + 1 {
			closed := any(nil)
			if k == c.open {
				closed = t0 // one closed event each
			}
			if _, err := db.Exec(`INSERT INTO disclosure_events (institution_id, kind, category, title, occurred_at, due_at, filed_at, closed_at)
				VALUES ($1, 'major', 'other_major', '测试事项', $2, $2, $2, $3)`, id, t0, closed); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.Exec(`INSERT INTO disclosure_events (institution_id, kind, title, occurred_at, due_at, filed_at)
			VALUES ($1, 'change', '信息变更', $2, $2, $2)`, id, t0); err != nil { // a change is no major event
			t.Fatal(err)
		}
	}
	// one event closed later: the summary follows an update too
	if _, err := db.Exec(`UPDATE disclosure_events SET closed_at = $2 WHERE id = (SELECT min(id) FROM disclosure_events
		WHERE institution_id = $1 AND closed_at IS NULL AND kind = 'major')`, inserted[1], t0); err != nil {
		t.Fatal(err)
	}

	prov := user(t, st, "province1")
	for _, today := range []models.Date{models.NewDate(2026, 11, 23), models.NewDate(2026, 11, 6), models.NewDate(2026, 11, 9), models.NewDate(2025, 4, 10)} {
		now := today.Start().Add(10 * time.Hour)
		// first judged live, then from the stored judgement (00102) after its refresh: the
		// month now due is read from disclosure_judgement, which must equal the pure rules too
		for _, stored := range []bool{false, true} {
			periods := []models.Period{models.PeriodOf(today).Prev(), {Year: 2025, Month: 3}, {Year: 2026, Month: 9}, models.PeriodOf(today)}
			if stored {
				if err := st.RefreshDisclosureJudgement(ctx, now); err != nil {
					t.Fatal(err)
				}
				var n int
				var at time.Time
				if err := db.QueryRow(`SELECT (SELECT count(*) FROM disclosure_judgement), judged_at FROM disclosure_judged WHERE generation = judged_generation`).Scan(&n, &at); err != nil || n < len(cases) || !at.Equal(now) {
					t.Fatalf("day %s: stored judgement %d rows at %v (%v), want >= %d at %v", today, n, at, err, len(cases), now)
				}
				periods = periods[:1]
				if today == models.NewDate(2025, 4, 10) {
					// a report and an event written after the refresh are judged by the triggers
					if _, err := db.Exec(`INSERT INTO disclosure_events (institution_id, kind, category, title, occurred_at, due_at, filed_at)
					VALUES ($1, 'major', 'other_major', '刷新后的事项', $2, $2, $2)`, inserted[0], now); err != nil {
						t.Fatal(err)
					}
				}
			}
			for _, period := range periods {
				want := monitorReference(t, db, cal, today, period)
				for _, f := range []store.MonitorFilter{{}, {Status: models.ReportOverdue}, {Status: models.ReportLate}, {Status: models.ReportOnTime},
					{Status: models.ReportPending}, {Missing: true}, {OpenEvents: true}, {Breached: true}} {
					f.Period, f.Now = period, now
					var got []store.MonitorRow
					for n := 1; ; n++ {
						rows, total, err := st.DisclosureMonitor(ctx, prov, f, models.Page{Number: n, Size: 200})
						if err != nil {
							t.Fatal(err)
						}
						got = append(got, rows...)
						if len(rows) == 0 || int64(len(got)) >= total {
							break
						}
					}
					label := fmt.Sprintf("stored %v, day %s, month %s, filter %+v", stored, today, period, store.MonitorFilter{Status: f.Status, Missing: f.Missing, OpenEvents: f.OpenEvents, Breached: f.Breached})
					var wantIDs, gotIDs []int64
					for id, w := range want {
						if f.Status != "" && w.status != f.Status || f.Missing && len(w.missing) == 0 || f.OpenEvents && w.open == 0 || f.Breached && !w.breached {
							continue
						}
						wantIDs = append(wantIDs, id)
					}
					lastRank := -1
					for _, r := range got {
						gotIDs = append(gotIDs, r.InstitutionID)
						w, ok := want[r.InstitutionID]
						if !ok {
							t.Errorf("%s: %d listed, not filed in the province", label, r.InstitutionID)
							continue
						}
						if r.Status != w.status || fmt.Sprint(r.Missing) != fmt.Sprint(w.missing) || r.OpenEvents != w.open ||
							r.Breached != w.breached || (len(r.Breaches) > 0) != w.breached {
							t.Errorf("%s: %s: SQL status %s missing %v open %d breached %v (%d); pure rules %s %v %d %v",
								label, r.Name, r.Status, r.Missing, r.OpenEvents, r.Breached, len(r.Breaches), w.status, w.missing, w.open, w.breached)
						}
						if w.rank < lastRank {
							t.Errorf("%s: %s (rank %d) listed after rank %d", label, r.Name, w.rank, lastRank)
						}
						lastRank = w.rank
					}
					slices.Sort(wantIDs)
					slices.Sort(gotIDs)
					if !slices.Equal(wantIDs, gotIDs) {
						t.Errorf("%s: SQL lists %v, the pure rules %v", label, gotIDs, wantIDs)
					}
				}
			}
		}
	}
}

type monitorWant struct {
	status   models.ReportStatus
	missing  []models.Period
	open     int
	breached bool
	rank     int
}

// monitorReference judges every filed institution of province1's province from the
// raw tables with the pure rules.
func monitorReference(t *testing.T, db *sql.DB, cal *models.Calendar, today models.Date, period models.Period) map[int64]monitorWant {
	t.Helper()
	rows, err := db.Query(`SELECT i.id, i.operating_class, min(f.filing_date)::text, COALESCE(max(ps.rule_set), ''), COALESCE(max(cs.rule_set), ''),
		(SELECT count(*) FROM disclosure_events e WHERE e.institution_id = i.id AND e.kind = 'major' AND e.closed_at IS NULL)
		FROM institutions i JOIN filings f ON f.institution_id = i.id JOIN applications a ON a.id = f.application_id AND a.state = 'filed'
		JOIN divisions d ON d.id = i.district_id JOIN divisions c ON c.id = d.parent_id
		LEFT JOIN disclosure_rule_settings cs ON cs.division_id = c.id LEFT JOIN disclosure_rule_settings ps ON ps.division_id = c.parent_id
		WHERE c.parent_id = (SELECT division_id FROM users WHERE username = 'province1') GROUP BY i.id`)
	if err != nil {
		t.Fatal(err)
	}
	type inst struct {
		id             int64
		class          string
		filed          string
		province, city string
		open           int
	}
	var insts []inst
	for rows.Next() {
		var in inst
		if err := rows.Scan(&in.id, &in.class, &in.filed, &in.province, &in.city, &in.open); err != nil {
			t.Fatal(err)
		}
		insts = append(insts, in)
	}
	rows.Close()
	out := map[int64]monitorWant{}
	for _, in := range insts {
		filed, err := models.ParseDate(in.filed)
		if err != nil {
			t.Fatal(err)
		}
		rs := models.EffectiveRuleSet(models.RuleSetID(in.province), models.RuleSetID(in.city))
		firsts := map[int]time.Time{}
		fr, err := db.Query("SELECT period, min(submitted_at) FROM disclosure_reports WHERE institution_id = $1 GROUP BY period", in.id)
		if err != nil {
			t.Fatal(err)
		}
		for fr.Next() {
			var p int
			var at time.Time
			_ = fr.Scan(&p, &at)
			firsts[p] = at
		}
		fr.Close()
		latest := func(p models.Period) *models.MonthlyFigures {
			var f models.MonthlyFigures
			var bal, res, comp int64
			err := db.QueryRow(`SELECT balance, risk_reserve_balance, compensation_balance FROM disclosure_reports
				WHERE institution_id = $1 AND period = $2 ORDER BY version DESC LIMIT 1`, in.id, p.Key()).Scan(&bal, &res, &comp)
			if err == sql.ErrNoRows {
				return nil
			} else if err != nil {
				t.Fatal(err)
			}
			f.Period, f.Balance, f.RiskReserveBalance, f.CompensationBalance = p, models.Money(bal), models.Money(res), models.Money(comp)
			return &f
		}
		w := monitorWant{open: in.open}
		due, err := models.MonthlyReportDue(cal, rs, period)
		var first *time.Time
		if at, ok := firsts[period.Key()]; ok {
			first = &at
		}
		if _, pending := models.MissingCalendarYear(err); pending && first == nil {
			w.status = models.ReportPending
		} else {
			w.status = models.MonthlyReportStatus(period, filed, first, due, today)
		}
		w.missing = models.MissingPeriods(cal, rs, filed, func(p models.Period) bool { _, ok := firsts[p.Key()]; return ok }, today)
		if cur := latest(period); cur != nil {
			is := models.ComputeIndicatorsFor(models.IndicatorInput{Class: models.OperatingClass(in.class), Cur: *cur,
				Prev: latest(period.Prev()), CapViolations: -1, Filed: true})
			w.breached = len(is.Breaches()) > 0
		}
		switch {
		case w.status == models.ReportOverdue:
			w.rank = 0
		case w.status == models.ReportLate:
			w.rank = 1
		case len(w.missing) > 0:
			w.rank = 2
		case w.open > 0:
			w.rank = 3
		case w.breached:
			w.rank = 4
		default:
			w.rank = 5
		}
		out[in.id] = w
	}
	return out
}
