package web_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"portal/web/webtest"
)

// addFiledInstitutions adds n filed institutions to 天河区, each with two months of
// monthly reports, by SQL: more data for the same pages.
func addFiledInstitutions(t *testing.T, env *webtest.Env, n int) {
	t.Helper()
	db, err := env.Store.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	stmts := []string{
		`INSERT INTO institutions (name, uscc, district_id, outstanding_balance)
		 SELECT '规模测试机构' || g, 'T' || lpad(g::text, 17, '0'), (SELECT district_id FROM institutions ORDER BY id LIMIT 1), 0
		 FROM generate_series(1, $1) g`,
		`INSERT INTO applications (institution_id, state, state_since, submitted_at, created_at, updated_at)
		 SELECT id, 'filed', now(), now(), now(), now() FROM institutions WHERE name LIKE '规模测试机构%'`,
		`INSERT INTO filings (application_id, institution_id, filing_number, filing_date, recorded_by, created_at)
		 SELECT a.id, a.institution_id, 'GM-' || a.id, '2025-06-30', (SELECT id FROM users WHERE username = 'province1'), now()
		 FROM applications a JOIN institutions i ON i.id = a.institution_id WHERE i.name LIKE '规模测试机构%'`,
	}
	for i, s := range stmts {
		var err error
		if i == 0 {
			_, err = db.Exec(s, n)
		} else {
			_, err = db.Exec(s)
		}
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	_, err = db.Exec(`INSERT INTO disclosure_reports (institution_id, period, version, rule_set, source, submitted_at, due_at,
			cumulative_amount, cumulative_count, balance, balance_count, cumulative_lenders, cumulative_borrowers,
			current_lenders, current_borrowers, top10_share, largest_borrower_share, related_balance, related_count,
			overdue_amount, overdue_count, overdue90_amount, overdue90_count, compensation_amount, compensation_count,
			risk_reserve_balance, compensation_balance, prev_hash, hash)
		SELECT i.id, p.period, 1, 'national', 'seed', now(), now(), 100000, 10, 50000, 5, 10, 5, 3, 2, 10000, 1000, 0, 0,
			0, 0, 0, 0, 0, 0, 1000, 3000, '', md5(i.id::text || '-' || p.period)
		FROM institutions i CROSS JOIN (VALUES (202609), (202610)) AS p(period) WHERE i.name LIKE '规模测试机构%'`)
	if err != nil {
		t.Fatal(err)
	}
}

// TestDashboardStatementsDoNotGrow: each dashboard runs as many SQL statements with a
// few hundred more filed institutions, each with its reports, as without them.
func TestDashboardStatementsDoNotGrow(t *testing.T) {
	env := webtest.New(t)
	var mu sync.Mutex
	var stmts []string
	if err := env.Store.OnStatement("dashboard-count", func(sql string) {
		mu.Lock()
		stmts = append(stmts, sql)
		mu.Unlock()
	}); err != nil {
		t.Fatal(err)
	}
	c := env.Client(t)
	c.Login("province1", webtest.DemoPassword)
	var last = map[string][]string{}
	count := func(path string) int {
		c.Get(path) // warm: the calendar and the session are cached after the first request
		mu.Lock()
		stmts = nil
		mu.Unlock()
		resp, body := c.Get(path)
		if resp.StatusCode != 200 || !strings.Contains(body, "<main") {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		mu.Lock()
		defer mu.Unlock()
		if prev, ok := last[path]; ok && len(prev) != len(stmts) {
			t.Logf("%s before:\n%s\nafter:\n%s", path, strings.Join(prev, "\n"), strings.Join(stmts, "\n"))
		}
		last[path] = append([]string(nil), stmts...)
		return len(stmts)
	}
	paths := []string{"/dashboard", "/dashboard/disclosure", "/warnings"}
	before := map[string]int{}
	for _, p := range paths {
		before[p] = count(p)
	}
	addFiledInstitutions(t, env, 300)
	// written by SQL around the store's writers: the dashboards' figures are recomputed
	if err := env.Store.RefreshDashboardFigures(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Store.RunEarlyWarning(context.Background(), env.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		if after := count(p); after != before[p] || after == 0 {
			t.Errorf("%s: %d statements before, %d with 300 more institutions", p, before[p], after)
		}
	}
}
