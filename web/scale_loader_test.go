package web_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"portal/models"
	"portal/web/webtest"
)

// scaleStates is the mix of states the scale loader spreads the applications over: every
// officer queue's states, the public notice and the end of the path.
var scaleStates = []models.State{
	models.StateDistrictReview, models.StateCorrection, models.StateCityReview, models.StateCityConfirm,
	models.StateObjectionReview, models.StateJointReview, models.StatePublicNotice, models.StateSignoff,
	models.StateCertified, models.StateFiled,
}

// scaleDecisions is how many history rows each loaded application gets.
const scaleDecisions = 5

// scaleOptions changes what loadScale loads; the zero value is the mix every list
// benchmark and loader test uses.
type scaleOptions struct {
	// filed, when above zero, is how many of the n institutions (the first ones) have a
	// filed application — with their two years of reports (loadScaleDisclosure); the
	// others are spread over the other states of scaleStates. Zero keeps the spread over
	// every state, about one in ten filed.
	filed int
}

// loadScale adds n institutions (spread over every district of the demo province) to the
// env's database, each with one application in a state of scaleStates, a deadline on
// most, scaleDecisions hash-chained decisions, and the notices, certificates and filings
// that its state implies. Rows are valid for the schema: the set-based parts are
// generate_series statements; the decisions are hashed in Go (models.DecisionHash, the
// chain the store verifies) and written with COPY. It ends with VACUUM ANALYZE, as a
// database that has lived a while would be.
func loadScale(tb testing.TB, env *webtest.Env, n int) {
	tb.Helper()
	loadScaleWith(tb, env, n, scaleOptions{})
}

// loadScaleWith is loadScale with options (BenchmarkDashboardScale: 20,000 filed
// institutions, so 24 months of reports each).
func loadScaleWith(tb testing.TB, env *webtest.Env, n int, opt scaleOptions) {
	tb.Helper()
	if opt.filed < 0 || opt.filed > n {
		tb.Fatalf("scale loader: %d filed of %d institutions", opt.filed, n)
	}
	ctx := context.Background()
	db, err := env.Store.SQLDB()
	if err != nil {
		tb.Fatal(err)
	}
	exec := func(q string, args ...any) {
		tb.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			tb.Fatalf("scale loader: %v\n%s", err, q)
		}
	}
	var first int64
	if err := db.QueryRowContext(ctx, "SELECT COALESCE(max(id), 0) + 1 FROM institutions").Scan(&first); err != nil {
		tb.Fatal(err)
	}
	exec(`INSERT INTO institutions (name, uscc, district_id, outstanding_balance, created_at, updated_at)
		SELECT '规模测试网络借贷信息中介' || lpad(g::text, 6, '0') || '号有限公司',
		       '9144' || lpad(($1::bigint + g)::text, 14, '0'),
		       d.ids[1 + g % array_length(d.ids, 1)], (g % 20) * 10000000000, now(), now()
		  FROM generate_series(1, $2::int) g,
		       (SELECT array_agg(id ORDER BY id) AS ids FROM divisions WHERE level = 'district') d`, first, n)
	states := make([]string, 0, len(scaleStates))
	for _, s := range scaleStates {
		if opt.filed == 0 || s != models.StateFiled {
			states = append(states, string(s))
		}
	}
	// one application each; due dates around the test clock's day (2026-11-23), some
	// passed, some none; the start of the state spread over two months
	exec(`INSERT INTO applications (institution_id, type_code, state, version, balance, submitted_at, state_since,
		    due_date, due_kind, due_label, created_at, updated_at)
		SELECT i.id, 'p2p_acceptance',
		       CASE WHEN i.id < (SELECT min(id) FROM institutions WHERE id >= $1) + $4::int THEN 'filed'
		            ELSE ($2::text[])[1 + (hashint8(i.id) & 2147483647) % array_length($2::text[], 1)] END,
		       $3::int + 1, i.outstanding_balance,
		       timestamptz '2026-09-01 09:00+08' + (i.id % 5000) * interval '17 minutes',
		       timestamptz '2026-10-01 09:00+08' + (h.v % 4000) * interval '19 minutes',
		       CASE WHEN h.v % 4 = 0 THEN NULL ELSE date '2026-11-05' + (h.v % 40)::int END,
		       CASE WHEN h.v % 4 = 0 THEN '' ELSE 'working' END,
		       CASE WHEN h.v % 4 = 0 THEN '' ELSE '审核办理期限' END,
		       timestamptz '2026-09-01 09:00+08', now()
		  FROM institutions i, LATERAL (SELECT hashint8(i.id + 7919) & 2147483647 AS v) h WHERE i.id >= $1`, first, states, scaleDecisions, opt.filed)
	loadScaleDecisions(tb, db, first)
	exec(`INSERT INTO notices (application_id, institution_id, start_date, end_date, days, status, created_at, updated_at)
		SELECT a.id, a.institution_id, date '2026-10-01' + (a.id % 50)::int, date '2026-10-01' + (a.id % 50)::int + 13, 14,
		       CASE WHEN a.state = 'public_notice' THEN 'active' ELSE 'ended' END, now(), now()
		  FROM applications a WHERE a.institution_id >= $1 AND a.state IN ('public_notice', 'signoff', 'certified', 'filed')`, first)
	exec(`INSERT INTO certificates (serial, application_id, institution_id, province_id, name, uscc, issue_date,
		    authority1, authority2, fingerprint, status, issued_by, created_at, updated_at)
		SELECT '粤-2026-S' || lpad(a.id::text, 8, '0'), a.id, a.institution_id,
		       (SELECT c.parent_id FROM divisions d JOIN divisions c ON c.id = d.parent_id WHERE d.id = i.district_id), i.name, i.uscc,
		       date '2026-11-01' + (a.id % 20)::int, '广东省地方金融监督管理局', '广州市地方金融监督管理局',
		       encode(sha256(a.id::text::bytea), 'hex'), 'valid', (SELECT id FROM users WHERE username = 'province1'), now(), now()
		  FROM applications a JOIN institutions i ON i.id = a.institution_id
		 WHERE a.institution_id >= $1 AND a.state IN ('certified', 'filed')`, first)
	exec(`INSERT INTO filings (application_id, institution_id, filing_number, filing_date, recorded_by, created_at)
		SELECT a.id, a.institution_id, '粤网贷备S' || lpad(a.id::text, 8, '0'), date '2026-11-10' + (a.id % 20)::int,
		       (SELECT id FROM users WHERE username = 'province2'), now()
		  FROM applications a WHERE a.institution_id >= $1 AND a.state = 'filed'`, first)
	loadScaleDisclosure(tb, env, db, first)
	// the rows above bypass the store's writers: recompute the dashboards' figures once
	if err := env.Store.RefreshDashboardFigures(ctx); err != nil {
		tb.Fatalf("scale loader: refreshing the dashboards' figures: %v", err)
	}
	// the disclosure judgement job (web/jobs/disclosure_judgement.go) has run since, as it
	// does every ten minutes: /disclosure reads the stored judgement (migration 00102)
	if err := env.Store.RefreshDisclosureJudgement(ctx, env.Clock.Now()); err != nil {
		tb.Fatal(err)
	}
	exec("VACUUM ANALYZE")
}

