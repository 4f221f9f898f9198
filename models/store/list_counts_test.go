package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"portal/models"
	"portal/models/store"
	"portal/models/store/storetest"
)

// countersMatch compares the kept counters of migration 00096 with counts of the
// applications and institutions themselves, in this test's own SQL.
func countersMatch(t *testing.T, db *sql.DB, step string) {
	t.Helper()
	read := func(q string, args ...any) map[string]int64 {
		t.Helper()
		rows, err := db.Query(q, args...)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		defer rows.Close()
		out := map[string]int64{}
		for rows.Next() {
			var k string
			var n int64
			if err := rows.Scan(&k, &n); err != nil {
				t.Fatal(err)
			}
			out[k] = n
		}
		return out
	}
	same := func(what string, want, got map[string]int64) {
		t.Helper()
		for k, n := range want {
			if got[k] != n {
				t.Errorf("%s: %s %s: counter %d, COUNT %d", step, what, k, got[k], n)
			}
		}
		for k, n := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("%s: %s %s: counter %d, no such rows", step, what, k, n)
			}
		}
	}
	same("applications",
		read(`SELECT concat_ws('/', district_id, city_id, province_id, state, balance >= $1), count(*) FROM applications GROUP BY 1`, int64(models.LargeScaleThreshold)),
		read(`SELECT concat_ws('/', district_id, city_id, province_id, state, large), n FROM application_counts WHERE n <> 0`))
	same("institutions",
		read(`SELECT concat_ws('/', i.district_id, c.id, c.parent_id), count(*) FROM institutions i
			JOIN divisions d ON d.id = i.district_id JOIN divisions c ON c.id = d.parent_id GROUP BY 1`),
		read(`SELECT concat_ws('/', district_id, city_id, province_id), n FROM institution_counts WHERE n <> 0`))
	same("notices",
		read(`SELECT status, count(*) FROM notices GROUP BY 1`),
		read(`SELECT status, n FROM notice_counts WHERE n <> 0`))
	same("register",
		read(`SELECT (c.application_id IS NOT NULL)::text, count(*) FROM filings f
			LEFT JOIN (SELECT DISTINCT application_id FROM certificates WHERE status = 'revoked') c ON c.application_id = f.application_id GROUP BY 1`),
		read(`SELECT revoked::text, n FROM register_counts WHERE n <> 0`))
}

// pagersMatch compares the counts the officers' pagers show with this test's own
// counts of the same rows.
func pagersMatch(t *testing.T, st *store.Store, db *sql.DB, step string) {
	t.Helper()
	ctx := context.Background()
	large := int64(models.LargeScaleThreshold)
	one := func(q string, args ...any) int64 {
		t.Helper()
		var n int64
		if err := db.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, tc := range []struct {
		user, queue, below, insts string
	}{
		{"district1",
			`SELECT count(*) FROM applications a JOIN institutions i ON i.id = a.institution_id WHERE i.district_id = $1 AND a.state IN ('district_review', 'correction') AND $2::bigint > 0`,
			`SELECT count(*) FROM applications a JOIN institutions i ON i.id = a.institution_id WHERE i.district_id = $1 AND a.state <> 'draft'`,
			`SELECT count(*) FROM institutions WHERE district_id = $1`},
		{"city1",
			`SELECT count(*) FROM applications a JOIN institutions i ON i.id = a.institution_id JOIN divisions d ON d.id = i.district_id
			  WHERE d.parent_id = $1 AND (a.state IN ('city_review', 'city_confirm') OR (a.state = 'objection_review' AND a.balance < $2))`,
			`SELECT count(*) FROM applications a JOIN institutions i ON i.id = a.institution_id JOIN divisions d ON d.id = i.district_id WHERE d.parent_id = $1 AND a.state <> 'draft'`,
			`SELECT count(*) FROM institutions i JOIN divisions d ON d.id = i.district_id WHERE d.parent_id = $1`},
		{"province1",
			`SELECT count(*) FROM applications a JOIN institutions i ON i.id = a.institution_id JOIN divisions d ON d.id = i.district_id JOIN divisions c ON c.id = d.parent_id
			  WHERE c.parent_id = $1 AND (a.state IN ('joint_review', 'signoff') OR (a.state = 'objection_review' AND a.balance >= $2))`,
			`SELECT count(*) FROM applications a JOIN institutions i ON i.id = a.institution_id JOIN divisions d ON d.id = i.district_id JOIN divisions c ON c.id = d.parent_id WHERE c.parent_id = $1 AND a.state <> 'draft'`,
			`SELECT count(*) FROM institutions i JOIN divisions d ON d.id = i.district_id JOIN divisions c ON c.id = d.parent_id WHERE c.parent_id = $1`},
	} {
		u := user(t, st, tc.user)
		div := *u.DivisionID
		_, qi, err := st.QueuePage(ctx, u, store.QueueFilter{}, models.Seek{Number: 1})
		if err != nil {
			t.Fatal(err)
		}
		_, bi, err := st.SubmittedPage(ctx, u, store.AppFilter{}, models.Seek{Number: 1})
		if err != nil {
			t.Fatal(err)
		}
		_, ii, err := st.InstitutionsPage(ctx, u, store.InstitutionFilter{}, models.Seek{Number: 1})
		if err != nil {
			t.Fatal(err)
		}
		if want := one(tc.queue, div, large); qi.Total != want {
			t.Errorf("%s: %s's queue counts %d, COUNT %d", step, tc.user, qi.Total, want)
		}
		if want := one(tc.below, div); bi.Total != want {
			t.Errorf("%s: %s's submitted list counts %d, COUNT %d", step, tc.user, bi.Total, want)
		}
		if want := one(tc.insts, div); ii.Total != want {
			t.Errorf("%s: %s's institutions count %d, COUNT %d", step, tc.user, ii.Total, want)
		}
	}
	for status, q := range map[string]string{"": `SELECT count(*) FROM notices`,
		"current": `SELECT count(*) FROM notices WHERE status = 'active'`, "past": `SELECT count(*) FROM notices WHERE status <> 'active'`} {
		_, info, err := st.NoticesPage(ctx, store.NoticeFilter{Status: status}, models.Seek{Number: 1})
		if err != nil {
			t.Fatal(err)
		}
		if want := one(q); info.Total != want {
			t.Errorf("%s: /notices?status=%s counts %d, COUNT %d", step, status, info.Total, want)
		}
	}
	revoked := `SELECT count(*) FROM filings f WHERE %s EXISTS (SELECT 1 FROM certificates c WHERE c.application_id = f.application_id AND c.status = 'revoked')`
	for status, q := range map[models.RegisterStatus]string{models.RegisterValid: fmt.Sprintf(revoked, "NOT"),
		models.RegisterRevoked: fmt.Sprintf(revoked, ""), models.RegisterAll: `SELECT count(*) FROM filings`} {
		_, info, err := st.RegisterPage(ctx, "", status, models.Seek{Number: 1})
		if err != nil {
			t.Fatal(err)
		}
		if want := one(q); info.Total != want {
			t.Errorf("%s: /register?status=%s counts %d, COUNT %d", step, status, info.Total, want)
		}
	}
}

// TestListCountersStayExact drives applications through the real store paths (create,
// submit, the district's return and the resubmission, passes, the notice, an upheld
// complaint that revokes the city's opinion and re-accepts, a certificate's
// revocation, the abandonment after the window), moves an institution and changes
// certificates by hand: after each step the counters equal a COUNT of the rows, and the
// pagers of the officer lists, /notices and /register show the same counts.
func TestListCountersStayExact(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	db, err := st.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	check := func(step string) {
		t.Helper()
		countersMatch(t, db, step)
		pagersMatch(t, st, db, step)
	}
	check("demo data")

	// decisions: platform1 through the notice (create, submit, passes, confirm)
	app := inNotice(t, st, t0)
	check("in public notice")

	// a correction round for platform3: return, then resubmission
	p3 := user(t, st, "platform3")
	a3 := readyApplication(t, st, p3)
	if _, err := st.SubmitApplication(ctx, store.Actor{User: p3, Now: t0}, a3.ID, 0); err != nil {
		t.Fatal(err)
	}
	check("platform3 submitted")
	if _, err := st.ApplyEvent(ctx, actorOf(t, st, "district1", t0), a3.ID, models.EventReturn,
		store.DecisionInput{Opinion: "请补正", CorrectionDays: 10}, nil); err != nil {
		t.Fatal(err)
	}
	check("platform3 returned for correction")

	// an upheld complaint: the city's opinion revoked and the application re-accepted
	n := noticeOf(t, st, app.ID)
	c, err := st.FileComplaint(ctx, store.Actor{IP: "10.0.0.9", Now: t0.Add(time.Hour)}, n.ID, complaint, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.VerifyComplaint(ctx, actorOf(t, st, "city1", t0.Add(2*time.Hour)), c.ID,
		models.ComplaintVerification{Upheld: true, Finding: "经核实属实", PublicReason: "举报经核查属实"}); err != nil {
		t.Fatal(err)
	}
	if s := stateOf(t, st, app.ID); s != models.StateCityReview {
		t.Fatalf("after the upheld complaint: %s", s)
	}
	check("revoked and re-accepted")

	// a certificate revoked: the filed application leaves the register
	// (the demo's filed institution, so the register moves)
	certs, _, err := st.ListCertificates(ctx, user(t, st, "admin"), "广州海珠示范互联网金融信息服务有限公司", models.Page{})
	if err != nil || len(certs) != 1 {
		t.Fatalf("certificates: %v %v", certs, err)
	}
	if err := st.RevokeCertificate(ctx, actorOf(t, st, "province1", t0), certs[0].ID, "验收材料经查实存在虚假记载"); err != nil {
		t.Fatal(err)
	}
	check("certificate revoked")
	// the same certificate valid again, a second revoked certificate beside a valid one,
	// and a filing removed (direct SQL: the triggers see every writer)
	if _, err := db.Exec(`UPDATE certificates SET status = 'valid' WHERE id = $1`, certs[0].ID); err != nil {
		t.Fatal(err)
	}
	check("certificate valid again")
	if _, err := db.Exec(`INSERT INTO certificates (serial, application_id, institution_id, province_id, name, uscc, issue_date,
		    authority1, authority2, fingerprint, status, issued_by, created_at, updated_at)
		SELECT serial || '-2', application_id, institution_id, province_id, name, uscc, issue_date, authority1, authority2,
		       fingerprint, 'revoked', issued_by, created_at, updated_at FROM certificates WHERE id = $1`, certs[0].ID); err != nil {
		t.Fatal(err)
	}
	check("a second, revoked certificate")
	if _, err := db.Exec(`DELETE FROM certificates WHERE serial LIKE '%-2'`); err != nil {
		t.Fatal(err)
	}
	check("the second certificate removed")
	if _, err := db.Exec(`UPDATE certificates SET status = 'revoked' WHERE id = $1`, certs[0].ID); err != nil {
		t.Fatal(err)
	}
	check("revoked again")

	// abandonment after the window: platform2's draft and every institution never started
	city := guangzhou(t, st)
	if err := st.SetWindow(ctx, store.Actor{User: user(t, st, "city1"), Now: t0}, city, models.NewDate(2026, 3, 10), models.NewDate(2026, 12, 15)); err != nil {
		t.Fatal(err)
	}
	p2 := user(t, st, "platform2")
	if _, err := st.CreateApplication(ctx, store.Actor{User: p2, Now: t0}, *p2.InstitutionID, models.ApplicationTypeP2P); err != nil {
		t.Fatal(err)
	}
	check("platform2 draft")
	marked, err := st.AbandonAfterWindows(ctx, time.Date(2026, 12, 16, 0, 5, 0, 0, cst))
	if err != nil || marked == 0 {
		t.Fatalf("abandon: %d %v", marked, err)
	}
	check(fmt.Sprintf("%d abandoned", marked))

	// an institution moved to another city's district takes its applications along, and
	// a new one counts at once
	if _, err := db.Exec(`UPDATE institutions SET district_id = (SELECT id FROM divisions WHERE level = 'district' ORDER BY id DESC LIMIT 1)
		WHERE id = $1`, *p3.InstitutionID); err != nil {
		t.Fatal(err)
	}
	check("platform3 moved")
	if _, err := db.Exec(`INSERT INTO institutions (name, uscc, district_id) VALUES ('计数测试网络借贷信息中介有限公司', '91440101MA5CNT0001',
		(SELECT id FROM divisions WHERE level = 'district' ORDER BY id LIMIT 1))`); err != nil {
		t.Fatal(err)
	}
	check("institution added")
}

// TestListQueriesKeepAGenericPlan: a list query read again and again on one connection
// is planned once (PostgreSQL's generic plan of the prepared statement), not on every
// request: its LIMIT and OFFSET are in the text, not parameters the generic plan would
// have to guess (pageLimit).
func TestListQueriesKeepAGenericPlan(t *testing.T) {
	st, _ := storeAndDB(t)
	db, err := st.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1) // one connection, whose prepared statements are read below
	ctx := context.Background()
	for _, name := range []string{"district1", "city1", "province1"} {
		u := user(t, st, name)
		for range 12 {
			if _, _, err := st.QueuePage(ctx, u, store.QueueFilter{}, models.Seek{Number: 1}); err != nil {
				t.Fatal(err)
			}
			if _, _, err := st.SubmittedPage(ctx, u, store.AppFilter{}, models.Seek{Number: 2}); err != nil {
				t.Fatal(err)
			}
			if _, _, err := st.InstitutionsPage(ctx, u, store.InstitutionFilter{Query: "网"}, models.Seek{Last: true}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for range 12 {
		if _, _, err := st.NoticesPage(ctx, store.NoticeFilter{}, models.Seek{Number: 1}); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.QueryContext(ctx, `SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements
		WHERE statement LIKE '%ORDER BY%LIMIT%' OR statement LIKE '%AS capped%'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	lists := 0
	for rows.Next() {
		var q string
		var generic, custom int64
		if err := rows.Scan(&q, &generic, &custom); err != nil {
			t.Fatal(err)
		}
		if generic+custom < 12 {
			continue // a statement of a single read (the users, the calendar)
		}
		lists++
		if custom > 5 {
			t.Errorf("planned %d times of %d: %s", custom, generic+custom, q)
		}
	}
	if lists < 5 {
		t.Fatalf("%d list statements read 12 times; want the queues, lists and notices", lists)
	}
}