// loadScaleDecisions writes scaleDecisions history rows per loaded application, linked
// to the end of the existing chain, with COPY.
func loadScaleDecisions(tb testing.TB, db *sql.DB, firstInstitution int64) {
	tb.Helper()
	ctx := context.Background()
	type app struct {
		id    int64
		state string
	}
	rs, err := db.QueryContext(ctx, "SELECT id, state FROM applications WHERE institution_id >= $1 ORDER BY id", firstInstitution)
	if err != nil {
		tb.Fatal(err)
	}
	var apps []app
	for rs.Next() {
		var a app
		if err := rs.Scan(&a.id, &a.state); err != nil {
			tb.Fatal(err)
		}
		apps = append(apps, a)
	}
	rs.Close()
	var nextID int64
	prev := models.GenesisHash
	err = db.QueryRowContext(ctx, "SELECT COALESCE(max(id), 0) + 1, COALESCE((SELECT hash FROM decisions ORDER BY id DESC LIMIT 1), '') FROM decisions").Scan(&nextID, &prev)
	if err != nil {
		tb.Fatal(err)
	}
	if prev == "" {
		prev = models.GenesisHash
	}
	at := time.Date(2026, 9, 1, 1, 0, 0, 0, time.UTC)
	var rows [][]any
	for _, a := range apps {
		from := models.StateDraft
		for k := range scaleDecisions {
			to := models.StateDistrictReview
			ev := models.EventSubmit
			if k == scaleDecisions-1 {
				to, ev = models.State(a.state), models.Event("scale_load")
			} else if k > 0 {
				ev = models.Event("scale_step")
			}
			d := models.Decision{ID: nextID, ApplicationID: a.id, At: at, ActorName: "规模测试", Role: "system",
				Event: ev, FromState: from, ToState: to, PrevHash: prev}
			d.Hash = models.DecisionHash(d)
			rows = append(rows, []any{d.ID, d.ApplicationID, d.At, d.ActorName, d.Role, string(d.Event), string(d.FromState),
				string(d.ToState), "", "", d.PrevHash, d.Hash})
			prev, from = d.Hash, to
			nextID++
			at = at.Add(time.Second)
		}
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		_, err := pc.CopyFrom(ctx, pgx.Identifier{"decisions"},
			[]string{"id", "application_id", "at", "actor_name", "role", "event", "from_state", "to_state", "opinion", "attachments", "prev_hash", "hash"},
			pgx.CopyFromRows(rows))
		return err
	})
	if err != nil {
		tb.Fatalf("copying decisions: %v", err)
	}
	if _, err := db.ExecContext(ctx, fmt.Sprintf("SELECT setval('decisions_id_seq', %d)", nextID-1)); err != nil {
		tb.Fatal(err)
	}
}
